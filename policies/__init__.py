"""Pure-Python vendor policies: facts in, decisions, deadlines and refunds out, citing rule ids."""

from __future__ import annotations

from policies.base import (
    Attestation,
    AttestationNeed,
    BaseSettings,
    Carrier,
    Deadline,
    Decision,
    EvidenceKind,
    EvidenceRequirement,
    Finding,
    LineFacts,
    OrderFacts,
    Policy,
    RefundBreakdown,
    RefundLine,
    RequestFacts,
    RequestKind,
    Scenario,
    UnitFacts,
)
from policies.calendar import WorkingCalendar
from policies.registry import POLICIES, get_policy, policy_keys

__all__ = [
    "POLICIES",
    "Attestation",
    "AttestationNeed",
    "BaseSettings",
    "Carrier",
    "Deadline",
    "Decision",
    "EvidenceKind",
    "EvidenceRequirement",
    "Finding",
    "LineFacts",
    "OrderFacts",
    "Policy",
    "RefundBreakdown",
    "RefundLine",
    "RequestFacts",
    "RequestKind",
    "Scenario",
    "UnitFacts",
    "WorkingCalendar",
    "get_policy",
    "policy_keys",
]
