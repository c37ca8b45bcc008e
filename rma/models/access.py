"""Self-service access: the emailed, password-protected link that opens one order's returns."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TenantModel
from .orders import Order


class ReturnAccess(TenantModel):
    """A link mailed to an order's customer; with its password it opens that order only."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="accesses")
    email = models.EmailField(help_text=_("Where the link was sent."))
    token = models.CharField(max_length=64, unique=True, editable=False)
    password_hash = models.CharField(max_length=256, editable=False)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    used_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("Last successful sign-in.")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("return access link")
        indexes = [
            models.Index(fields=["expires_at"], name="returnaccess_expires"),
            models.Index(
                fields=["vendor", "-created_at", "-id"], name="returnaccess_vendor_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number} → {self.email}"

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at
