"""Self-service access: the emailed, password-protected link that opens one order's returns."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TenantModel
from .orders import Order


class ReturnAccess(TenantModel):
    """A link mailed to an order's customer; with its password it opens that order only."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("order")
    )
    email = models.EmailField(help_text=_("Where the link was sent."), verbose_name=_("email"))
    token = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("token"))
    password_hash = models.CharField(
        max_length=256, editable=False, verbose_name=_("password hash")
    )
    language = models.CharField(max_length=8, default="en", verbose_name=_("language"))
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    expires_at = models.DateTimeField(editable=False, verbose_name=_("expires at"))
    used_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Last successful sign-in."),
        verbose_name=_("used at"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("return access link")
        verbose_name_plural = _("return access links")
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
