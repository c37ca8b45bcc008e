"""Exchanges as the policies decide them: who may exchange, and how the difference is settled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from policies import Scenario, get_policy
from policies.exchanges import ExchangeItem, ExchangeScope, Settlement
from tests.policies import local, order

NY = "America/New_York"
PLACED = local(NY, 2026, 10, 1, 9)
ORIGINAL = ExchangeItem("HUB-M3-W", "Hub M3 white", Decimal("99.99"), "USD", product="hub-m3")


def variant(sku: str, price: str, product: str = "hub-m3", currency: str = "USD"):
    return ExchangeItem(sku, f"Variant {sku}", Decimal(price), currency, product=product)


def aqara(**settings: object):
    return get_policy("aqara", settings, timezone=NY, country="US")


@pytest.mark.parametrize(
    ("days", "allowed", "rule"),
    [
        pytest.param(29, True, "AQA-4", id="inside-window"),
        pytest.param(31, False, "AQA-5", id="past-window"),
    ],
)
def test_aqa4_aqa5_exchange_inside_the_money_back_window_only(
    days: int, allowed: bool, rule: str
) -> None:
    rules = aqara().exchange_options(order(placed_at=PLACED), PLACED + timedelta(days=days))
    assert (rules.allowed, rules.rule_id) == (allowed, rule)
    assert rules.scope is ExchangeScope.ANY_PRODUCT
    assert rules.allows(Scenario.NON_QUALITY) is allowed
    assert not rules.allows(Scenario.WARRANTY_CLAIM)  # AQA-9: Aqara chooses the remedy


def test_aqa4_corporate_order_gets_no_exchange() -> None:
    rules = aqara().exchange_options(order(placed_at=PLACED, is_corporate=True), PLACED)
    assert (rules.allowed, rules.rule_id) == (False, "AQA-4")


def test_aqa5_order_from_a_retailer_gets_no_exchange() -> None:
    facts = order(placed_at=PLACED, purchase_channel="retailer")
    rules = aqara().exchange_options(facts, PLACED)
    assert (rules.allowed, rules.rule_id) == (False, "AQA-5")


def test_aqara_exchanges_setting_none_turns_them_off() -> None:
    rules = aqara(exchanges="none").exchange_options(order(placed_at=PLACED), PLACED)
    assert not rules.allowed and rules.scope is ExchangeScope.NONE
    with pytest.raises(ValueError, match="exchanges"):
        aqara(exchanges="every_product")


@pytest.mark.parametrize("key", ["marketplace", "reolink"])
def test_vendors_without_exchanges_refuse_them(key: str) -> None:
    policy = get_policy(key, {}, timezone="UTC", country="DE")
    rules = policy.exchange_options(order(), local("UTC", 2026, 10, 2, 9))
    assert not rules.allowed and not rules.allows(Scenario.NON_QUALITY)
    assert rules.rule_id == policy.scope_rule
    with pytest.raises(ValueError, match="no exchanges"):
        policy.price_difference(ORIGINAL, variant("X", "1.00"), 1)


def test_an_exchange_with_a_higher_priced_variant_asks_for_the_difference() -> None:
    diff = aqara().price_difference(ORIGINAL, variant("HUB-M3-B", "119.99"), 2)
    assert diff.settlement is Settlement.MAKE_UP_PAYMENT
    assert (diff.amount, diff.currency, diff.rule_id) == (Decimal("40.00"), "USD", "AQA-4")
    assert (diff.original_total, diff.replacement_total) == (Decimal("199.98"), Decimal("239.98"))
    assert diff.text.english() == (
        "Variant HUB-M3-B costs more than Hub M3 white; you pay the difference before it is sent"
    )
    # Kept as data for the API and logs; each reader's language prints it (40.00, 40,00).
    assert diff.text.params["difference"] == {"type": "amount", "value": "40.00"}


def test_an_exchange_with_a_lower_priced_variant_refunds_the_difference() -> None:
    diff = aqara().price_difference(ORIGINAL, variant("HUB-M2", "59.50", product="hub-m2"), 1)
    assert diff.settlement is Settlement.REFUND
    assert (diff.amount, diff.rule_id) == (Decimal("40.49"), "AQA-6")
    assert "refunded" in diff.text.english()


def test_an_exchange_at_the_same_price_settles_nothing() -> None:
    diff = aqara().price_difference(ORIGINAL, variant("HUB-M3-B", "99.99"), 3)
    assert (diff.settlement, diff.amount) == (Settlement.NONE, Decimal("0.00"))


def test_an_exchange_needs_one_currency_and_a_unit() -> None:
    with pytest.raises(ValueError, match="one currency"):
        aqara().price_difference(ORIGINAL, variant("HUB-M3-B", "99.99", currency="EUR"), 1)
    with pytest.raises(ValueError, match="at least one unit"):
        aqara().price_difference(ORIGINAL, variant("HUB-M3-B", "99.99"), 0)


def test_same_product_setting_refuses_another_product() -> None:
    policy = aqara(exchanges="same_product")
    rules = policy.exchange_options(order(placed_at=PLACED), PLACED)
    assert rules.allowed and rules.scope is ExchangeScope.SAME_PRODUCT
    assert "colour or size" in rules.text.english()
    with pytest.raises(ValueError, match="same product"):
        policy.price_difference(ORIGINAL, variant("HUB-M2", "59.50", product="hub-m2"), 1)
    diff = policy.price_difference(ORIGINAL, variant("HUB-M3-B", "109.99"), 1)
    assert diff.amount == Decimal("10.00")
