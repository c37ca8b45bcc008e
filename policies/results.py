"""What a policy answers: findings and decisions, requirements, deadlines and refunds."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from policies.calendar import is_after
from policies.facts import (
    CENT,
    ZERO,
    Attestation,
    EvidenceKind,
    LineFacts,
    OrderFacts,
    RequestFacts,
)
from policies.vocabulary import FLAG_TRUE, Figure, Message, ParamKind, msg, typed


def figure(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return FLAG_TRUE if value else "false"
    return str(value)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    ok: bool
    message: str  # English, with the rule id: logs and the API's ``message``
    figures: Mapping[str, str] = field(default_factory=dict)
    # The same text as data: stored with the case and rendered in the reader's language where
    # it is shown, so a later settings change never rewrites it.
    text: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule_id": self.rule_id,
            "ok": self.ok,
            "message": self.message,
            "figures": dict(self.figures),
        }
        if self.text is not None:
            out["text"] = self.text.to_dict()
        return out


def finding(rule_id: str, ok: bool, text: Message, **figures: object) -> Finding:
    """A finding: its text as data (rendered where it is read) and, for logs and the API, the
    English sentence ending with the rule id."""
    if not isinstance(text, Message):
        raise TypeError(f"A finding's text is a Message (msg() template), not {text!r}")
    message = f"{text.english().rstrip('.')} ({rule_id})."
    return Finding(rule_id, ok, message, {k: figure(v) for k, v in figures.items()}, text)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    findings: tuple[Finding, ...]
    policy_key: str
    policy_version: str

    def __post_init__(self) -> None:
        if self.allowed and self.refusals:
            raise ValueError("A decision with refusals cannot be allowed")

    @property
    def refusals(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.ok)

    @property
    def best_effort(self) -> bool:
        """True when the vendor only promises to try (AQA-1 after its 12 hours)."""
        return any(f.figures.get(Figure.BEST_EFFORT) == FLAG_TRUE for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class AttestationNeed:
    """One statement the customer must tick, in words they understand, with its rule."""

    attestation: Attestation
    label: Message
    rule_id: str


@dataclass(frozen=True)
class EvidenceRequirement:
    """`alternatives` are kinds whose uploads also count toward `min_count` (photos OR videos)."""

    kind: EvidenceKind
    min_count: int
    max_count: int | None
    formats: tuple[str, ...]
    max_bytes: int | None
    rule_id: str
    label: Message
    alternatives: tuple[EvidenceKind, ...] = ()


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str  # a carrier's own name (UPS, FedEx); "Any carrier" is never shown as a choice
    pattern: str
    example: str


@dataclass(frozen=True)
class RefundLine:
    label: Message
    amount: Decimal
    rule_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label.english(),  # logs and the API
            "text": self.label.to_dict(),  # rendered in the reader's language
            "amount": str(self.amount),
            "rule_id": self.rule_id,
        }


@dataclass(frozen=True)
class RefundBreakdown:
    currency: str
    lines: tuple[RefundLine, ...]
    total: Decimal
    paid: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "lines": [line.to_dict() for line in self.lines],
            "total": str(self.total),
            "paid": str(self.paid),
        }


@dataclass(frozen=True)
class ResolutionPlan:
    """One resolution a policy decided a case gets: its kind, amount and itemised lines."""

    kind: str  # a ``ResolutionKind``
    currency: str
    amount: Decimal = ZERO
    lines: tuple[RefundLine, ...] = ()
    rule_ids: tuple[str, ...] = ()
    method: str = ""  # a ``CompensationMethod`` for a compensation
    sku: str | None = None  # the item a shipment carries
    quantity: int = 1
    warranty_end: datetime | None = None  # a replacement unit's own warranty end (AQA-10)
    makeup_amount: Decimal = ZERO  # owed by the customer before it proceeds (REO-8)

    def lines_dict(self) -> list[dict[str, Any]]:
        return [line.to_dict() for line in self.lines]


@dataclass(frozen=True)
class Deadline:
    name: str
    at: datetime
    rule_id: str
    label: Message
    sku: str | None = None  # set when a deadline belongs to one product (warranty_end)

    def has_passed(self, now: datetime) -> bool:
        """True once `now` is after the deadline; the deadline's own instant is still inside."""
        return is_after(now, self.at)

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Deadline:
        """A deadline as a case stored it; one stored before labels were data keeps its
        English label as the message (shown untranslated)."""
        label = (
            Message.from_dict(stored["text"])
            if stored.get("text")
            else Message(str(stored.get("label", "")))
        )
        at = datetime.fromisoformat(stored["at"])
        return cls(stored["name"], at, stored.get("rule_id", ""), label, stored.get("sku"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": str(self.name),
            "at": self.at.isoformat(),
            "rule_id": self.rule_id,
            "label": self.label.english(),  # logs and the API
            "text": self.label.to_dict(),  # rendered in the reader's language
            "sku": self.sku,
        }


def money(amount: Decimal) -> Decimal:
    """Quantise to cents, once, where an amount leaves a calculation."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def refunded_before(amount: Decimal, rule_id: str) -> RefundLine:
    """A deduction for money this case already refunded (its own resolution, paid earlier), so
    the refund step never pays it twice. ``rule_id``: the rule that refund was paid under."""
    return RefundLine(
        Message(
            msg("Already refunded on this case (%(amount)s)"),
            {"amount": typed(ParamKind.AMOUNT, str(money(amount)))},
        ),
        -money(amount),
        rule_id,
    )


def build_refund(
    currency: str,
    paid: Decimal,
    raw_lines: Sequence[tuple[Message, Decimal, str]],
    deductions: Sequence[RefundLine],
    cap_rule: str,
) -> RefundBreakdown:
    """Quantise each line once, add agent deductions, then hold the total within 0..paid.

    A cap adds a visible line, so the lines always add up to the total the customer sees.
    """
    for extra in deductions:
        if extra.amount > 0:
            raise ValueError(f"Deduction {extra.label.english()!r} must be zero or negative")
    lines = [RefundLine(label, money(amount), rule) for label, amount, rule in raw_lines]
    lines += [RefundLine(d.label, money(d.amount), d.rule_id) for d in deductions]
    paid = money(paid)
    total = sum((line.amount for line in lines), ZERO)
    if total < 0:
        label = Message(msg("Deductions cannot exceed the amount paid"))
        lines.append(RefundLine(label, -total, cap_rule))
        total = ZERO
    elif total > paid:
        label = Message(msg("A refund cannot exceed the amount paid"))
        lines.append(RefundLine(label, paid - total, cap_rule))
        total = paid
    return RefundBreakdown(currency, tuple(lines), money(total), paid)


def requested_lines(order: OrderFacts, request: RequestFacts) -> tuple[tuple[LineFacts, int], ...]:
    """The order lines a request covers with their quantities; no lines means the whole order."""
    if not request.lines:
        return tuple((line, line.quantity) for line in order.lines)
    chosen: list[tuple[LineFacts, int]] = []
    for sku, quantity in request.lines:
        matching = [line for line in order.lines if line.sku == sku]
        if not matching:
            raise ValueError(f"Order {order.number} has no item with SKU {sku!r}")
        if quantity < 1 or quantity > sum(line.quantity for line in matching):
            raise ValueError(f"Cannot request {quantity} of SKU {sku!r} on order {order.number}")
        for line in matching:  # one SKU may sit on several lines; fill them in order
            take = min(quantity, line.quantity)
            if take:
                chosen.append((line, take))
                quantity -= take
    return tuple(chosen)
