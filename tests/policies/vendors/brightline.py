"""A test-only fourth vendor, Brightline Audio (BRT-1..BRT-4): a 14-day change-of-mind window,
UPS only, a flat restocking fee. It is written exactly as a real vendor would be (this module,
one ``register`` call, its rule document ``brightline.md`` beside it and its tests), to prove
that nothing outside a policy module knows a vendor."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from policies.base import (
    BaseSettings,
    Carrier,
    Deadline,
    DeadlineName,
    Decision,
    Finding,
    Message,
    OrderFacts,
    Policy,
    RefundBreakdown,
    RefundLine,
    RequestFacts,
    RequestKind,
    ResolutionFacts,
    ResolutionPlan,
    ResolutionStage,
    Scenario,
    build_refund,
    counted,
    finding,
    msg,
    plural_msg,
    requested_lines,
)
from policies.calendar import is_after
from policies.registry import register

UPS = Carrier("ups", "UPS", r"1Z[0-9A-Z]{16}", "1Z999AA10123456784")


@dataclass(frozen=True)
class BrightlineSettings(BaseSettings):
    change_of_mind_days: int = 14
    restocking_fee: Decimal = Decimal("7.50")
    store_credit_refunds: bool = True  # BRT-5


class BrightlinePolicy(Policy):
    key = "brightline"
    version = "brightline-test.1"
    name = "Brightline Audio"
    supported_kinds = frozenset({RequestKind.RETURN})
    scenarios = (Scenario.NON_QUALITY,)
    Settings = BrightlineSettings
    scope_rule = "BRT-4"
    store_credit_rule = "BRT-5"
    rule_prefix = "BRT"
    rule_doc = "tests/policies/vendors/brightline.md"
    demo_vendor = {
        "name": "Brightline Audio",
        "time_zone": "Europe/Berlin",
        "operating_country": "DE",
        "accent_colour": "#5b3fa8",
        "support_email": "help@brightline.example",
        "sender_email": "returns@brightline.example",
        "return_address": "Brightline Returns\nLagerstraße 4\n10115 Berlin\nGermany",
    }
    reminded_deadlines = frozenset({DeadlineName.RETURN_BY})
    settings: BrightlineSettings

    def decide_request(self, order: OrderFacts, request: RequestFacts) -> Decision:
        if request.kind is not RequestKind.RETURN or request.scenario not in self.scenarios:
            return self._out_of_scope(request)
        if order.delivered_at is None:
            text = Message(msg("The order has not arrived yet"))
            return self._decision([finding("BRT-1", False, text)])
        end = self._window_end(order)
        days = self._days_between(order.delivered_at, request.at)
        figures = {"delivered_at": order.delivered_at, "days_since_delivery": days}
        params = {"days": days, "limit": self.settings.change_of_mind_days}
        if is_after(request.at, end):
            text = counted(
                plural_msg(
                    "Delivered %(days)s day ago; changes of mind close after %(limit)s days",
                    "Delivered %(days)s days ago; changes of mind close after %(limit)s days",
                ),
                params,
                "days",
            )
            return self._decision([finding("BRT-1", False, text, **figures, deadline=end)])
        text = counted(
            plural_msg(
                "Delivered %(days)s day ago, within the %(limit)s-day change-of-mind window",
                "Delivered %(days)s days ago, within the %(limit)s-day change-of-mind window",
            ),
            params,
            "days",
        )
        fee = self.settings.restocking_fee
        fee_text = Message(
            msg("A flat restocking fee of %(fee)s %(currency)s is deducted"),
            {"fee": str(fee), "currency": order.currency},
        )
        return self._decision(
            [
                finding("BRT-1", True, text, **figures, deadline=end),
                finding("BRT-3", True, fee_text, fee=fee),
            ]
        )

    def reason_required(self, scenario: Scenario | None) -> bool:
        return False  # BRT-1: a change of mind needs no reason

    def _window_end(self, order: OrderFacts) -> datetime:
        assert order.delivered_at is not None
        return self.calendar.add_days_end(order.delivered_at, self.settings.change_of_mind_days)

    def deadlines(self, order: OrderFacts, request: RequestFacts) -> tuple[Deadline, ...]:
        if order.delivered_at is None:
            return ()
        label = counted(
            plural_msg(
                "Return within %(n)s day of delivery", "Return within %(n)s days of delivery"
            ),
            {"n": self.settings.change_of_mind_days},
            "n",
        )
        return (self._deadline(DeadlineName.RETURN_BY, self._window_end(order), "BRT-1", label),)

    def carriers(self) -> tuple[Carrier, ...]:
        return (UPS,)

    def check_tracking(self, carrier_code: str | None, tracking_number: str) -> Finding:
        number = re.sub(r"\s+", "", tracking_number).upper()
        if carrier_code not in (None, "", UPS.code):
            text = Message(msg("Only UPS is accepted, not %(carrier)s"), {"carrier": carrier_code})
            return finding("BRT-2", False, text, carrier=carrier_code, tracking_number=number)
        ok = re.fullmatch(UPS.pattern, number) is not None
        params = {"carrier": UPS.name, "number": number, "examples": f"UPS {UPS.example}"}
        if ok:
            text = Message(msg("%(carrier)s tracking number %(number)s accepted"), params)
        elif number:
            template = msg("%(number)s is not a %(carriers)s tracking number (e.g. %(examples)s)")
            text = Message(template, {**params, "carriers": UPS.name})
        else:
            template = msg("Please enter a %(carriers)s tracking number (e.g. %(examples)s)")
            text = Message(template, {**params, "carriers": UPS.name})
        return finding("BRT-2", ok, text, carrier=UPS.code, tracking_number=number)

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
        lines = requested_lines(order, request)
        paid = sum((line.unit_price * qty for line, qty in lines), Decimal("0"))
        raw = [
            (
                Message(
                    msg("Price of %(name)s x %(quantity)s"), {"name": line.name, "quantity": qty}
                ),
                line.unit_price * qty,
                "BRT-1",
            )
            for line, qty in lines
        ]
        raw.append((Message(msg("Restocking fee")), -self.settings.restocking_fee, "BRT-3"))
        return build_refund(order.currency, paid, raw, deductions, "BRT-3")

    def plan_resolutions(self, facts: ResolutionFacts) -> tuple[ResolutionPlan, ...]:
        """BRT-3: the refund when the inspected return is paid; BRT-5: as store credit where
        the customer chose it."""
        request = facts.request
        if facts.stage != ResolutionStage.REFUND or request is None:
            return ()
        if request.scenario not in self.scenarios:
            return ()
        breakdown = self.refund(facts.order, request, deductions=facts.refunded)
        return (self.refund_plan(facts, breakdown),)


def register_for_tests() -> None:
    register(BrightlinePolicy)
