"""Pre-aggregated figures for the agents' dashboard, kept by the services in the state change's
transaction, so the dashboard reads a few hundred rows at any number of cases.

Every row is a counter keyed by vendor and, except the status counts, by the day in the
vendor's time zone; a figure over a period is the sum of its days. The services add to them
with ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` (``rma/services/rollups.py``),
and ``manage.py rollups_rebuild`` recomputes them from the cases themselves.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel, money_field


class CaseKind(models.TextChoices):
    # Keys of the counters, never shown (the dashboard words its own labels).
    RETURN = "return", "Return"
    SOLUTION = "solution", "Warranty solution"
    ORDER_CHANGE = "order_change", "Order change"


class StatusCount(TenantModel):
    """How many of the vendor's cases of one kind are in one status now."""

    kind = models.CharField(max_length=16, choices=CaseKind.choices, verbose_name=_("kind"))
    status = models.CharField(max_length=20, verbose_name=_("status"))
    cases = models.BigIntegerField(default=0, verbose_name=_("cases"))

    class Meta:
        verbose_name = _("status count")
        verbose_name_plural = _("status counts")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "kind", "status"], name="rollup_status_key")
        ]


class ReturnDay(TenantModel):
    """Per day and reason: returns requested that day, and review SLAs breached that day."""

    day = models.DateField(verbose_name=_("day"))
    scenario = models.CharField(max_length=20, verbose_name=_("scenario"))
    requested = models.BigIntegerField(default=0, verbose_name=_("requested"))
    sla_breaches = models.BigIntegerField(default=0, verbose_name=_("SLA breaches"))

    class Meta:
        verbose_name = _("return day")
        verbose_name_plural = _("return days")
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

    day = models.DateField(verbose_name=_("day"))
    bucket = models.SmallIntegerField(verbose_name=_("bucket"))
    resolved = models.BigIntegerField(default=0, verbose_name=_("resolved"))

    class Meta:
        verbose_name = _("resolution day")
        verbose_name_plural = _("resolution days")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "bucket"], name="rollup_resolutionday_key"
            )
        ]


class SkuDay(TenantModel):
    """Per SKU and the day its orders were placed: units sold, and units of them returned."""

    day = models.DateField(verbose_name=_("day"))
    sku = models.CharField(max_length=64, verbose_name=_("SKU"))
    sold_units = models.BigIntegerField(default=0, verbose_name=_("sold units"))
    returned_units = models.BigIntegerField(default=0, verbose_name=_("returned units"))

    class Meta:
        verbose_name = _("SKU day")
        verbose_name_plural = _("SKU days")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "day", "sku"], name="rollup_skuday_key")
        ]


class RefundDay(TenantModel):
    """Money paid back on a day in one currency: refunded returns and completed solutions."""

    day = models.DateField(verbose_name=_("day"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    refunds = models.BigIntegerField(default=0, verbose_name=_("refunds"))
    amount = money_field(max_digits=18, default=0, verbose_name=_("amount"))

    class Meta:
        verbose_name = _("refund day")
        verbose_name_plural = _("refund days")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "currency"], name="rollup_refundday_key"
            )
        ]


class ClaimDay(TenantModel):
    """Units named in returns and claims on a day, by SKU, production batch and reason."""

    day = models.DateField(verbose_name=_("day"))
    sku = models.CharField(max_length=64, verbose_name=_("SKU"))
    batch = models.CharField(max_length=64, verbose_name=_("batch"))
    scenario = models.CharField(max_length=20, verbose_name=_("scenario"))
    claims = models.BigIntegerField(default=0, verbose_name=_("claims"))

    class Meta:
        verbose_name = _("claim day")
        verbose_name_plural = _("claim days")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "day", "sku", "batch", "scenario"], name="rollup_claimday_key"
            )
        ]


ROLLUP_MODELS = (StatusCount, ReturnDay, ResolutionDay, SkuDay, RefundDay, ClaimDay)
