"""Facts in, decisions out: the shared vocabulary and base class of every vendor policy."""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, ClassVar

from policies.calendar import WorkingCalendar, is_after, require_aware

CENT = Decimal("0.01")
ZERO = Decimal("0")
IMAGE_FORMATS = ("jpg", "jpeg", "png", "webp")
VIDEO_FORMATS = ("mp4", "mov", "webm")
DOCUMENT_FORMATS = ("pdf", "jpg", "jpeg", "png")
MEBIBYTE = 1024 * 1024


class Scenario(StrEnum):
    NON_QUALITY = "non_quality"
    WRONG_ITEM = "wrong_item"
    QUALITY_DEFECT = "quality_defect"
    WARRANTY_CLAIM = "warranty_claim"


class RequestKind(StrEnum):
    RETURN = "return"  # a ReturnRequest with a Scenario
    CANCELLATION = "cancellation"
    ADDRESS_CHANGE = "address_change"
    SOLUTION_REJECT = "solution_reject"


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    POSTAGE_RECEIPT = "postage_receipt"
    PAYMENT_SCREENSHOT = "payment_screenshot"
    FAULT_STATEMENT = "fault_statement"
    COMPARISON_SCREENSHOT = "comparison_screenshot"
    PACKAGING_PHOTO = "packaging_photo"


class Attestation(StrEnum):
    UNUSED = "unused"
    UNTESTED = "untested"
    UNPROGRAMMED = "unprogrammed"
    PACKAGING_INTACT = "packaging_intact"
    ACCESSORIES_COMPLETE = "accessories_complete"
    GIFTS_INCLUDED = "gifts_included"
    ORIGINAL_PACKAGING = "original_packaging"  # AQA-6: included, not necessarily pristine
    UNDAMAGED = "undamaged"  # AQA-4


@dataclass(frozen=True)
class LineFacts:
    """One order line; `purchase_cost` and `export_postage` are per unit, like `unit_price`."""

    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    purchase_cost: Decimal = ZERO
    export_postage: Decimal = ZERO
    warranty_months: int | None = None


@dataclass(frozen=True)
class OrderFacts:
    number: str
    currency: str
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    country_of_purchase: str
    purchase_channel: str
    is_corporate: bool
    lines: tuple[LineFacts, ...]
    has_tracking_number: bool = False

    def __post_init__(self) -> None:
        for name in ("placed_at", "shipped_at", "delivered_at"):
            if (value := getattr(self, name)) is not None:
                require_aware(value, f"OrderFacts.{name}")


@dataclass(frozen=True)
class RequestFacts:
    kind: RequestKind
    at: datetime
    scenario: Scenario | None = None
    lines: tuple[tuple[str, int], ...] = ()
    evidence: Mapping[EvidenceKind, int] = field(default_factory=dict)
    attestations: frozenset[Attestation] = frozenset()
    current_country: str | None = None
    solution_status: str | None = None
    comment: str = ""
    replaced_at: datetime | None = None
    original_warranty_end: datetime | None = None
    fully_refunded: bool = False
    complex_case: bool = False
    received_item_price: Decimal | None = None
    # True when a request is opened before its evidence is uploaded (the portal's checklist);
    # missing evidence is then reported as still to come rather than refused.
    evidence_due_later: bool = False

    def __post_init__(self) -> None:
        require_aware(self.at, "RequestFacts.at")
        for name in ("replaced_at", "original_warranty_end"):
            if (value := getattr(self, name)) is not None:
                require_aware(value, f"RequestFacts.{name}")


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
    message: str
    figures: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "figures": dict(self.figures)}


def finding(rule_id: str, ok: bool, text: str, **figures: object) -> Finding:
    """A finding whose message ends with the rule id, as customers and agents see it."""
    message = f"{text.rstrip('.')} ({rule_id})."
    return Finding(rule_id, ok, message, {k: figure(v) for k, v in figures.items()})


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
        return any(f.figures.get("best_effort") == "true" for f in self.findings)

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


@dataclass(frozen=True)
class BaseSettings:
    """Settings every policy has; a vendor subclass adds its own, each with the README default."""

    max_upload_bytes: int = 10 * MEBIBYTE
    video_max_bytes: int = 200 * MEBIBYTE
    reminder_hours_before: int = 24

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object], *, policy_key: str) -> BaseSettings:
        defaults = cls()
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise ValueError(
                f"Unknown setting(s) for the {policy_key!r} policy: {', '.join(unknown)}. "
                f"Known settings: {', '.join(sorted(known))}."
            )
        values = {
            name: _coerce_setting(policy_key, name, value, getattr(defaults, name))
            for name, value in mapping.items()
        }
        return dataclasses.replace(defaults, **values)

    def to_dict(self) -> dict[str, object]:
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in vars(self).items()}


def _coerce_setting(policy_key: str, name: str, value: object, default: object) -> object:
    where = f"Setting {name!r} of the {policy_key!r} policy"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{where} must be a whole number >= 0, got {value!r}")
        return value
    if isinstance(default, Decimal):
        # Floats are refused: 0.1 as a float is not the 0.1 a vendor typed.
        if not isinstance(value, Decimal | int | str) or isinstance(value, bool):
            raise ValueError(f"{where} must be a decimal string, got {value!r}")
        try:
            number = Decimal(value)
        except ArithmeticError as exc:
            raise ValueError(f"{where} must be a decimal string, got {value!r}") from exc
        if not number.is_finite() or number < 0:
            raise ValueError(f"{where} must be a finite number >= 0, got {value!r}")
        return number
    if not isinstance(value, str):
        raise ValueError(f"{where} must be text, got {value!r}")
    return value


class Policy(ABC):
    """One vendor's published policy as rules; every answer cites the rule id it comes from."""

    key: ClassVar[str]
    version: ClassVar[str]
    name: ClassVar[str]
    supported_kinds: ClassVar[frozenset[RequestKind]]
    scenarios: ClassVar[tuple[Scenario, ...]] = ()
    Settings: ClassVar[type[BaseSettings]] = BaseSettings
    scope_rule: ClassVar[str]  # cited when a request falls outside what the policy handles
    reminded_deadlines: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        settings: Mapping[str, object] | None = None,
        *,
        timezone: str = "UTC",
        country: str = "US",
    ) -> None:
        self.settings = self.settings_from(settings)
        self.calendar = WorkingCalendar(country, timezone)
        self.timezone = timezone
        self.country = self.calendar.country

    def __repr__(self) -> str:
        return f"{type(self).__name__}(timezone={self.timezone!r}, country={self.country!r})"

    @classmethod
    def settings_from(cls, mapping: Mapping[str, object] | None) -> BaseSettings:
        return cls.Settings.from_mapping(mapping or {}, policy_key=cls.key)

    @classmethod
    def default_settings(cls) -> dict[str, object]:
        return cls.Settings().to_dict()

    # -- decisions -------------------------------------------------------------------------
    @abstractmethod
    def decide(self, order: OrderFacts, request: RequestFacts) -> Decision: ...

    def _decision(self, findings: Sequence[Finding]) -> Decision:
        allowed = bool(findings) and all(f.ok for f in findings)
        return Decision(allowed, tuple(findings), self.key, self.version)

    def _out_of_scope(self, request: RequestFacts) -> Decision:
        what = request.kind.value.replace("_", " ")
        if request.kind is RequestKind.RETURN:
            what = f"return ({request.scenario or 'no scenario'})"
        text = f"{self.name} does not handle a {what} request through this portal"
        return self._decision([finding(self.scope_rule, False, text, kind=request.kind)])

    @property
    def offers_warranty_solutions(self) -> bool:
        """Whether the vendor proposes warranty solutions for customers to confirm (REO)."""
        return RequestKind.SOLUTION_REJECT in self.supported_kinds

    # -- attestations ------------------------------------------------------------------------
    def required_attestations(self, scenario: Scenario | None) -> tuple[AttestationNeed, ...]:
        """The condition statements the customer ticks for this scenario (explicit checkboxes)."""
        return ()

    # -- evidence ----------------------------------------------------------------------------
    def evidence_requirements(
        self, scenario: Scenario | None, kind: RequestKind = RequestKind.RETURN
    ) -> tuple[EvidenceRequirement, ...]:
        return ()

    def check_evidence(
        self, scenario: Scenario | None, evidence: Mapping[EvidenceKind, int]
    ) -> tuple[Finding, ...]:
        return check_requirements(self.evidence_requirements(scenario), evidence)

    def evidence_findings(
        self, scenario: Scenario | None, request: RequestFacts
    ) -> tuple[Finding, ...]:
        """Evidence findings for a decision; refusals become reminders when evidence comes later."""
        findings = self.check_evidence(scenario, request.evidence)
        if not request.evidence_due_later:
            return findings
        return tuple(
            f if f.ok else dataclasses.replace(f, ok=True, message=f"Still to upload: {f.message}")
            for f in findings
        )

    def check_upload(
        self, requirement: EvidenceRequirement, file_format: str, size_bytes: int
    ) -> Finding:
        """One uploaded file against its requirement's formats and size limit."""
        fmt = file_format.lower().lstrip(".")
        if fmt not in requirement.formats:
            allowed = ", ".join(f.upper() for f in requirement.formats)
            text = f"{fmt.upper() or 'This file type'} is not accepted; use {allowed}"
            return finding(requirement.rule_id, False, text, format=fmt, formats=allowed)
        limit = requirement.max_bytes
        if limit is not None and size_bytes > limit:
            text = f"The file has {size_bytes} bytes; the limit is {limit} bytes"
            return finding(requirement.rule_id, False, text, size=size_bytes, max_bytes=limit)
        text = f"{requirement.label}: {fmt.upper()} file of {size_bytes} bytes accepted"
        return finding(requirement.rule_id, True, text, size=size_bytes, max_bytes=limit)

    # -- tracking and addresses --------------------------------------------------------------
    def carriers(self) -> tuple[Carrier, ...]:
        return ()

    def check_tracking(self, carrier_code: str | None, tracking_number: str) -> Finding:
        text = f"{self.name} asks for no return tracking number"
        return finding(self.scope_rule, True, text, tracking_number=tracking_number)

    def check_address_change(self, original_country: str, new_country: str) -> Finding:
        text = f"{self.name} does not restrict the country of a shipping address"
        return finding(self.scope_rule, True, text, original=original_country, new=new_country)

    # -- deadlines ---------------------------------------------------------------------------
    def deadlines(self, order: OrderFacts, request: RequestFacts) -> tuple[Deadline, ...]:
        return ()

    def review_due(self, requested_at: datetime, *, complex_case: bool = False) -> Deadline | None:
        return None

    def ship_by(self, approved_at: datetime) -> Deadline | None:
        return None

    def refund_due(self, inspected_at: datetime) -> Deadline | None:
        return None

    def reminder_before(self, deadline: Deadline) -> datetime | None:
        if deadline.name not in self.reminded_deadlines:
            return None
        return self.calendar.add_hours(deadline.at, -self.settings.reminder_hours_before)

    def solution_deadlines(self, sent_at: datetime) -> tuple[Deadline, ...]:
        return ()

    def funds_window(self, refunded_at: datetime) -> tuple[datetime, datetime] | None:
        return None

    # -- money and notices -------------------------------------------------------------------
    def refund(
        self,
        order: OrderFacts,
        request: RequestFacts,
        *,
        ratio: Decimal | None = None,
        wrong_item_option: str | None = None,
        received_on: datetime | None = None,
        deductions: Sequence[RefundLine] = (),
    ) -> RefundBreakdown:
        raise ValueError(f"The {self.key!r} policy computes no refund ({self.scope_rule})")

    def return_notice(self) -> tuple[str, ...]:
        return ()

    # -- helpers for subclasses ---------------------------------------------------------------
    def _needs(
        self,
        kind: EvidenceKind,
        minimum: int,
        rule_id: str,
        label: str,
        alternatives: tuple[EvidenceKind, ...] = (),
        maximum: int | None = None,
    ) -> EvidenceRequirement:
        """A requirement whose formats and size limit follow from its kind and the settings."""
        if kind is EvidenceKind.VIDEO:
            formats, size = VIDEO_FORMATS, self.settings.video_max_bytes
        elif kind is EvidenceKind.FAULT_STATEMENT:
            formats, size = DOCUMENT_FORMATS, self.settings.max_upload_bytes
        else:
            formats, size = IMAGE_FORMATS, self.settings.max_upload_bytes
        return EvidenceRequirement(
            kind, minimum, maximum, formats, size, rule_id, label, alternatives
        )

    def _deadline(self, name: str, at: datetime, rule_id: str, label: str, **kw: Any) -> Deadline:
        return Deadline(name, self.calendar.local(at), rule_id, label, **kw)

    def _when(self, moment: datetime) -> str:
        """A local date-time the customer reads, with the zone's abbreviation."""
        return self.calendar.local(moment).strftime("%Y-%m-%d %H:%M %Z")

    def _day(self, moment: datetime) -> str:
        return self.calendar.local_date(moment).isoformat()

    def _days_between(self, start: datetime, end: datetime) -> int:
        return self.calendar.days_between(start, end)

    def _hours(self, start: datetime, end: datetime) -> Decimal:
        return self.calendar.hours_between(start, end)


def check_requirements(
    requirements: Sequence[EvidenceRequirement], evidence: Mapping[EvidenceKind, int]
) -> tuple[Finding, ...]:
    """One finding per requirement that asks for something, plus any count over a maximum."""
    findings: list[Finding] = []
    for req in requirements:
        own = evidence.get(req.kind, 0)
        counted = own + sum(evidence.get(alt, 0) for alt in req.alternatives)
        if req.min_count:
            ok = counted >= req.min_count
            verb = "received" if ok else "need at least"
            text = f"{req.label}: {verb} {req.min_count if not ok else counted}"
            if not ok:
                text += f", you sent {counted}"
            findings.append(
                finding(req.rule_id, ok, text, kind=req.kind, count=counted, minimum=req.min_count)
            )
        if req.max_count is not None and own > req.max_count:
            text = f"{req.label}: at most {req.max_count}, you sent {own}"
            findings.append(
                finding(req.rule_id, False, text, kind=req.kind, count=own, maximum=req.max_count)
            )
    return tuple(findings)
