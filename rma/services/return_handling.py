"""After approval: the parcel's way back, inspection, money, and the ship-by deadline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from policies.base import Deadline, DeadlineName
from policies.vocabulary import Message, ParamKind, msg, typed
from rma.messages import NOTE_MESSAGE
from rma.models import ReturnRequest, ReturnStatus

from .base import (
    RETURN_PREFETCH,
    RETURN_RELATED,
    Actor,
    BatchResult,
    DomainError,
    EventEntry,
    guard,
    lock,
    move_many,
    record_event,
    refusal,
    transition,
)
from .exchanges import refuse_refund_of_an_exchange
from .facts import case_policy, order_facts, request_facts_for
from .resolutions import (
    on_return_refunded,
    on_return_replaced,
    refund_plan_of,
    refunded_on,
    require_resolutions_done,
)
from .units import units_replace

R = ReturnStatus


@transaction.atomic
def return_mark_shipped(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    carrier: str,
    tracking_number: str,
    at: datetime | None = None,
) -> ReturnRequest:
    """Record the return parcel; the policy accepts only its carriers' formats."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_mark_shipped(), rr, "add a tracking number")
    tracking_number = tracking_number.strip()
    finding = rr.vendor.get_policy().check_tracking(carrier or None, tracking_number)
    if not finding.ok:
        raise DomainError(finding.message, findings=[finding.to_dict()], code="tracking_refused")
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
    return_freight: Decimal | None = None,
    at: datetime | None = None,
) -> ReturnRequest:
    """Record what the warehouse found; ``ratio`` reduces the refund for bad packaging, and
    ``return_freight`` is the postage on the customer's receipt (reimbursed where the policy
    covers it)."""
    if ratio is not None and not Decimal("0") <= ratio <= Decimal("1"):
        raise DomainError("The refund ratio must be between 0 and 1 (for example 0.8).")
    if return_freight is not None and return_freight < 0:
        raise DomainError("The return freight cannot be negative (for example 12.50).")
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_inspect(), rr, "record the inspection")
    at = at or timezone.now()
    refund_due = case_policy(rr).refund_due(at)
    transition(
        rr,
        R.INSPECTED,
        action="inspected",
        actor=actor,
        fields={
            "inspected_at": at,
            "inspection_note": note,
            "inspection_ratio": ratio,
            "return_freight": return_freight,
            "decision": with_deadline(rr.decision, refund_due),
        },
        note=note,
        data={
            "ratio": str(ratio) if ratio is not None else None,
            **({"return_freight": str(return_freight)} if return_freight is not None else {}),
        },
    )
    return rr


def refund_preview(rr: ReturnRequest, *, at: datetime | None = None):
    """The itemised refund the policy would pay now, without changing anything."""
    at = at or timezone.now()
    policy = case_policy(rr)
    return policy.refund(
        order_facts(rr.order),
        request_facts_for(rr, at=at),
        ratio=rr.inspection_ratio,
        wrong_item_option=rr.wrong_item_option or None,
        received_on=rr.received_at,
        deductions=refunded_on(rr),
    )


def payable_refund(rr: ReturnRequest, *, at: datetime | None = None) -> dict[str, Any]:
    """The refund as it would be paid now (stored form): the policy's breakdown, with the
    lines its planned refund resolution adds, such as a freight reimbursement."""
    at = at or timezone.now()
    breakdown = refund_preview(rr, at=at)
    stored = breakdown.to_dict()
    plan = refund_plan_of(rr, at=at)
    if plan is not None:
        stored.update(lines=plan.lines_dict(), total=str(plan.amount))
    return stored


def refund_to_pay(rr: ReturnRequest) -> tuple[str, str]:
    stored = payable_refund(rr)
    return stored["total"], stored["currency"]


@transaction.atomic
def return_refund(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    at: datetime | None = None,
    provider_reference: str = "",
) -> ReturnRequest:
    """Pay the refund or compensation the policy computes, itemised by rule id; its refund
    resolution is recorded as paid in the same step (``provider_reference``: the payment
    provider's id for it, when known)."""
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_refund(), rr, "refund")
    refuse_refund_of_an_exchange(rr)
    breakdown = refund_preview(rr, at=at)
    stored, total = breakdown.to_dict(), breakdown.total
    plan = on_return_refunded(rr, actor=actor, at=at, provider_reference=provider_reference)
    if plan is not None:  # the resolution's lines (a freight reimbursement) are what is paid
        stored.update(lines=plan.lines_dict(), total=str(plan.amount))
        total = plan.amount
    transition(
        rr,
        R.REFUNDED,
        action="refunded",
        actor=actor,
        fields={"refund_breakdown": stored, "refund_amount": total, "refunded_at": at},
        rule_ids=[line["rule_id"] for line in stored["lines"]],
        data={"total": str(total), "currency": breakdown.currency},
    )
    return rr


@transaction.atomic
def return_replace(
    *,
    return_request: ReturnRequest,
    actor: Actor,
    note: str = "",
    at: datetime | None = None,
    replacement_serials: Mapping[str, str] | None = None,
    carrier: str = "",
    tracking_number: str = "",
) -> ReturnRequest:
    """Mark the replacement sent; ``replacement_serials`` maps each replaced unit to the new one.
    The replacement's resolution is created shipped (with its tracking, when given)."""
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_replace(), rr, "send a replacement")
    at = at or timezone.now()
    if replacement_serials:
        units_replace(vendor=rr.vendor, order=rr.order, serials=replacement_serials, at=at)
    transition(
        rr,
        R.REPLACED,
        action="replaced",
        actor=actor,
        fields={"replaced_at": at},
        note=note,
    )
    on_return_replaced(rr, actor=actor, at=at, carrier=carrier, tracking_number=tracking_number)
    return rr


@transaction.atomic
def return_close(
    *, return_request: ReturnRequest, actor: Actor, note: str = "", at: datetime | None = None
) -> ReturnRequest:
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_close(), rr, "close")
    require_resolutions_done(rr, "close")
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
        rule_ids=[ship_by.rule_id] if ship_by else [],
        **not_shipped_note(rr),
    )
    return rr


def not_shipped_note(rr: ReturnRequest) -> dict[str, Any]:
    """A waiver's audit note as data: the ship-by day on the vendor's calendar, rendered in
    the reader's language where it is shown (``rma.messages.event_note``); ``note`` keeps its
    English for the API, webhooks and logs."""
    day = timezone.localtime(rr.ship_by, ZoneInfo(rr.vendor.time_zone)).date()
    message = Message(
        msg("Not shipped by %(day)s."), {"day": typed(ParamKind.DAY, day.isoformat())}
    )
    return {"note": message.english(), "data": {NOTE_MESSAGE: message.to_dict()}}


def ship_deadline(policy, rr: ReturnRequest, *, approved_at: datetime):
    """The earliest shipping deadline the policy gave: its ship-by after approval, or
    a return-by fixed when the request was made, if that is earlier.

    A return-by that passed before the approval cannot bind: nothing may be shipped without
    the RMA number.
    """
    candidates = [d for d in (policy.ship_by(approved_at),) if d is not None]
    for stored in rr.decision.get("deadlines", []):
        if stored.get("name") == DeadlineName.RETURN_BY:
            deadline = Deadline.from_dict(stored)
            if deadline.at > approved_at:
                candidates.append(deadline)
    return min(candidates, key=lambda d: d.at, default=None)


def with_deadline(decision: Mapping[str, Any], deadline: Deadline | None) -> dict[str, Any]:
    """The case's stored decision with ``deadline`` kept under its name (replacing an earlier
    one of that name), so its label reads as it was given, whatever the settings say later."""
    stored = dict(decision)
    if deadline is None:
        return stored
    kept = [d for d in stored.get("deadlines", []) if d.get("name") != deadline.name]
    stored["deadlines"] = [*kept, deadline.to_dict()]
    return stored


@transaction.atomic
def return_ship_reminder(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None
) -> ReturnRequest:
    """Remind the customer once, before the ship-by date, to send the approved return."""
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


@transaction.atomic
def return_waive_many(
    *, return_requests: Sequence[ReturnRequest], actor: Actor, at: datetime | None = None
) -> BatchResult:
    """``return_waive`` for a batch of one vendor's approved returns (the sweep's)."""
    at = at or timezone.now()

    def decide(rr: ReturnRequest) -> EventEntry | str:
        why = refusal(rr.can_waive(), rr, "waive the return")
        if why:
            return why
        if rr.ship_by is None or at <= rr.ship_by:
            return "The ship-by date has not passed; the return cannot be waived yet."
        ship_by = ship_deadline(rr.vendor.get_policy(), rr, approved_at=rr.approved_at)
        return EventEntry(
            subject=rr,
            action="waived",
            from_status=rr.status,
            to_status=R.WAIVED,
            rule_ids=[ship_by.rule_id] if ship_by else [],
            **not_shipped_note(rr),
        )

    return move_many(
        ReturnRequest,
        return_requests,
        decide=decide,
        values={"status": R.WAIVED, "closed_at": at},
        actor=actor,
        related=RETURN_RELATED,
        prefetch=RETURN_PREFETCH,
    )


@transaction.atomic
def return_ship_reminder_many(
    *, return_requests: Sequence[ReturnRequest], actor: Actor, at: datetime | None = None
) -> BatchResult:
    """``return_ship_reminder`` for a batch of one vendor's approved returns (the sweep's)."""
    at = at or timezone.now()

    def decide(rr: ReturnRequest) -> EventEntry | str:
        if rr.ship_reminded_at is not None:
            return "The customer was already reminded."
        why = refusal(
            rr.status == R.APPROVED and rr.return_required, rr, "remind the customer to ship"
        )
        if why:
            return why
        if rr.ship_remind_at is None or at < rr.ship_remind_at:
            return "The shipping reminder is not due yet."
        deadline = ship_deadline(rr.vendor.get_policy(), rr, approved_at=rr.approved_at)
        return EventEntry(
            subject=rr,
            action="ship_reminder_sent",
            rule_ids=[deadline.rule_id] if deadline else [],
            data={"ship_by": rr.ship_by.isoformat() if rr.ship_by else None},
        )

    return move_many(
        ReturnRequest,
        return_requests,
        decide=decide,
        values={"ship_reminded_at": at},
        actor=actor,
        related=RETURN_RELATED,
        prefetch=RETURN_PREFETCH,
    )
