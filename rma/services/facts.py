"""Translate model rows into the plain facts the pure policies understand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from policies.base import (
    Attestation,
    DeadlineName,
    EvidenceKind,
    LineFacts,
    OrderFacts,
    RequestFacts,
    RequestKind,
    Scenario,
    UnitFacts,
)
from policies.registry import get_policy
from rma.models import Order, ReturnLine, ReturnRequest, ReturnStatus, ReturnUnit, Unit
from rma.models.returns import RETURN_OPEN


def claimed_quantities(order: Order) -> dict[int, int]:
    """Units per order line that return requests still hold: open requests, and closed ones
    that refunded the units or lost the return right (waived). A rejected or cancelled
    request, or one closed with a replacement, leaves the customer holding a unit again."""
    held = Q(request__status__in=sorted(RETURN_OPEN)) | Q(request__status=ReturnStatus.WAIVED)
    held |= Q(request__refunded_at__isnull=False)
    rows = (
        ReturnLine.objects.filter(held, order_line__order=order)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["order_line_id"]: int(row["total"]) for row in rows}


def order_facts(order: Order) -> OrderFacts:
    claimed = claimed_quantities(order) if order.pk else {}
    return OrderFacts(
        number=order.number,
        currency=order.currency,
        placed_at=order.placed_at,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        country_of_purchase=str(order.country_of_purchase),
        purchase_channel=order.purchase_channel,
        is_corporate=order.is_corporate,
        lines=tuple(
            LineFacts(
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                purchase_cost=line.purchase_cost,
                export_postage=line.export_postage,
                warranty_months=line.warranty_months,
                already_claimed=claimed.get(line.pk, 0),
            )
            for line in order.lines.all()
        ),
        has_tracking_number=bool(order.tracking_number),
    )


def return_facts(
    *,
    scenario: str,
    at: datetime,
    lines: Iterable[tuple[str, int]] = (),
    evidence: Mapping[str, int] | None = None,
    attestations: Iterable[str] = (),
    current_country: str = "",
    complex_case: bool = False,
    received_item_price: Decimal | None = None,
    follows: ReturnRequest | None = None,
    comment: str = "",
    evidence_due_later: bool = False,
    units: Iterable[UnitFacts] = (),
    history=None,
) -> RequestFacts:
    """``history`` (a ``units.LineHistory``) stands in for ``follows`` when the customer did
    not name the earlier case: the order's own history says what it did."""
    replaced_at = original_end = None
    fully_refunded = False
    if follows is None and history is not None:
        replaced_at = history.replaced_at
        original_end = history.original_warranty_end
        fully_refunded = history.fully_refunded
    if follows is not None:
        replaced_at = follows.replaced_at
        fully_refunded = follows.status == "refunded"
        original_end = _warranty_end_of(follows)
    return RequestFacts(
        kind=RequestKind.RETURN,
        at=at,
        scenario=Scenario(scenario),
        lines=tuple(lines),
        evidence={EvidenceKind(k): n for k, n in (evidence or {}).items()},
        attestations=frozenset(Attestation(a) for a in attestations),
        current_country=current_country or None,
        complex_case=complex_case,
        received_item_price=received_item_price,
        units=tuple(units),
        replaced_at=replaced_at,
        original_warranty_end=original_end,
        fully_refunded=fully_refunded,
        comment=comment,
        evidence_due_later=evidence_due_later,
    )


def request_facts_for(rr: ReturnRequest, *, at: datetime) -> RequestFacts:
    """Facts of a stored request, as they stand now (evidence counted from its rows)."""
    counts: dict[str, int] = {}
    for kind in rr.evidence.values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    return return_facts(
        scenario=rr.scenario,
        at=at,
        lines=[
            (line.order_line.sku, line.quantity) for line in rr.lines.select_related("order_line")
        ],
        evidence=counts,
        attestations=rr.attestations,
        current_country=rr.current_country,
        complex_case=rr.complex_case,
        received_item_price=rr.received_item_price,
        follows=rr.follows,
        comment=rr.reason,
        units=[
            unit_facts(cu.unit)
            for cu in rr.claim_units.select_related("unit")
            if cu.unit_id is not None
        ],
    )


def unit_facts(unit: Unit) -> UnitFacts:
    """A unit's own history: its warranty end (set through replacements), refund, market."""
    # A refund without an inspection ratio below one is a full refund of the unit: one that
    # named it, or one that refunded every unit of its order line without naming any.
    refunded = (
        ReturnUnit.objects.filter(unit=unit, request__refunded_at__isnull=False)
        .exclude(request__inspection_ratio__lt=1)
        .exists()
    )
    if not refunded and unit.order_line_id is not None:
        full = (
            ReturnLine.objects.filter(
                order_line_id=unit.order_line_id, request__refunded_at__isnull=False
            )
            .exclude(request__inspection_ratio__lt=1)
            .values_list("quantity", flat=True)
        )
        refunded = sum(full) >= unit.order_line.quantity
    return UnitFacts(
        serial=unit.serial,
        sku=unit.sku,
        market=str(unit.market or ""),
        warranty_end=unit.warranty_end,
        fully_refunded=refunded,
        replaced_at=unit.warranty_start if unit.replaces_id else None,
    )


def _warranty_end_of(rr: ReturnRequest) -> datetime | None:
    for deadline in rr.decision.get("deadlines", []):
        if deadline.get("name") == DeadlineName.WARRANTY_END:
            return datetime.fromisoformat(deadline["at"])
    return None


def case_policy(rr: ReturnRequest):
    """The vendor's policy with the settings in force when this request was decided (stored
    with the case), so what the customer was told (a keep share, a shipping window, a refund
    delay) is what the case later pays and asks; a request stored before settings were kept
    with it, or whose settings the policy no longer reads, gets today's."""
    vendor = rr.vendor
    readings = (rr.decision or {}).get("settings")
    if readings is None or rr.decision.get("policy_key", vendor.policy_key) != vendor.policy_key:
        return vendor.get_policy()
    try:
        return get_policy(
            vendor.policy_key,
            readings,
            timezone=vendor.time_zone,
            country=str(vendor.operating_country),
        )
    except (KeyError, ValueError, TypeError):
        return vendor.get_policy()
