"""The return request status machine: every legal step works, every other one is refused
and changes nothing."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope

from rma import services
from rma.models import RETURN_TRANSITIONS, Evidence, ReturnRequest, ReturnStatus
from rma.services import Actor, DomainError, IllegalTransition

from ..factories import make_case_graph, tiny_png

R = ReturnStatus

# action name -> (status it leads to, how to call it)
ACTIONS = {
    "start_review": (
        R.UNDER_REVIEW,
        lambda rr, a: services.return_start_review(return_request=rr, actor=a),
    ),
    "approve": (R.APPROVED, lambda rr, a: services.return_approve(return_request=rr, actor=a)),
    "reject": (
        R.REJECTED,
        lambda rr, a: services.return_reject(
            return_request=rr, actor=a, reason="Outside the window.", rule_ids=["MKT-3"]
        ),
    ),
    "mark_shipped": (
        R.SHIPPED,
        lambda rr, a: services.return_mark_shipped(
            return_request=rr, actor=a, carrier="dhl", tracking_number="1234567890"
        ),
    ),
    "mark_received": (
        R.RECEIVED,
        lambda rr, a: services.return_mark_received(return_request=rr, actor=a),
    ),
    "inspect": (
        R.INSPECTED,
        lambda rr, a: services.return_record_inspection(
            return_request=rr, actor=a, note="As described."
        ),
    ),
    "refund": (R.REFUNDED, lambda rr, a: services.return_refund(return_request=rr, actor=a)),
    "replace": (R.REPLACED, lambda rr, a: services.return_replace(return_request=rr, actor=a)),
    "close": (R.CLOSED, lambda rr, a: services.return_close(return_request=rr, actor=a)),
    "cancel": (R.CANCELLED, lambda rr, a: services.return_cancel(return_request=rr, actor=a)),
}
# The status machine as the product defines it, written out here rather than read from the
# code, so loosening a guard or the table fails these tests.
LEGAL = {
    (R.REQUESTED, "start_review"),
    (R.REQUESTED, "approve"),
    (R.REQUESTED, "reject"),
    (R.REQUESTED, "cancel"),
    (R.UNDER_REVIEW, "approve"),
    (R.UNDER_REVIEW, "reject"),
    (R.UNDER_REVIEW, "cancel"),
    (R.APPROVED, "mark_shipped"),
    (R.APPROVED, "cancel"),
    (R.SHIPPED, "mark_received"),
    (R.RECEIVED, "inspect"),
    (R.INSPECTED, "refund"),
    (R.INSPECTED, "replace"),
    (R.INSPECTED, "close"),
    (R.REFUNDED, "close"),
    (R.REPLACED, "close"),
}
# Steps with a precondition beyond the status machine, tested on their own below.
SPECIAL = {(R.APPROVED, "refund"), (R.APPROVED, "mark_received"), (R.APPROVED, "close")}


def satisfy_evidence(rr: ReturnRequest) -> None:
    """Attach exactly what the vendor's policy asks for this scenario."""
    png = tiny_png()
    for requirement in rr.vendor.get_policy().evidence_requirements(rr.scenario):
        for _ in range(requirement.min_count):
            evidence = Evidence(
                vendor=rr.vendor,
                return_request=rr,
                kind=requirement.kind,
                content_type="image/png",
                size=len(png),
                sha256=hashlib.sha256(png).hexdigest(),
            )
            evidence.file.save("e.png", ContentFile(png), save=False)
            evidence.save()


@pytest.fixture
def case(vendor_a, agent_a):
    with scope(vendor=vendor_a):
        graph = make_case_graph(vendor_a)
        rr = graph["returnrequest"]
        satisfy_evidence(rr)
        yield rr, Actor.agent(agent_a)


def put_in(rr: ReturnRequest, status: str) -> ReturnRequest:
    # Test set-up only: a row as the machine would leave it in ``status``.
    ReturnRequest.objects.filter(pk=rr.pk).update(
        status=status, approved_at=timezone.now(), rma_number=None
    )
    rr.refresh_from_db()
    return rr


TABLE = [
    pytest.param(src, name, (src, name) in LEGAL, id=f"{src}-{name}")
    for src in R.values
    for name, (target, _call) in ACTIONS.items()
    if (src, name) not in SPECIAL
]


@pytest.mark.parametrize(("source", "action", "legal"), TABLE)
def test_return_transition_table(case, source, action, legal):
    rr, actor = case
    rr = put_in(rr, source)
    target, call = ACTIONS[action]
    events_before = rr.events.count()
    if legal:
        result = call(rr, actor)
        assert result.status == target
        rr.refresh_from_db()
        assert rr.status == target
        event = rr.events.last()
        assert (event.from_status, event.to_status) == (source, target)
        assert rr.events.count() == events_before + 1
    else:
        with pytest.raises(IllegalTransition):
            call(rr, actor)
        rr.refresh_from_db()
        assert rr.status == source
        assert rr.events.count() == events_before


def test_the_code_table_matches_the_product_definition():
    from_code = {
        (src, name)
        for src, targets in RETURN_TRANSITIONS.items()
        for name, (target, _call) in ACTIONS.items()
        if target in targets and (src, name) not in SPECIAL
    }
    assert from_code == LEGAL


def test_refund_straight_after_approval_only_without_a_return(case):
    rr, actor = case
    rr = put_in(rr, R.APPROVED)
    with pytest.raises(IllegalTransition):
        services.return_refund(return_request=rr, actor=actor)
    ReturnRequest.objects.filter(pk=rr.pk).update(return_required=False)
    rr.refresh_from_db()
    assert not rr.can_mark_received()
    with pytest.raises(IllegalTransition):
        services.return_mark_received(return_request=rr, actor=actor)


def test_close_straight_after_approval_only_without_a_return(case):
    rr, actor = case
    rr = put_in(rr, R.APPROVED)
    events_before = rr.events.count()
    with pytest.raises(IllegalTransition):
        services.return_close(return_request=rr, actor=actor)  # the goods are still to come
    rr.refresh_from_db()
    assert (rr.status, rr.events.count()) == (R.APPROVED, events_before)
    ReturnRequest.objects.filter(pk=rr.pk).update(return_required=False)
    rr.refresh_from_db()
    closed = services.return_close(return_request=rr, actor=actor)
    assert closed.status == R.CLOSED and closed.closed_at is not None
    event = rr.events.last()
    assert (event.from_status, event.to_status) == (R.APPROVED, R.CLOSED)


def test_approve_issues_unique_rma_number_and_ship_by_mkt10(case):
    rr, actor = case
    approved = services.return_approve(return_request=rr, actor=actor)
    assert approved.rma_number and len(approved.rma_number) == 12
    assert approved.rma_number.startswith("RMA") and approved.rma_number[3:].isdigit()
    assert approved.ship_by is not None and approved.ship_by > approved.approved_at
    event = approved.events.last()
    assert "MKT-10" in event.rule_ids


def test_approve_refused_while_evidence_is_missing_mkt8(vendor_a, agent_a):
    with scope(vendor=vendor_a):
        rr = make_case_graph(vendor_a)["returnrequest"]
        with pytest.raises(DomainError) as refused:
            services.return_approve(return_request=rr, actor=Actor.agent(agent_a))
        assert refused.value.code == "evidence_incomplete"
        assert any(f["rule_id"] == "MKT-8" for f in refused.value.findings)
        rr.refresh_from_db()
        assert rr.status == R.REQUESTED and rr.rma_number is None


def test_mark_shipped_refuses_postal_service_mkt2(case):
    rr, actor = case
    rr = put_in(rr, R.APPROVED)
    with pytest.raises(DomainError) as refused:
        services.return_mark_shipped(
            return_request=rr, actor=actor, carrier="usps", tracking_number="9400100000000000000000"
        )
    assert "MKT-2" in refused.value.message
    rr.refresh_from_db()
    assert rr.status == R.APPROVED and rr.tracking_number == f"TRK{rr.vendor_id}X"


def test_inspection_ratio_must_be_between_zero_and_one_mkt8(case):
    rr, actor = case
    rr = put_in(rr, R.RECEIVED)
    with pytest.raises(DomainError):
        services.return_record_inspection(return_request=rr, actor=actor, ratio=Decimal("1.5"))
    rr.refresh_from_db()
    assert rr.status == R.RECEIVED


def test_reject_needs_a_reason(case):
    rr, actor = case
    with pytest.raises(DomainError):
        services.return_reject(return_request=rr, actor=actor, reason="  ")
    rr.refresh_from_db()
    assert rr.status == R.REQUESTED
