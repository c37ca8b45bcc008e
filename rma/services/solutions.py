"""Warranty solutions: propose, confirm or disagree, fill in, submit, complete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from policies.base import (
    DeadlineName,
    EvidenceKind,
    Message,
    Policy,
    RequestFacts,
    RequestKind,
    SolutionStep,
)
from rma import emails
from rma.models import (
    Order,
    OrderLine,
    SolutionKind,
    SolutionLine,
    SolutionStatus,
    WarrantySolution,
)
from rma.models.orders import ShippingAddress

from .base import (
    SOLUTION_PREFETCH,
    SOLUTION_RELATED,
    Actor,
    BatchResult,
    DomainError,
    EventEntry,
    PolicyRefusal,
    guard,
    lock,
    move_many,
    record_event,
    refusal,
    transition,
)
from .facts import order_facts
from .passwords import generate_password, hash_password
from .resolutions import cancel_open, on_solution_agreed, on_solution_completed
from .units import units_replace

S = SolutionStatus


def policy_of(solution: WarrantySolution) -> Policy:
    return solution.vendor.get_policy()


@dataclass(frozen=True)
class ProposedLine:
    order_line: OrderLine | None
    sku: str
    name: str
    quantity: int = 1
    amount: Decimal = Decimal("0")


def _deadline_fields(solution: WarrantySolution, sent_at: datetime) -> dict:
    fields: dict = {"sent_at": sent_at, "remind_at": None, "expires_at": None}
    for deadline in solution.vendor.get_policy().solution_deadlines(sent_at):
        if deadline.name == DeadlineName.CONFIRM_REMIND_AT:
            fields["remind_at"] = deadline.at
        elif deadline.name == DeadlineName.CONFIRM_EXPIRES_AT:
            fields["expires_at"] = deadline.at
    return fields


@transaction.atomic
def solution_create(
    *,
    order: Order,
    kind: str,
    lines: Sequence[ProposedLine],
    actor: Actor,
    refund_amount: Decimal = Decimal("0"),
    makeup_amount: Decimal = Decimal("0"),
    return_required: bool = False,
    makeup_payment_required: bool = False,
    message: str = "",
    address: Mapping[str, str] | None = None,
    at: datetime | None = None,
    notify: bool = True,
) -> tuple[WarrantySolution, str]:
    """Propose a solution; returns it with the one-time password.

    With ``notify`` the email carrying the password is recorded in the outbox in this
    transaction; without it the vendor writes to its customer itself and the portal sends
    nothing, reminders included.
    """
    at = at or timezone.now()
    if refund_amount < 0 or makeup_amount < 0:
        raise DomainError("Amounts cannot be negative.")
    if refund_amount > order.total_paid:
        raise DomainError(
            f"The refund {refund_amount} {order.currency} is more than the order's "
            f"{order.total_paid} {order.currency}."
        )
    if not lines:
        raise DomainError("A solution names at least one item.")
    policy = order.vendor.get_policy()
    if not policy.offers_warranty_solutions:
        raise DomainError(
            f"{order.vendor.name}'s policy ({policy.name}) works with return requests, "
            "not warranty solutions."
        )
    source = address or order.address_dict()
    content = policy.check_solution_content(
        {
            "items": ", ".join(line.sku for line in lines),
            "solution_kind": kind,
            "amounts": f"{refund_amount}/{makeup_amount}",
            "return_needed": return_required,
            "payment_needed": makeup_payment_required or makeup_amount > 0,
            "shipping_address": source.get("ship_line1", "") or source.get("ship_city", ""),
        }
    )
    if not content.ok:
        raise DomainError(content.message, findings=[content.to_dict()], code="incomplete")
    password = generate_password()
    solution = WarrantySolution(
        vendor_id=order.vendor_id,
        order=order,
        kind=kind,
        currency=order.currency,
        refund_amount=refund_amount,
        makeup_amount=makeup_amount,
        return_required=return_required,
        makeup_payment_required=makeup_payment_required or makeup_amount > 0,
        message=message,
        password_hash=hash_password(password),
        password_issued_at=at,
        policy_version=policy.version,
    )
    for field in ShippingAddress.ADDRESS_FIELDS:
        setattr(solution, field, source.get(field, ""))
    for name, value in _deadline_fields(solution, at).items():
        setattr(solution, name, value)
    if not notify:
        solution.remind_at = None
    solution.full_clean(exclude=["order", "vendor"])
    solution.save()
    SolutionLine.objects.bulk_create(
        SolutionLine(
            vendor_id=order.vendor_id,
            solution=solution,
            order_line=line.order_line,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            amount=line.amount,
        )
        for line in lines
    )
    event = record_event(
        subject=solution,
        action="proposed",
        actor=actor,
        to_status=S.PENDING_CONFIRM,
        rule_ids=policy.solution_rule_ids(SolutionStep.PROPOSE),
        data={
            "kind": kind,
            "refund": str(refund_amount),
            "makeup": str(makeup_amount),
            "notify": "portal" if notify else "vendor",
        },
    )
    if notify:
        emails.solution_confirmation(solution, password, event=event)
    return solution, password


@transaction.atomic
def solution_issue_password(
    *, solution: WarrantySolution, actor: Actor, at: datetime | None = None, notify: bool = True
) -> str:
    """A new password for an open solution; the old one stops working at once.

    With ``notify`` the new password is emailed; a queued email holding the old one
    is cancelled when its turn comes.
    """
    at = at or timezone.now()
    sol = lock(WarrantySolution, solution.pk)
    guard(sol.is_open, sol, "re-issue the password")
    password = generate_password()
    sol.password_hash = hash_password(password)
    sol.password_issued_at = at
    fields = ["password_hash", "password_issued_at", "updated_at"]
    if sol.status == S.PENDING_CONFIRM:
        for name, value in _deadline_fields(sol, at).items():
            setattr(sol, name, value)
        sol.reminded_at = None
        fields += ["sent_at", "remind_at", "expires_at", "reminded_at"]
    if not notify:
        sol.remind_at = None
    sol.save(update_fields=fields)
    event = record_event(
        subject=sol,
        action="password_reissued",
        actor=actor,
        rule_ids=policy_of(sol).solution_rule_ids(SolutionStep.PROPOSE),
        data={"notify": "portal" if notify else "vendor"},
    )
    if notify:
        emails.solution_confirmation(sol, password, event=event)
    return password


@transaction.atomic
def solution_agree(
    *, solution: WarrantySolution, actor: Actor, at: datetime | None = None
) -> WarrantySolution:
    sol = lock(WarrantySolution, solution.pk)
    guard(sol.can_confirm(), sol, "agree to the solution")
    transition(
        sol,
        S.CONFIRMED,
        action="agreed",
        actor=actor,
        fields={"confirmed_at": at or timezone.now()},
        rule_ids=policy_of(sol).solution_rule_ids(SolutionStep.AGREE),
    )
    on_solution_agreed(sol, actor=actor)
    return sol


@transaction.atomic
def solution_reject(
    *, solution: WarrantySolution, actor: Actor, comment: str, at: datetime | None = None
) -> WarrantySolution:
    """Disagree with a comment naming the wanted solution; only while pending."""
    at = at or timezone.now()
    sol = lock(WarrantySolution, solution.pk)
    policy = sol.vendor.get_policy()
    decision = policy.decide(
        order_facts(sol.order),
        RequestFacts(
            kind=RequestKind.SOLUTION_REJECT,
            at=at,
            solution_status=sol.status,
            comment=comment.strip(),
        ),
    )
    if not decision.allowed:
        raise PolicyRefusal(decision)
    guard(sol.can_reject(), sol, "disagree with the solution")
    transition(
        sol,
        S.REJECTED,
        action="disagreed",
        actor=actor,
        fields={"rejected_at": at, "rejection_comment": comment.strip()},
        note=comment.strip(),
        rule_ids=[f.rule_id for f in decision.findings],
        data={"decision": decision.to_dict()},
    )
    return sol


def _about(error: DomainError, field: str) -> DomainError:
    """Name the detail a refusal is about, so a form can show it beside that field."""
    error.field = field  # type: ignore[attr-defined]
    return error


@transaction.atomic
def solution_save_details(
    *,
    solution: WarrantySolution,
    actor: Actor,
    address: Mapping[str, str] | None = None,
    tracking_number: str | None = None,
    transaction_id: str | None = None,
) -> WarrantySolution:
    """Save the address, tracking number and payment reference; the customer may come back."""
    sol = lock(WarrantySolution, solution.pk)
    guard(sol.can_edit_details(), sol, "change the details")
    policy = sol.vendor.get_policy()
    changed: dict[str, object] = {}
    rule_ids: list[str] = []
    if address is not None:
        new_country = str(address.get("ship_country") or sol.ship_country)
        finding = policy.check_address_change(str(sol.ship_country), new_country)
        if not finding.ok:
            raise _about(PolicyRefusal.from_finding(finding), "address")
        rule_ids.append(finding.rule_id)
        if sol.address_confirmed_at is None:
            changed["address_confirmed_at"] = timezone.now()
        for field in ShippingAddress.ADDRESS_FIELDS:
            if field == "ship_country":
                continue
            value = (address.get(field) or "").strip()
            if value != str(getattr(sol, field) or ""):
                changed[field] = value
    if tracking_number is not None and tracking_number.strip() != sol.return_tracking_number:
        if not sol.return_required:
            raise _about(
                DomainError("This solution needs no return, so no tracking number."),
                "tracking_number",
            )
        number = tracking_number.strip()
        if number:
            finding = policy.check_tracking(None, number)
            if not finding.ok:
                raise _about(PolicyRefusal.from_finding(finding), "tracking_number")
            rule_ids.append(finding.rule_id)
        changed["return_tracking_number"] = number
    if transaction_id is not None and transaction_id.strip() != sol.makeup_transaction_id:
        if not sol.makeup_payment_required:
            raise _about(DomainError("This solution needs no make-up payment."), "transaction_id")
        changed["makeup_transaction_id"] = transaction_id.strip()[:100]
    if not changed:
        return sol
    for name, value in changed.items():
        setattr(sol, name, value)
    sol.save(update_fields=[*changed.keys(), "updated_at"])
    record_event(
        subject=sol,
        action="details_saved",
        actor=actor,
        rule_ids=rule_ids,
        data={name: str(value) for name, value in changed.items()},
    )
    return sol


def solution_missing(
    solution: WarrantySolution, *, address_confirmed_on_send: bool = False
) -> list[tuple[str, Message]]:
    """What the customer still has to give before submitting, as (rule id, message): the
    page renders each in the reader's language. ``address_confirmed_on_send``: asked for the
    details form, which confirms the address it shows when it is saved or submitted, so an
    unconfirmed address is nothing the customer still has to do there."""
    counts: dict[EvidenceKind, int] = {}
    for kind in solution.evidence.values_list("kind", flat=True):
        counts[EvidenceKind(kind)] = counts.get(EvidenceKind(kind), 0) + 1
    decision = solution.vendor.get_policy().check_solution_submission(
        return_needed=solution.return_required,
        payment_needed=solution.makeup_payment_required,
        address_confirmed=address_confirmed_on_send or solution.address_confirmed_at is not None,
        original_country=str(solution.order.ship_country),
        new_country=str(solution.ship_country),
        tracking_number=solution.return_tracking_number,
        transaction_id=solution.makeup_transaction_id,
        evidence=counts,
    )
    return [(f.rule_id, f.text or Message(f.message)) for f in decision.findings if not f.ok]


@transaction.atomic
def solution_submit(
    *, solution: WarrantySolution, actor: Actor, at: datetime | None = None
) -> WarrantySolution:
    """Submit once the policy's requirements hold."""
    sol = lock(WarrantySolution, solution.pk)
    guard(sol.can_submit(), sol, "submit")
    missing = solution_missing(sol)
    if missing:
        raise DomainError(
            "Before submitting: " + " ".join(f"{m.english()} ({r})." for r, m in missing),
            findings=[
                {"rule_id": r, "ok": False, "message": m.english(), "text": m.to_dict()}
                for r, m in missing
            ],
            code="incomplete",
        )
    transition(
        sol,
        S.SUBMITTED,
        action="submitted",
        actor=actor,
        fields={"submitted_at": at or timezone.now()},
        rule_ids=policy_of(sol).solution_rule_ids(SolutionStep.SUBMIT),
    )
    return sol


@transaction.atomic
def solution_complete(
    *,
    solution: WarrantySolution,
    actor: Actor,
    note: str = "",
    at: datetime | None = None,
    replacement_serials: Mapping[str, str] | None = None,
) -> WarrantySolution:
    """Complete the solution; for a replacement, ``replacement_serials`` maps old to new units."""
    sol = lock(WarrantySolution, solution.pk)
    guard(sol.can_complete(), sol, "complete")
    at = at or timezone.now()
    if replacement_serials:
        if sol.kind != SolutionKind.REPLACEMENT:
            raise DomainError("Only a replacement solution sends new units.", code="invalid")
        units_replace(vendor=sol.vendor, order=sol.order, serials=replacement_serials, at=at)
    on_solution_completed(sol, actor=actor, at=at)
    transition(
        sol,
        S.COMPLETED,
        action="completed",
        actor=actor,
        # The password keeps opening the closed case (read-only): the closing email points
        # there, and a customer who comes back must see how it ended, not a wrong password.
        fields={"completed_at": at, "closed_at": at},
        note=note,
        rule_ids=policy_of(sol).solution_rule_ids(SolutionStep.COMPLETE),
    )
    return sol


@transaction.atomic
def solution_cancel(
    *, solution: WarrantySolution, actor: Actor, note: str = "", at: datetime | None = None
) -> WarrantySolution:
    at = at or timezone.now()
    sol = lock(WarrantySolution, solution.pk)
    guard(sol.can_cancel(), sol, "cancel")
    transition(
        sol,
        S.CANCELLED,
        action="cancelled",
        actor=actor,
        fields={"closed_at": at},
        note=note,
    )
    cancel_open(sol, actor=actor, at=at)
    return sol


@transaction.atomic
def solution_expire(
    *, solution: WarrantySolution, actor: Actor, at: datetime | None = None
) -> WarrantySolution:
    """Expire a proposal the customer never answered (vendor setting, default 14 days)."""
    at = at or timezone.now()
    sol = lock(WarrantySolution, solution.pk)
    guard(sol.status == S.PENDING_CONFIRM, sol, "expire")
    if sol.expires_at is None or at <= sol.expires_at:
        raise DomainError("The confirmation window has not ended yet.")
    transition(
        sol,
        S.EXPIRED,
        action="expired",
        actor=actor,
        fields={"closed_at": at},
    )
    return sol


@transaction.atomic
def solution_remind(
    *, solution: WarrantySolution, actor: Actor, at: datetime | None = None
) -> WarrantySolution:
    """Remind the customer once of a proposal still waiting for an answer (vendor setting,
    default after 3 days); the reminder email goes out with this change."""
    at = at or timezone.now()
    sol = lock(WarrantySolution, solution.pk)
    if sol.reminded_at is not None:
        return sol
    guard(sol.status == S.PENDING_CONFIRM, sol, "send a reminder")
    if sol.remind_at is None or at < sol.remind_at:
        raise DomainError("The confirmation reminder is not due yet.")
    sol.reminded_at = at
    sol.save(update_fields=["reminded_at", "updated_at"])
    rule_ids = [
        d.rule_id
        for d in sol.vendor.get_policy().solution_deadlines(sol.sent_at or at)
        if d.name == DeadlineName.CONFIRM_REMIND_AT
    ]
    record_event(
        subject=sol,
        action="reminder_sent",
        actor=actor,
        rule_ids=rule_ids,
        data={"expires_at": sol.expires_at.isoformat() if sol.expires_at else None},
    )
    return sol


@transaction.atomic
def solution_expire_many(
    *, solutions: Sequence[WarrantySolution], actor: Actor, at: datetime | None = None
) -> BatchResult:
    """``solution_expire`` for a batch of one vendor's proposals (the sweep's)."""
    at = at or timezone.now()

    def decide(sol: WarrantySolution) -> EventEntry | str:
        why = refusal(
            sol.status == S.PENDING_CONFIRM and sol.can_transition(S.EXPIRED), sol, "expire"
        )
        if why:
            return why
        if sol.expires_at is None or at <= sol.expires_at:
            return "The confirmation window has not ended yet."
        return EventEntry(
            subject=sol, action="expired", from_status=sol.status, to_status=S.EXPIRED
        )

    return move_many(
        WarrantySolution,
        solutions,
        decide=decide,
        values={"status": S.EXPIRED, "closed_at": at},
        actor=actor,
        related=SOLUTION_RELATED,
        prefetch=SOLUTION_PREFETCH,
    )


@transaction.atomic
def solution_remind_many(
    *, solutions: Sequence[WarrantySolution], actor: Actor, at: datetime | None = None
) -> BatchResult:
    """``solution_remind`` for a batch of one vendor's proposals (the sweep's)."""
    at = at or timezone.now()

    def decide(sol: WarrantySolution) -> EventEntry | str:
        if sol.reminded_at is not None:
            return "The customer was already reminded."
        why = refusal(sol.status == S.PENDING_CONFIRM, sol, "send a reminder")
        if why:
            return why
        if sol.remind_at is None or at < sol.remind_at:
            return "The confirmation reminder is not due yet."
        rule_ids = [
            d.rule_id
            for d in sol.vendor.get_policy().solution_deadlines(sol.sent_at or at)
            if d.name == DeadlineName.CONFIRM_REMIND_AT
        ]
        return EventEntry(
            subject=sol,
            action="reminder_sent",
            rule_ids=rule_ids,
            data={"expires_at": sol.expires_at.isoformat() if sol.expires_at else None},
        )

    return move_many(
        WarrantySolution,
        solutions,
        decide=decide,
        values={"reminded_at": at},
        actor=actor,
        related=SOLUTION_RELATED,
        prefetch=SOLUTION_PREFETCH,
    )
