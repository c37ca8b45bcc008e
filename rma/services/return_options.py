"""Reads for a customer choosing a return: eligibility, the checkboxes, amounts and dates.

Nothing here changes state; ``return_create`` still makes the one binding decision. These
answers come from the same policy calls, so what the form promises is what the decision says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from policies.base import (
    Attestation,
    Deadline,
    DeadlineName,
    Decision,
    Finding,
    Message,
    RefundBreakdown,
    msg,
)
from policies.base import Scenario as PolicyScenario
from rma.models import Order, OrderLine, ReturnRequest
from rma.models.resolutions import ResolutionKind, ResolutionState
from rma.models.returns import Scenario

from .facts import case_policy, order_facts, return_facts, unit_facts
from .units import claimed_units, line_history


def _decide(
    order: Order,
    scenario: str,
    lines: Sequence[tuple[OrderLine, int]],
    at: datetime,
    attestations: Iterable[str],
    current_country: str,
    evidence: dict[str, int] | None = None,
) -> Decision:
    # The units the customer holds now, and the lines' history, as return_create judges them:
    # a claim on a replacement unit runs on the replacement's warranty, not the purchase's.
    units = claimed_units(order=order, lines=lines, serials=()).units
    covered = {unit.order_line_id for unit in units}
    facts = return_facts(
        scenario=scenario,
        at=at,
        lines=[(line.sku, qty) for line, qty in lines],
        attestations=attestations,
        # Until the customer says where the product is, assume the country of purchase.
        current_country=current_country or str(order.country_of_purchase),
        evidence=evidence,
        evidence_due_later=True,
        units=[unit_facts(unit) for unit in units],
        history=line_history(lines=[line for line, _qty in lines if line.pk not in covered]),
    )
    return order.vendor.get_policy().decide(order_facts(order), facts)


def return_eligibility(
    *,
    order: Order,
    scenario: str,
    lines: Sequence[tuple[OrderLine, int]],
    current_country: str = "",
    at: datetime | None = None,
) -> Decision:
    """The decision as if every condition were confirmed: its refusals cannot be fixed by the
    customer (a window that has passed, an excluded order), so the form says so at once."""
    every = [a.value for a in Attestation]
    return _decide(order, scenario, lines, at or timezone.now(), every, current_country)


def standing_findings(
    *,
    order: Order,
    scenario: str,
    lines: Sequence[tuple[OrderLine, int]],
    current_country: str = "",
    at: datetime | None = None,
) -> tuple[Finding, ...]:
    """The findings that hold whatever the customer confirms or uploads (windows, freight):
    those identical between a request with every statement and none, with evidence and without.
    """
    at = at or timezone.now()
    policy = order.vendor.get_policy()
    full = {
        req.kind.value: req.min_count for req in policy.evidence_requirements(Scenario(scenario))
    }
    every = [a.value for a in Attestation]
    with_all = _decide(order, scenario, lines, at, every, current_country)
    with_none = _decide(order, scenario, lines, at, [], current_country, evidence=full)
    return tuple(f for f in with_all.findings if f in with_none.findings)


@dataclass(frozen=True)
class AttestationAsked:
    attestation: Attestation
    rule_ids: tuple[str, ...]

    @property
    def value(self) -> str:
        return self.attestation.value


def required_attestations(
    *,
    order: Order,
    scenario: str,
    lines: Sequence[tuple[OrderLine, int]],
    current_country: str = "",
    at: datetime | None = None,
) -> list[AttestationAsked]:
    """The condition statements this request needs, each with its rule;
    none when the request is refused whatever the customer confirms."""
    at = at or timezone.now()
    every = {a.value for a in Attestation}
    if not _decide(order, scenario, lines, at, every, current_country).allowed:
        return []
    needs = order.vendor.get_policy().required_attestations(PolicyScenario(scenario))
    return [AttestationAsked(need.attestation, (need.rule_id,)) for need in needs]


@dataclass(frozen=True)
class EstimateLine:
    label: str
    amount: Decimal
    rule_id: str


@dataclass(frozen=True)
class RefundEstimate:
    currency: str
    lines: tuple[EstimateLine, ...]
    total: Decimal
    paid: Decimal


def refund_estimate(
    *,
    order: Order,
    scenario: str,
    lines: Sequence[tuple[OrderLine, int]],
    at: datetime | None = None,
) -> RefundEstimate | None:
    """The refund the policy would pay for these items if the inspection finds them as
    described, itemised (deductions included); None where the vendor computes none."""
    from rma.messages import refund_line_label

    policy = order.vendor.get_policy()
    facts = return_facts(
        scenario=scenario,
        at=at or timezone.now(),
        lines=[(line.sku, qty) for line, qty in lines],
        evidence_due_later=True,
    )
    try:
        breakdown = policy.refund(order_facts(order), facts)
    except ValueError:
        return None
    rows = tuple(
        EstimateLine(refund_line_label(line.to_dict()), line.amount, line.rule_id)
        for line in breakdown.lines
    )
    return RefundEstimate(breakdown.currency, rows, breakdown.total, breakdown.paid)


def wrong_item_amounts(
    *,
    order: Order,
    lines: Sequence[tuple[OrderLine, int]],
    received_item_price: Decimal | None,
    at: datetime | None = None,
) -> dict[str, RefundBreakdown | None]:
    """Both wrong-item options priced: keep (needs the received item's price) or return."""
    policy = order.vendor.get_policy()
    facts = return_facts(
        scenario=Scenario.WRONG_ITEM,
        at=at or timezone.now(),
        lines=[(line.sku, qty) for line, qty in lines],
        received_item_price=received_item_price,
        evidence_due_later=True,
    )
    amounts: dict[str, RefundBreakdown | None] = {}
    for option in ReturnRequest.WrongItemOption.values:
        try:
            amounts[option] = policy.refund(order_facts(order), facts, wrong_item_option=option)
        except ValueError:
            amounts[option] = None
    return amounts


@dataclass(frozen=True)
class ExpectedDate:
    label: Message  # rendered in the reader's language where it is shown
    rule_id: str
    at: datetime
    until: datetime | None = None
    passed: bool = False
    # A deadline to the minute (ship by, review by) prints its time; a day range (refund,
    # funds) prints days, as the emails print the same deadline.
    precise: bool = False


def expected_dates(
    rr: ReturnRequest, *, now: datetime | None = None, resolutions: Sequence | None = None
) -> list[ExpectedDate]:
    """The dates a customer waits for or must meet, labelled as the policy worded them when
    each was set (stored with the case), never re-worded from today's settings.

    A replaced item's warranty is the replacement's (its resolution's ``warranty_end``), so the
    purchase's warranty end of that item no longer applies. ``resolutions``: the case's, when
    the caller has read them already.
    """
    now = now or timezone.now()
    replacements = replacement_warranties(rr, resolutions)
    replaced_skus = {r.order_line.sku if r.order_line_id else None for r in replacements}
    policy = case_policy(rr)
    stored = {d.get("name"): d for d in rr.decision.get("deadlines", [])}
    found: list[ExpectedDate] = []
    seen: set[str] = set()

    def add(name: str, label: Message, rule_id: str, at: datetime, until: datetime | None = None):
        if name in seen:
            return
        seen.add(name)
        precise = name in (DeadlineName.SHIP_BY, DeadlineName.REVIEW_DUE)
        found.append(ExpectedDate(label, rule_id, at, until, (until or at) < now, precise))

    def kept(name: str, at: datetime, fallback: str) -> tuple[Message, str]:
        """The stored label of the deadline ``name`` set at ``at``, else generic words."""
        entry = stored.get(name)
        if entry is not None and parse_datetime(entry.get("at", "")) == at:
            deadline = Deadline.from_dict(entry)
            return deadline.label, deadline.rule_id
        return Message(fallback), ""

    sending = rr.still_to_send()
    if rr.ship_by is not None and sending:
        for name in (DeadlineName.SHIP_BY, DeadlineName.RETURN_BY):
            label, rule_id = kept(name, rr.ship_by, msg("Ship by"))
            if rule_id:
                break
        add(DeadlineName.SHIP_BY, label, rule_id, rr.ship_by)
        seen.add(DeadlineName.RETURN_BY)
    if rr.review_due is not None and rr.status in ("requested", "under_review"):
        add(
            DeadlineName.REVIEW_DUE,
            *kept(DeadlineName.REVIEW_DUE, rr.review_due, msg("Review")),
            rr.review_due,
        )
    for entry in rr.decision.get("deadlines", []):
        at = parse_datetime(entry.get("at", ""))
        name = entry.get("name")
        if at is None or name in (DeadlineName.REVIEW_DUE, DeadlineName.REPORT_BY):
            continue
        if not sending and name in (DeadlineName.SHIP_BY, DeadlineName.RETURN_BY):
            continue
        if name == DeadlineName.WARRANTY_END and (
            entry.get("sku") in replaced_skus or None in replaced_skus
        ):
            continue
        if name == DeadlineName.REFUND_DUE and (
            rr.inspected_at is None or rr.refunded_at or rr.replaced_at
        ):
            continue
        deadline = Deadline.from_dict(entry)
        add(name, deadline.label, deadline.rule_id, at)
    if rr.refunded_at is not None:
        window = policy.funds_window(rr.refunded_at)
        if window is not None:
            # The funds window comes from the same rule as the refund deadline.
            due = stored.get(DeadlineName.REFUND_DUE) or {}
            label = Message(msg("Funds arrive on your account"))
            add("funds", label, due.get("rule_id", ""), window[0], window[1])
    for replacement in replacements:
        label = Message(msg("Warranty on the replacement"))
        if replacement.order_line_id:
            label = Message(
                msg("Warranty on the replacement %(product)s"),
                {"product": replacement.order_line.name},
            )
        rule_id = next(iter(replacement.rule_ids or ()), "")
        add(f"replacement_{replacement.pk}", label, rule_id, replacement.warranty_end)
    return sorted(found, key=lambda d: d.at)


def replacement_warranties(rr: ReturnRequest, resolutions: Sequence | None = None) -> list:
    """The case's replacement units that carry their own warranty end (not cancelled)."""
    if resolutions is None:
        if rr.replaced_at is None:
            return []
        resolutions = rr.resolutions.select_related("order_line")
    return [
        r
        for r in resolutions
        if r.kind == ResolutionKind.REPLACEMENT
        and r.warranty_end is not None
        and r.state != ResolutionState.CANCELLED
    ]
