"""Exchanges: what a vendor's policy lets a customer swap an item for, and how the price
difference between the two is settled (a make-up payment or a partial refund)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from policies.facts import ZERO, Scenario
from policies.results import Finding, finding, money
from policies.vocabulary import Message, ParamKind, msg, typed


class ExchangeScope(StrEnum):
    """What a customer may choose as the replacement."""

    NONE = "none"  # no exchanges
    SAME_PRODUCT = "same_product"  # another variant (colour, size) of the product returned
    ANY_PRODUCT = "any_product"  # any active product the vendor offers


class Settlement(StrEnum):
    """How the price difference of an exchange is settled."""

    NONE = "none"  # same price: nothing to pay, nothing to refund
    MAKE_UP_PAYMENT = "make_up_payment"  # the customer pays the difference
    REFUND = "refund"  # the vendor refunds the difference


@dataclass(frozen=True)
class ExchangeRules:
    """Whether a customer may ask for an exchange, for which scenarios and what they may pick."""

    allowed: bool
    scope: ExchangeScope
    scenarios: frozenset[Scenario]
    rule_id: str
    text: Message  # why, in the customer's words (rendered at the edge)

    def allows(self, scenario: Scenario | str | None) -> bool:
        return self.allowed and scenario is not None and Scenario(scenario) in self.scenarios

    def finding(self) -> Finding:
        return finding(self.rule_id, self.allowed, self.text, scope=self.scope)


@dataclass(frozen=True)
class ExchangeItem:
    """One side of an exchange: the item returned or the variant chosen, priced per unit."""

    sku: str
    name: str
    unit_price: Decimal
    currency: str
    product: str = ""  # the catalogue product's handle; empty: the order line's own SKU


@dataclass(frozen=True)
class PriceDifference:
    """The settled difference: ``amount`` is never negative; ``settlement`` says who pays."""

    settlement: Settlement
    amount: Decimal
    currency: str
    original_total: Decimal
    replacement_total: Decimal
    rule_id: str
    text: Message

    def to_dict(self) -> dict[str, object]:
        return {
            "settlement": str(self.settlement),
            "amount": str(self.amount),
            "currency": self.currency,
            "original_total": str(self.original_total),
            "replacement_total": str(self.replacement_total),
            "rule_id": self.rule_id,
            "label": self.text.english(),
            "text": self.text.to_dict(),
        }


NO_EXCHANGES = msg("%(vendor)s does not offer exchanges through this portal")
# The amount itself is shown once, beside the sentence, in the reader's number format.
PAY_DIFFERENCE = msg(
    "%(replacement)s costs more than %(original)s; you pay the difference before it is sent"
)
REFUND_DIFFERENCE = msg(
    "%(replacement)s costs less than %(original)s; the difference is refunded to you"
)
SAME_PRICE = msg("%(replacement)s costs the same as %(original)s; nothing to pay or refund")


def settle_difference(
    original: ExchangeItem,
    replacement: ExchangeItem,
    quantity: int,
    *,
    pay_rule: str,
    refund_rule: str,
) -> PriceDifference:
    """The difference between ``quantity`` units of each, quantised once; a higher-priced
    replacement is paid by the customer, a lower-priced one refunds the difference."""
    if quantity < 1:
        raise ValueError(f"An exchange needs at least one unit, got {quantity}")
    if original.currency != replacement.currency:
        raise ValueError(
            f"{replacement.sku} is priced in {replacement.currency}, the order in "
            f"{original.currency}; an exchange needs one currency"
        )
    for item in (original, replacement):
        if item.unit_price < ZERO:
            raise ValueError(f"{item.sku} has a negative price")
    was = money(original.unit_price * quantity)
    becomes = money(replacement.unit_price * quantity)
    delta = becomes - was
    params = {
        "original": original.name,
        "replacement": replacement.name,
        "difference": typed(ParamKind.AMOUNT, str(abs(delta))),
        "currency": original.currency,
    }
    if delta > 0:
        settlement, rule, template = Settlement.MAKE_UP_PAYMENT, pay_rule, PAY_DIFFERENCE
    elif delta < 0:
        settlement, rule, template = Settlement.REFUND, refund_rule, REFUND_DIFFERENCE
    else:
        settlement, rule, template = Settlement.NONE, refund_rule, SAME_PRICE
    text = Message(template, params, rule_id=rule)
    return PriceDifference(settlement, abs(delta), original.currency, was, becomes, rule, text)
