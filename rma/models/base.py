"""Shared pieces of tenant models: the vendor foreign key and the scoped manager."""

from __future__ import annotations

from django.db import models

from tenancy.models import TenantModel

__all__ = ["TenantModel", "money_field"]


def money_field(**kwargs) -> models.DecimalField:
    """Money is Decimal with two places; the currency lives on the order."""
    kwargs.setdefault("max_digits", 12)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)
