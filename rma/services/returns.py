"""Return requests and RMAs: one function per transition, each asking the vendor's policy."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from policies.base import Deadline
from rma.models import Order, OrderLine, ReturnLine, ReturnRequest, ReturnStatus
from rma.models.returns import Scenario

from .base import Actor, DomainError, PolicyRefusal, guard, lock, record_event, transition
from .facts import order_facts, request_facts_for, return_facts

R = ReturnStatus


def _rule_ids(findings: Iterable) -> list[str]:
    return sorted({f.rule_id for f in findings})


def _deadline_map(deadlines) -> dict[str, datetime]:
    return {d.name: d.at for d in deadlines}


@transaction.atomic
def return_create(
    *,
    order: Order,
    scenario: str,
    lines: Sequence[tuple[OrderLine, int]],
    actor: Actor,
    reason: str = "",
    attestations: Iterable[str] = (),
    current_country: str = "",
    wrong_item_option: str = "",
    received_item_price: Decimal | None = None,
    follows: ReturnRequest | None = None,
    at: datetime | None = None,
) -> ReturnRequest:
    """Open a request if the policy allows it now; a refusal raises and saves nothing."""
    at = at or timezone.now()
    if scenario not in Scenario.values:
        raise DomainError(f"Unknown scenario {scenario!r}; choose one of {Scenario.values}.")
    if not lines:
        raise DomainError("Pick at least one item of the order to return.")
    for order_line, quantity in lines:
        if order_line.order_id != order.pk:
            raise DomainError(f"Item {order_line.sku} is not part of order {order.number}.")
        if not 1 <= quantity <= order_line.quantity:
            raise DomainError(
                f"Quantity for {order_line.sku} must be between 1 and {order_line.quantity}."
            )
    if follows is not None and follows.order_id != order.pk:
        raise DomainError("A follow-up claim must be about the same order.")
    attestations = sorted(set(attestations))
    policy = order.vendor.get_policy()
    facts = return_facts(
        scenario=scenario,
        at=at,
        lines=[(ol.sku, qty) for ol, qty in lines],
        attestations=attestations,
        current_country=current_country,
        received_item_price=received_item_price,
        follows=follows,
        comment=reason,
        evidence_due_later=True,
    )
    ofacts = order_facts(order)
    decision = policy.decide(ofacts, facts)
    if not decision.allowed:
        raise PolicyRefusal(decision)
    deadlines = policy.deadlines(ofacts, facts)
    review = policy.review_due(at)
    stored = decision.to_dict()
    stored["deadlines"] = [
        {"name": d.name, "at": d.at.isoformat(), "rule_id": d.rule_id, "label": d.label}
        for d in deadlines
    ]
    return_required = not (scenario == Scenario.WRONG_ITEM and wrong_item_option == "keep")
    rr = ReturnRequest.objects.create(
        vendor_id=order.vendor_id,
        public_id=uuid.uuid4(),
        order=order,
        customer=order.customer,
        follows=follows,
        scenario=scenario,
        reason=reason,
        attestations=attestations,
        current_country=current_country,
        wrong_item_option=wrong_item_option,
        received_item_price=received_item_price,
        decision=stored,
        policy_version=decision.policy_version,
        requested_at=at,
        review_due=review.at if review else None,
        return_required=return_required,
    )
    ReturnLine.objects.bulk_create(
        ReturnLine(vendor_id=order.vendor_id, request=rr, order_line=ol, quantity=qty)
        for ol, qty in lines
    )
    record_event(
        subject=rr,
        action="requested",
        actor=actor,
        to_status=R.REQUESTED,
        note=reason,
        rule_ids=_rule_ids(decision.findings),
        data={"decision": stored},
    )
    return rr


@transaction.atomic
def return_start_review(*, return_request: ReturnRequest, actor: Actor) -> ReturnRequest:
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_start_review(), rr, "start the review")
    transition(rr, R.UNDER_REVIEW, action="review_started", actor=actor)
    return rr


@transaction.atomic
def return_flag_complex(*, return_request: ReturnRequest, actor: Actor) -> ReturnRequest:
    """Mark a case complex, which gives the review more working days (MKT-9)."""
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_flag_complex(), rr, "flag the case complex")
    review = rr.vendor.get_policy().review_due(rr.requested_at, complex_case=True)
    rr.complex_case = True
    rr.review_due = review.at if review else None
    rr.save(update_fields=["complex_case", "review_due", "updated_at"])
    record_event(
        subject=rr,
        action="flagged_complex",
        actor=actor,
        rule_ids=[review.rule_id] if review else [],
        data={"review_due": rr.review_due.isoformat() if rr.review_due else None},
    )
    return rr


@transaction.atomic
def return_approve(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None
) -> ReturnRequest:
    """Approve: the policy checks the evidence, then the RMA number and ship-by are set."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_approve(), rr, "approve")
    policy = rr.vendor.get_policy()
    evidence = request_facts_for(rr, at=at).evidence
    findings = policy.check_evidence(rr.scenario, evidence)
    missing = [f for f in findings if not f.ok]
    if missing:
        raise DomainError(
            "The evidence is not complete: " + " ".join(f.message for f in missing),
            findings=[{"rule_id": f.rule_id, "ok": f.ok, "message": f.message} for f in missing],
            code="evidence_incomplete",
        )
    fields: dict = {"approved_at": at, "rma_number": _allocate_rma_number(rr)}
    rule_ids = _rule_ids(findings)
    if rr.return_required:
        ship_by = ship_deadline(policy, rr, approved_at=at)
        if ship_by is not None:
            fields["ship_by"] = ship_by.at
            fields["ship_remind_at"] = policy.reminder_before(ship_by)
            rule_ids.append(ship_by.rule_id)
    transition(
        rr,
        R.APPROVED,
        action="approved",
        actor=actor,
        fields=fields,
        rule_ids=rule_ids,
        data={"rma_number": fields["rma_number"]},
    )
    return rr


def _allocate_rma_number(rr: ReturnRequest) -> str:
    """Reserve a random unique number; the unique constraint settles a rare collision."""
    for _attempt in range(10):
        number = f"RMA{secrets.randbelow(10**9):09d}"
        try:
            with transaction.atomic():
                ReturnRequest.objects.filter(pk=rr.pk).update(rma_number=number)
        except IntegrityError:
            continue
        return number
    raise DomainError("Could not allocate a unique RMA number; please try again.")


@transaction.atomic
def return_reject(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    reason: str,
    rule_ids: Iterable[str] = (),
) -> ReturnRequest:
    """Refuse a request; the reason (and the rule ids it cites) reach the customer."""
    if not reason.strip():
        raise DomainError("Give the customer a reason for the rejection.")
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_reject(), rr, "reject")
    transition(rr, R.REJECTED, action="rejected", actor=actor, note=reason, rule_ids=rule_ids)
    return rr


@transaction.atomic
def return_mark_shipped(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    carrier: str,
    tracking_number: str,
    at: datetime | None = None,
) -> ReturnRequest:
    """Record the return parcel; the policy accepts only its carriers' formats (MKT-2)."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_mark_shipped(), rr, "add a tracking number")
    tracking_number = tracking_number.strip()
    finding = rr.vendor.get_policy().check_tracking(carrier or None, tracking_number)
    if not finding.ok:
        raise DomainError(
            finding.message,
            findings=[{"rule_id": finding.rule_id, "ok": False, "message": finding.message}],
            code="tracking_refused",
        )
    transition(
        rr,
        R.SHIPPED,
        action="shipped",
        actor=actor,
        fields={"carrier": carrier, "tracking_number": tracking_number, "shipped_at": at},
        rule_ids=[finding.rule_id],
        data={"carrier": carrier, "tracking_number": tracking_number},
    )
    return rr


@transaction.atomic
def return_mark_received(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None, note: str = ""
) -> ReturnRequest:
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_mark_received(), rr, "mark the parcel received")
    transition(
        rr,
        R.RECEIVED,
        action="received",
        actor=actor,
        fields={"received_at": at or timezone.now()},
        note=note,
    )
    return rr


@transaction.atomic
def return_record_inspection(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    note: str = "",
    ratio: Decimal | None = None,
    at: datetime | None = None,
) -> ReturnRequest:
    """Record what the warehouse found; ``ratio`` reduces the refund for bad packaging (MKT-8)."""
    if ratio is not None and not Decimal("0") <= ratio <= Decimal("1"):
        raise DomainError("The refund ratio must be between 0 and 1 (for example 0.8).")
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_inspect(), rr, "record the inspection")
    transition(
        rr,
        R.INSPECTED,
        action="inspected",
        actor=actor,
        fields={
            "inspected_at": at or timezone.now(),
            "inspection_note": note,
            "inspection_ratio": ratio,
        },
        note=note,
        data={"ratio": str(ratio) if ratio is not None else None},
    )
    return rr


def refund_preview(rr: ReturnRequest, *, at: datetime | None = None):
    """The itemised refund the policy would pay now, without changing anything."""
    at = at or timezone.now()
    policy = rr.vendor.get_policy()
    return policy.refund(
        order_facts(rr.order),
        request_facts_for(rr, at=at),
        ratio=rr.inspection_ratio,
        wrong_item_option=rr.wrong_item_option or None,
        received_on=rr.received_at,
    )


@transaction.atomic
def return_refund(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None
) -> ReturnRequest:
    """Pay the refund or compensation the policy computes, itemised by rule id."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_refund(), rr, "refund")
    breakdown = refund_preview(rr, at=at)
    transition(
        rr,
        R.REFUNDED,
        action="refunded",
        actor=actor,
        fields={
            "refund_breakdown": breakdown.to_dict(),
            "refund_amount": breakdown.total,
            "refunded_at": at,
        },
        rule_ids=[line.rule_id for line in breakdown.lines],
        data={"total": str(breakdown.total), "currency": breakdown.currency},
    )
    return rr


@transaction.atomic
def return_replace(
    *, return_request: ReturnRequest, actor: Actor, note: str = "", at: datetime | None = None
) -> ReturnRequest:
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_replace(), rr, "send a replacement")
    transition(
        rr,
        R.REPLACED,
        action="replaced",
        actor=actor,
        fields={"replaced_at": at or timezone.now()},
        note=note,
    )
    return rr


@transaction.atomic
def return_close(
    *, return_request: ReturnRequest, actor: Actor, note: str = "", at: datetime | None = None
) -> ReturnRequest:
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_close(), rr, "close")
    transition(
        rr,
        R.CLOSED,
        action="closed",
        actor=actor,
        fields={"closed_at": at or timezone.now()},
        note=note,
    )
    return rr


@transaction.atomic
def return_cancel(
    *, return_request: ReturnRequest, actor: Actor, note: str = "", at: datetime | None = None
) -> ReturnRequest:
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_cancel(), rr, "cancel")
    transition(
        rr,
        R.CANCELLED,
        action="cancelled",
        actor=actor,
        fields={"closed_at": at or timezone.now()},
        note=note,
    )
    return rr


@transaction.atomic
def return_waive(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None
) -> ReturnRequest:
    """Waive the return right of an approved return not shipped by its ship-by date."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_waive(), rr, "waive the return")
    if rr.ship_by is None or at <= rr.ship_by:
        raise DomainError("The ship-by date has not passed; the return cannot be waived yet.")
    ship_by = ship_deadline(rr.vendor.get_policy(), rr, approved_at=rr.approved_at)
    transition(
        rr,
        R.WAIVED,
        action="waived",
        actor=actor,
        fields={"closed_at": at},
        note=f"Not shipped by {rr.ship_by.isoformat()}.",
        rule_ids=[ship_by.rule_id] if ship_by else [],
    )
    return rr


@transaction.atomic
def return_review_sla_breach(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None
) -> ReturnRequest:
    """Flag a request whose review is overdue (MKT-9); the status does not change."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    if rr.sla_breached_at is not None or rr.status not in (R.REQUESTED, R.UNDER_REVIEW):
        return rr
    if rr.review_due is None or at <= rr.review_due:
        raise DomainError("The review is not overdue yet.")
    rr.sla_breached_at = at
    rr.save(update_fields=["sla_breached_at", "updated_at"])
    review = rr.vendor.get_policy().review_due(rr.requested_at, complex_case=rr.complex_case)
    record_event(
        subject=rr,
        action="review_overdue",
        actor=actor,
        rule_ids=[review.rule_id] if review else [],
        data={"review_due": rr.review_due.isoformat()},
    )
    return rr


def ship_deadline(policy, rr: ReturnRequest, *, approved_at: datetime):
    """The earliest shipping deadline the policy gave: its ship-by after approval (MKT-10), or
    a return-by fixed when the request was made (MKT-7's working days), if that is earlier.

    A return-by that passed before the approval cannot bind: nothing may be shipped without
    the RMA number (MKT-1).
    """
    candidates = [d for d in (policy.ship_by(approved_at),) if d is not None]
    for stored in rr.decision.get("deadlines", []):
        if stored.get("name") == "return_by":
            at = datetime.fromisoformat(stored["at"])
            if at > approved_at:
                candidates.append(
                    Deadline(stored["name"], at, stored.get("rule_id", ""), stored.get("label", ""))
                )
    return min(candidates, key=lambda d: d.at, default=None)


@transaction.atomic
def return_ship_reminder(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None
) -> ReturnRequest:
    """Remind the customer once, before the ship-by date, to send the approved return (MKT-10)."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    if rr.ship_reminded_at is not None:
        return rr
    guard(rr.status == R.APPROVED and rr.return_required, rr, "remind the customer to ship")
    if rr.ship_remind_at is None or at < rr.ship_remind_at:
        raise DomainError("The shipping reminder is not due yet.")
    rr.ship_reminded_at = at
    rr.save(update_fields=["ship_reminded_at", "updated_at"])
    deadline = ship_deadline(rr.vendor.get_policy(), rr, approved_at=rr.approved_at)
    record_event(
        subject=rr,
        action="ship_reminder_sent",
        actor=actor,
        rule_ids=[deadline.rule_id] if deadline else [],
        data={"ship_by": rr.ship_by.isoformat() if rr.ship_by else None},
    )
    return rr
