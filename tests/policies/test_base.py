"""The shared contract: registry, settings, serialisation, purity, and refund properties."""

from __future__ import annotations

import ast
import json
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies import (
    POLICIES,
    Decision,
    Finding,
    Policy,
    RefundLine,
    RequestKind,
    Scenario,
    get_policy,
    policy_keys,
)
from policies.vocabulary import Message
from tests.policies import line, local, order, request

POLICIES_DIR = Path(__file__).resolve().parents[2] / "policies"


def test_registry_knows_the_vendors() -> None:
    # The real vendors come first; the suite's test-only one (tests/policies/vendors/) is
    # registered on top, so a new vendor needs no change here.
    assert policy_keys()[:3] == ("reolink", "marketplace", "aqara")
    assert "brightline" in policy_keys()
    for key, cls in POLICIES.items():
        policy = get_policy(key, timezone="Europe/Berlin", country="DE")
        assert isinstance(policy, cls) and isinstance(policy, Policy)
        assert (policy.key, policy.version.split("-")[0]) == (key, key)
        assert policy.supported_kinds
        assert {policy.timezone, policy.country} == {"Europe/Berlin", "DE"}
    with pytest.raises(KeyError, match="Unknown policy 'acme'; known policies: aqara"):
        get_policy("acme")


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(
            "marketplace",
            {
                "allow_non_quality_returns": True,
                "ship_within_days": 7,
                "wrong_item_compensation": "0.5",
            },
            id="marketplace",
        ),
        pytest.param(
            "aqara",
            {"default_warranty_months": 12, "late_change_best_effort": True, "bulk_units_over": 10},
            id="aqara",
        ),
        pytest.param(
            "reolink",
            {
                "confirm_remind_after_days": 3,
                "confirm_expire_after_days": 14,
                "max_upload_bytes": 10 * 1024 * 1024,
                "max_pictures": 5,
            },
            id="reolink",
        ),
    ],
)
def test_settings_defaults(key: str, expected: dict[str, object]) -> None:
    defaults = POLICIES[key].default_settings()
    assert {k: defaults[k] for k in expected} == expected
    json.dumps(defaults)


@pytest.mark.parametrize(
    ("key", "settings", "message"),
    [
        pytest.param("aqara", {"warranty_months": 6}, "Unknown setting", id="unknown-key"),
        pytest.param("aqara", {"default_warranty_months": True}, "whole number", id="bool-as-int"),
        pytest.param("aqara", {"default_warranty_months": -1}, "whole number", id="negative"),
        pytest.param("marketplace", {"wrong_item_compensation": 0.5}, "decimal", id="float"),
        pytest.param("marketplace", {"wrong_item_compensation": "1.5"}, "between", id="over-1"),
        pytest.param(
            "marketplace",
            {"allow_non_quality_returns": "yes"},
            "true or false",
            id="string-as-bool",
        ),
        pytest.param("marketplace", {"funds_min_business_days": 16}, "exceeds", id="min>max"),
    ],
)
def test_settings_are_validated(key: str, settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        get_policy(key, settings)


def test_settings_from_mapping_coerces_decimals() -> None:
    settings = POLICIES["marketplace"].settings_from({"wrong_item_compensation": "0.25"})
    assert settings.wrong_item_compensation == Decimal("0.25")  # type: ignore[attr-defined]


def test_decision_and_refund_serialise_to_json() -> None:
    policy = get_policy("marketplace")
    req = request(local("UTC", 2026, 10, 2))
    payload = json.loads(json.dumps(policy.decide(order(), req).to_dict()))
    assert set(payload) == {"allowed", "findings", "policy_key", "policy_version"}
    for stored in payload["findings"]:
        assert (
            {"rule_id", "ok", "message", "figures"}
            <= set(stored)
            <= {"rule_id", "ok", "message", "figures", "text"}
        )
    window = next(f for f in payload["findings"] if f["rule_id"] == "MKT-3")
    assert window["text"]["params"]["limit"] == 30 and window["text"]["count"] == "days"
    refund = json.loads(json.dumps(policy.refund(order(), req).to_dict()))
    assert refund["total"] == "75.00" and refund["lines"][0]["rule_id"] == "MKT-6"
    deadline = policy.deadlines(order(), req)[0].to_dict()
    assert json.dumps(deadline) and deadline["at"].startswith("2026-10-31T23:59:59.999999")


def test_decision_cannot_be_allowed_with_refusals() -> None:
    refusal = Finding("MKT-3", False, "No (MKT-3).")
    with pytest.raises(ValueError):
        Decision(True, (refusal,), "marketplace", "marketplace-2026.1")
    assert Decision(False, (refusal,), "marketplace", "m").refusals == (refusal,)


def test_facts_must_be_timezone_aware() -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        request(datetime(2026, 10, 2))
    with pytest.raises(ValueError, match="timezone-aware"):
        order(delivered_at=datetime(2026, 10, 1))


def test_requested_lines_must_exist_on_the_order() -> None:
    policy = get_policy("marketplace")
    with pytest.raises(ValueError, match="no item"):
        policy.refund(order(), request(local("UTC", 2026, 10, 2), lines=(("NOPE", 1),)))
    with pytest.raises(ValueError, match="Cannot request 2"):
        policy.refund(order(), request(local("UTC", 2026, 10, 2), lines=(("CAM-1", 2),)))


def test_every_message_ends_with_its_rule_id() -> None:
    at = local("UTC", 2026, 10, 2)
    for key in policy_keys():
        policy = get_policy(key)
        for scenario in (*policy.scenarios, None):
            decision = policy.decide(order(), request(at, scenario=scenario))
            for f in decision.findings:
                assert f.message.endswith(f"({f.rule_id}).")


def test_policies_import_nothing_but_stdlib_holidays_and_themselves() -> None:
    allowed = set(sys.stdlib_module_names) | {"holidays", "policies"}
    for path in POLICIES_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"


money = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False)
quantities = st.integers(min_value=1, max_value=20)


@given(price=money, cost=money, postage=money, extra=money, qty=quantities)
def test_marketplace_refund_stays_within_paid_and_deductions_never_raise_it(
    price: Decimal, cost: Decimal, postage: Decimal, extra: Decimal, qty: int
) -> None:
    policy = get_policy("marketplace")
    req = request(local("UTC", 2026, 10, 2))

    def total(cost: Decimal, postage: Decimal, deductions: tuple[RefundLine, ...] = ()) -> Decimal:
        facts = order(
            lines=(
                line(quantity=qty, unit_price=price, purchase_cost=cost, export_postage=postage),
            )
        )
        breakdown = policy.refund(facts, req, deductions=deductions)
        assert Decimal(0) <= breakdown.total <= breakdown.paid
        assert sum(x.amount for x in breakdown.lines) == breakdown.total
        return breakdown.total

    base = total(cost, postage)
    assert total(cost + extra, postage) <= base
    assert total(cost, postage + extra) <= base
    assert total(cost, postage, (RefundLine(Message("Agent deduction"), -extra, "MKT-8"),)) <= base


@given(
    price=money,
    qty=quantities,
    ratio=st.decimals(min_value=0, max_value=1, places=4),
    lower=st.decimals(min_value=0, max_value=1, places=4),
)
def test_marketplace_lower_ratio_never_raises_the_refund(
    price: Decimal, qty: int, ratio: Decimal, lower: Decimal
) -> None:
    policy = get_policy("marketplace")
    req = request(local("UTC", 2026, 10, 2), scenario=Scenario.QUALITY_DEFECT)
    facts = order(lines=(line(quantity=qty, unit_price=price),))
    high = policy.refund(facts, req, ratio=ratio)
    low = policy.refund(facts, req, ratio=ratio * lower)
    assert Decimal(0) <= low.total <= high.total <= high.paid


@given(
    price=money,
    qty=quantities,
    days=st.integers(min_value=-30, max_value=800),
    later=st.integers(min_value=0, max_value=400),
)
def test_aqara_prorated_refund_within_paid_and_shrinks_with_use(
    price: Decimal, qty: int, days: int, later: int
) -> None:
    policy = get_policy("aqara")
    placed = local("UTC", 2026, 1, 1, 9)
    facts = order(placed_at=placed, lines=(line(quantity=qty, unit_price=price),))
    req = request(placed, scenario=Scenario.WARRANTY_CLAIM)
    early = policy.refund(facts, req, received_on=placed + timedelta(days=days))
    late = policy.refund(facts, req, received_on=placed + timedelta(days=days + later))
    assert Decimal(0) <= late.total <= early.total <= early.paid


@given(price=money, qty=quantities, costs=st.lists(money, max_size=4))
def test_aqara_cancellation_refund_with_costs_within_paid(
    price: Decimal, qty: int, costs: list[Decimal]
) -> None:
    policy = get_policy("aqara")
    facts = order(lines=(line(quantity=qty, unit_price=price),))
    req = request(local("UTC", 2026, 10, 2), kind=RequestKind.CANCELLATION, scenario=None)
    deductions = tuple(RefundLine(Message("Cost"), -c, "AQA-1") for c in costs)
    breakdown = policy.refund(facts, req, deductions=deductions)
    assert Decimal(0) <= breakdown.total <= breakdown.paid
    assert breakdown.total <= policy.refund(facts, req).total
    with pytest.raises(ValueError, match="negative"):
        policy.refund(facts, req, deductions=(RefundLine(Message("Bonus"), Decimal(1), "AQA-1"),))
