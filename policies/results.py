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
from policies.vocabulary import Figure, Message


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def figure(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    ok: bool
    message: str  # English, with the rule id: logs, the API's message, agents
    figures: Mapping[str, str] = field(default_factory=dict)
    # The same text as data, where the policy gives it: stored with the case and rendered in
    # the reader's language when shown, so a later settings change never rewrites it.
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


def finding(rule_id: str, ok: bool, text: str | Message, **figures: object) -> Finding:
    """A finding whose message ends with the rule id, as customers and agents see it; a
    ``Message`` is also kept as data for rendering in other languages."""
    data = text if isinstance(text, Message) else None
    english = data.english() if data is not None else str(text)
    message = f"{english.rstrip('.')} ({rule_id})."
    return Finding(rule_id, ok, message, {k: figure(v) for k, v in figures.items()}, data)


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
        return any(f.figures.get(Figure.BEST_EFFORT) == "true" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class AttestationNeed:
    """One statement the customer must tick, in words they understand, with its rule."""

    attestation: Attestation
    label: str
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
    label: str
    alternatives: tuple[EvidenceKind, ...] = ()


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    pattern: str
    example: str


@dataclass(frozen=True)
class RefundLine:
    label: str
    amount: Decimal
    rule_id: str


@dataclass(frozen=True)
class RefundBreakdown:
    currency: str
    lines: tuple[RefundLine, ...]
    total: Decimal
    paid: Decimal

    def to_dict(self) -> dict[str, Any]:
        lines = [{**dataclasses.asdict(x), "amount": str(x.amount)} for x in self.lines]
        return {
            "currency": self.currency,
            "lines": lines,
            "total": str(self.total),
            "paid": str(self.paid),
        }


@dataclass(frozen=True)
class Deadline:
    name: str
    at: datetime
    rule_id: str
    label: str
    sku: str | None = None  # set when a deadline belongs to one product (warranty_end)

    def has_passed(self, now: datetime) -> bool:
        """True once `now` is after the deadline; the deadline's own instant is still inside."""
        return is_after(now, self.at)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "at": self.at.isoformat()}


def money(amount: Decimal) -> Decimal:
    """Quantise to cents, once, where an amount leaves a calculation."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def build_refund(
    currency: str,
    paid: Decimal,
    raw_lines: Sequence[tuple[str, Decimal, str]],
    deductions: Sequence[RefundLine],
    cap_rule: str,
) -> RefundBreakdown:
    """Quantise each line once, add agent deductions, then hold the total within 0..paid.

    A cap adds a visible line, so the lines always add up to the total the customer sees.
    """
    for extra in deductions:
        if extra.amount > 0:
            raise ValueError(f"Deduction {extra.label!r} must be zero or negative")
    lines = [RefundLine(label, money(amount), rule) for label, amount, rule in raw_lines]
    lines += [RefundLine(d.label, money(d.amount), d.rule_id) for d in deductions]
    paid = money(paid)
    total = sum((line.amount for line in lines), ZERO)
    if total < 0:
        lines.append(RefundLine("Deductions cannot exceed the amount paid", -total, cap_rule))
        total = ZERO
    elif total > paid:
        lines.append(RefundLine("A refund cannot exceed the amount paid", paid - total, cap_rule))
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
