"""What a POST with an Idempotency-Key answered, so a retried request gets the same answer."""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager


class IdempotencyRecord(models.Model):
    class Status(models.TextChoices):
        IN_FLIGHT = "in_flight", "In flight"
        DONE = "done", "Done"

    vendor = models.ForeignKey("tenancy.Vendor", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # JSON as text: PostgreSQL's jsonb refuses \u0000, which an error message may echo back.
    response_body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "key"], name="idempotency_unique_vendor_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
