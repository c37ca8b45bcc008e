"""Reads about units: a serial's warranty status, claims by SKU x batch x reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from rma.models import ReturnUnit, Unit
from tenancy.models import Vendor


@dataclass(frozen=True)
class WarrantyStatus:
    """What anyone may learn of a serial: nothing about who bought it or where it went."""

    serial: str
    sku: str
    market: str
    warranty_start: datetime | None
    warranty_end: datetime | None
    rule_id: str
    in_warranty: bool | None  # None: the policy gives this unit no known end
    replaces: str | None
    replaced_by: str | None

    def to_dict(self) -> dict:
        return {
            "serial": self.serial,
            "sku": self.sku,
            "market": self.market,
            "warranty_start": self.warranty_start.isoformat() if self.warranty_start else None,
            "warranty_end": self.warranty_end.isoformat() if self.warranty_end else None,
            "rule_id": self.rule_id,
            "in_warranty": self.in_warranty,
            "replaces": self.replaces,
            "replaced_by": self.replaced_by,
        }


def unit_get(*, vendor: Vendor, serial: str) -> Unit | None:
    serial = (serial or "").strip()
    if not serial or len(serial) > 64:
        return None
    return (
        Unit.objects.filter(vendor=vendor, serial=serial)
        .select_related("replaces", "replaced_by")
        .first()
    )


def unit_warranty_status(
    *, vendor: Vendor, serial: str, now: datetime | None = None
) -> WarrantyStatus | None:
    unit = unit_get(vendor=vendor, serial=serial)
    if unit is None:
        return None
    now = now or timezone.now()
    replaced_by = getattr(unit, "replaced_by", None)
    end = unit.warranty_end
    return WarrantyStatus(
        serial=unit.serial,
        sku=unit.sku,
        market=str(unit.market or ""),
        warranty_start=unit.warranty_start,
        warranty_end=end,
        rule_id=unit.warranty_rule_id,
        in_warranty=None if end is None else (now <= end and replaced_by is None),
        replaces=unit.replaces.serial if unit.replaces else None,
        replaced_by=replaced_by.serial if replaced_by else None,
    )


@dataclass(frozen=True)
class ClaimCount:
    sku: str
    batch: str
    reason: str  # the claim's scenario, such as quality_defect or warranty_claim
    claims: int


def claims_by_sku_batch_reason(*, vendor: Vendor, since: datetime) -> list[ClaimCount]:
    """Claimed units since ``since`` counted by SKU x production batch x scenario, most first.

    One aggregate query over the units claims name; a claim counts once per unit it names.
    """
    rows = (
        ReturnUnit.objects.filter(
            vendor=vendor, unit__isnull=False, request__requested_at__gte=since
        )
        .values("unit__sku", "unit__batch", "request__scenario")
        .annotate(n=Count("request", distinct=True))
        .order_by("-n", "unit__sku", "unit__batch", "request__scenario")
    )
    return [
        ClaimCount(r["unit__sku"], r["unit__batch"], r["request__scenario"], r["n"]) for r in rows
    ]
