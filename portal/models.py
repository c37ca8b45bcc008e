"""Where a vendor's portal can be reached: the host names that serve it at their root."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_host(value: str) -> None:
    if not HOST_RE.match(value):
        raise ValidationError(
            _(
                "“%(host)s” is not a host name; enter only the name, such as "
                "service.example.com (no https://, port or path)."
            ),
            params={"host": value},
        )


class VendorDomain(models.Model):
    """A host name that serves one vendor's portal at its root (``/`` is the vendor's home)."""

    vendor = models.ForeignKey(
        "tenancy.Vendor", on_delete=models.CASCADE, related_name="domains", verbose_name=_("vendor")
    )
    host = models.CharField(
        max_length=253,
        unique=True,
        validators=[validate_host],
        help_text=_("Lower-case host name, e.g. service.example.com; it must be in ALLOWED_HOSTS."),
        verbose_name=_("host"),
    )
    use_in_links = models.BooleanField(
        default=False,
        help_text=_("Emails, buttons and API links use this host instead of the shared one."),
        verbose_name=_("use in links"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["host"]
        verbose_name = _("portal host name")
        verbose_name_plural = _("portal host names")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"],
                condition=models.Q(use_in_links=True),
                name="vendordomain_one_link_host_per_vendor",
            ),
        ]

    def __str__(self) -> str:
        return self.host

    def save(self, *args, **kwargs) -> None:
        self.host = self.host.strip().lower().rstrip(".")
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        # Host names are case-insensitive; one spelling keeps the unique constraint honest.
        self.host = (self.host or "").strip().lower().rstrip(".")
        super().clean_fields(exclude)
