"""The electronics marketplace's RMA policy (MKT-1..MKT-12) as decisions, deadlines and refunds."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from policies.base import (
    ZERO,
    Attestation,
    AttestationNeed,
    BaseSettings,
    Carrier,
    Deadline,
    DeadlineName,
    Decision,
    EvidenceKind,
    EvidenceRequirement,
    Finding,
    LineFacts,
    Message,
    OrderFacts,
    Policy,
    RefundBreakdown,
    RefundLine,
    RequestFacts,
    RequestKind,
    Scenario,
    WrongItemOption,
    build_refund,
    finding,
    money,
    msg,
    requested_lines,
)
from policies.calendar import is_after
from policies.vocabulary import counted, plural_msg

WRONG_ITEM_OPTIONS = ("keep", "return")  # MKT-7 (1) keep with compensation, (2) send back
CONDITION = (  # MKT-4, in the order the customer reads them
    Attestation.UNUSED,
    Attestation.UNTESTED,
    Attestation.UNPROGRAMMED,
    Attestation.PACKAGING_INTACT,
    Attestation.ACCESSORIES_COMPLETE,
)
CONDITION_LABELS = {
    Attestation.UNUSED: "The product is unused",
    Attestation.UNTESTED: "The product has not been tested",
    Attestation.UNPROGRAMMED: "The product has not been programmed",
    Attestation.PACKAGING_INTACT: "The original packaging is intact and undamaged",
    Attestation.ACCESSORIES_COMPLETE: "All accessories are included",
}
FREIGHT = {  # MKT-12: who pays the return freight
    Scenario.NON_QUALITY: ("customer", "Return freight for a non-quality return is yours to pay"),
    Scenario.WRONG_ITEM: ("vendor", "Return freight for a wrong item is covered by the seller"),
    Scenario.QUALITY_DEFECT: (
        "vendor",
        "Return freight is covered by the seller once inspection confirms the defect",
    ),
}

EVIDENCE = {  # (kind, at least, rule, label, other kinds that also count)
    Scenario.NON_QUALITY: (
        (EvidenceKind.PHOTO, 1, "MKT-6", "A panoramic photo of the product"),
        (EvidenceKind.PACKAGING_PHOTO, 1, "MKT-6", "Proof that the packaging is intact"),
    ),
    Scenario.WRONG_ITEM: (
        (EvidenceKind.COMPARISON_SCREENSHOT, 1, "MKT-7", "A screenshot: wrong item vs. order"),
        (
            EvidenceKind.PACKAGING_PHOTO,
            2,
            "MKT-7",
            "Photos or videos of the package from several angles",
            (EvidenceKind.VIDEO,),
        ),
        (EvidenceKind.VIDEO, 0, "MKT-7", "Videos of the package (instead of photos)"),
    ),
    Scenario.QUALITY_DEFECT: (
        (EvidenceKind.VIDEO, 3, "MKT-8", "Videos of the fault from different angles"),
        (EvidenceKind.PHOTO, 10, "MKT-8", "High-definition photos in ambient light"),
        (EvidenceKind.FAULT_STATEMENT, 1, "MKT-8", "A fault statement on the original packaging"),
    ),
}


@dataclass(frozen=True)
class MarketplaceSettings(BaseSettings):
    allow_non_quality_returns: bool = True
    quality_defect_requires_condition: bool = False
    return_window_days: int = 30
    wrong_item_report_hours: int = 48
    wrong_item_return_working_days: int = 5
    wrong_item_compensation: Decimal = Decimal("0.5")
    review_working_days: int = 2
    complex_review_working_days: int = 5
    ship_within_days: int = 7
    refund_issue_business_days: int = 2
    funds_min_business_days: int = 10
    funds_max_business_days: int = 15

    def __post_init__(self) -> None:
        if self.wrong_item_compensation > 1:
            raise ValueError("Setting 'wrong_item_compensation' must be between 0 and 1")
        if self.funds_min_business_days > self.funds_max_business_days:
            raise ValueError("'funds_min_business_days' exceeds 'funds_max_business_days'")


class MarketplacePolicy(Policy):
    key = "marketplace"
    version = "marketplace-2026.1"
    name = "Electronics marketplace"
    supported_kinds = frozenset({RequestKind.RETURN})
    scenarios = (Scenario.NON_QUALITY, Scenario.WRONG_ITEM, Scenario.QUALITY_DEFECT)
    Settings = MarketplaceSettings
    scope_rule = "MKT-1"
    rule_prefix = "MKT"
    rule_doc = "docs/policies/marketplace.md"
    demo_vendor = {
        "name": "Component Market",
        "time_zone": "Asia/Shanghai",
        "operating_country": "CN",
        "accent_colour": "#b3261e",
        "support_email": "rma@componentmarket.example",
        "sender_email": "rma@componentmarket.example",
        "return_address": "Component Market RMA\n88 Keji Road, Futian\nShenzhen 518000\nChina",
    }
    reminded_deadlines = frozenset({DeadlineName.SHIP_BY, DeadlineName.RETURN_BY})
    rma_number_rule = "MKT-1"
    wrong_item_rule = "MKT-7"
    settings: MarketplaceSettings

    # -- what the request form and the approval need ------------------------------------------
    def reason_required(self, scenario: Scenario | None) -> bool:
        return scenario is not Scenario.NON_QUALITY  # MKT-3: no reason needed to change one's mind

    def return_required(self, scenario: Scenario | None, wrong_item_option: str = "") -> bool:
        # MKT-7 option 1: the customer keeps the wrong item with compensation; nothing ships.
        return not (scenario is Scenario.WRONG_ITEM and wrong_item_option == WrongItemOption.KEEP)

    def approved_return_notice(self) -> tuple[Message, ...]:
        return (
            Message(
                msg(
                    "Write this RMA number on the recipient block of the parcel; a parcel "
                    "without it is refused at the warehouse."
                )
            ),
        )

    def keep_option_label(self) -> Message | None:
        share = self.settings.wrong_item_compensation * 100
        return Message(
            msg("Keep the item, get %(percent)s%% of the price difference"),
            {"percent": f"{share.normalize():f}"},
        )

    # -- decisions -------------------------------------------------------------------------
    def decide_request(self, order: OrderFacts, request: RequestFacts) -> Decision:
        scenario = request.scenario
        if request.kind is not RequestKind.RETURN or scenario not in self.scenarios:
            return self._out_of_scope(request)
        findings = [self._mkt3_window(order, request)]
        if scenario is Scenario.WRONG_ITEM:
            findings.append(self._mkt7_report_window(order, request))
        if scenario is Scenario.NON_QUALITY:
            findings.append(self._mkt5_non_quality())
        if (
            scenario is not Scenario.QUALITY_DEFECT
            or self.settings.quality_defect_requires_condition
        ):
            findings.append(self._mkt4_condition(request))
        findings.extend(self.evidence_findings(scenario, request))
        payer, text = FREIGHT[scenario]
        findings.append(finding("MKT-12", True, text, freight_paid_by=payer))
        return self._decision(findings)

    def _mkt3_window(self, order: OrderFacts, request: RequestFacts) -> Finding:
        limit = self.settings.return_window_days
        if order.delivered_at is None:
            text = Message(
                msg(
                    "The carrier's tracking shows no delivery for order %(order)s yet; the "
                    "%(limit)s-day return window starts on delivery"
                ),
                {"order": order.number, "limit": limit},
            )
            return finding("MKT-3", False, text, limit_days=limit)
        end = self.calendar.add_days_end(order.delivered_at, limit)
        ok = not is_after(request.at, end)
        ago = self._days_between(order.delivered_at, request.at)
        params = {
            "delivered": self._day(order.delivered_at),
            "days": ago,
            "limit": limit,
            "end": end.date().isoformat(),
        }
        if ok:
            text = counted(
                plural_msg(
                    "Delivered %(delivered)s, %(days)s day ago; the limit is %(limit)s days, "
                    "open through %(end)s",
                    "Delivered %(delivered)s, %(days)s days ago; the limit is %(limit)s days, "
                    "open through %(end)s",
                ),
                params,
                "days",
            )
        else:
            text = counted(
                plural_msg(
                    "Delivered %(delivered)s, %(days)s day ago; the limit is %(limit)s days, "
                    "which ended on %(end)s",
                    "Delivered %(delivered)s, %(days)s days ago; the limit is %(limit)s days, "
                    "which ended on %(end)s",
                ),
                params,
                "days",
            )
        figures = {"delivered_at": order.delivered_at, "days_since_delivery": ago}
        return finding("MKT-3", ok, text, **figures, limit_days=limit, deadline=end)

    def _mkt7_report_window(self, order: OrderFacts, request: RequestFacts) -> Finding:
        hours = self.settings.wrong_item_report_hours
        if order.delivered_at is None:
            text = (
                f"A wrong item is reported within {hours} hours of delivery, and none is recorded"
            )
            return finding("MKT-7", False, text, limit_hours=hours)
        end = self.calendar.add_hours(order.delivered_at, hours)
        ok = not is_after(request.at, end)
        elapsed = self._hours(order.delivered_at, request.at)
        text = (
            f"Delivered {self._when(order.delivered_at)}, {elapsed} hours before this report; "
            f"a wrong item is reported within {hours} hours, by {self._when(end)}"
        )
        figures = {"delivered_at": order.delivered_at, "hours_since_delivery": elapsed}
        return finding("MKT-7", ok, text, **figures, limit_hours=hours, deadline=end)

    def _mkt5_non_quality(self) -> Finding:
        if not self.settings.allow_non_quality_returns:
            text = (
                "Returns are accepted only for process defects or functional failures on receipt, "
                "not for a change of mind"
            )
            return finding("MKT-5", False, text, allow_non_quality_returns=False)
        text = (
            "A change-of-mind return is accepted only for an unused, complete product; the refund "
            "deducts purchase cost and export postage, and you pay the return freight"
        )
        return finding("MKT-5", True, text, allow_non_quality_returns=True)

    def required_attestations(self, scenario: Scenario | None) -> tuple[AttestationNeed, ...]:
        if (
            scenario is Scenario.QUALITY_DEFECT
            and not self.settings.quality_defect_requires_condition
        ):
            return ()
        if scenario not in self.scenarios:
            return ()
        return tuple(AttestationNeed(a, CONDITION_LABELS[a], "MKT-4") for a in CONDITION)

    def _mkt4_condition(self, request: RequestFacts) -> Finding:
        missing = [a for a in CONDITION if a not in request.attestations]
        words = ", ".join(a.value.replace("_", " ") for a in missing)
        if missing:
            text = f"Please confirm the product is {words}, as every return requires"
            return finding("MKT-4", False, text, missing=",".join(missing))
        text = "You confirmed the product is unused, untested, unprogrammed and complete"
        return finding("MKT-4", True, text, missing="")

    # -- evidence, carriers, RMA numbers -----------------------------------------------------
    def evidence_requirements(
        self, scenario: Scenario | None, kind: RequestKind = RequestKind.RETURN
    ) -> tuple[EvidenceRequirement, ...]:
        if kind is not RequestKind.RETURN or scenario is None:
            return ()
        return tuple(self._needs(*row) for row in EVIDENCE.get(scenario, ()))

    def carriers(self) -> tuple[Carrier, ...]:
        return (
            Carrier("fedex", "FedEx", r"\d{12}|\d{15}|\d{20}|\d{22}", "123456789012"),
            Carrier("dhl", "DHL", r"\d{10}|JJD\d{18,20}", "1234567890"),
        )

    def check_tracking(self, carrier_code: str | None, tracking_number: str) -> Finding:
        # Spaces are how carriers print these numbers, so they are removed rather than refused.
        number = re.sub(r"\s+", "", tracking_number).upper()
        known = {c.code: c for c in self.carriers()}
        code = carrier_code.strip().lower() if carrier_code else None
        if code is not None and code not in known:
            text = f"Returns go by FedEx or DHL only; {carrier_code} is not accepted"
            return finding("MKT-2", False, text, carrier=code, tracking_number=number)
        candidates = [known[code]] if code else list(known.values())
        for carrier in candidates:
            if re.fullmatch(carrier.pattern, number):
                text = f"{carrier.name} tracking number {number} accepted"
                return finding("MKT-2", True, text, carrier=carrier.code, tracking_number=number)
        names = " or ".join(c.name for c in candidates)
        examples = ", ".join(f"{c.name} {c.example}" for c in candidates)
        text = f"{number or 'An empty value'} is not a {names} tracking number (e.g. {examples})"
        return finding("MKT-2", False, text, carrier=code or "", tracking_number=number)

    # -- deadlines ---------------------------------------------------------------------------
    def deadlines(self, order: OrderFacts, request: RequestFacts) -> tuple[Deadline, ...]:
        found: list[Deadline] = []
        s = self.settings
        if order.delivered_at is not None:
            if request.scenario is Scenario.WRONG_ITEM:
                end = self.calendar.add_hours(order.delivered_at, s.wrong_item_report_hours)
                label = f"Report a wrong item within {s.wrong_item_report_hours} hours of delivery"
                found.append(self._deadline(DeadlineName.REPORT_BY, end, "MKT-7", label))
            else:
                end = self.calendar.add_days_end(order.delivered_at, s.return_window_days)
                label = f"Request a return within {s.return_window_days} days of delivery"
                found.append(self._deadline(DeadlineName.REPORT_BY, end, "MKT-3", label))
        if request.scenario is Scenario.WRONG_ITEM:
            n = s.wrong_item_return_working_days
            end = self.calendar.add_working_days(request.at, n)
            label = f"Return the wrong item within {n} working days (if you do not keep it)"
            found.append(self._deadline(DeadlineName.RETURN_BY, end, "MKT-7", label))
        found.append(self.review_due(request.at, complex_case=request.complex_case))
        return tuple(found)

    def review_due(self, requested_at: datetime, *, complex_case: bool = False) -> Deadline:
        s = self.settings
        n = s.complex_review_working_days if complex_case else s.review_working_days
        end = self.calendar.add_working_days(requested_at, n)
        kind = "complex" if complex_case else "standard"
        return self._deadline(
            DeadlineName.REVIEW_DUE, end, "MKT-9", f"Review of a {kind} case: {n} working days"
        )

    def ship_by(self, approved_at: datetime) -> Deadline:
        n = self.settings.ship_within_days
        end = self.calendar.add_days_end(approved_at, n)
        return self._deadline(
            DeadlineName.SHIP_BY, end, "MKT-10", f"Ship the approved return within {n} days"
        )

    def refund_due(self, inspected_at: datetime) -> Deadline:
        n = self.settings.refund_issue_business_days
        end = self.calendar.add_working_days(inspected_at, n)
        label = f"Refund issued within {n} business days of inspection"
        return self._deadline(DeadlineName.REFUND_DUE, end, "MKT-11", label)

    def funds_window(self, refunded_at: datetime) -> tuple[datetime, datetime]:
        s = self.settings
        first = self.calendar.nth_working_day(refunded_at, s.funds_min_business_days)
        return (
            self.calendar.start_of_day(first),
            self.calendar.add_working_days(refunded_at, s.funds_max_business_days),
        )

    # -- money -------------------------------------------------------------------------------
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
        scenario = request.scenario
        if request.kind is not RequestKind.RETURN or scenario not in self.scenarios:
            raise ValueError(f"No marketplace refund for {request.kind} / {scenario}")
        if ratio is not None and scenario is not Scenario.QUALITY_DEFECT:
            raise ValueError("A refund ratio applies only to a quality defect (MKT-8)")
        lines = requested_lines(order, request)
        paid = sum((line.unit_price * qty for line, qty in lines), ZERO)
        raw: list[tuple[str, Decimal, str]] = []
        if scenario is Scenario.NON_QUALITY:
            for line, qty in lines:
                raw.append(
                    (f"Product payment price: {line.name} x {qty}", line.unit_price * qty, "MKT-6")
                )
                raw.append(("Purchase cost", -line.purchase_cost * qty, "MKT-6"))
                raw.append(("Export postage", -line.export_postage * qty, "MKT-6"))
            cap = "MKT-6"
        elif scenario is Scenario.WRONG_ITEM:
            raw, cap = self._wrong_item_lines(lines, request, wrong_item_option), "MKT-7"
        else:
            raw, cap = self._defect_lines(lines, ratio), "MKT-8"
        return build_refund(order.currency, paid, raw, deductions, cap)

    def _wrong_item_lines(
        self,
        lines: Sequence[tuple[LineFacts, int]],
        request: RequestFacts,
        option: str | None,
    ) -> list[tuple[str, Decimal, str]]:
        if option == "return":
            return [
                (f"Product payment price: {line.name} x {qty}", line.unit_price * qty, "MKT-7")
                for line, qty in lines
            ]
        if option != "keep":
            raise ValueError("A wrong item needs wrong_item_option 'keep' or 'return' (MKT-7)")
        if request.received_item_price is None:
            raise ValueError("Keeping a wrong item needs the received item's price (MKT-7)")
        share = self.settings.wrong_item_compensation
        raw = []
        for line, qty in lines:
            difference = abs(line.unit_price - request.received_item_price) * qty
            label = f"{share * 100:.0f}% of the price difference {money(difference)} (item kept)"
            raw.append((label, difference * share, "MKT-7"))
        return raw

    @staticmethod
    def _defect_lines(
        lines: Sequence[tuple[LineFacts, int]], ratio: Decimal | None
    ) -> list[tuple[str, Decimal, str]]:
        ratio = Decimal(1) if ratio is None else ratio
        if not isinstance(ratio, Decimal) or not Decimal(0) <= ratio <= 1:
            raise ValueError(f"The refund ratio must be a Decimal from 0 to 1, got {ratio!r}")
        raw = []
        for line, qty in lines:
            price = line.unit_price * qty
            raw.append((f"Product payment price: {line.name} x {qty}", price, "MKT-8"))
            if ratio < 1:
                raw.append(
                    (
                        f"Reduced for improper packaging (ratio {ratio})",
                        -price * (1 - ratio),
                        "MKT-8",
                    )
                )
        return raw

    def return_notice(self) -> tuple[str, ...]:
        days = self.settings.ship_within_days
        return (
            "Every return needs an approved RMA number; write it on the package's recipient "
            "block, or the warehouse refuses the package (MKT-1).",
            "Send returns by FedEx or DHL only; postal services are refused (MKT-2).",
            f"Ship an approved return within {days} days, or the return right is waived (MKT-10).",
        )
