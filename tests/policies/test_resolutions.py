"""Which resolutions each policy plans for a decided case (MKT-7, MKT-8/MKT-12, AQA-9, AQA-10,
REO-8/REO-12), from the policy texts' own figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from policies import Scenario, get_policy
from policies.base import ResolutionFacts, ResolutionStage
from tests.policies import line, local, order, request

MARKET = get_policy("marketplace")
AQARA = get_policy("aqara", timezone="Asia/Shanghai", country="CN")
REOLINK = get_policy("reolink")


def wrong_item(option: str, *, received: str = "50.00", stage=ResolutionStage.APPROVED, **kw):
    facts = order(lines=(line(unit_price=Decimal("80.00")),))
    req = request(
        local("UTC", 2026, 10, 2),
        scenario=Scenario.WRONG_ITEM,
        received_item_price=Decimal(received),
    )
    return (
        facts,
        req,
        ResolutionFacts(stage=stage, order=facts, request=req, wrong_item_option=option, **kw),
    )


def test_mkt7_keep_gives_half_the_price_difference_and_reships_the_correct_item() -> None:
    _order, _req, facts = wrong_item("keep")
    compensation, reshipment = MARKET.plan_resolutions(facts)
    assert (compensation.kind, compensation.amount, compensation.currency) == (
        "compensation",
        Decimal("15.00"),
        "EUR",
    )
    assert compensation.method == "refund" and compensation.rule_ids == ("MKT-7",)
    assert sum(x.amount for x in compensation.lines) == Decimal("15.00")
    assert "50% of the price difference 30.00" in compensation.lines[0].label.english()
    assert (reshipment.kind, reshipment.sku, reshipment.quantity) == ("reshipment", "CAM-1", 1)
    assert reshipment.amount == 0 and reshipment.rule_ids == ("MKT-7",)


def test_mkt7_keep_compensation_is_paid_the_way_the_vendor_configures() -> None:
    policy = get_policy("marketplace", {"compensation_method": "coupon"})
    _order, _req, facts = wrong_item("keep")
    assert policy.plan_resolutions(facts)[0].method == "coupon"
    with pytest.raises(ValueError, match="compensation_method"):
        get_policy("marketplace", {"compensation_method": "cash"})


def test_mkt7_keep_is_paid_as_compensation_at_the_refund_step_too() -> None:
    _order, _req, facts = wrong_item("keep", stage=ResolutionStage.REFUND)
    (plan,) = MARKET.plan_resolutions(facts)
    assert (plan.kind, plan.amount) == ("compensation", Decimal("15.00"))


def test_mkt7_return_gives_a_return_by_date_and_no_compensation() -> None:
    order_facts, req, facts = wrong_item("return")
    assert MARKET.plan_resolutions(facts) == ()
    deadlines = {d.name: d for d in MARKET.deadlines(order_facts, req)}
    assert deadlines["return_by"].rule_id == "MKT-7"
    _o, _r, refund_stage = wrong_item("return", stage=ResolutionStage.REFUND)
    (refund,) = MARKET.plan_resolutions(refund_stage)
    assert (refund.kind, refund.amount) == ("refund", Decimal("80.00"))
    assert all("price difference" not in x.label.english() for x in refund.lines)


def defect(freight: str | None, ratio: str | None = None) -> ResolutionFacts:
    req = request(local("UTC", 2026, 10, 2), scenario=Scenario.QUALITY_DEFECT)
    return ResolutionFacts(
        stage=ResolutionStage.REFUND,
        order=order(),
        request=req,
        ratio=Decimal(ratio) if ratio else None,
        return_freight=Decimal(freight) if freight else None,
    )


@pytest.mark.parametrize(
    ("freight", "ratio", "total", "freight_line"),
    [
        pytest.param("12.50", None, "112.50", "12.50", id="freight-on-top"),
        pytest.param("12.50", "0.8", "92.50", "12.50", id="freight-not-reduced-by-ratio"),
        pytest.param(None, None, "100.00", None, id="no-receipt-no-line"),
    ],
)
def test_mkt8_mkt12_confirmed_defect_refund_carries_the_freight_line(
    freight: str | None, ratio: str | None, total: str, freight_line: str | None
) -> None:
    (refund,) = MARKET.plan_resolutions(defect(freight, ratio))
    assert refund.kind == "refund" and refund.amount == Decimal(total)
    assert sum(x.amount for x in refund.lines) == refund.amount
    lines = [x for x in refund.lines if x.rule_id == "MKT-12"]
    if freight_line is None:
        assert lines == []
    else:
        assert [(x.label.english(), x.amount) for x in lines] == [
            ("Return freight reimbursed", Decimal(freight_line))
        ]
        assert {"MKT-8", "MKT-12"} <= set(refund.rule_ids)


def test_mkt12_non_quality_freight_is_the_customers() -> None:
    req = request(local("UTC", 2026, 10, 2), scenario=Scenario.NON_QUALITY)
    facts = ResolutionFacts(
        stage=ResolutionStage.REFUND, order=order(), request=req, return_freight=Decimal("9")
    )
    (refund,) = MARKET.plan_resolutions(facts)
    assert all(x.rule_id != "MKT-12" for x in refund.lines)


SH = "Asia/Shanghai"


def test_aqa9_partial_refund_is_the_refund_resolution() -> None:
    facts = order(placed_at=local(SH, 2026, 1, 1, 9), lines=(line(unit_price=Decimal(365)),))
    req = request(local(SH, 2026, 1, 1, 9), scenario=Scenario.WARRANTY_CLAIM)
    plan_facts = ResolutionFacts(
        stage=ResolutionStage.REFUND,
        order=facts,
        request=req,
        received_on=local(SH, 2026, 7, 2, 18),
    )
    (refund,) = AQARA.plan_resolutions(plan_facts)
    assert (refund.kind, refund.amount, refund.rule_ids) == (
        "refund",
        Decimal("183.00"),
        ("AQA-9",),
    )


@pytest.mark.parametrize(
    ("replaced", "original_end", "end"),
    [
        pytest.param(
            local(SH, 2026, 12, 15, 9), local(SH, 2027, 1, 1, 23), (2027, 3, 15), id="3-months"
        ),
        pytest.param(
            local(SH, 2026, 9, 1, 9), local(SH, 2027, 1, 1, 23), None, id="original-later"
        ),
    ],
)
def test_aqa10_replacement_carries_its_new_warranty_end(replaced, original_end, end) -> None:
    req = request(local(SH, 2026, 9, 1, 9), scenario=Scenario.WARRANTY_CLAIM)
    facts = ResolutionFacts(
        stage=ResolutionStage.REPLACE,
        order=order(),
        request=req,
        at=replaced,
        original_warranty_end=original_end,
    )
    (replacement,) = AQARA.plan_resolutions(facts)
    assert (replacement.kind, replacement.rule_ids) == ("replacement", ("AQA-10",))
    expected = AQARA.calendar.end_of_day(local(SH, *end, 12).date()) if end else original_end
    assert replacement.warranty_end == expected


@pytest.mark.parametrize(
    ("kind", "refund", "makeup", "expected"),
    [
        pytest.param("replacement", "0", "0", [("replacement", "0")], id="replacement"),
        pytest.param("repair", "0", "15.00", [("repair", "15.00")], id="repair-with-makeup"),
        pytest.param("parts", "0", "0", [("reshipment", "0")], id="parts"),
        pytest.param("refund", "120.00", "0", [("refund", "0")], id="refund"),
        pytest.param(
            "refurbished", "20.00", "0", [("replacement", "0"), ("refund", "0")], id="both"
        ),
    ],
)
def test_reo12_solution_kind_decides_the_resolutions(kind, refund, makeup, expected) -> None:
    facts = ResolutionFacts(
        stage=ResolutionStage.SOLUTION,
        order=order(),
        solution_kind=kind,
        refund_amount=Decimal(refund),
        makeup_amount=Decimal(makeup),
        lines=(("CAM-1", 1),),
    )
    plans = REOLINK.plan_resolutions(facts)
    assert [(p.kind, p.makeup_amount) for p in plans] == [(k, Decimal(m)) for k, m in expected]
    for plan in plans:
        assert "REO-12" in plan.rule_ids
        assert ("REO-8" in plan.rule_ids) is (plan.makeup_amount > 0)
        if plan.kind == "refund":
            assert plan.amount == Decimal(refund)


def test_plans_do_not_apply_outside_their_stage() -> None:
    facts = ResolutionFacts(stage=ResolutionStage.SOLUTION, order=order(), request=None)
    assert MARKET.plan_resolutions(facts) == ()
    assert AQARA.plan_resolutions(facts) == ()
    _o, _r, approved = wrong_item("keep")
    assert REOLINK.plan_resolutions(approved) == ()
