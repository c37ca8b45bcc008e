"""AQA-8, AQA-10 and AQA-11 judged on each unit a warranty claim names (no database)."""

from __future__ import annotations

from datetime import timedelta

from policies import Scenario, UnitFacts
from tests.policies import local, order, request

from .test_aqara import AQARA, PLACED, SH

ONE_SECOND = timedelta(seconds=1)


def _unit_findings(decision, rule_id: str, serial: str):
    return [
        f for f in decision.findings if f.rule_id == rule_id and f.figures.get("serial") == serial
    ]


def _claim(at, *units, country="DE"):
    return request(at, scenario=Scenario.WARRANTY_CLAIM, current_country=country, units=units)


def test_aqa10_warranty_end_through_a_replacement_of_a_replacement() -> None:
    facts = order(placed_at=PLACED)
    original_end = AQARA.unit_warranty_end(PLACED, None).at
    first = AQARA.replacement_warranty_end(original_end, local(SH, 2027, 10, 1, 9))
    second = AQARA.replacement_warranty_end(first.at, local(SH, 2027, 11, 15, 9))
    assert first.rule_id == second.rule_id == "AQA-10"
    assert second.at > first.at > original_end
    unit = UnitFacts(
        serial="AQ-3", sku="CAM-1", warranty_end=second.at, replaced_at=local(SH, 2027, 11, 15, 9)
    )
    inside = AQARA.decide(facts, _claim(second.at, unit))
    (found,) = _unit_findings(inside, "AQA-10", "AQ-3")
    assert found.ok and inside.allowed
    after = AQARA.decide(facts, _claim(second.at + ONE_SECOND, unit))
    (found,) = _unit_findings(after, "AQA-10", "AQ-3")
    assert not found.ok and not after.allowed
    # The line is judged through its unit, not by the order's purchase date.
    assert not [f for f in after.findings if f.rule_id == "AQA-7" and f.figures.get("sku")]


def test_aqa10_a_replacement_keeps_a_later_original_end() -> None:
    end = AQARA.unit_warranty_end(PLACED, None).at
    kept = AQARA.replacement_warranty_end(end, PLACED + timedelta(days=10))
    assert kept.at == end and kept.rule_id == "AQA-10"


def test_aqa11_a_fully_refunded_unit_has_no_warranty_others_still_do() -> None:
    at = PLACED + timedelta(days=60)
    refunded = UnitFacts(serial="AQ-1", sku="CAM-1", fully_refunded=True)
    fine = UnitFacts(serial="AQ-2", sku="CAM-1")
    decision = AQARA.decide(order(placed_at=PLACED), _claim(at, refunded, fine))
    (aqa11,) = _unit_findings(decision, "AQA-11", "AQ-1")
    assert not aqa11.ok and not decision.allowed
    assert not _unit_findings(decision, "AQA-11", "AQ-2")
    (warranty,) = _unit_findings(decision, "AQA-7", "AQ-2")
    assert warranty.ok


def test_aqa8_a_unit_sold_for_another_market() -> None:
    at = PLACED + timedelta(days=60)
    french = UnitFacts(serial="AQ-FR", sku="CAM-1", market="FR")
    decision = AQARA.decide(order(placed_at=PLACED), _claim(at, french, country="DE"))
    (aqa8,) = _unit_findings(decision, "AQA-8", "AQ-FR")
    assert not aqa8.ok and aqa8.figures["market"] == "FR"
    at_home = AQARA.decide(order(placed_at=PLACED), _claim(at, french, country="FR"))
    (aqa8,) = _unit_findings(at_home, "AQA-8", "AQ-FR")
    assert aqa8.ok
