"""Aqara's rules AQA-1..AQA-13: cancellations, money-back, warranty, each at its limits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from policies import (
    Attestation,
    EvidenceKind,
    RefundLine,
    RequestFacts,
    RequestKind,
    Scenario,
    get_policy,
)
from policies.aqara import RETURN_CONTENTS, AqaraPolicy
from policies.vocabulary import Message
from tests.policies import line, local, only, order, request, rules

SH = "Asia/Shanghai"
PLACED = local(SH, 2026, 10, 20, 8)
ONE_SECOND = timedelta(seconds=1)


def aqara(tz: str = SH, country: str = "CN", **settings: object) -> AqaraPolicy:
    policy = get_policy("aqara", settings, timezone=tz, country=country)
    assert isinstance(policy, AqaraPolicy)
    return policy


AQARA = aqara()


def change(at: datetime, kind: RequestKind = RequestKind.CANCELLATION) -> RequestFacts:
    return request(at, kind=kind, scenario=None)


@pytest.mark.parametrize("kind", [RequestKind.CANCELLATION, RequestKind.ADDRESS_CHANGE])
@pytest.mark.parametrize(
    ("at", "best_effort"),
    [
        pytest.param(PLACED + timedelta(hours=11, minutes=59, seconds=59), False, id="inside"),
        pytest.param(PLACED + timedelta(hours=12), False, id="at-limit"),
        pytest.param(PLACED + timedelta(hours=12, seconds=1), True, id="one-second-past"),
    ],
)
def test_aqa1_cancel_or_change_within_12_hours(
    kind: RequestKind, at: datetime, best_effort: bool
) -> None:
    facts = order(placed_at=PLACED, shipped_at=None)
    decision = AQARA.decide(facts, change(at, kind))
    assert decision.allowed  # the Reading: best effort is still allowed
    assert decision.best_effort is best_effort
    finding = only(decision, "AQA-1")
    assert ("costs" in finding.message) is best_effort
    strict = aqara(late_change_best_effort=False).decide(facts, change(at, kind))
    assert strict.allowed is not best_effort


def test_aqa1_twelve_hours_are_elapsed_across_dst() -> None:
    policy = aqara("America/New_York", "US")
    placed = local("America/New_York", 2026, 11, 1, 0, 30)  # EDT; clocks go back at 02:00
    free_until = policy.deadlines(order(placed_at=placed), change(placed))[0]
    assert (free_until.name, free_until.rule_id) == ("cancel_until", "AQA-1")
    assert free_until.at == local("America/New_York", 2026, 11, 1, 11, 30)  # EST wall clock


def test_aqa1_late_cancellation_refund_takes_agent_costs() -> None:
    cost = RefundLine(Message("Return shipping"), Decimal("-12.50"), "AQA-1")
    breakdown = AQARA.refund(order(), change(PLACED + timedelta(days=2)), deductions=(cost,))
    assert (breakdown.paid, breakdown.total) == (Decimal("100.00"), Decimal("87.50"))


@pytest.mark.parametrize(
    ("tracking", "kind", "words"),
    [
        pytest.param(True, RequestKind.CANCELLATION, "refuse it with the courier", id="cancel"),
        pytest.param(True, RequestKind.ADDRESS_CHANGE, "ask the courier", id="address"),
        pytest.param(False, RequestKind.CANCELLATION, None, id="no-tracking-number"),
    ],
)
def test_aqa2_refuse_the_parcel_once_a_tracking_number_exists(
    tracking: bool, kind: RequestKind, words: str | None
) -> None:
    shipped = PLACED + timedelta(hours=20)
    facts = order(placed_at=PLACED, shipped_at=shipped, has_tracking_number=tracking)
    decision = AQARA.decide(facts, change(PLACED + timedelta(days=1), kind))
    assert decision.allowed
    if words is None:
        assert "AQA-2" not in rules(decision)
    else:
        assert words in only(decision, "AQA-2").message


SHIPPED = local(SH, 2026, 10, 1, 10)


@pytest.mark.parametrize(
    ("at", "ok"),
    [
        pytest.param(local(SH, 2026, 10, 20, 12), True, id="inside"),
        pytest.param(local(SH, 2026, 10, 31, 23, 59, 59, 999999), True, id="at-limit"),
        pytest.param(local(SH, 2026, 11, 1, 0, 0, 0, 999999), False, id="one-second-past"),
    ],
)
def test_aqa3_no_change_30_days_after_shipping(at: datetime, ok: bool) -> None:
    facts = order(placed_at=local(SH, 2026, 9, 30, 9), shipped_at=SHIPPED)
    decision = AQARA.decide(facts, change(at))
    assert only(decision, "AQA-3").ok is ok
    assert decision.allowed is ok
    names = {d.name: d for d in AQARA.deadlines(facts, change(at))}
    assert names["change_closes_at"].has_passed(at) is not ok


@pytest.mark.parametrize(
    ("at", "rule", "ok"),
    [
        pytest.param(local(SH, 2026, 10, 15, 12), "AQA-4", True, id="inside"),
        pytest.param(local(SH, 2026, 10, 31, 23, 59, 59, 999999), "AQA-4", True, id="at-limit"),
        pytest.param(local(SH, 2026, 11, 1, 0, 0, 0, 999999), "AQA-5", False, id="one-second-past"),
    ],
)
def test_aqa4_money_back_within_30_days_of_purchase(at: datetime, rule: str, ok: bool) -> None:
    facts = order(placed_at=local(SH, 2026, 10, 1, 9))
    decision = AQARA.decide(facts, request(at))
    assert only(decision, rule, having="days_since_purchase").ok is ok
    assert decision.allowed is ok


@pytest.mark.parametrize(
    ("quantities", "corporate", "ok"),
    [
        pytest.param((10,), False, True, id="ten-units-at-limit"),
        pytest.param((11,), False, False, id="eleven-units-bulk"),
        pytest.param((6, 5), False, False, id="same-sku-on-two-lines"),
        pytest.param((1,), True, False, id="corporate"),
    ],
)
def test_aqa4_corporate_and_bulk_orders_excluded(
    quantities: tuple[int, ...], corporate: bool, ok: bool
) -> None:
    lines = tuple(line(quantity=q) for q in quantities)
    facts = order(placed_at=PLACED, lines=lines, is_corporate=corporate)
    decision = AQARA.decide(facts, request(PLACED + timedelta(days=2), lines=(("CAM-1", 1),)))
    assert only(decision, "AQA-4", having="is_corporate" if corporate else "units").ok is ok
    assert decision.allowed is ok


def test_aqa4_undamaged_is_attested() -> None:
    attested = frozenset(RETURN_CONTENTS)
    decision = AQARA.decide(
        order(placed_at=PLACED), request(PLACED + timedelta(days=1), attestations=attested)
    )
    assert not decision.allowed
    assert [f.figures["missing"] for f in decision.refusals] == ["undamaged"]


@pytest.mark.parametrize(
    ("channel", "ok"),
    [
        pytest.param("own_store", True, id="own-store"),
        pytest.param("amazon", False, id="amazon"),
        pytest.param("retailer", False, id="retailer"),
    ],
)
def test_aqa5_other_channels_go_to_the_retailer(channel: str, ok: bool) -> None:
    facts = order(placed_at=PLACED, purchase_channel=channel)
    for scenario in (Scenario.NON_QUALITY, Scenario.WARRANTY_CLAIM):
        req = request(PLACED + timedelta(days=1), scenario=scenario, current_country="DE")
        decision = AQARA.decide(facts, req)
        finding = only(decision, "AQA-5")
        assert finding.ok is ok
        assert decision.allowed is ok
        if not ok:
            assert f"through {channel}" in finding.message and "retailer" in finding.message
    relaxed = aqara(warranty_own_store_only=False)
    req = request(
        PLACED + timedelta(days=1), scenario=Scenario.WARRANTY_CLAIM, current_country="DE"
    )
    assert relaxed.decide(facts, req).allowed


@pytest.mark.parametrize("missing", RETURN_CONTENTS, ids=str)
def test_aqa6_return_includes_accessories_gifts_and_packaging(missing: Attestation) -> None:
    attested = frozenset(a for a in Attestation if a != missing)
    decision = AQARA.decide(
        order(placed_at=PLACED), request(PLACED + timedelta(days=1), attestations=attested)
    )
    assert not decision.allowed
    assert [f.rule_id for f in decision.refusals] == ["AQA-6"]
    assert decision.refusals[0].figures["missing"] == missing.value


def test_aqa6_refund_is_the_product_cost_and_buyer_pays_shipping() -> None:
    facts = order(placed_at=PLACED, lines=(line(quantity=2, unit_price=Decimal("49.995")),))
    req = request(PLACED + timedelta(days=1))
    breakdown = AQARA.refund(facts, req)
    assert breakdown.total == Decimal("99.99")
    assert {x.rule_id for x in breakdown.lines} == {"AQA-6"}
    freight = [f for f in AQARA.decide(facts, req).findings if "freight_paid_by" in f.figures]
    assert [(f.rule_id, f.figures["freight_paid_by"]) for f in freight] == [("AQA-6", "customer")]


PURCHASED = local(SH, 2026, 1, 31, 10)


@pytest.mark.parametrize(
    ("months", "at", "ok"),
    [
        pytest.param(None, local(SH, 2027, 1, 31, 23, 59, 59, 999999), True, id="12m-at-limit"),
        pytest.param(None, local(SH, 2027, 2, 1, 0, 0, 0, 999999), False, id="12m-one-second-past"),
        pytest.param(1, local(SH, 2026, 2, 28, 23, 59, 59, 999999), True, id="1m-clamped-at-limit"),
        pytest.param(1, local(SH, 2026, 3, 1, 0, 0, 0, 999999), False, id="1m-one-second-past"),
        pytest.param(24, local(SH, 2028, 1, 31, 12), True, id="24m-per-product"),
    ],
)
def test_aqa7_warranty_period(months: int | None, at: datetime, ok: bool) -> None:
    facts = order(placed_at=PURCHASED, lines=(line(warranty_months=months),))
    req = request(at, scenario=Scenario.WARRANTY_CLAIM, current_country="DE")
    decision = AQARA.decide(facts, req)
    assert only(decision, "AQA-7", having="warranty_end").ok is ok
    assert decision.allowed is ok


def test_aqa7_default_warranty_months_setting_and_vendor_pays_shipping() -> None:
    policy = aqara(default_warranty_months=6)
    facts = order(placed_at=PURCHASED)
    req = request(local(SH, 2026, 8, 1), scenario=Scenario.WARRANTY_CLAIM, current_country="DE")
    assert not policy.decide(facts, req).allowed
    decision = AQARA.decide(facts, req)
    assert decision.allowed
    assert only(decision, "AQA-7", having="freight_paid_by").figures["freight_paid_by"] == "vendor"


@pytest.mark.parametrize(
    ("current", "ok"),
    [
        pytest.param("DE", True, id="same-country"),
        pytest.param("de", True, id="case-insensitive"),
        pytest.param("FR", False, id="taken-abroad"),
        pytest.param(None, False, id="unknown"),
    ],
)
def test_aqa8_warranty_only_in_country_of_purchase(current: str | None, ok: bool) -> None:
    req = request(
        PLACED + timedelta(days=40), scenario=Scenario.WARRANTY_CLAIM, current_country=current
    )
    decision = AQARA.decide(order(placed_at=PLACED), req)
    assert only(decision, "AQA-8").ok is ok
    assert decision.allowed is ok


def test_aqa8_address_change_abroad_is_warned_not_refused() -> None:
    finding = AQARA.check_address_change("DE", "FR")
    assert (finding.rule_id, finding.ok) == ("AQA-8", True)
    assert "country of purchase" in finding.message


@pytest.mark.parametrize(
    ("claim_day", "total"),
    [
        pytest.param(date(2026, 1, 1), "365.00", id="day-of-purchase"),
        pytest.param(date(2026, 7, 2), "183.00", id="half-way"),
        pytest.param(date(2027, 1, 1), "0.00", id="last-day"),
        pytest.param(date(2027, 3, 1), "0.00", id="after-end-never-negative"),
    ],
)
def test_aqa9_partial_refund_by_usage_time(claim_day: date, total: str) -> None:
    # 365 warranty days and a price of 365.00: the refund is the remaining days in currency.
    facts = order(placed_at=local(SH, 2026, 1, 1, 9), lines=(line(unit_price=Decimal(365)),))
    req = request(local(SH, 2026, 1, 1, 9), scenario=Scenario.WARRANTY_CLAIM)
    received = local(SH, claim_day.year, claim_day.month, claim_day.day, 18)
    breakdown = AQARA.refund(facts, req, received_on=received)
    assert breakdown.total == Decimal(total)
    assert {x.rule_id for x in breakdown.lines} == {"AQA-9"}
    assert sum(x.amount for x in breakdown.lines) == breakdown.total


@pytest.mark.parametrize(
    ("replaced", "end_day"),
    [
        pytest.param(local(SH, 2026, 12, 15, 9), date(2027, 3, 15), id="three-months-later"),
        pytest.param(local(SH, 2026, 10, 1, 9), date(2027, 1, 1), id="original-end-later"),
        pytest.param(local(SH, 2026, 10, 2, 9), date(2027, 1, 2), id="one-day-past-equal"),
    ],
)
def test_aqa10_replacement_warranty(replaced: datetime, end_day: date) -> None:
    facts = order(placed_at=local(SH, 2026, 1, 1, 9))
    req = request(
        local(SH, 2027, 1, 1, 9),
        scenario=Scenario.WARRANTY_CLAIM,
        current_country="DE",
        replaced_at=replaced,
    )
    end = AQARA.warranty_end(facts, facts.lines[0], req)
    assert (end.name, end.rule_id, end.sku) == ("warranty_end", "AQA-10", "CAM-1")
    assert end.at == AQARA.calendar.end_of_day(end_day)
    at_limit = request(
        end.at, scenario=Scenario.WARRANTY_CLAIM, current_country="DE", replaced_at=replaced
    )
    assert AQARA.decide(facts, at_limit).allowed
    past = request(
        end.at + ONE_SECOND,
        scenario=Scenario.WARRANTY_CLAIM,
        current_country="DE",
        replaced_at=replaced,
    )
    assert not only(AQARA.decide(facts, past), "AQA-10").ok


def test_aqa11_fully_refunded_product_has_no_warranty() -> None:
    req = request(
        PLACED + timedelta(days=40),
        scenario=Scenario.WARRANTY_CLAIM,
        current_country="DE",
        fully_refunded=True,
    )
    decision = AQARA.decide(order(placed_at=PLACED), req)
    assert not only(decision, "AQA-11").ok
    assert "warranty_end" not in {d.name for d in AQARA.deadlines(order(placed_at=PLACED), req)}
    with pytest.raises(ValueError, match="AQA-11"):
        AQARA.refund(order(placed_at=PLACED), req)


@pytest.mark.parametrize(
    ("evidence", "ok"),
    [
        pytest.param({EvidenceKind.PHOTO: 1}, True, id="one-photo"),
        pytest.param({EvidenceKind.VIDEO: 1}, True, id="one-video"),
        pytest.param({}, False, id="none"),
    ],
)
def test_aqa12_photo_or_video_evidence(evidence: dict[EvidenceKind, int], ok: bool) -> None:
    decision = AQARA.decide(order(placed_at=PLACED), request(PLACED, evidence=evidence))
    assert decision.allowed is ok
    assert only(decision, "AQA-12").ok is ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        pytest.param("SF1234567890", True, id="letters-and-digits"),
        pytest.param("1Z 999-AA1", True, id="separators-removed"),
        pytest.param("12345", False, id="too-short"),
        pytest.param("123456", True, id="shortest"),
        pytest.param("", False, id="empty"),
    ],
)
def test_aqa12_tracking_number_required(number: str, ok: bool) -> None:
    assert AQARA.check_tracking(None, number).ok is ok


def test_aqa12_review_and_refund_in_business_days_and_month_notice() -> None:
    # Wednesday 30 September 2026 in China; 1-7 October are National Day holidays, so the
    # working days counted are Thursday 8 and Friday 9 October.
    requested = local(SH, 2026, 9, 30, 17)
    due = AQARA.review_due(requested)
    assert (due.rule_id, due.at.date()) == ("AQA-12", date(2026, 10, 9))
    assert AQARA.refund_due(local(SH, 2026, 11, 2, 10)).at.date() == date(2026, 11, 4)
    notice = AQARA.return_notice()
    assert any("up to a month" in n.english() and n.rule_id == "AQA-12" for n in notice)


def test_aqa13_notice_on_data_and_personal_items() -> None:
    (notice,) = [n.english() for n in AQARA.return_notice() if n.rule_id == "AQA-13"]
    assert "lost data" in notice and "personal items" in notice


def test_aqa4_aqa6_checkboxes_are_exactly_what_decide_requires() -> None:
    needs = AQARA.required_attestations(Scenario.NON_QUALITY)
    assert {n.rule_id for n in needs} == {"AQA-4", "AQA-6"}
    ticked = frozenset(n.attestation for n in needs)
    facts = order(placed_at=PLACED)
    assert AQARA.decide(facts, request(PLACED + timedelta(days=1), attestations=ticked)).allowed
    for need in needs:
        req = request(PLACED + timedelta(days=1), attestations=ticked - {need.attestation})
        assert need.rule_id in {f.rule_id for f in AQARA.decide(facts, req).refusals}
    assert AQARA.required_attestations(Scenario.WARRANTY_CLAIM) == ()
