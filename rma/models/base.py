"""Shared pieces of tenant models: the vendor foreign key and the scoped manager."""

from __future__ import annotations

from django.db import models
from django_scopes import ScopedManager


class TenantModel(models.Model):
    """A row that belongs to exactly one vendor; queries outside a vendor scope raise."""

    vendor = models.ForeignKey("tenancy.Vendor", on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager(vendor="vendor")

    class Meta:
        abstract = True


def money_field(**kwargs) -> models.DecimalField:
    """Money is Decimal with two places; the currency lives on the order."""
    kwargs.setdefault("max_digits", 12)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)
