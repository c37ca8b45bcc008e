"""Claim integrity: the facts a new claim's serials and customer show, asked of the vendor's
policy, and stored as flags on the claim for agents (they refuse only where the policy says)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from policies.base import IntegrityFacts, IntegrityFlag, Policy
from policies.integrity import UnitIntegrityFacts
from rma.models import ClaimFlag, Order, ReturnRequest, ReturnStatus, ReturnUnit, Unit
from rma.models.returns import RETURN_OPEN

from .base import DomainError
from .units import ClaimedUnits

NOT_COUNTED = (ReturnStatus.REJECTED, ReturnStatus.CANCELLED)


def _unit_facts(order: Order, serial: str, unit: Unit | None) -> UnitIntegrityFacts:
    earlier = list(
        ReturnUnit.objects.filter(vendor_id=order.vendor_id, serial=serial)
        .exclude(request__status__in=NOT_COUNTED)
        .values_list("request__status", flat=True)
    )
    open_claims = sum(1 for status in earlier if status in RETURN_OPEN)
    if unit is None:
        return UnitIntegrityFacts(
            serial=serial,
            known=False,
            sold_by_vendor=False,
            open_claims=open_claims,
            completed_claims=len(earlier) - open_claims,
        )
    owner = unit.order_line.order.customer_id if unit.order_line_id else None
    registered_by = unit.registration.customer_id if hasattr(unit, "registration") else None
    others = {c for c in (owner, registered_by) if c is not None} - {order.customer_id}
    return UnitIntegrityFacts(
        serial=serial,
        known=True,
        sold_by_vendor=unit.order_line_id is not None and unit.source != Unit.Source.REGISTRATION,
        market=str(unit.market or ""),
        open_claims=open_claims,
        completed_claims=len(earlier) - open_claims,
        other_customer=bool(others),
    )


def claim_integrity(
    *,
    policy: Policy,
    order: Order,
    claimed: ClaimedUnits,
    current_country: str,
    at: datetime,
) -> tuple[IntegrityFlag, ...]:
    """The flags a claim about to be created would carry; a blocking flag refuses it."""
    days = policy.settings.claims_flag_days
    earlier = (
        ReturnRequest.objects.filter(
            vendor_id=order.vendor_id,
            customer_id=order.customer_id,
            requested_at__gte=at - timedelta(days=days),
        ).count()
        if policy.settings.claims_flag_count
        else 0
    )
    units = [_unit_facts(order, u.serial, u) for u in claimed.units]
    units += [_unit_facts(order, s, None) for s in claimed.unknown]
    facts = IntegrityFacts(
        units=tuple(units),
        claim_country=current_country or str(order.country_of_purchase),
        claims_in_period=earlier + 1,
    )
    flags = policy.check_integrity(facts)
    blocking = [f for f in flags if f.blocking]
    if blocking:
        raise DomainError(
            " ".join(f.finding.message for f in blocking),
            findings=[f.finding.to_dict() for f in blocking],
            code="policy_refused",
        )
    return flags


def claim_flags_record(
    *, return_request: ReturnRequest, flags: Sequence[IntegrityFlag]
) -> list[ClaimFlag]:
    """Keep the flags with the claim as they were when it was made."""
    return ClaimFlag.objects.bulk_create(
        ClaimFlag(
            vendor_id=return_request.vendor_id,
            request=return_request,
            kind=f.check.value,
            serial=f.serial,
            rule_id=f.finding.rule_id,
            message=f.finding.text.to_dict() if f.finding.text else {"id": f.finding.message},
            figures=dict(f.finding.figures),
            blocking=f.blocking,
        )
        for f in flags
    )
