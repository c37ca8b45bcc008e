"""Resolutions through the services: created from the policy's plan, advanced step by step
with an event each, and holding the case open until done."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from rma import services
from rma.models import (
    RESOLUTION_TRANSITIONS,
    Event,
    Resolution,
    ResolutionKind,
    ResolutionState,
)
from rma.services import DomainError, IllegalTransition
from tests.portal.factories import marketplace_vendor, propose_solution, reolink_vendor
from tests.rma.resolution_cases import AGENT, defect_case, keep_case

pytestmark = pytest.mark.django_db

P, IP, D, C = "pending", "in_progress", "done", "cancelled"
# Written out from the issue (money is paid once; a shipment travels, then arrives).
MONEY = {P: {D, C}, IP: set(), D: set(), C: set()}
SHIPMENT = {P: {IP, C}, IP: {D, C}, D: set(), C: set()}
EXPECTED = {
    "refund": MONEY,
    "compensation": MONEY,
    "store_credit": MONEY,
    "reshipment": SHIPMENT,
    "replacement": SHIPMENT,
    "repair": SHIPMENT,
    "exchange": SHIPMENT,
}


def test_resolution_transition_table_matches_the_product_definition():
    assert set(RESOLUTION_TRANSITIONS) == set(ResolutionKind.values)
    for kind, table in RESOLUTION_TRANSITIONS.items():
        assert {state: set(to) for state, to in table.items()} == EXPECTED[kind], kind


def test_mkt7_keep_case_gets_compensation_and_a_reshipment_followed_to_delivered():
    market = marketplace_vendor()
    with scope(vendor=market):
        rr = keep_case(market)
        compensation, reshipment = rr.resolutions.order_by("id")
        assert (compensation.kind, compensation.amount, compensation.state) == (
            "compensation",
            Decimal("15.00"),
            "pending",
        )
        assert reshipment.kind == "reshipment" and reshipment.order_line.sku
        # The agent's Refund pays the compensation in the same step.
        services.return_refund(return_request=rr, actor=AGENT, provider_reference="re_123")
        compensation.refresh_from_db()
        assert (compensation.state, compensation.provider_reference) == ("done", "re_123")
        rr.refresh_from_db()
        assert rr.refund_amount == Decimal("15.00")
        # The case stays open while the correct item has not arrived.
        with pytest.raises(IllegalTransition, match="Reshipment"):
            services.return_close(return_request=rr, actor=AGENT)
        rr.refresh_from_db()
        assert rr.status == "refunded"
        with pytest.raises(DomainError, match="tracking number"):
            services.resolution_mark_shipped(
                resolution=reshipment, actor=AGENT, carrier="DHL", tracking_number=" "
            )
        services.resolution_mark_shipped(
            resolution=reshipment, actor=AGENT, carrier="DHL", tracking_number="JD0146000012"
        )
        services.resolution_mark_delivered(resolution=reshipment, actor=AGENT)
        reshipment.refresh_from_db()
        assert reshipment.state == "done" and reshipment.done_at is not None
        services.return_close(return_request=rr, actor=AGENT)
        assert [e.action for e in Event.objects.filter(resolution=reshipment)] == [
            "created",
            "shipped",
            "delivered",
        ]
        # The customer hears of the shipment, with its tracking number.
        shipped = OutboxMessage.objects.get(kind="reshipment_shipped")
        assert shipped.context["tracking_number"] == "JD0146000012"
        assert shipped.to == rr.customer.email


def test_a_step_the_state_does_not_allow_is_refused_and_changes_nothing():
    market = marketplace_vendor()
    with scope(vendor=market):
        rr = keep_case(market)
        reshipment = rr.resolutions.get(kind="reshipment")
        with pytest.raises(IllegalTransition, match="Shipped"):
            services.resolution_mark_delivered(resolution=reshipment, actor=AGENT)
        reshipment.refresh_from_db()
        assert reshipment.state == "pending"
        assert Event.objects.filter(resolution=reshipment).count() == 1  # created only


def test_coupon_compensation_waits_for_its_code():
    market = marketplace_vendor(policy_settings={"compensation_method": "coupon"})
    with scope(vendor=market):
        rr = keep_case(market)
        compensation = rr.resolutions.get(kind="compensation")
        assert compensation.method == "coupon"
        with pytest.raises(IllegalTransition):
            services.resolution_mark_paid(resolution=compensation, actor=AGENT)
        services.resolution_issue_coupon(
            resolution=compensation, actor=AGENT, coupon_code="SORRY-15"
        )
        compensation.refresh_from_db()
        assert (compensation.state, compensation.coupon_code) == ("done", "SORRY-15")
        assert OutboxMessage.objects.get(kind="coupon_issued").context["coupon_code"] == "SORRY-15"


def test_mkt7_coupon_keep_case_closes_from_approved_once_every_resolution_is_done():
    market = marketplace_vendor(policy_settings={"compensation_method": "coupon"})
    with scope(vendor=market):
        rr = keep_case(market)
        compensation = rr.resolutions.get(kind="compensation")
        reshipment = rr.resolutions.get(kind="reshipment")
        services.resolution_issue_coupon(resolution=compensation, actor=AGENT, coupon_code="C-15")
        rr.refresh_from_db()
        assert rr.status == "approved" and not rr.can_refund()  # settled by the coupon
        assert rr.can_close()
        # The correct item is still on its way: Close is refused and changes nothing.
        services.resolution_mark_shipped(
            resolution=reshipment, actor=AGENT, carrier="DHL", tracking_number="JD0146000012"
        )
        events_before = rr.events.count()
        with pytest.raises(IllegalTransition, match="Reshipment") as refused:
            services.return_close(return_request=rr, actor=AGENT)
        assert refused.value.code == "resolutions_open"
        rr.refresh_from_db()
        assert (rr.status, rr.events.count()) == ("approved", events_before)
        assert not OutboxMessage.objects.filter(kind="case_closed").exists()
        services.resolution_mark_delivered(resolution=reshipment, actor=AGENT)
        services.return_close(return_request=rr, actor=AGENT, note="All settled.")
        rr.refresh_from_db()
        assert rr.status == "closed" and rr.closed_at is not None
        closed = rr.events.filter(action="closed")
        assert [(e.from_status, e.to_status) for e in closed] == [("approved", "closed")]
        # The customer hears the case closed, once.
        (email,) = OutboxMessage.objects.filter(kind="case_closed")
        assert email.to == rr.customer.email and email.context["status"] == "closed"


def test_mkt7_keep_case_with_money_owed_cannot_close_before_it_is_paid():
    market = marketplace_vendor()
    with scope(vendor=market):
        rr = keep_case(market)
        with pytest.raises(IllegalTransition, match="Compensation"):
            services.return_close(return_request=rr, actor=AGENT)
        rr.refresh_from_db()
        assert rr.status == "approved"
        assert set(rr.resolutions.values_list("state", flat=True)) == {"pending"}


def test_mkt8_confirmed_defect_refund_carries_the_freight_line_and_is_paid_in_one_step():
    market = marketplace_vendor()
    with scope(vendor=market):
        rr = defect_case(market)
        assert not rr.resolutions.exists()  # nothing is owed before the inspection
        services.return_record_inspection(
            return_request=rr, actor=AGENT, return_freight=Decimal("12.50")
        )
        services.return_refund(return_request=rr, actor=AGENT)
        (refund,) = rr.resolutions.all()
        rr.refresh_from_db()
    assert (refund.kind, refund.state, refund.amount) == ("refund", "done", Decimal("132.50"))
    assert [line["rule_id"] for line in refund.lines][-1] == "MKT-12"
    assert rr.refund_amount == Decimal("132.50")
    assert rr.refund_breakdown["lines"][-1]["amount"] == "12.50"
    # The case closes: every resolution is done.
    with scope(vendor=market):
        services.return_close(return_request=rr, actor=AGENT)


def test_resolution_events_do_not_move_the_case_status_counts():
    from rma.models import StatusCount

    market = marketplace_vendor()
    with scope(vendor=market):
        rr = keep_case(market)
        before = {(s.kind, s.status): s.cases for s in StatusCount.objects.all()}
        reshipment = rr.resolutions.get(kind="reshipment")
        services.resolution_mark_shipped(
            resolution=reshipment, actor=AGENT, carrier="DHL", tracking_number="JD01"
        )
        services.resolution_mark_delivered(resolution=reshipment, actor=AGENT)
        after = {(s.kind, s.status): s.cases for s in StatusCount.objects.all()}
    assert before == after


def test_a_cancelled_case_cancels_its_open_resolutions():
    market = marketplace_vendor()
    with scope(vendor=market):
        rr = keep_case(market)
        services.return_cancel(return_request=rr, actor=AGENT, note="Duplicate.")
        assert set(rr.resolutions.values_list("state", flat=True)) == {"cancelled"}


def _agreed_solution(vendor, **kwargs):
    solution, _password = propose_solution(vendor, return_required=False, **kwargs)
    services.solution_agree(solution=solution, actor=AGENT)
    return solution


def test_reo8_makeup_payment_is_verified_before_the_replacement_ships_or_completes():
    reolink = reolink_vendor()
    with scope(vendor=reolink):
        solution = _agreed_solution(reolink, makeup_amount=Decimal("15.00"))
        (replacement,) = solution.resolutions.all()
        assert (replacement.kind, replacement.makeup_amount) == ("replacement", Decimal("15.00"))
        assert "REO-8" in replacement.rule_ids
        assert replacement.legal_steps() == ("payment_verified", "cancelled")
        with pytest.raises(IllegalTransition, match="make-up payment"):
            services.resolution_mark_shipped(
                resolution=replacement, actor=AGENT, carrier="UPS", tracking_number="1Z9"
            )
        with pytest.raises(DomainError, match="transaction ID"):
            services.resolution_verify_payment(resolution=replacement, actor=AGENT)
        services.solution_save_details(
            solution=solution,
            actor=AGENT,
            address=solution.address_dict(),
            transaction_id="PAY-778",
        )
        services.resolution_verify_payment(resolution=replacement, actor=AGENT)
        replacement.refresh_from_db()
        assert replacement.makeup_transaction_id == "PAY-778"
        assert replacement.makeup_verified_at is not None
        assert replacement.legal_steps() == ("shipped", "cancelled")


def test_reo12_completing_a_solution_finishes_its_resolutions_in_the_same_step():
    reolink = reolink_vendor()
    with scope(vendor=reolink):
        solution = _agreed_solution(reolink, kind="refund", refund_amount=Decimal("120.00"))
        (refund,) = solution.resolutions.all()
        assert (refund.kind, refund.amount) == ("refund", Decimal("120.00"))
        services.solution_save_details(
            solution=solution, actor=AGENT, address=solution.address_dict()
        )
        services.solution_submit(solution=solution, actor=AGENT)
        services.solution_complete(solution=solution, actor=AGENT)
        refund.refresh_from_db()
    assert refund.state == ResolutionState.DONE


def test_reo12_a_solutions_refund_paid_on_its_own_step_is_emailed_and_the_defect_refund_once():
    reolink = reolink_vendor()
    with scope(vendor=reolink):
        solution = _agreed_solution(reolink, kind="refund", refund_amount=Decimal("120.00"))
        (refund,) = solution.resolutions.all()
        assert not OutboxMessage.objects.filter(kind="refund_issued").exists()
        services.resolution_mark_paid(resolution=refund, actor=AGENT, provider_reference="re_1")
        [email] = OutboxMessage.objects.filter(kind="refund_issued")
        assert email.to == solution.order.customer.email
        assert email.context["more_to_come"] is True
    # A return's Refund step pays its refund and tells the customer once, not twice.
    market = marketplace_vendor()
    with scope(vendor=market):
        rr = defect_case(market)
        services.return_record_inspection(return_request=rr, actor=AGENT)
        services.return_refund(return_request=rr, actor=AGENT)
        assert OutboxMessage.objects.filter(vendor=market, kind="refund_issued").count() == 1


def test_completing_with_an_unverified_payment_is_refused_and_changes_nothing():
    reolink = reolink_vendor()
    with scope(vendor=reolink):
        solution = _agreed_solution(reolink, makeup_amount=Decimal("15.00"))
        services.solution_save_details(
            solution=solution, actor=AGENT, address=solution.address_dict(), transaction_id="T1"
        )
        with scopes_disabled():
            type(solution).objects.filter(pk=solution.pk).update(status="submitted")
        with pytest.raises(DomainError, match="transaction ID T1"):
            services.solution_complete(solution=solution, actor=AGENT)
        solution.refresh_from_db()
        assert solution.status == "submitted"
        assert Resolution.objects.get(solution=solution).state == "pending"
