"""Resolutions: created from the policy's plan when a case is decided, advanced one step at a
time by agents (the case page) or the vendor's systems (the API), each step an audit event."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from policies.base import ResolutionFacts, ResolutionPlan, ResolutionStage
from policies.results import RefundLine, refunded_before
from rma.models import (
    CompensationMethod,
    OrderLine,
    Resolution,
    ResolutionKind,
    ResolutionState,
    ResolutionStep,
    ReturnRequest,
    WarrantySolution,
)
from rma.models.resolutions import OWN_STEP

from .base import Actor, DomainError, IllegalTransition, lock, record_event
from .facts import _warranty_end_of, case_policy, order_facts, request_facts_for

K, St, Step = ResolutionKind, ResolutionState, ResolutionStep
MONEY_KINDS = frozenset({K.REFUND, K.COMPENSATION})
# What a return's refund step settles: money, or the store credit the customer chose instead.
SETTLING_KINDS = MONEY_KINDS | {K.STORE_CREDIT}


# -- planning ---------------------------------------------------------------------------------


def return_plan(
    rr: ReturnRequest, stage: str, *, at: datetime | None = None
) -> tuple[ResolutionPlan, ...]:
    """What the policy plans for a return at ``stage`` (nothing is written)."""
    at = at or timezone.now()
    facts = ResolutionFacts(
        stage=stage,
        order=order_facts(rr.order),
        request=request_facts_for(rr, at=at),
        wrong_item_option=rr.wrong_item_option or None,
        ratio=rr.inspection_ratio,
        return_freight=rr.return_freight,
        original_warranty_end=_warranty_end_of(rr),
        received_on=rr.received_at,
        at=at,
        store_credit=rr.store_credit,
        refunded=refunded_on(rr),
    )
    return case_policy(rr).plan_resolutions(facts)


def refunded_on(rr: ReturnRequest) -> tuple[RefundLine, ...]:
    """Money this return's own resolutions already paid out (an exchange's price difference,
    the exchange then cancelled): the refund step deducts it, line by line."""
    paid = rr.resolutions.filter(kind__in=MONEY_KINDS, state=St.DONE).order_by("id")
    return tuple(
        refunded_before(r.amount, (r.rule_ids or [""])[0])
        for r in paid
        if r.amount > 0 and (r.method or CompensationMethod.REFUND) == CompensationMethod.REFUND
    )


def refund_plan_of(rr: ReturnRequest, *, at: datetime | None = None) -> ResolutionPlan | None:
    """The money (or store credit) resolution the policy plans for a return's refund step."""
    plans = [p for p in return_plan(rr, ResolutionStage.REFUND, at=at) if p.kind in SETTLING_KINDS]
    return plans[0] if plans else None


def solution_plan(sol: WarrantySolution) -> tuple[ResolutionPlan, ...]:
    facts = ResolutionFacts(
        stage=ResolutionStage.SOLUTION,
        order=order_facts(sol.order),
        solution_kind=sol.kind,
        refund_amount=sol.refund_amount,
        makeup_amount=sol.makeup_amount if sol.makeup_payment_required else Decimal(0),
        lines=tuple((line.sku, line.quantity) for line in sol.lines.all()),
    )
    return sol.vendor.get_policy().plan_resolutions(facts)


def resolutions_create(
    *,
    case: ReturnRequest | WarrantySolution,
    plans: Iterable[ResolutionPlan],
    actor: Actor,
) -> list[Resolution]:
    """Store the planned resolutions of a case (inside the caller's transaction)."""
    created = []
    for plan in plans:
        resolution = Resolution.objects.create(
            vendor_id=case.vendor_id,
            return_request=case if isinstance(case, ReturnRequest) else None,
            solution=case if isinstance(case, WarrantySolution) else None,
            **_plan_fields(case, plan),
        )
        record_event(
            subject=resolution,
            action="created",
            actor=actor,
            to_status=resolution.state,
            rule_ids=plan.rule_ids,
            data={"kind": resolution.kind, "amount": str(resolution.amount)},
        )
        created.append(resolution)
    return created


def _plan_fields(case: Any, plan: ResolutionPlan) -> dict[str, Any]:
    order_line = None
    if plan.sku:
        order_line = OrderLine.objects.filter(order_id=case.order_id, sku=plan.sku).first()
    return {
        "kind": plan.kind,
        "amount": plan.amount,
        "currency": plan.currency,
        "lines": plan.lines_dict(),
        "method": plan.method,
        "order_line": order_line,
        "quantity": plan.quantity,
        "warranty_end": plan.warranty_end,
        "makeup_amount": plan.makeup_amount,
        "rule_ids": sorted(set(plan.rule_ids)),
    }


def open_resolutions(case: ReturnRequest | WarrantySolution) -> list[Resolution]:
    return [r for r in case.resolutions.all() if r.is_open]


def require_resolutions_done(case: ReturnRequest | WarrantySolution, action: str) -> None:
    """A case closes only when every resolution is done or cancelled."""
    still = open_resolutions(case)
    if still:
        names = ", ".join(f"{r.get_kind_display()} ({r.get_state_display()})" for r in still)
        raise IllegalTransition(
            f"Cannot {action} while a resolution is open: {names}. Complete or cancel it first.",
            code="resolutions_open",
        )


# -- what the case's own steps do to its resolutions ------------------------------------------


def on_return_approved(rr: ReturnRequest, *, actor: Actor, at: datetime) -> None:
    resolutions_create(case=rr, plans=return_plan(rr, ResolutionStage.APPROVED, at=at), actor=actor)


def on_return_refunded(
    rr: ReturnRequest, *, actor: Actor, at: datetime, provider_reference: str = ""
) -> ResolutionPlan | None:
    """The agent pays the return's money: the planned refund or compensation is recorded as
    paid in the same step (a compensation the vendor pays otherwise, and store credit, wait for
    their own step). Returns the plan that was paid, or None where the policy plans none."""
    plans = [p for p in return_plan(rr, ResolutionStage.REFUND, at=at) if p.kind in SETTLING_KINDS]
    paid = None
    for plan in plans:
        resolution = (
            rr.resolutions.select_for_update()
            .filter(kind=plan.kind, state=St.PENDING)
            .order_by("id")
            .first()
        )
        if resolution is None:
            (resolution,) = resolutions_create(case=rr, plans=[plan], actor=actor)
        else:
            resolution.amount, resolution.lines = plan.amount, plan.lines_dict()
            resolution.save(update_fields=["amount", "lines", "updated_at"])
        if resolution.can_step(Step.PAID):
            _advance(
                resolution,
                Step.PAID,
                actor=actor,
                at=at,
                fields={"provider_reference": provider_reference.strip()},
            )
            paid = paid or plan
    return paid or (plans[0] if plans else None)


def on_return_replaced(
    rr: ReturnRequest, *, actor: Actor, at: datetime, carrier: str = "", tracking_number: str = ""
) -> None:
    """ "Replacement sent": the planned replacement units are created already shipped."""
    for resolution in resolutions_create(
        case=rr, plans=return_plan(rr, ResolutionStage.REPLACE, at=at), actor=actor
    ):
        _advance(
            resolution,
            Step.SHIPPED,
            actor=actor,
            at=at,
            fields={"carrier": carrier.strip(), "tracking_number": tracking_number.strip()},
        )


def on_solution_agreed(sol: WarrantySolution, *, actor: Actor) -> None:
    resolutions_create(case=sol, plans=solution_plan(sol), actor=actor)


def on_solution_completed(sol: WarrantySolution, *, actor: Actor, at: datetime) -> None:
    """Completing a solution says everything it sent arrived: its open resolutions are
    finished in the same step. An unverified make-up payment stops it."""
    for resolution in sol.resolutions.select_for_update().order_by("id"):
        if not resolution.is_open:
            continue
        if resolution.awaits_payment:
            raise DomainError(
                _payment_first(resolution),
                code="payment_unverified",
                findings=[{"rule_id": r, "ok": False} for r in resolution.rule_ids],
            )
        for step in _finishing_steps(resolution):
            _advance(resolution, step, actor=actor, at=at)


def _finishing_steps(resolution: Resolution) -> list[str]:
    if resolution.kind in MONEY_KINDS or resolution.kind == K.STORE_CREDIT:
        if resolution.kind == K.STORE_CREDIT:
            return [Step.CREDIT_ISSUED]
        method = resolution.method or CompensationMethod.REFUND
        return [
            {
                CompensationMethod.REFUND: Step.PAID,
                CompensationMethod.COUPON: Step.COUPON_ISSUED,
                CompensationMethod.STORE_CREDIT: Step.CREDIT_ISSUED,
            }[method]
        ]
    steps = [Step.DELIVERED]
    if resolution.state == St.PENDING:
        steps.insert(0, Step.SHIPPED)
    return steps


def _payment_first(resolution: Resolution) -> str:
    typed = resolution.case.makeup_transaction_id if resolution.solution_id else ""
    typed = typed or resolution.makeup_transaction_id
    where = f" (the customer gave transaction ID {typed})" if typed else ""
    return (
        f"Verify the customer's make-up payment of {resolution.makeup_amount} "
        f"{resolution.currency}{where} before this case proceeds."
    )


def cancel_open(case: ReturnRequest | WarrantySolution, *, actor: Actor, at: datetime) -> None:
    """A cancelled case owes nothing more: its open resolutions are cancelled with it."""
    for resolution in case.resolutions.select_for_update().order_by("id"):
        if resolution.is_open:
            _advance(resolution, Step.CANCELLED, actor=actor, at=at, fields={"cancelled_at": at})


# -- one function per step --------------------------------------------------------------------


def _advance(
    resolution: Resolution,
    step: str,
    *,
    actor: Actor,
    at: datetime,
    fields: dict[str, Any] | None = None,
    note: str = "",
    own_step: bool = False,
) -> Resolution:
    """Move a locked resolution by ``step``, save the changed fields and write the event
    (``own_step``: taken on its own, so its email tells the customer; see rma.emails)."""
    if not resolution.can_step(step):
        if step == Step.SHIPPED and resolution.awaits_payment:
            raise IllegalTransition(_payment_first(resolution), code="payment_unverified")
        raise IllegalTransition(
            f"Cannot mark “{Step(step).label}” on a {resolution.get_kind_display().lower()} "
            f"that is “{resolution.get_state_display()}”; next: "
            f"{', '.join(str(Step(s).label) for s in resolution.legal_steps()) or 'nothing'}."
        )
    from_state = resolution.state
    to_state = resolution.next_state(step) or from_state
    changed = dict(fields or {})
    if step == Step.SHIPPED:
        changed["shipped_at"] = at
    if to_state == St.DONE:
        changed["done_at"] = at
    for name, value in changed.items():
        setattr(resolution, name, value)
    resolution.state = to_state
    resolution.save(update_fields=["state", "updated_at", *changed.keys()])
    data = {k: v for k, v in changed.items() if isinstance(v, str) and v}
    record_event(
        subject=resolution,
        action=step,
        actor=actor,
        from_status=from_state,
        to_status=to_state,
        note=note,
        rule_ids=resolution.rule_ids,
        data={"kind": resolution.kind, **data, **({OWN_STEP: True} if own_step else {})},
    )
    return resolution


def _locked(resolution: Resolution) -> Resolution:
    return lock(Resolution, resolution.pk)


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"Enter the {what}.", code="invalid")
    return value


@transaction.atomic
def resolution_mark_paid(
    *,
    resolution: Resolution,
    actor: Actor,
    provider_reference: str = "",
    at: datetime | None = None,
) -> Resolution:
    """A refund (or a compensation paid as one) reached the payment provider."""
    res = _locked(resolution)
    fields = {"provider_reference": provider_reference.strip()}
    at = at or timezone.now()
    return _advance(res, Step.PAID, actor=actor, at=at, fields=fields, own_step=True)


@transaction.atomic
def resolution_issue_coupon(
    *, resolution: Resolution, actor: Actor, coupon_code: str, at: datetime | None = None
) -> Resolution:
    res = _locked(resolution)
    fields = {"coupon_code": _required(coupon_code, "coupon code")}
    return _advance(res, Step.COUPON_ISSUED, actor=actor, at=at or timezone.now(), fields=fields)


@transaction.atomic
def resolution_issue_credit(
    *, resolution: Resolution, actor: Actor, coupon_code: str = "", at: datetime | None = None
) -> Resolution:
    """Store credit on the customer's account; ``coupon_code`` is the credit's code, if any."""
    res = _locked(resolution)
    fields = {"coupon_code": coupon_code.strip()}
    return _advance(res, Step.CREDIT_ISSUED, actor=actor, at=at or timezone.now(), fields=fields)


@transaction.atomic
def resolution_mark_shipped(
    *,
    resolution: Resolution,
    actor: Actor,
    carrier: str,
    tracking_number: str,
    at: datetime | None = None,
) -> Resolution:
    """The item left the vendor's warehouse; the customer follows it by its tracking number."""
    res = _locked(resolution)
    fields = {
        "carrier": _required(carrier, "carrier"),
        "tracking_number": _required(tracking_number, "tracking number"),
    }
    return _advance(res, Step.SHIPPED, actor=actor, at=at or timezone.now(), fields=fields)


@transaction.atomic
def resolution_mark_delivered(
    *, resolution: Resolution, actor: Actor, at: datetime | None = None
) -> Resolution:
    res = _locked(resolution)
    return _advance(res, Step.DELIVERED, actor=actor, at=at or timezone.now())


@transaction.atomic
def resolution_verify_payment(
    *,
    resolution: Resolution,
    actor: Actor,
    transaction_id: str = "",
    at: datetime | None = None,
) -> Resolution:
    """The customer's make-up payment arrived: checked against the transaction ID they typed
    (or the one the vendor's payment system reports)."""
    at = at or timezone.now()
    res = _locked(resolution)
    typed = res.solution.makeup_transaction_id if res.solution_id else ""
    transaction_id = (transaction_id or typed or "").strip()
    if not transaction_id:
        raise DomainError(
            "No transaction ID yet: the customer has not entered one; enter the payment's "
            "transaction ID to verify it.",
            code="invalid",
        )
    fields = {"makeup_transaction_id": transaction_id, "makeup_verified_at": at}
    return _advance(res, Step.PAYMENT_VERIFIED, actor=actor, at=at, fields=fields)


@transaction.atomic
def resolution_cancel(
    *, resolution: Resolution, actor: Actor, note: str = "", at: datetime | None = None
) -> Resolution:
    at = at or timezone.now()
    res = _locked(resolution)
    res = _advance(
        res, Step.CANCELLED, actor=actor, at=at, fields={"cancelled_at": at}, note=note.strip()
    )
    if res.kind == K.EXCHANGE and res.return_request_id:
        # No exchange, no difference to refund: its pending refund goes with it (a return that
        # asked for an exchange has no other refund while the exchange is open).
        difference = Resolution.objects.select_for_update().filter(
            return_request_id=res.return_request_id, kind=K.REFUND, state=St.PENDING
        )
        for refund in difference:
            _advance(refund, Step.CANCELLED, actor=actor, at=at, fields={"cancelled_at": at})
    return res


# The steps by name, for the admin's and the API's one door each.
STEP_SERVICES = {
    Step.PAID: resolution_mark_paid,
    Step.COUPON_ISSUED: resolution_issue_coupon,
    Step.CREDIT_ISSUED: resolution_issue_credit,
    Step.SHIPPED: resolution_mark_shipped,
    Step.DELIVERED: resolution_mark_delivered,
    Step.PAYMENT_VERIFIED: resolution_verify_payment,
    Step.CANCELLED: resolution_cancel,
}

# What each step reads from a report (the case page's form, the API's body).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    Step.PAID: ("provider_reference",),
    Step.COUPON_ISSUED: ("coupon_code",),
    Step.CREDIT_ISSUED: ("coupon_code",),
    Step.SHIPPED: ("carrier", "tracking_number"),
    Step.DELIVERED: (),
    Step.PAYMENT_VERIFIED: ("transaction_id",),
    Step.CANCELLED: ("note",),
}


def resolution_report(
    *, resolution: Resolution, step: str, actor: Actor, data: Mapping[str, Any]
) -> Resolution:
    """One step reported by an agent or the vendor's systems, with the fields it reads."""
    if step not in STEP_SERVICES:
        known = ", ".join(STEP_SERVICES)
        raise DomainError(f"Unknown step {step!r}; use one of: {known}.", code="invalid")
    kwargs = {name: str(data.get(name) or "") for name in STEP_FIELDS[step]}
    return STEP_SERVICES[step](resolution=resolution, actor=actor, **kwargs)
