"""Return requests and RMAs: one function per transition, each asking the vendor's policy."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from policies.base import Scenario as PolicyScenario
from policies.base import WrongItemOption
from rma.models import Order, OrderLine, ReturnLine, ReturnRequest, ReturnStatus, ReturnUnit
from rma.models.returns import Scenario

from .base import (
    RETURN_PREFETCH,
    RETURN_RELATED,
    Actor,
    BatchResult,
    DomainError,
    EventEntry,
    PolicyRefusal,
    guard,
    lock,
    move_many,
    record_event,
    transition,
)
from .exchanges import ExchangeQuote, exchange_record, exchange_resolution_create
from .facts import case_policy, order_facts, request_facts_for, return_facts, unit_facts
from .integrity import claim_flags_record, claim_integrity
from .resolutions import cancel_open, on_return_approved
from .return_handling import ship_deadline, with_deadline
from .units import claimed_units, line_history

R = ReturnStatus


def _rule_ids(findings: Iterable) -> list[str]:
    return sorted({f.rule_id for f in findings})


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
    serials: Sequence[str] = (),
    exchange: ExchangeQuote | None = None,
    store_credit: bool = False,
) -> ReturnRequest:
    """Open a request if the policy allows it now; a refusal raises and saves nothing.

    ``serials`` name the units claimed; each must be a unit sold on one of the claimed lines.
    ``exchange`` (from ``exchange_quote``) asks for that variant instead of a refund;
    ``store_credit`` asks for store credit instead of money back, where the policy offers it.
    """
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
    if exchange is not None and (exchange.order_line.pk, exchange.quantity) not in {
        (ol.pk, qty) for ol, qty in lines
    }:
        raise DomainError("An exchange replaces one of the items returned, in the same quantity.")
    if store_credit and exchange is not None:
        raise DomainError(
            "An exchange is not refunded, so it cannot be taken as store credit; choose one.",
            code="store_credit_not_offered",
        )
    if store_credit and not order.vendor.get_policy().offers_store_credit(PolicyScenario(scenario)):
        policy = order.vendor.get_policy()
        raise DomainError(
            f"{policy.name} offers no store credit instead of a refund for this return "
            f"({policy.store_credit_rule or policy.scope_rule}).",
            code="store_credit_not_offered",
        )
    attestations = sorted(set(attestations))
    # Two requests sent at once for the same order queue here, so the second one counts the
    # units the first one holds (the policy refuses more units than the order has left).
    Order.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
    claimed = claimed_units(order=order, lines=lines, serials=serials)
    units = claimed.units
    policy = order.vendor.get_policy()
    # Lines no named unit covers are judged by what earlier claims on them did.
    covered = {u.order_line_id for u in units}
    history = line_history(lines=[ol for ol, _qty in lines if ol.pk not in covered])
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
        units=[unit_facts(unit) for unit in units],
        history=history,
    )
    ofacts = order_facts(order)
    decision = policy.decide(ofacts, facts)
    if not decision.allowed:
        raise PolicyRefusal(decision)
    flags = claim_integrity(
        policy=policy, order=order, claimed=claimed, current_country=current_country, at=at
    )
    deadlines = policy.deadlines(ofacts, facts)
    review = policy.review_due(at)
    stored = decision.to_dict()
    stored["deadlines"] = [d.to_dict() for d in deadlines]
    # The readings this request was decided under: later steps keep to them (case_policy).
    stored["settings"] = policy.settings.to_dict()
    keep = policy.keep_option_label() if wrong_item_option == WrongItemOption.KEEP else None
    if keep is not None:
        # The option as the customer chose it, in the words (and figures) of that day.
        stored["wrong_item_option_text"] = keep.to_dict()
    if exchange is not None:
        stored["exchange"] = exchange.difference.to_dict()
    return_required = policy.return_required(PolicyScenario(scenario), wrong_item_option)
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
        store_credit=store_credit,
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
    ReturnUnit.objects.bulk_create(
        [ReturnUnit(vendor_id=order.vendor_id, request=rr, unit=u, serial=u.serial) for u in units]
        + [
            ReturnUnit(vendor_id=order.vendor_id, request=rr, unit=None, serial=s)
            for s in claimed.unknown
        ]
    )
    claim_flags_record(return_request=rr, flags=flags)
    if exchange is not None:
        exchange_record(return_request=rr, quote=exchange)
    record_event(
        subject=rr,
        action="requested",
        actor=actor,
        to_status=R.REQUESTED,
        note=reason,
        rule_ids=_rule_ids(decision.findings),
        data={"decision": stored, "flags": [f.check.value for f in flags]},
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
    """Mark a case complex, which gives the review more working days."""
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_flag_complex(), rr, "flag the case complex")
    review = case_policy(rr).review_due(rr.requested_at, complex_case=True)
    rr.complex_case = True
    rr.review_due = review.at if review else None
    rr.decision = with_deadline(rr.decision, review)
    rr.save(update_fields=["complex_case", "review_due", "decision", "updated_at"])
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
    policy = case_policy(rr)
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
            fields["decision"] = with_deadline(rr.decision, ship_by)
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
    on_return_approved(rr, actor=actor, at=at)
    exchange_resolution_create(return_request=rr, actor=actor)
    return rr


def _allocate_rma_number(rr: ReturnRequest) -> str:
    """Reserve a random unique number in the vendor's format; the unique constraint settles a
    rare collision."""
    policy = rr.vendor.get_policy()
    for _attempt in range(10):
        number = policy.generate_rma_number()
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
def return_cancel(
    *, return_request: ReturnRequest, actor: Actor, note: str = "", at: datetime | None = None
) -> ReturnRequest:
    at = at or timezone.now()
    rr = lock(ReturnRequest, return_request.pk)
    guard(rr.can_cancel(), rr, "cancel")
    transition(
        rr,
        R.CANCELLED,
        action="cancelled",
        actor=actor,
        fields={"closed_at": at},
        note=note,
    )
    cancel_open(rr, actor=actor, at=at)
    return rr


@transaction.atomic
def return_review_sla_breach(
    *, return_request: ReturnRequest, actor: Actor, at: datetime | None = None
) -> ReturnRequest:
    """Flag a request whose review is overdue; the status does not change."""
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


@transaction.atomic
def return_review_sla_breach_many(
    *, return_requests: Sequence[ReturnRequest], actor: Actor, at: datetime | None = None
) -> BatchResult:
    """``return_review_sla_breach`` for a batch of one vendor's requests (a sweep's): the rows
    locked, flagged and their events, emails and counters written in a few statements."""
    at = at or timezone.now()

    def decide(rr: ReturnRequest) -> EventEntry | str:
        if rr.sla_breached_at is not None or rr.status not in (R.REQUESTED, R.UNDER_REVIEW):
            return "The review is no longer open or already flagged."
        if rr.review_due is None or at <= rr.review_due:
            return "The review is not overdue yet."
        review = rr.vendor.get_policy().review_due(rr.requested_at, complex_case=rr.complex_case)
        return EventEntry(
            subject=rr,
            action="review_overdue",
            rule_ids=[review.rule_id] if review else [],
            data={"review_due": rr.review_due.isoformat()},
        )

    return move_many(
        ReturnRequest,
        return_requests,
        decide=decide,
        values={"sla_breached_at": at},
        actor=actor,
        related=RETURN_RELATED,
        prefetch=RETURN_PREFETCH,
    )
