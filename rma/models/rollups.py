"""Pre-aggregated figures for the agents' dashboard, kept by the services in the state change's
transaction, so the dashboard reads a few hundred rows at any number of cases.

Every row is a counter keyed by vendor and, except the status counts, by the day in the
vendor's time zone; a figure over a period is the sum of its days. The services add to them
with ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` (``rma/services/rollups.py``),
and ``manage.py rollups_rebuild`` recomputes them from the cases themselves.
"""

from __future__ import annotations

from django.db import models

from .base import TenantModel, money_field


class CaseKind(models.TextChoices):
    # Keys of the counters, never shown (the dashboard words its own labels).
    RETURN = "return", "Return"
    SOLUTION = "solution", "Warranty solution"
    ORDER_CHANGE = "order_change", "Order change"


class StatusCount(TenantModel):
    """How many of the vendor's cases of one kind are in one status now."""

    kind = models.CharField(max_length=16, choices=CaseKind.choices)
    status = models.CharField(max_length=20)
    cases = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "kind", "status"], name="rollup_status_key")
        ]


class ReturnDay(TenantModel):
    """Per day and reason: returns requested that day, and review SLAs breached that day."""

    day = models.DateField()
    scenario = models.CharField(max_length=20)
    requested = models.BigIntegerField(default=0)
    sla_breaches = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "scenario"], name="rollup_returnday_key"
            )
        ]


class ResolutionDay(TenantModel):
    """Returns resolved on a day, by how long they took: a histogram with geometric buckets.

    Bucket ``b`` holds durations in [BASE**b, BASE**(b+1)) minutes (bucket 0 also holds
    anything under a minute); the median read from it is within ``RESOLUTION_PRECISION``.
    """

    day = models.DateField()
    bucket = models.SmallIntegerField()
    resolved = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "bucket"], name="rollup_resolutionday_key"
            )
        ]


class SkuDay(TenantModel):
    """Per SKU and the day its orders were placed: units sold, and units of them returned."""

    day = models.DateField()
    sku = models.CharField(max_length=64)
    sold_units = models.BigIntegerField(default=0)
    returned_units = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "day", "sku"], name="rollup_skuday_key")
        ]


class RefundDay(TenantModel):
    """Money paid back on a day in one currency: refunded returns and completed solutions."""

    day = models.DateField()
    currency = models.CharField(max_length=3)
    refunds = models.BigIntegerField(default=0)
    amount = money_field(max_digits=18, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "currency"], name="rollup_refundday_key"
            )
        ]


class ClaimDay(TenantModel):
    """Units named in returns and claims on a day, by SKU, production batch and reason."""

    day = models.DateField()
    sku = models.CharField(max_length=64)
    batch = models.CharField(max_length=64)
    scenario = models.CharField(max_length=20)
    claims = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "sku", "batch", "scenario"], name="rollup_claimday_key"
            )
        ]


ROLLUP_MODELS = (StatusCount, ReturnDay, ResolutionDay, SkuDay, RefundDay, ClaimDay)
