"""The base class of every vendor policy; the shared vocabulary is re-exported from here."""

from __future__ import annotations

import dataclasses
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from policies.calendar import WorkingCalendar
from policies.exchanges import (
    NO_EXCHANGES,
    ExchangeItem,
    ExchangeRules,
    ExchangeScope,
    PriceDifference,
    Settlement,
    settle_difference,
)
from policies.facts import (
    CENT,
    DOCUMENT_FORMATS,
    IMAGE_FORMATS,
    MEBIBYTE,
    VIDEO_FORMATS,
    ZERO,
    Attestation,
    EvidenceKind,
    LineFacts,
    OrderFacts,
    PurchaseFacts,
    RequestFacts,
    RequestKind,
    ResolutionFacts,
    Scenario,
    UnitFacts,
)
from policies.integrity import (
    IntegrityCheck,
    IntegrityFacts,
    IntegrityFlag,
    integrity_flags,
    parse_checks,
)
from policies.results import (
    AttestationNeed,
    Carrier,
    Deadline,
    Decision,
    EvidenceRequirement,
    Finding,
    RefundBreakdown,
    RefundLine,
    ResolutionPlan,
    build_refund,
    figure,
    finding,
    money,
    requested_lines,
)
from policies.settings import (
    BaseSettings,
)
from policies.vocabulary import (
    CarrierCode,
    DeadlineName,
    Figure,
    FreightPayer,
    Message,
    ParamKind,
    ResolutionKind,
    ResolutionStage,
    SolutionStep,
    WrongItemOption,
    counted,
    msg,
    plural_msg,
    typed,
)

# No 0/O, 1/I/L: customers copy solution passwords from an email, sometimes by hand.
PASSWORD_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASSWORD_GROUPS, PASSWORD_GROUP_LENGTH = 4, 4  # 16 symbols of 31: about 79 bits of entropy


def generate_solution_password() -> str:
    """A fresh one-time password for one warranty solution's email; store only its hash."""
    size = PASSWORD_GROUPS * PASSWORD_GROUP_LENGTH
    symbols = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(size))
    step = PASSWORD_GROUP_LENGTH
    return "-".join(symbols[i : i + step] for i in range(0, len(symbols), step))


class Policy(ABC):
    """One vendor's published policy as rules; every answer cites the rule id it comes from."""

    key: ClassVar[str]
    version: ClassVar[str]
    name: ClassVar[str]
    supported_kinds: ClassVar[frozenset[RequestKind]]
    scenarios: ClassVar[tuple[Scenario, ...]] = ()
    Settings: ClassVar[type[BaseSettings]] = BaseSettings
    scope_rule: ClassVar[str]  # cited when a request falls outside what the policy handles
    rule_prefix: ClassVar[str]  # every rule id of this vendor is PREFIX-N
    rule_doc: ClassVar[str]  # the rule document, relative to the repository root
    # What `make run` seeds for this vendor (name, time zone, country, colour, addresses);
    # None: the demo leaves the vendor out.
    demo_vendor: ClassVar[Mapping[str, str] | None] = None
    reminded_deadlines: ClassVar[frozenset[DeadlineName]] = frozenset()
    # The rule each warranty-solution step's audit event cites; empty: the vendor has none.
    solution_rules: ClassVar[Mapping[SolutionStep, str]] = {}
    # The RMA number given on approval: prefix + random digits; the vendor's rule is cited
    # wherever the number is shown (a parcel without it may be refused).
    rma_number_prefix: ClassVar[str] = "RMA"
    rma_number_digits: ClassVar[int] = 9
    rma_number_rule: ClassVar[str | None] = None
    wrong_item_rule: ClassVar[str | None] = None  # cited beside the keep-or-return choice
    # Cited by a refund the customer chose to take as store credit (``store_credit_refunds``).
    store_credit_rule: ClassVar[str | None] = None
    # The vendor rule each claim-integrity flag cites; a check not listed cites scope_rule.
    integrity_rules: ClassVar[Mapping[IntegrityCheck, str]] = {}

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
    def decide(self, order: OrderFacts, request: RequestFacts) -> Decision:
        """The vendor's decision on a request, after the checks every vendor shares: a return
        needs a delivered order, and no more units than the order still holds unclaimed."""
        shared = self._shared_return_findings(order, request)
        decision = self.decide_request(order, request)
        if not shared:
            return decision
        findings = (*shared, *decision.findings)
        allowed = decision.allowed and all(f.ok for f in shared)
        return Decision(allowed, findings, decision.policy_key, decision.policy_version)

    @abstractmethod
    def decide_request(self, order: OrderFacts, request: RequestFacts) -> Decision:
        """This vendor's own rules on a request (``decide`` adds the shared checks)."""

    def _shared_return_findings(self, order: OrderFacts, request: RequestFacts) -> list[Finding]:
        """Refusals that hold for any vendor; cited by the vendor's scope rule. Nothing is
        said when they pass, so a vendor's findings read as before."""
        if request.kind is not RequestKind.RETURN:
            return []
        found: list[Finding] = []
        if order.delivered_at is None:
            text = Message(
                msg(
                    "Order %(order)s has not been delivered yet; a return can be requested once "
                    "it has arrived"
                ),
                {"order": order.number},
            )
            found.append(finding(self.scope_rule, False, text, delivered=False))
        asked: dict[str, int] = {}
        # No lines named means the whole order, as ``requested_lines`` reads it.
        for sku, quantity in request.lines or tuple((ln.sku, ln.quantity) for ln in order.lines):
            asked[sku] = asked.get(sku, 0) + quantity
        for sku, quantity in asked.items():
            matching = [line for line in order.lines if line.sku == sku]
            bought = sum(line.quantity for line in matching)
            claimed = sum(line.already_claimed for line in matching)
            if matching and quantity + claimed > bought:
                left = max(bought - claimed, 0)
                text = Message(
                    msg(
                        "%(name)s: %(claimed)s of the %(bought)s you bought are already in "
                        "other return requests, so at most %(left)s can be returned now"
                    ),
                    {"name": matching[0].name, "claimed": claimed, "bought": bought, "left": left},
                )
                figures = {"sku": sku, "bought": bought, "claimed": claimed, "asked": quantity}
                found.append(finding(self.scope_rule, False, text, **figures))
        return found

    def _decision(self, findings: Sequence[Finding]) -> Decision:
        allowed = bool(findings) and all(f.ok for f in findings)
        return Decision(allowed, tuple(findings), self.key, self.version)

    def _out_of_scope(self, request: RequestFacts) -> Decision:
        text = Message(OUT_OF_SCOPE[request.kind], {"vendor": self.name})
        figures = {"kind": request.kind, "scenario": request.scenario or ""}
        return self._decision([finding(self.scope_rule, False, text, **figures)])

    @property
    def offers_warranty_solutions(self) -> bool:
        """Whether the vendor proposes warranty solutions for customers to confirm (REO)."""
        return RequestKind.SOLUTION_REJECT in self.supported_kinds

    def solution_rule_ids(self, *steps: SolutionStep) -> list[str]:
        """The rule ids an audit event for these solution steps cites (none for most vendors)."""
        return [self.solution_rules[s] for s in steps if s in self.solution_rules]

    def check_solution_submission(
        self,
        *,
        return_needed: bool,
        payment_needed: bool,
        address_confirmed: bool,
        original_country: str,
        new_country: str | None = None,
        tracking_number: str = "",
        transaction_id: str = "",
        evidence: Mapping[EvidenceKind, int] | None = None,
    ) -> Decision:
        """What the customer's form after agreeing to a solution must hold; a vendor without
        warranty solutions refuses every submission."""
        text = Message(
            msg("%(vendor)s does not take warranty solution submissions"), {"vendor": self.name}
        )
        return self._decision([finding(self.scope_rule, False, text)])

    def check_solution_content(self, content: Mapping[str, object]) -> Finding:
        """Whether a proposed solution shows everything the vendor's content page must show;
        by default the vendor asks for nothing more than the solution holds."""
        text = Message(msg("The solution shows everything proposed"))
        return finding(self.scope_rule, True, text)

    def check_transaction_id(self, transaction_id: str) -> Finding:
        text = Message(msg("%(vendor)s asks for no payment transaction id"), {"vendor": self.name})
        return finding(self.scope_rule, True, text, transaction_id=transaction_id)

    def solution_email_notice(self) -> tuple[Message, ...]:
        """Where the customer finds the solution email and its password (the login page)."""
        return ()

    def solution_steps(
        self,
        *,
        return_needed: bool,
        payment_needed: bool,
        awaiting_confirmation: bool = True,
        amount: str = "",
        currency: str = "",
    ) -> tuple[Message, ...]:
        """What a warranty solution's customer does, in order; empty without solutions."""
        return ()

    # -- return requests: what the request form and the approval need --------------------------
    def reason_required(self, scenario: Scenario | None) -> bool:
        """Whether the customer must write why they return; by default always."""
        return True

    def return_required(self, scenario: Scenario | None, wrong_item_option: str = "") -> bool:
        """Whether an approved request ships something back; by default always."""
        return True

    def approved_return_notice(self) -> tuple[Message, ...]:
        """What the customer must do with the RMA number once a return is approved."""
        return ()

    def keep_option_label(self) -> Message | None:
        """The wrong-item keep option as the customer reads it; None: the generic words."""
        return None

    def generate_rma_number(self) -> str:
        """A random RMA number in this vendor's format (the only generator: the return service
        calls it on approval); the database's unique index settles collisions."""
        digits = self.rma_number_digits
        return f"{self.rma_number_prefix}{secrets.randbelow(10**digits):0{digits}d}"

    def check_rma_number(self, value: str) -> Finding:
        number = value.strip()
        pattern = rf"{re.escape(self.rma_number_prefix)}\d{{{self.rma_number_digits}}}"
        ok = re.fullmatch(pattern, number) is not None
        example = self.rma_number_prefix + "1234567890"[: self.rma_number_digits].ljust(
            self.rma_number_digits, "0"
        )
        params = {
            "number": number,
            "prefix": self.rma_number_prefix,
            "digits": self.rma_number_digits,
            "example": example,
        }
        text = Message(
            msg("RMA number %(number)s is valid")
            if ok
            else msg(
                "RMA number %(number)s must be %(prefix)s and %(digits)s digits, like %(example)s"
            ),
            params,
        )
        rule = self.rma_number_rule or self.scope_rule
        return finding(rule, ok, text, rma_number=number, example=example)

    # -- attestations ------------------------------------------------------------------------
    def required_attestations(self, scenario: Scenario | None) -> tuple[AttestationNeed, ...]:
        """The condition statements the customer ticks for this scenario (explicit checkboxes)."""
        return ()

    # -- evidence ----------------------------------------------------------------------------
    def evidence_requirements(
        self, scenario: Scenario | None, kind: RequestKind = RequestKind.RETURN
    ) -> tuple[EvidenceRequirement, ...]:
        return ()

    def solution_evidence_requirements(
        self, *, return_needed: bool, payment_needed: bool
    ) -> tuple[EvidenceRequirement, ...]:
        """What a warranty solution's customer uploads, sized by what the solution needs."""
        return ()

    def check_solution_evidence(
        self, evidence: Mapping[EvidenceKind, int], *, return_needed: bool, payment_needed: bool
    ) -> tuple[Finding, ...]:
        requirements = self.solution_evidence_requirements(
            return_needed=return_needed, payment_needed=payment_needed
        )
        return check_requirements(requirements, evidence)

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
        return tuple(f if f.ok else _still_to_upload(f) for f in findings)

    def check_upload(
        self, requirement: EvidenceRequirement, file_format: str, size_bytes: int
    ) -> Finding:
        """One uploaded file against its requirement's formats and size limit."""
        fmt = file_format.lower().lstrip(".")
        if fmt not in requirement.formats:
            allowed = ", ".join(f.upper() for f in requirement.formats)
            params = {"format": fmt.upper(), "formats": allowed}
            text = (
                Message(msg("%(format)s files are not accepted; use %(formats)s"), params)
                if fmt
                else Message(msg("This file type is not accepted; use %(formats)s"), params)
            )
            return finding(requirement.rule_id, False, text, format=fmt, formats=allowed)
        limit = requirement.max_bytes
        megabytes = _megabytes(size_bytes)
        if limit is not None and size_bytes > limit:
            text = Message(
                msg("The file has %(size)s MB; the limit is %(limit)s MB"),
                {"size": megabytes, "limit": _megabytes(limit)},
            )
            return finding(requirement.rule_id, False, text, size=size_bytes, max_bytes=limit)
        text = Message(
            msg("%(label)s: %(format)s file of %(size)s MB accepted"),
            {"label": requirement.label, "format": fmt.upper(), "size": megabytes},
        )
        return finding(requirement.rule_id, True, text, size=size_bytes, max_bytes=limit)

    # -- tracking and addresses --------------------------------------------------------------
    def carriers(self) -> tuple[Carrier, ...]:
        return ()

    def named_carriers(self) -> tuple[Carrier, ...]:
        """The carriers a customer picks from; none when the vendor takes any carrier."""
        return tuple(c for c in self.carriers() if c.code != CarrierCode.ANY)

    def check_tracking(self, carrier_code: str | None, tracking_number: str) -> Finding:
        text = Message(msg("%(vendor)s asks for no return tracking number"), {"vendor": self.name})
        return finding(self.scope_rule, True, text, tracking_number=tracking_number)

    def check_address_change(self, original_country: str, new_country: str) -> Finding:
        text = Message(
            msg("%(vendor)s does not restrict the country of a shipping address"),
            {"vendor": self.name},
        )
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

    # -- units -------------------------------------------------------------------------------
    def unit_warranty_end(
        self, purchased_at: datetime, warranty_months: int | None
    ) -> Deadline | None:
        """The warranty end of a unit sold at ``purchased_at``; None: the policy gives none."""
        return None

    def replacement_warranty_end(
        self, original_end: datetime | None, replaced_at: datetime
    ) -> Deadline | None:
        """The warranty a replacement unit carries; None: it keeps the original end."""
        return None

    def accepts_unit_bought_elsewhere(self, purchase: PurchaseFacts) -> Decision:
        """Whether a customer may register a unit bought outside the vendor's store for
        warranty; by default the vendor does not accept it."""
        text = Message(
            msg("%(vendor)s registers only products it sold; please ask %(seller)s about warranty"),
            {"vendor": self.name, "seller": purchase.seller},
            rule_id=self.scope_rule,
        )
        return self._decision([finding(self.scope_rule, False, text, seller=purchase.seller)])

    def proof_of_purchase(self) -> EvidenceRequirement | None:
        """The file a registration of a unit bought elsewhere needs; None: not accepted."""
        return None

    def check_integrity(self, facts: IntegrityFacts) -> tuple[IntegrityFlag, ...]:
        """Claim integrity flags with this vendor's rule ids; they refuse only where the
        settings' ``integrity_refuses`` lists their check."""
        s = self.settings
        return integrity_flags(
            facts,
            rules=self.integrity_rules,
            default_rule=self.scope_rule,
            claims_flag_count=s.claims_flag_count,
            claims_flag_days=s.claims_flag_days,
            refuses=parse_checks(s.integrity_refuses),
        )

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

    def plan_resolutions(self, facts: ResolutionFacts) -> tuple[ResolutionPlan, ...]:
        """The resolutions a case gets at ``facts.stage`` (money, shipments, credit), each with
        its amount, itemised lines and rule ids. By default the policy plans none: the case
        ends in its status alone."""
        return ()

    def offers_store_credit(self, scenario: Scenario | None) -> bool:
        """Whether the customer of a return in ``scenario`` may take store credit instead of
        money back: where the vendor's settings offer it, for a non-quality return only."""
        return (
            self.settings.store_credit_refunds
            and scenario is Scenario.NON_QUALITY
            and scenario in self.scenarios
        )

    def refund_plan(
        self, facts: ResolutionFacts, breakdown: RefundBreakdown, kind: str = ResolutionKind.REFUND
    ) -> ResolutionPlan:
        """A refund (or compensation) resolution carrying a computed breakdown's lines; a
        refund the customer chose to take as store credit is planned as that, same amount."""
        rules = tuple(sorted({line.rule_id for line in breakdown.lines if line.rule_id}))
        method = self.settings.compensation_method if kind == ResolutionKind.COMPENSATION else ""
        scenario = facts.request.scenario if facts.request is not None else None
        if (
            kind == ResolutionKind.REFUND
            and facts.store_credit
            and self.offers_store_credit(scenario)
        ):
            kind = ResolutionKind.STORE_CREDIT
            rules = tuple(sorted({*rules, self.store_credit_rule or self.scope_rule}))
        return ResolutionPlan(
            kind, breakdown.currency, breakdown.total, breakdown.lines, rules, method=method
        )

    # -- exchanges ---------------------------------------------------------------------------
    def exchange_options(self, order: OrderFacts, at: datetime) -> ExchangeRules:
        """Whether a customer of this order may ask for another variant or product instead of
        a refund at ``at``, for which scenarios; by default the vendor offers no exchanges."""
        text = Message(NO_EXCHANGES, {"vendor": self.name}, rule_id=self.scope_rule)
        return ExchangeRules(False, ExchangeScope.NONE, frozenset(), self.scope_rule, text)

    def price_difference(
        self, original: ExchangeItem, replacement: ExchangeItem, quantity: int
    ) -> PriceDifference:
        """How the price difference of an allowed exchange is settled; a vendor without
        exchanges settles none."""
        raise ValueError(f"The {self.key!r} policy offers no exchanges ({self.scope_rule})")

    def return_notice(self) -> tuple[Message, ...]:
        """What every customer of this vendor should know before sending a return (each with
        the rule it comes from in ``rule_id``)."""
        return ()

    # -- helpers for subclasses ---------------------------------------------------------------
    def _needs(
        self,
        kind: EvidenceKind,
        minimum: int,
        rule_id: str,
        label: Message,
        alternatives: tuple[EvidenceKind, ...] = (),
        maximum: int | None = None,
    ) -> EvidenceRequirement:
        """A requirement whose formats and size limit follow from its kind and the settings."""
        if kind is EvidenceKind.VIDEO:
            formats, size = VIDEO_FORMATS, self.settings.video_max_bytes
        elif kind in (EvidenceKind.FAULT_STATEMENT, EvidenceKind.PROOF_OF_PURCHASE):
            formats, size = DOCUMENT_FORMATS, self.settings.max_upload_bytes
        else:
            formats, size = IMAGE_FORMATS, self.settings.max_upload_bytes
        return EvidenceRequirement(
            kind, minimum, maximum, formats, size, rule_id, label, alternatives
        )

    def _deadline(
        self, name: DeadlineName, at: datetime, rule_id: str, label: Message, **kw: Any
    ) -> Deadline:
        return Deadline(name, self.calendar.local(at), rule_id, label, **kw)

    def _when(self, moment: datetime) -> dict[str, str]:
        """An instant a customer reads, as a typed parameter: the edge prints it on the vendor's
        clock in the reader's language (in English ``Wed 2 Dec 2026, 05:05 (Asia/Shanghai,
        UTC+8)``, as rma.formatting.vendor_time does)."""
        local = self.calendar.local(moment)
        return typed(ParamKind.MOMENT, local.isoformat(), zone=self.calendar.timezone)

    def _day(self, moment: datetime) -> dict[str, str]:
        """The vendor's calendar day of an instant, as a typed parameter."""
        return typed(ParamKind.DAY, self.calendar.local_date(moment).isoformat())

    @staticmethod
    def _country_param(code: str) -> dict[str, str] | str:
        """A country code as a typed parameter, its name printed in the reader's language."""
        return typed(ParamKind.COUNTRY, str(code)) if code else code

    def _days_between(self, start: datetime, end: datetime) -> int:
        return self.calendar.days_between(start, end)

    def _hours(self, start: datetime, end: datetime) -> Decimal:
        return self.calendar.hours_between(start, end)


OUT_OF_SCOPE: Mapping[RequestKind, str] = {
    RequestKind.RETURN: msg("%(vendor)s does not handle this kind of return through this portal"),
    RequestKind.CANCELLATION: msg("%(vendor)s does not handle cancellations through this portal"),
    RequestKind.ADDRESS_CHANGE: msg(
        "%(vendor)s does not handle address changes through this portal"
    ),
    RequestKind.SOLUTION_REJECT: msg("%(vendor)s does not propose warranty solutions here"),
}


def _megabytes(size: int) -> str:
    """A file size as customers read it: megabytes with one decimal."""
    return f"{size / MEBIBYTE:.1f}"


def _still_to_upload(refusal: Finding) -> Finding:
    """Missing evidence on a request whose uploads come later: a reminder, not a refusal."""
    assert refusal.text is not None
    text = Message(msg("Still to upload: %(item)s"), {"item": refusal.text})
    message = f"{text.english().rstrip('.')} ({refusal.rule_id})."
    return dataclasses.replace(refusal, ok=True, message=message, text=text)


def check_requirements(
    requirements: Sequence[EvidenceRequirement], evidence: Mapping[EvidenceKind, int]
) -> tuple[Finding, ...]:
    """One finding per requirement that asks for something, plus any count over a maximum."""
    findings: list[Finding] = []
    for req in requirements:
        own = evidence.get(req.kind, 0)
        sent = own + sum(evidence.get(alt, 0) for alt in req.alternatives)
        if req.min_count:
            ok = sent >= req.min_count
            params = {"label": req.label, "minimum": req.min_count, "sent": sent}
            if ok:
                text = Message(msg("%(label)s: received %(sent)s"), params)
            else:
                text = Message(
                    msg("%(label)s: need at least %(minimum)s, you sent %(sent)s"), params
                )
            findings.append(
                finding(req.rule_id, ok, text, kind=req.kind, count=sent, minimum=req.min_count)
            )
        if req.max_count is not None and own > req.max_count:
            params = {"label": req.label, "maximum": req.max_count, "sent": own}
            text = Message(msg("%(label)s: at most %(maximum)s, you sent %(sent)s"), params)
            findings.append(
                finding(req.rule_id, False, text, kind=req.kind, count=own, maximum=req.max_count)
            )
    return tuple(findings)


__all__ = [
    "CENT",
    "DOCUMENT_FORMATS",
    "IMAGE_FORMATS",
    "MEBIBYTE",
    "VIDEO_FORMATS",
    "ZERO",
    "Attestation",
    "AttestationNeed",
    "BaseSettings",
    "Carrier",
    "CarrierCode",
    "Deadline",
    "DeadlineName",
    "Decision",
    "EvidenceKind",
    "EvidenceRequirement",
    "ExchangeItem",
    "ExchangeRules",
    "ExchangeScope",
    "Figure",
    "Finding",
    "FreightPayer",
    "IntegrityCheck",
    "IntegrityFacts",
    "IntegrityFlag",
    "LineFacts",
    "Message",
    "OrderFacts",
    "Policy",
    "PriceDifference",
    "PurchaseFacts",
    "RefundBreakdown",
    "RefundLine",
    "RequestFacts",
    "RequestKind",
    "ResolutionFacts",
    "ResolutionKind",
    "ResolutionPlan",
    "ResolutionStage",
    "Scenario",
    "Settlement",
    "SolutionStep",
    "UnitFacts",
    "WrongItemOption",
    "build_refund",
    "check_requirements",
    "counted",
    "figure",
    "finding",
    "generate_solution_password",
    "money",
    "msg",
    "plural_msg",
    "requested_lines",
    "settle_difference",
]
