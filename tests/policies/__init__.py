"""Tests of the pure-Python vendor policies, and the fact builders they share (no database)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from policies import (
    Attestation,
    Decision,
    EvidenceKind,
    Finding,
    LineFacts,
    OrderFacts,
    RequestFacts,
    RequestKind,
    Scenario,
)

ALL_ATTESTED = frozenset(Attestation)

FULL_EVIDENCE: dict[Scenario, dict[EvidenceKind, int]] = {
    Scenario.NON_QUALITY: {EvidenceKind.PHOTO: 1, EvidenceKind.PACKAGING_PHOTO: 1},
    Scenario.WRONG_ITEM: {EvidenceKind.COMPARISON_SCREENSHOT: 1, EvidenceKind.PACKAGING_PHOTO: 2},
    Scenario.QUALITY_DEFECT: {
        EvidenceKind.VIDEO: 3,
        EvidenceKind.PHOTO: 10,
        EvidenceKind.FAULT_STATEMENT: 1,
    },
    Scenario.WARRANTY_CLAIM: {EvidenceKind.PHOTO: 1},
}


def local(tz: str, *parts: int) -> datetime:
    """An aware datetime given as wall-clock parts in `tz` (year, month, day, hour...)."""
    return datetime(*parts, tzinfo=ZoneInfo(tz))


def line(**overrides: Any) -> LineFacts:
    values: dict[str, Any] = {
        "sku": "CAM-1",
        "name": "Camera",
        "quantity": 1,
        "unit_price": Decimal("100.00"),
        "purchase_cost": Decimal("20.00"),
        "export_postage": Decimal("5.00"),
    }
    return LineFacts(**{**values, **overrides})


def order(**overrides: Any) -> OrderFacts:
    values: dict[str, Any] = {
        "number": "ORD-1",
        "currency": "EUR",
        "placed_at": local("UTC", 2026, 9, 28, 12),
        "shipped_at": local("UTC", 2026, 9, 29, 12),
        "delivered_at": local("UTC", 2026, 10, 1, 10),
        "country_of_purchase": "DE",
        "purchase_channel": "own_store",
        "is_corporate": False,
        "lines": (line(),),
    }
    return OrderFacts(**{**values, **overrides})


def request(at: datetime, **overrides: Any) -> RequestFacts:
    """A return request with full evidence and every attestation unless overridden."""
    scenario = overrides.get("scenario", Scenario.NON_QUALITY)
    values: dict[str, Any] = {
        "kind": RequestKind.RETURN,
        "at": at,
        "scenario": scenario,
        "evidence": FULL_EVIDENCE.get(scenario, {}) if scenario else {},
        "attestations": ALL_ATTESTED,
    }
    return RequestFacts(**{**values, **overrides})


def only(
    decision: Decision | tuple[Finding, ...], rule_id: str, having: str | None = None
) -> Finding:
    """The single finding citing `rule_id` (with figure `having`); fails unless exactly one."""
    findings = decision.findings if isinstance(decision, Decision) else decision
    matching = [
        f for f in findings if f.rule_id == rule_id and (having is None or having in f.figures)
    ]
    assert len(matching) == 1, f"expected one {rule_id} finding, got {matching}"
    return matching[0]


def rules(decision: Decision) -> set[str]:
    return {f.rule_id for f in decision.findings}
