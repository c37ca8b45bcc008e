"""The review-SLA sweep moves a whole batch at once: still one event, one email per agent and one
webhook delivery per case, the rollups right, a constant number of statements per batch, and
each row moved once when two sweeps run at the same time."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from notifications.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from rma import services, tasks
from rma.models import Event, ReturnRequest, ReturnStatus
from rma.services.rollups import rollups_drift
from tests.factories import MembershipFactory
from tests.notifications.factories import marketplace, requested_return
from tests.notifications.test_deadlines import MONDAY

LATER = MONDAY + timedelta(days=5)  # every review of a Monday's request is overdue by then


def requested(vendor, count: int) -> list[ReturnRequest]:
    with time_machine.travel(MONDAY, tick=False):
        return [requested_return(vendor) for _ in range(count)]


def overdue_events() -> list[Event]:
    with scopes_disabled():
        return list(Event.objects.filter(action="review_overdue"))


def agent_mails() -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(kind="review_sla_breached_agent"))


@pytest.mark.django_db
def test_mkt9_a_batch_over_two_vendors_gets_one_event_and_one_email_per_agent_and_case():
    market = marketplace()
    other = marketplace(slug="other-market", name="Other")
    for email in ("a1@market.example", "a2@market.example"):
        MembershipFactory(vendor=market, user__email=email)
    MembershipFactory(vendor=other, user__email="b@other.example")
    with scopes_disabled():
        WebhookEndpoint.objects.create(vendor=market, url="https://hooks.market.example/rma")
    mine, theirs = requested(market, 4), requested(other, 3)
    drift = {vendor.pk: rollups_drift(vendor=vendor) for vendor in (market, other)}

    assert tasks.sweep_review_sla(now=LATER) == 7
    assert tasks.sweep_review_sla(now=LATER + timedelta(hours=1)) == 0
    with scopes_disabled():
        for rr in mine + theirs:
            rr.refresh_from_db()
            assert rr.sla_breached_at == LATER and rr.status == ReturnStatus.REQUESTED
    events = overdue_events()
    assert sorted(e.return_request_id for e in events) == sorted(rr.pk for rr in mine + theirs)
    assert {tuple(e.rule_ids) for e in events} == {("MKT-9",)}
    mails = agent_mails()
    assert len(mails) == 4 * 2 + 3
    assert {m.to for m in mails if m.vendor_id == other.pk} == {"b@other.example"}
    by_case = {(m.context["return_id"], m.to) for m in mails}
    assert len(by_case) == len(mails)  # one per case and agent, never two
    with scopes_disabled():
        assert {m.context["rma_number"] for m in mails} == {""}
        assert all(m.context["items"] for m in mails)  # the lines, read with the batch
        hooks = list(WebhookDelivery.objects.filter(event_type="return.review_overdue"))
    by_event = {e.pk: e.return_request_id for e in events}
    assert sorted(by_event[h.event_id] for h in hooks) == sorted(rr.pk for rr in mine)
    for vendor in (market, other):  # the sweep's counters add up (the factories' own aside)
        assert rollups_drift(vendor=vendor) == drift[vendor.pk]
    assert not any("ReturnDay" in line for lines in drift.values() for line in lines)


@pytest.mark.django_db
def test_a_batch_takes_the_same_statements_for_three_due_rows_as_for_twelve():
    vendor = marketplace()
    MembershipFactory(vendor=vendor, user__email="a@market.example")

    def statements(count: int) -> int:
        requested(vendor, count)
        with CaptureQueriesContext(connection) as captured:
            assert tasks.sweep_review_sla(now=LATER) == count
        return len(captured)

    three = statements(3)
    assert statements(12) == three
    assert three <= 16, three


@pytest.mark.django_db
def test_a_row_refused_by_the_batch_service_is_left_alone_and_the_rest_move():
    vendor = marketplace()
    returns = requested(vendor, 3)
    not_yet = returns[1]
    with scopes_disabled():
        ReturnRequest.objects.filter(pk=not_yet.pk).update(review_due=LATER + timedelta(days=1))
        rows = list(ReturnRequest.objects.filter(pk__in=[rr.pk for rr in returns]))
        result = services.return_review_sla_breach_many(
            return_requests=rows, actor=tasks.SYSTEM, at=LATER
        )
        not_yet.refresh_from_db()
    assert sorted(result.moved) == sorted(rr.pk for rr in returns if rr.pk != not_yet.pk)
    assert result.refused == {not_yet.pk: "The review is not overdue yet."}
    assert not_yet.sla_breached_at is None
    assert len(overdue_events()) == 2


@pytest.mark.django_db(transaction=True)
def test_two_review_sweeps_at_once_flag_each_return_once():
    vendor = marketplace()
    MembershipFactory(vendor=vendor, user__email="a@market.example")
    returns = requested(vendor, 9)
    drift = rollups_drift(vendor=vendor)
    start = threading.Barrier(2)
    both_hold_a_batch = threading.Barrier(2)
    held = threading.local()
    moved: list[int] = []

    def move_many(rows, at):
        if not getattr(held, "done", False):
            held.done = True
            # Each has claimed its first batch (rows locked, nothing written): they differ.
            both_hold_a_batch.wait(10)
        return services.return_review_sla_breach_many(
            return_requests=rows, actor=tasks.SYSTEM, at=at
        )

    def sweep() -> None:
        try:
            start.wait(10)
            moved.append(tasks.sweep_batches(
                ReturnRequest, tasks.review_sla_due(LATER), "review_due", move_many,
                now=LATER, batch_size=4,
            ))  # fmt: skip
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    # Each took a batch of 4 the other skipped; the one left went to whoever came first.
    assert sorted(moved) == [4, 5]
    events = overdue_events()
    assert sorted(e.return_request_id for e in events) == sorted(rr.pk for rr in returns)
    assert len(agent_mails()) == 9
    assert rollups_drift(vendor=vendor) == drift
