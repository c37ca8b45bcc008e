"""Aqara's return, refund, cancellation and warranty policy (AQA-1..AQA-13) as rules."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
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
    CarrierCode,
    Deadline,
    DeadlineName,
    Decision,
    EvidenceKind,
    EvidenceRequirement,
    ExchangeItem,
    ExchangeRules,
    ExchangeScope,
    Figure,
    Finding,
    FreightPayer,
    IntegrityCheck,
    LineFacts,
    Message,
    OrderFacts,
    Policy,
    PriceDifference,
    PurchaseFacts,
    RefundBreakdown,
    RefundLine,
    RequestFacts,
    RequestKind,
    ResolutionFacts,
    ResolutionKind,
    ResolutionPlan,
    ResolutionStage,
    Scenario,
    build_refund,
    counted,
    finding,
    msg,
    plural_msg,
    requested_lines,
    settle_difference,
)
from policies.calendar import is_after

RETURN_CONTENT_LABELS = {
    Attestation.ACCESSORIES_COMPLETE: Message(msg("All accessories are included")),
    Attestation.GIFTS_INCLUDED: Message(msg("Promotional gifts that came with it are included")),
    Attestation.ORIGINAL_PACKAGING: Message(msg("It goes back in its original packaging")),
}
RETURN_CONTENT_WORDS = {  # AQA-6's refusal names what the parcel must still hold
    Attestation.ACCESSORIES_COMPLETE: msg("all accessories"),
    Attestation.GIFTS_INCLUDED: msg("the promotional gifts"),
    Attestation.ORIGINAL_PACKAGING: msg("the original packaging"),
}
CONTENTS_LIST = (
    msg("%(item_0)s"),
    msg("%(item_0)s and %(item_1)s"),
    msg("%(item_0)s, %(item_1)s and %(item_2)s"),
)
DAYS_AGO = plural_msg("%(days)s day ago", "%(days)s days ago")
RETURN_CONTENTS = (  # AQA-6, in the order the customer reads them
    Attestation.ACCESSORIES_COMPLETE,
    Attestation.GIFTS_INCLUDED,
    Attestation.ORIGINAL_PACKAGING,
)


@dataclass(frozen=True)
class AqaraSettings(BaseSettings):
    default_warranty_months: int = 12
    free_change_hours: int = 12
    late_change_best_effort: bool = True
    change_closes_days_after_shipping: int = 30
    money_back_days: int = 30
    bulk_units_over: int = 10
    warranty_own_store_only: bool = True
    replacement_warranty_months: int = 3
    review_business_days: int = 2
    refund_business_days: int = 2
    own_store_channel: str = "own_store"
    # AQA-5 Reading: exchanges share the money-back window; "same_product", "any_product" or
    # "none" (no exchanges).
    exchanges: str = "any_product"

    def __post_init__(self) -> None:
        if self.exchanges not in set(ExchangeScope):
            allowed = ", ".join(ExchangeScope)
            raise ValueError(
                f"Setting 'exchanges' must be one of {allowed}, got {self.exchanges!r}"
            )


class AqaraPolicy(Policy):
    key = "aqara"
    version = "aqara-2026.1"
    name = "Aqara"
    supported_kinds = frozenset(
        {RequestKind.RETURN, RequestKind.CANCELLATION, RequestKind.ADDRESS_CHANGE}
    )
    scenarios = (Scenario.NON_QUALITY, Scenario.WARRANTY_CLAIM)
    Settings = AqaraSettings
    scope_rule = "AQA-12"
    rule_prefix = "AQA"
    rule_doc = "docs/policies/aqara.md"
    demo_vendor = {
        "name": "Aqara",
        "time_zone": "America/New_York",
        "operating_country": "US",
        "accent_colour": "#1d6b4f",
        "support_email": "contact@aqara.example",
        "sender_email": "service@aqara.example",
        "return_address": "Aqara Returns Center\n45 Harbor Way\nNewark, NJ 07114\nUSA",
    }
    settings: AqaraSettings
    integrity_rules = {
        IntegrityCheck.SERIAL_CLAIMED: "AQA-11",  # a refunded or replaced unit claimed again
        IntegrityCheck.SERIAL_NOT_SOLD: "AQA-5",  # warranty for the own store's units
        IntegrityCheck.OTHER_MARKET: "AQA-8",
        IntegrityCheck.TWO_CUSTOMERS: "AQA-12",
        IntegrityCheck.FREQUENT_CLAIMANT: "AQA-12",
    }

    def reason_required(self, scenario: Scenario | None) -> bool:
        return scenario is not Scenario.NON_QUALITY  # AQA-4: money back without a reason

    # -- decisions -------------------------------------------------------------------------
    def decide_request(self, order: OrderFacts, request: RequestFacts) -> Decision:
        if request.kind in (RequestKind.CANCELLATION, RequestKind.ADDRESS_CHANGE):
            return self._decision(self._order_change(order, request))
        if request.kind is RequestKind.RETURN and request.scenario is Scenario.NON_QUALITY:
            return self._decision(self._non_quality(order, request))
        if request.kind is RequestKind.RETURN and request.scenario is Scenario.WARRANTY_CLAIM:
            return self._decision(self._warranty_claim(order, request))
        return self._out_of_scope(request)

    def _order_change(self, order: OrderFacts, request: RequestFacts) -> list[Finding]:
        s = self.settings
        cancel = request.kind is RequestKind.CANCELLATION
        free_until = self.calendar.add_hours(order.placed_at, s.free_change_hours)
        hours = self._hours(order.placed_at, request.at)
        placed = {"placed_at": order.placed_at, "hours_since_placed": hours}
        when = {
            "placed": self._when(order.placed_at),
            "hours": str(hours),
            "limit": s.free_change_hours,
        }
        findings: list[Finding] = []
        if not is_after(request.at, free_until):
            text = Message(
                msg(
                    "Placed %(placed)s, %(hours)s hours ago; within %(limit)s hours we cancel "
                    "the order"
                )
                if cancel
                else msg(
                    "Placed %(placed)s, %(hours)s hours ago; within %(limit)s hours we change "
                    "the shipping address"
                ),
                when,
            )
            findings.append(finding("AQA-1", True, text, **placed, deadline=free_until))
        else:
            if order.shipped_at is not None:
                limit = s.change_closes_days_after_shipping
                closes = self.calendar.add_days_end(order.shipped_at, limit)
                ago = self._days_between(order.shipped_at, request.at)
                ok = not is_after(request.at, closes)
                params = {
                    "shipped": self._day(order.shipped_at),
                    "ago": counted(DAYS_AGO, {"days": ago}, "days"),
                    "limit": limit,
                    "until": self._day(closes),
                }
                text = Message(
                    msg(
                        "Shipped %(shipped)s, %(ago)s; no cancellation or change more than "
                        "%(limit)s days after shipping, so until %(until)s"
                    )
                    if ok
                    else msg(
                        "Shipped %(shipped)s, %(ago)s; no cancellation or change more than "
                        "%(limit)s days after shipping"
                    ),
                    params,
                )
                figures = {"shipped_at": order.shipped_at, "days_since_shipped": ago}
                findings.append(finding("AQA-3", ok, text, **figures, deadline=closes))
                if not ok:
                    return findings
            if s.late_change_best_effort:
                text = Message(
                    msg(
                        "Placed %(placed)s, %(hours)s hours ago, past the %(limit)s-hour window: "
                        "we will try to cancel the order but cannot guarantee it, and you may "
                        "bear costs such as return shipping and order processing fees"
                    )
                    if cancel
                    else msg(
                        "Placed %(placed)s, %(hours)s hours ago, past the %(limit)s-hour window: "
                        "we will try to change the shipping address but cannot guarantee it, and "
                        "you may bear costs such as return shipping and order processing fees"
                    ),
                    when,
                )
                findings.append(
                    finding("AQA-1", True, text, **placed, **{Figure.BEST_EFFORT: True})
                )
            else:
                late = Message(
                    msg("Placed %(placed)s, %(hours)s hours ago, past the %(limit)s-hour window"),
                    when,
                )
                findings.append(finding("AQA-1", False, late, **placed, deadline=free_until))
        if order.has_tracking_number:
            text = Message(
                msg(
                    "If we cannot stop the parcel, refuse it with the courier and we refund you; "
                    "if it is delivered anyway, we give you a return address, which may differ "
                    "from the shipping address"
                )
                if cancel
                else msg(
                    "If we cannot change it, ask the courier to change the address and tell us"
                )
            )
            findings.append(finding("AQA-2", True, text, has_tracking_number=True))
        return findings

    def _non_quality(self, order: OrderFacts, request: RequestFacts) -> list[Finding]:
        s = self.settings
        findings = [self._channel(order, refund=True), self._exclusions(order)]
        end = self.calendar.add_days_end(order.placed_at, s.money_back_days)
        ago = self._days_between(order.placed_at, request.at)
        figures = {"placed_at": order.placed_at, "days_since_purchase": ago}
        params = {
            "purchased": self._day(order.placed_at),
            "ago": counted(DAYS_AGO, {"days": ago}, "days"),
            "limit": s.money_back_days,
            "end": self._day(end),
        }
        if is_after(request.at, end):
            text = Message(
                msg(
                    "Purchased %(purchased)s, %(ago)s; after %(limit)s days there is no refund "
                    "or exchange for non-quality reasons"
                ),
                params,
            )
            findings.append(finding("AQA-5", False, text, **figures, deadline=end))
        else:
            text = Message(
                msg(
                    "Purchased %(purchased)s, %(ago)s; the %(limit)s-day money-back guarantee "
                    "runs through %(end)s"
                ),
                params,
            )
            findings.append(finding("AQA-4", True, text, **figures, deadline=end))
        undamaged = Attestation.UNDAMAGED in request.attestations
        text = Message(
            msg("You confirmed the product is undamaged")
            if undamaged
            else msg(
                "Please confirm the product is undamaged; only undamaged products are refunded"
            )
        )
        findings.append(finding("AQA-4", undamaged, text, missing="" if undamaged else "undamaged"))
        missing = [a for a in RETURN_CONTENTS if a not in request.attestations]
        if missing:
            items = {f"item_{i}": Message(RETURN_CONTENT_WORDS[a]) for i, a in enumerate(missing)}
            text = Message(
                msg("Please confirm the return will include %(items)s"),
                {"items": Message(CONTENTS_LIST[len(missing) - 1], items)},
            )
            findings.append(finding("AQA-6", False, text, missing=",".join(missing)))
        text = Message(
            msg("You pay the return shipping, and the refund is the product's cost only")
        )
        findings.append(
            finding("AQA-6", True, text, freight_paid_by=FreightPayer.CUSTOMER, missing="")
        )
        findings.extend(self.evidence_findings(Scenario.NON_QUALITY, request))
        return findings

    def required_attestations(self, scenario: Scenario | None) -> tuple[AttestationNeed, ...]:
        if scenario is not Scenario.NON_QUALITY:
            return ()
        return (
            AttestationNeed(
                Attestation.UNDAMAGED, Message(msg("The product is undamaged")), "AQA-4"
            ),
            *(AttestationNeed(a, RETURN_CONTENT_LABELS[a], "AQA-6") for a in RETURN_CONTENTS),
        )

    def _warranty_claim(self, order: OrderFacts, request: RequestFacts) -> list[Finding]:
        findings: list[Finding] = []
        if self.settings.warranty_own_store_only:
            findings.append(self._channel(order, refund=False))
        if request.fully_refunded:
            text = Message(msg("This product was fully refunded, so no warranty is left on it"))
            findings.append(finding("AQA-11", False, text, fully_refunded=True))
        findings.append(self._country(order, request))
        findings.extend(self._unit_findings(order, request))
        judged = {unit.sku for unit in request.units}
        for line, _qty in requested_lines(order, request):
            if line.sku in judged:
                continue
            end = self.warranty_end(order, line, request)
            ok = not is_after(request.at, end.at)
            params = {"product": line.name, "end": self._day(end.at)}
            text = Message(
                msg("The warranty on %(product)s runs through %(end)s")
                if ok
                else msg("The warranty on %(product)s ended on %(end)s"),
                params,
            )
            findings.append(finding(end.rule_id, ok, text, sku=line.sku, warranty_end=end.at))
        text = Message(msg("Aqara pays all shipping in the warranty process"))
        findings.append(finding("AQA-7", True, text, freight_paid_by=FreightPayer.VENDOR))
        findings.extend(self.evidence_findings(Scenario.WARRANTY_CLAIM, request))
        return findings

    def _unit_findings(self, order: OrderFacts, request: RequestFacts) -> list[Finding]:
        """AQA-8, AQA-10 and AQA-11 judged on each named unit's own history."""
        findings: list[Finding] = []
        lines = {line.sku: line for line in order.lines}
        for unit in request.units:
            if unit.fully_refunded:
                text = Message(
                    msg("Unit %(serial)s was fully refunded, so no warranty is left on it"),
                    {"serial": unit.serial},
                )
                findings.append(finding("AQA-11", False, text, serial=unit.serial))
            market = (unit.market or order.country_of_purchase).upper()
            if request.current_country and unit.market:
                now = request.current_country.upper()
                text = Message(
                    msg(
                        "Unit %(serial)s was sold for %(market)s, now in %(now)s; the warranty "
                        "holds only in the country of purchase"
                    ),
                    {
                        "serial": unit.serial,
                        "market": self._country_param(market),
                        "now": self._country_param(now),
                    },
                )
                findings.append(
                    finding("AQA-8", now == market, text, serial=unit.serial, market=market)
                )
            end, rule = unit.warranty_end, "AQA-10" if unit.replaced_at else "AQA-7"
            if end is None and unit.sku in lines:
                line = lines[unit.sku]
                facts = dataclasses.replace(request, replaced_at=unit.replaced_at)
                deadline = self.warranty_end(order, line, facts)
                end, rule = deadline.at, deadline.rule_id
            if end is None:
                continue
            ok = not is_after(request.at, end)
            params = {"serial": unit.serial, "end": self._day(end)}
            text = Message(
                msg("The warranty on unit %(serial)s runs through %(end)s")
                if ok
                else msg("The warranty on unit %(serial)s ended on %(end)s"),
                params,
            )
            findings.append(
                finding(rule, ok, text, sku=unit.sku, serial=unit.serial, warranty_end=end)
            )
        return findings

    def _channel(self, order: OrderFacts, *, refund: bool) -> Finding:
        own = self.settings.own_store_channel
        if order.purchase_channel == own:
            text = Message(msg("Bought in the Aqara online store"))
            return finding("AQA-5", True, text, channel=own)
        text = Message(
            msg(
                "This order was bought through %(channel)s, not the Aqara online store; please "
                "ask that retailer for a refund"
            )
            if refund
            else msg(
                "This order was bought through %(channel)s, not the Aqara online store; please "
                "ask that retailer for warranty service"
            ),
            {"channel": order.purchase_channel},
        )
        return finding("AQA-5", False, text, channel=order.purchase_channel)

    def _exclusions(self, order: OrderFacts) -> Finding:
        if order.is_corporate:
            text = Message(msg("Corporate purchases are excluded from the money-back guarantee"))
            return finding("AQA-4", False, text, is_corporate=True)
        units = Counter[str]()
        for line in order.lines:
            units[line.sku] += line.quantity
        limit = self.settings.bulk_units_over
        sku, most = units.most_common(1)[0] if units else ("", 0)
        if most > limit:
            text = Message(
                msg(
                    "Order %(order)s has %(units)s units of %(sku)s; more than %(limit)s units of "
                    "a product is a bulk order, which the money-back guarantee excludes"
                ),
                {"order": order.number, "units": most, "sku": sku, "limit": limit},
            )
            return finding("AQA-4", False, text, sku=sku, units=most, limit=limit)
        text = Message(
            msg("Not a corporate or bulk order (at most %(limit)s units of a product)"),
            {"limit": limit},
        )
        return finding("AQA-4", True, text, units=most, limit=limit)

    def _country(self, order: OrderFacts, request: RequestFacts) -> Finding:
        bought = order.country_of_purchase.upper()
        if request.current_country is None:
            text = Message(
                msg("Please tell us which country the product is in; it was bought in %(bought)s"),
                {"bought": self._country_param(bought)},
            )
            return finding("AQA-8", False, text, country_of_purchase=bought, current_country="")
        now = request.current_country.upper()
        ok = now == bought
        text = Message(
            msg(
                "Bought in %(bought)s, now in %(now)s; the warranty holds only in the country of "
                "purchase"
            ),
            {"bought": self._country_param(bought), "now": self._country_param(now)},
        )
        return finding("AQA-8", ok, text, country_of_purchase=bought, current_country=now)

    def warranty_end(self, order: OrderFacts, line: LineFacts, request: RequestFacts) -> Deadline:
        """AQA-7 from the purchase date; AQA-10 extends a replacement to at least 3 months."""
        s = self.settings
        months = s.default_warranty_months if line.warranty_months is None else line.warranty_months
        end = request.original_warranty_end or self.calendar.add_months_end(order.placed_at, months)
        rule = "AQA-7"
        label = counted(
            plural_msg(
                "Warranty on %(product)s (%(months)s month from purchase)",
                "Warranty on %(product)s (%(months)s months from purchase)",
            ),
            {"product": line.name, "months": months},
            "months",
        )
        if request.replaced_at is not None:
            floor = self.calendar.add_months_end(request.replaced_at, s.replacement_warranty_months)
            end = floor if is_after(floor, end) else end
            rule = "AQA-10"
            label = counted(
                plural_msg(
                    "Warranty on the replacement %(product)s: the original end or %(months)s "
                    "month after replacement, whichever is later",
                    "Warranty on the replacement %(product)s: the original end or %(months)s "
                    "months after replacement, whichever is later",
                ),
                {"product": line.name, "months": s.replacement_warranty_months},
                "months",
            )
        return self._deadline(DeadlineName.WARRANTY_END, end, rule, label, sku=line.sku)

    def unit_warranty_end(self, purchased_at: datetime, warranty_months: int | None) -> Deadline:
        """AQA-7: the default warranty period, or the line's own, from the purchase date."""
        s = self.settings
        months = s.default_warranty_months if warranty_months is None else warranty_months
        end = self.calendar.add_months_end(purchased_at, months)
        label = counted(
            plural_msg("%(months)s month from purchase", "%(months)s months from purchase"),
            {"months": months},
            "months",
        )
        return self._deadline(DeadlineName.WARRANTY_END, end, "AQA-7", label)

    def replacement_warranty_end(
        self, original_end: datetime | None, replaced_at: datetime
    ) -> Deadline:
        """AQA-10: the original end or the replacement period after replacement, if later."""
        months = self.settings.replacement_warranty_months
        floor = self.calendar.add_months_end(replaced_at, months)
        end = floor if original_end is None or is_after(floor, original_end) else original_end
        label = counted(
            plural_msg(
                "The original end or %(months)s month after replacement, whichever is later",
                "The original end or %(months)s months after replacement, whichever is later",
            ),
            {"months": months},
            "months",
        )
        return self._deadline(DeadlineName.WARRANTY_END, end, "AQA-10", label)

    def plan_resolutions(self, facts: ResolutionFacts) -> tuple[ResolutionPlan, ...]:
        """AQA-9: a refund (partial, by usage time, for a warranty claim) when money is paid;
        AQA-10: a replacement unit carrying its own warranty end."""
        request = facts.request
        if request is None or request.kind is not RequestKind.RETURN:
            return ()
        if facts.stage == ResolutionStage.REFUND:
            breakdown = self.refund(
                facts.order, request, received_on=facts.received_on, deductions=facts.refunded
            )
            return (self.refund_plan(facts, breakdown),)
        if facts.stage == ResolutionStage.REPLACE:
            at = facts.at or request.at
            end = self.replacement_warranty_end(facts.original_warranty_end, at)
            plans = []
            for line, qty in requested_lines(facts.order, request):
                plans.append(
                    ResolutionPlan(
                        ResolutionKind.REPLACEMENT,
                        facts.order.currency,
                        rule_ids=(end.rule_id,),
                        sku=line.sku,
                        quantity=qty,
                        warranty_end=end.at,
                    )
                )
            return tuple(plans)
        return ()

    def accepts_unit_bought_elsewhere(self, purchase: PurchaseFacts) -> Decision:
        """AQA-5: warranty for units bought elsewhere only where the vendor's settings allow
        it (``warranty_own_store_only`` off), with a proof of purchase; AQA-7 from its date."""
        seller = purchase.seller
        if self.settings.warranty_own_store_only:
            text = Message(
                msg(
                    "Aqara gives warranty only on products bought in its online store; please "
                    "ask %(seller)s, where you bought it"
                ),
                {"seller": seller},
                rule_id="AQA-5",
            )
            return self._decision([finding("AQA-5", False, text, seller=seller)])
        if is_after(purchase.purchased_at, purchase.at):
            text = Message(
                msg("The date of purchase %(date)s is in the future"),
                {"date": self._day(purchase.purchased_at)},
                rule_id="AQA-7",
            )
            refusal = finding("AQA-7", False, text, purchased_at=purchase.purchased_at)
            return self._decision([refusal])
        findings: list[Finding] = []
        if purchase.has_proof:
            text = Message(
                msg("Bought from %(seller)s: accepted with the proof of purchase"),
                {"seller": seller},
                rule_id="AQA-5",
            )
        else:
            text = Message(
                msg("Please add the proof of purchase from %(seller)s (invoice or receipt)"),
                {"seller": seller},
                rule_id="AQA-5",
            )
        findings.append(finding("AQA-5", purchase.has_proof, text, seller=seller))
        end = self.unit_warranty_end(purchase.purchased_at, purchase.warranty_months)
        ok = not is_after(purchase.at, end.at)
        template = (
            msg("The warranty runs through %(date)s")
            if ok
            else msg("The warranty ended on %(date)s; there is no warranty left to register")
        )
        text = Message(template, {"date": self._day(end.at)}, rule_id="AQA-7")
        findings.append(finding("AQA-7", ok, text, warranty_end=end.at))
        return self._decision(findings)

    def proof_of_purchase(self) -> EvidenceRequirement | None:
        if self.settings.warranty_own_store_only:
            return None
        label = Message(msg("Proof of purchase"))
        return self._needs(EvidenceKind.PROOF_OF_PURCHASE, 1, "AQA-5", label, ())

    # -- evidence, carriers, addresses -------------------------------------------------------
    def evidence_requirements(
        self, scenario: Scenario | None, kind: RequestKind = RequestKind.RETURN
    ) -> tuple[EvidenceRequirement, ...]:
        if kind is not RequestKind.RETURN or scenario not in self.scenarios:
            return ()
        return (
            self._needs(
                EvidenceKind.PHOTO,
                1,
                "AQA-12",
                Message(msg("Photos or videos showing the product and the issue")),
                (EvidenceKind.VIDEO,),
            ),
            self._needs(
                EvidenceKind.VIDEO, 0, "AQA-12", Message(msg("Videos (instead of photos)"))
            ),
        )

    def carriers(self) -> tuple[Carrier, ...]:
        return (Carrier(CarrierCode.ANY, "Any carrier", r"[A-Z0-9]{6,40}", "1Z999AA10123456784"),)

    def check_tracking(self, carrier_code: str | None, tracking_number: str) -> Finding:
        # Any courier is fine (AQA-12 only asks for a number); separators are printing noise.
        number = re.sub(r"[\s-]+", "", tracking_number).upper()
        ok = re.fullmatch(self.carriers()[0].pattern, number) is not None
        if ok:
            text = Message(msg("Tracking number %(number)s accepted"), {"number": number})
        elif number:
            text = Message(
                msg("%(number)s is not a tracking number (6 to 40 letters and digits)"),
                {"number": number},
            )
        else:
            text = Message(msg("Please enter the tracking number (6 to 40 letters and digits)"))
        return finding(
            "AQA-12", ok, text, carrier=carrier_code or CarrierCode.ANY, tracking_number=number
        )

    def check_address_change(self, original_country: str, new_country: str) -> Finding:
        same = original_country.upper() == new_country.upper()
        text = Message(
            msg("The new address is in the same country")
            if same
            else msg(
                "You may ship to %(new)s, but the warranty holds only in the country of "
                "purchase (%(original)s)"
            ),
            {
                "new": self._country_param(new_country.upper()),
                "original": self._country_param(original_country.upper()),
            },
        )
        return finding("AQA-8", True, text, original=original_country, new=new_country)

    # -- deadlines ---------------------------------------------------------------------------
    def deadlines(self, order: OrderFacts, request: RequestFacts) -> tuple[Deadline, ...]:
        s = self.settings
        found: list[Deadline] = []
        if request.kind in (RequestKind.CANCELLATION, RequestKind.ADDRESS_CHANGE):
            end = self.calendar.add_hours(order.placed_at, s.free_change_hours)
            label = counted(
                plural_msg(
                    "Cancel or change for sure within %(n)s hour of ordering",
                    "Cancel or change for sure within %(n)s hours of ordering",
                ),
                {"n": s.free_change_hours},
                "n",
            )
            found.append(self._deadline(DeadlineName.CANCEL_UNTIL, end, "AQA-1", label))
            if order.shipped_at is not None:
                n = s.change_closes_days_after_shipping
                end = self.calendar.add_days_end(order.shipped_at, n)
                label = counted(
                    plural_msg(
                        "No cancellation or change more than %(n)s day after shipping",
                        "No cancellation or change more than %(n)s days after shipping",
                    ),
                    {"n": n},
                    "n",
                )
                found.append(self._deadline(DeadlineName.CHANGE_CLOSES_AT, end, "AQA-3", label))
            return tuple(found)
        if request.scenario is Scenario.NON_QUALITY:
            end = self.calendar.add_days_end(order.placed_at, s.money_back_days)
            label = Message(msg("%(n)s-day money-back guarantee"), {"n": s.money_back_days})
            found.append(self._deadline(DeadlineName.MONEY_BACK_UNTIL, end, "AQA-4", label))
        elif request.scenario is Scenario.WARRANTY_CLAIM and not request.fully_refunded:
            found += [
                self.warranty_end(order, line, request)
                for line, _ in requested_lines(order, request)
            ]
        found.append(self.review_due(request.at))
        return tuple(found)

    def review_due(self, requested_at: datetime, *, complex_case: bool = False) -> Deadline:
        n = self.settings.review_business_days
        end = self.calendar.add_working_days(requested_at, n)
        label = counted(
            plural_msg(
                "Support answers within %(n)s business day",
                "Support answers within %(n)s business days",
            ),
            {"n": n},
            "n",
        )
        return self._deadline(DeadlineName.REVIEW_DUE, end, "AQA-12", label)

    def refund_due(self, inspected_at: datetime) -> Deadline:
        n = self.settings.refund_business_days
        end = self.calendar.add_working_days(inspected_at, n)
        label = counted(
            plural_msg(
                "Refund within %(n)s business day of receipt and inspection",
                "Refund within %(n)s business days of receipt and inspection",
            ),
            {"n": n},
            "n",
        )
        return self._deadline(DeadlineName.REFUND_DUE, end, "AQA-12", label)

    # -- exchanges ---------------------------------------------------------------------------
    def exchange_options(self, order: OrderFacts, at: datetime) -> ExchangeRules:
        """AQA-5 Reading: "after 30 days ... no refund or exchange" grants exchanges for
        non-quality returns inside the AQA-4 window, bought in the own store and not corporate or
        bulk; a quality claim gets what Aqara chooses (AQA-9), not the customer's pick."""
        s = self.settings
        scope = ExchangeScope(s.exchanges)
        if scope is ExchangeScope.NONE:
            return super().exchange_options(order, at)
        scenarios = frozenset({Scenario.NON_QUALITY})
        refusals = [
            f for f in (self._channel(order, refund=True), self._exclusions(order)) if not f.ok
        ]
        if refusals:
            blocker = refusals[0]
            assert blocker.text is not None
            return ExchangeRules(False, scope, scenarios, blocker.rule_id, blocker.text)
        end = self.calendar.add_days_end(order.placed_at, s.money_back_days)
        params = {"limit": s.money_back_days, "end": self._day(end)}
        if is_after(at, end):
            text = Message(
                msg("After %(limit)s days there is no exchange for non-quality reasons"),
                params,
                rule_id="AQA-5",
            )
            return ExchangeRules(False, scope, scenarios, "AQA-5", text)
        text = Message(
            msg("You can exchange it for another product instead of a refund through %(end)s")
            if scope is ExchangeScope.ANY_PRODUCT
            else msg(
                "You can exchange it for another colour or size instead of a refund through %(end)s"
            ),
            params,
            rule_id="AQA-4",
        )
        return ExchangeRules(True, scope, scenarios, "AQA-4", text)

    def price_difference(
        self, original: ExchangeItem, replacement: ExchangeItem, quantity: int
    ) -> PriceDifference:
        """A dearer replacement is paid by the customer (AQA-4 Reading); a cheaper one refunds
        the difference of the products' costs, shipping not refunded (AQA-6)."""
        if (
            ExchangeScope(self.settings.exchanges) is ExchangeScope.SAME_PRODUCT
            and replacement.product != original.product
        ):
            raise ValueError("Aqara exchanges here are for another variant of the same product")
        return settle_difference(
            original, replacement, quantity, pay_rule="AQA-4", refund_rule="AQA-6"
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
        if ratio is not None or wrong_item_option is not None:
            raise ValueError("Aqara refunds take no ratio and no wrong-item option")
        lines = requested_lines(order, request)
        paid = sum((line.unit_price * qty for line, qty in lines), ZERO)
        if request.kind is RequestKind.CANCELLATION:
            raw = [(_price_of(line, qty), line.unit_price * qty, "AQA-1") for line, qty in lines]
            return build_refund(order.currency, paid, raw, deductions, "AQA-1")
        if request.kind is RequestKind.RETURN and request.scenario is Scenario.NON_QUALITY:
            raw = [
                (
                    Message(
                        msg("Product cost of %(name)s x %(quantity)s (shipping not refunded)"),
                        {"name": line.name, "quantity": qty},
                    ),
                    line.unit_price * qty,
                    "AQA-6",
                )
                for line, qty in lines
            ]
            return build_refund(order.currency, paid, raw, deductions, "AQA-6")
        if request.kind is RequestKind.RETURN and request.scenario is Scenario.WARRANTY_CLAIM:
            if request.fully_refunded:
                raise ValueError("A fully refunded product has no warranty left (AQA-11)")
            used_until = received_on or request.at
            raw = []
            for line, qty in lines:
                raw += self._usage_lines(order, line, qty, request, used_until)
            return build_refund(order.currency, paid, raw, deductions, "AQA-9")
        raise ValueError(f"No Aqara refund for {request.kind} / {request.scenario}")

    def _usage_lines(
        self,
        order: OrderFacts,
        line: LineFacts,
        qty: int,
        request: RequestFacts,
        used_until: datetime,
    ) -> list[tuple[Message, Decimal, str]]:
        """AQA-9's reading: price x remaining warranty days ÷ warranty days, never below 0."""
        end = self.calendar.local_date(self.warranty_end(order, line, request).at)
        start = self.calendar.local_date(request.replaced_at or order.placed_at)
        total = max(0, (end - start).days)
        remaining = min(total, max(0, (end - self.calendar.local_date(used_until)).days))
        price = line.unit_price * qty
        used_share = Decimal(total - remaining) / total if total else Decimal(1)
        usage = counted(
            plural_msg(
                "Usage: %(used)s of %(total)s warranty day used",
                "Usage: %(used)s of %(total)s warranty days used",
            ),
            {"used": total - remaining, "total": total},
            "total",
        )
        return [
            (_price_of(line, qty), price, "AQA-9"),
            (usage, -price * used_share, "AQA-9"),
        ]

    def return_notice(self) -> tuple[Message, ...]:
        return (
            Message(
                msg(
                    "Our warehouse processes returns every two weeks, so a return can take up to "
                    "a month to be handled."
                ),
                rule_id="AQA-12",
            ),
            Message(
                msg(
                    "We are not liable for lost data, and we cannot send back personal items "
                    "sent with the product; back up your data and remove them first."
                ),
                rule_id="AQA-13",
            ),
        )


def _price_of(line: LineFacts, qty: int) -> Message:
    return Message(msg("Price of %(name)s x %(quantity)s"), {"name": line.name, "quantity": qty})
