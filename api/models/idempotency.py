"""What a POST with an Idempotency-Key answered, so a retried request gets the same answer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class IdempotencyRecord(models.Model):
    class Status(models.TextChoices):
        IN_FLIGHT = "in_flight", "In flight"
        DONE = "done", "Done"

    vendor = models.ForeignKey(
        "tenancy.Vendor", on_delete=models.CASCADE, related_name="+", verbose_name=_("vendor")
    )
    key = models.CharField(max_length=255, verbose_name=_("key"))
    request_hash = models.CharField(max_length=64, verbose_name=_("request hash"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.IN_FLIGHT, verbose_name=_("status")
    )
    response_status = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("response status")
    )
    # JSON as text: PostgreSQL's jsonb refuses \u0000, which an error message may echo back.
    response_body = models.TextField(blank=True, default="", verbose_name=_("response body"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "key"], name="idempotency_unique_vendor_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
