"""The electronics marketplace's RMA policy (MKT-1..MKT-12) as decisions, deadlines and refunds."""

from __future__ import annotations

import dataclasses
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
    FreightPayer,
    LineFacts,
    Message,
    OrderFacts,
    ParamKind,
    Policy,
    RefundBreakdown,
    RefundLine,
    RequestFacts,
    RequestKind,
    ResolutionFacts,
    ResolutionKind,
    ResolutionPlan,
    ResolutionStage,
    Scenario,
    WrongItemOption,
    build_refund,
    finding,
    money,
    msg,
    requested_lines,
    typed,
)
from policies.calendar import is_after
from policies.vocabulary import counted, plural_msg

CONDITION = (  # MKT-4, in the order the customer reads them
    Attestation.UNUSED,
    Attestation.UNTESTED,
    Attestation.UNPROGRAMMED,
    Attestation.PACKAGING_INTACT,
    Attestation.ACCESSORIES_COMPLETE,
)
CONDITION_LABELS = {
    Attestation.UNUSED: Message(msg("The product is unused")),
    Attestation.UNTESTED: Message(msg("The product has not been tested")),
    Attestation.UNPROGRAMMED: Message(msg("The product has not been programmed")),
    Attestation.PACKAGING_INTACT: Message(msg("The original packaging is intact and undamaged")),
    Attestation.ACCESSORIES_COMPLETE: Message(msg("All accessories are included")),
}
CONDITION_WORDS = {  # MKT-4's refusal names what is still to confirm
    Attestation.UNUSED: msg("unused"),
    Attestation.UNTESTED: msg("untested"),
    Attestation.UNPROGRAMMED: msg("unprogrammed"),
    Attestation.PACKAGING_INTACT: msg("in intact packaging"),
    Attestation.ACCESSORIES_COMPLETE: msg("complete with all accessories"),
}
FREIGHT = {  # MKT-12: who pays the return freight
    Scenario.NON_QUALITY: (
        FreightPayer.CUSTOMER,
        Message(msg("Return freight for a non-quality return is yours to pay")),
    ),
    Scenario.WRONG_ITEM: (
        FreightPayer.VENDOR,
        Message(msg("Return freight for a wrong item is covered by the seller")),
    ),
    Scenario.QUALITY_DEFECT: (
        FreightPayer.VENDOR,
        Message(msg("Return freight is covered by the seller once inspection confirms the defect")),
    ),
}

EVIDENCE = {  # (kind, at least, rule, label, other kinds that also count)
    Scenario.NON_QUALITY: (
        (EvidenceKind.PHOTO, 1, "MKT-6", Message(msg("A panoramic photo of the product"))),
        (
            EvidenceKind.PACKAGING_PHOTO,
            1,
            "MKT-6",
            Message(msg("Proof that the packaging is intact")),
        ),
    ),
    Scenario.WRONG_ITEM: (
        (
            EvidenceKind.COMPARISON_SCREENSHOT,
            1,
            "MKT-7",
            Message(msg("A screenshot: wrong item vs. order")),
        ),
        (
            EvidenceKind.PACKAGING_PHOTO,
            2,
            "MKT-7",
            Message(msg("Photos or videos of the package from several angles")),
            (EvidenceKind.VIDEO,),
        ),
        (
            EvidenceKind.VIDEO,
            0,
            "MKT-7",
            Message(msg("Videos of the package (instead of photos)")),
        ),
    ),
    Scenario.QUALITY_DEFECT: (
        (
            EvidenceKind.VIDEO,
            3,
            "MKT-8",
            Message(msg("Videos of the fault from different angles")),
        ),
        (
            EvidenceKind.PHOTO,
            10,
            "MKT-8",
            Message(msg("High-definition photos in ambient light")),
        ),
        (
            EvidenceKind.FAULT_STATEMENT,
            1,
            "MKT-8",
            Message(msg("A fault statement on the original packaging")),
        ),
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
        return Message(
            msg("Keep the item, get %(percent)s%% of the price difference"),
            {"percent": _percent(self.settings.wrong_item_compensation)},
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
            "end": self._day(end),
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
            text = Message(
                msg(
                    "A wrong item is reported within %(hours)s hours of delivery, and no "
                    "delivery is recorded"
                ),
                {"hours": hours},
            )
            return finding("MKT-7", False, text, limit_hours=hours)
        end = self.calendar.add_hours(order.delivered_at, hours)
        ok = not is_after(request.at, end)
        elapsed = self._hours(order.delivered_at, request.at)
        text = Message(
            msg(
                "Delivered %(delivered)s, %(elapsed)s hours before this report; a wrong item is "
                "reported within %(hours)s hours, by %(end)s"
            ),
            {
                "delivered": self._when(order.delivered_at),
                "elapsed": str(elapsed),
                "hours": hours,
                "end": self._when(end),
            },
        )
        figures = {"delivered_at": order.delivered_at, "hours_since_delivery": elapsed}
        return finding("MKT-7", ok, text, **figures, limit_hours=hours, deadline=end)

    def _mkt5_non_quality(self) -> Finding:
        if not self.settings.allow_non_quality_returns:
            text = Message(
                msg(
                    "Returns are accepted only for process defects or functional failures on "
                    "receipt, not for a change of mind"
                )
            )
            return finding("MKT-5", False, text, allow_non_quality_returns=False)
        text = Message(
            msg(
                "A change-of-mind return is accepted only for an unused, complete product; the "
                "refund deducts purchase cost and export postage, and you pay the return freight"
            )
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
        if missing:
            words = {f"missing_{i}": Message(CONDITION_WORDS[a]) for i, a in enumerate(missing)}
            text = Message(
                msg("Please confirm the product is %(missing)s, as every return requires"),
                {"missing": Message(LIST_OF[len(missing) - 1], words)},
            )
            return finding("MKT-4", False, text, missing=",".join(missing))
        text = Message(
            msg("You confirmed the product is unused, untested, unprogrammed and complete")
        )
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
            text = Message(
                msg("Returns go by FedEx or DHL only; %(carrier)s is not accepted"),
                {"carrier": carrier_code},
            )
            return finding("MKT-2", False, text, carrier=code, tracking_number=number)
        candidates = [known[code]] if code else list(known.values())
        for carrier in candidates:
            if re.fullmatch(carrier.pattern, number):
                text = Message(
                    msg("%(carrier)s tracking number %(number)s accepted"),
                    {"carrier": carrier.name, "number": number},
                )
                return finding("MKT-2", True, text, carrier=carrier.code, tracking_number=number)
        params = {
            "number": number,
            "carriers": " / ".join(c.name for c in candidates),
            "examples": ", ".join(f"{c.name} {c.example}" for c in candidates),
        }
        text = Message(
            msg("%(number)s is not a %(carriers)s tracking number (e.g. %(examples)s)")
            if number
            else msg("Please enter a %(carriers)s tracking number (e.g. %(examples)s)"),
            params,
        )
        return finding("MKT-2", False, text, carrier=code or "", tracking_number=number)

    # -- deadlines ---------------------------------------------------------------------------
    def deadlines(self, order: OrderFacts, request: RequestFacts) -> tuple[Deadline, ...]:
        found: list[Deadline] = []
        s = self.settings
        if order.delivered_at is not None:
            if request.scenario is Scenario.WRONG_ITEM:
                n = s.wrong_item_report_hours
                end = self.calendar.add_hours(order.delivered_at, n)
                label = counted(
                    plural_msg(
                        "Report a wrong item within %(n)s hour of delivery",
                        "Report a wrong item within %(n)s hours of delivery",
                    ),
                    {"n": n},
                    "n",
                )
                found.append(self._deadline(DeadlineName.REPORT_BY, end, "MKT-7", label))
            else:
                n = s.return_window_days
                end = self.calendar.add_days_end(order.delivered_at, n)
                label = counted(
                    plural_msg(
                        "Request a return within %(n)s day of delivery",
                        "Request a return within %(n)s days of delivery",
                    ),
                    {"n": n},
                    "n",
                )
                found.append(self._deadline(DeadlineName.REPORT_BY, end, "MKT-3", label))
        if request.scenario is Scenario.WRONG_ITEM:
            n = s.wrong_item_return_working_days
            end = self.calendar.add_working_days(request.at, n)
            label = counted(
                plural_msg(
                    "Return the wrong item within %(n)s working day (if you do not keep it)",
                    "Return the wrong item within %(n)s working days (if you do not keep it)",
                ),
                {"n": n},
                "n",
            )
            found.append(self._deadline(DeadlineName.RETURN_BY, end, "MKT-7", label))
        found.append(self.review_due(request.at, complex_case=request.complex_case))
        return tuple(found)

    def review_due(self, requested_at: datetime, *, complex_case: bool = False) -> Deadline:
        s = self.settings
        n = s.complex_review_working_days if complex_case else s.review_working_days
        end = self.calendar.add_working_days(requested_at, n)
        forms = (
            plural_msg(
                "Review of a complex case: %(n)s working day",
                "Review of a complex case: %(n)s working days",
            )
            if complex_case
            else plural_msg(
                "Review of a standard case: %(n)s working day",
                "Review of a standard case: %(n)s working days",
            )
        )
        label = counted(forms, {"n": n}, "n")
        return self._deadline(DeadlineName.REVIEW_DUE, end, "MKT-9", label)

    def ship_by(self, approved_at: datetime) -> Deadline:
        n = self.settings.ship_within_days
        end = self.calendar.add_days_end(approved_at, n)
        label = counted(
            plural_msg(
                "Ship the approved return within %(n)s day",
                "Ship the approved return within %(n)s days",
            ),
            {"n": n},
            "n",
        )
        return self._deadline(DeadlineName.SHIP_BY, end, "MKT-10", label)

    def refund_due(self, inspected_at: datetime) -> Deadline:
        n = self.settings.refund_issue_business_days
        end = self.calendar.add_working_days(inspected_at, n)
        label = counted(
            plural_msg(
                "Refund issued within %(n)s business day of inspection",
                "Refund issued within %(n)s business days of inspection",
            ),
            {"n": n},
            "n",
        )
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
        raw: list[tuple[Message, Decimal, str]] = []
        if scenario is Scenario.NON_QUALITY:
            for line, qty in lines:
                raw.append((_price_label(line, qty), line.unit_price * qty, "MKT-6"))
                raw.append((Message(msg("Purchase cost")), -line.purchase_cost * qty, "MKT-6"))
                raw.append((Message(msg("Export postage")), -line.export_postage * qty, "MKT-6"))
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
    ) -> list[tuple[Message, Decimal, str]]:
        if option == WrongItemOption.RETURN:
            return [
                (_price_label(line, qty), line.unit_price * qty, "MKT-7") for line, qty in lines
            ]
        if option != WrongItemOption.KEEP:
            raise ValueError("A wrong item needs wrong_item_option 'keep' or 'return' (MKT-7)")
        if request.received_item_price is None:
            raise ValueError("Keeping a wrong item needs the received item's price (MKT-7)")
        share = self.settings.wrong_item_compensation
        raw = []
        for line, qty in lines:
            difference = abs(line.unit_price - request.received_item_price) * qty
            label = Message(
                msg("%(percent)s%% of the price difference %(difference)s (item kept)"),
                {
                    "percent": _percent(share),
                    "difference": typed(ParamKind.AMOUNT, str(money(difference))),
                },
            )
            raw.append((label, difference * share, "MKT-7"))
        return raw

    @staticmethod
    def _defect_lines(
        lines: Sequence[tuple[LineFacts, int]], ratio: Decimal | None
    ) -> list[tuple[Message, Decimal, str]]:
        ratio = Decimal(1) if ratio is None else ratio
        if not isinstance(ratio, Decimal) or not Decimal(0) <= ratio <= 1:
            raise ValueError(f"The refund ratio must be a Decimal from 0 to 1, got {ratio!r}")
        raw = []
        for line, qty in lines:
            price = line.unit_price * qty
            raw.append((_price_label(line, qty), price, "MKT-8"))
            if ratio < 1:
                label = Message(
                    msg("Reduced for improper packaging (ratio %(ratio)s)"), {"ratio": str(ratio)}
                )
                raw.append((label, -price * (1 - ratio), "MKT-8"))
        return raw

    # -- resolutions -------------------------------------------------------------------------
    def plan_resolutions(self, facts: ResolutionFacts) -> tuple[ResolutionPlan, ...]:
        request = facts.request
        if request is None or request.scenario not in self.scenarios:
            return ()
        keep = (
            request.scenario is Scenario.WRONG_ITEM
            and facts.wrong_item_option == WrongItemOption.KEEP
        )
        if facts.stage == ResolutionStage.APPROVED:
            # MKT-7 option 1: compensation now, and the correct item reshipped. Option 2 and
            # every other return are paid after the parcel comes back (the refund stage).
            return self._mkt7_keep_plans(facts) if keep else ()
        if facts.stage != ResolutionStage.REFUND:
            return ()
        breakdown = self.refund(
            facts.order,
            request,
            ratio=facts.ratio,
            wrong_item_option=facts.wrong_item_option,
            deductions=facts.refunded,
        )
        if keep:
            return (self.refund_plan(facts, breakdown, ResolutionKind.COMPENSATION),)
        plan = self.refund_plan(facts, breakdown)
        freight = facts.return_freight or ZERO
        payer, _text = FREIGHT[request.scenario]
        if payer is FreightPayer.VENDOR and freight > 0:
            # MKT-8/MKT-12: the return freight is the seller's once the defect is confirmed
            # (or for a wrong item sent back): reimbursed on top of the price.
            rule = "MKT-8" if request.scenario is Scenario.QUALITY_DEFECT else "MKT-7"
            line = RefundLine(Message(msg("Return freight reimbursed")), money(freight), "MKT-12")
            plan = dataclasses.replace(
                plan,
                amount=plan.amount + line.amount,
                lines=(*plan.lines, line),
                rule_ids=tuple(sorted({*plan.rule_ids, rule, "MKT-12"})),
            )
        return (plan,)

    def _mkt7_keep_plans(self, facts: ResolutionFacts) -> tuple[ResolutionPlan, ...]:
        request = facts.request
        breakdown = self.refund(facts.order, request, wrong_item_option=WrongItemOption.KEEP)
        plans = [self.refund_plan(facts, breakdown, ResolutionKind.COMPENSATION)]
        for line, qty in requested_lines(facts.order, request):
            plans.append(
                ResolutionPlan(
                    ResolutionKind.RESHIPMENT,
                    facts.order.currency,
                    rule_ids=("MKT-7",),
                    sku=line.sku,
                    quantity=qty,
                )
            )
        return tuple(plans)

    def return_notice(self) -> tuple[Message, ...]:
        days = self.settings.ship_within_days
        return (
            Message(
                msg(
                    "Every return needs an approved RMA number; write it on the package's "
                    "recipient block, or the warehouse refuses the package."
                ),
                rule_id="MKT-1",
            ),
            Message(
                msg("Send returns by FedEx or DHL only; postal services are refused."),
                rule_id="MKT-2",
            ),
            counted(
                plural_msg(
                    "Ship an approved return within %(days)s day, or the return right is waived.",
                    "Ship an approved return within %(days)s days, or the return right is waived.",
                ),
                {"days": days},
                "days",
                rule_id="MKT-10",
            ),
        )


# "a", "a and b", "a, b and c"...: a list in the reader's language, up to the five MKT-4 asks.
LIST_OF = (
    msg("%(missing_0)s"),
    msg("%(missing_0)s and %(missing_1)s"),
    msg("%(missing_0)s, %(missing_1)s and %(missing_2)s"),
    msg("%(missing_0)s, %(missing_1)s, %(missing_2)s and %(missing_3)s"),
    msg("%(missing_0)s, %(missing_1)s, %(missing_2)s, %(missing_3)s and %(missing_4)s"),
)


def _price_label(line: LineFacts, qty: int) -> Message:
    return Message(
        msg("Product payment price: %(name)s x %(quantity)s"), {"name": line.name, "quantity": qty}
    )


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f}"
