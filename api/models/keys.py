"""Per-vendor API keys: named, shown once, stored as a hash, revocable, with a last-used time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class ApiKey(models.Model):
    """One credential of one vendor's integration; the secret itself is never stored."""

    vendor = models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("vendor"),
    )
    name = models.CharField(
        max_length=100,
        help_text=_("Says which integration uses it, e.g. “Shopify sync”."),
        verbose_name=_("name"),
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False, verbose_name=_("prefix"))
    key_hash = models.CharField(max_length=64, editable=False, verbose_name=_("key hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last used at")
    )
    revoked_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("revoked at")
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
