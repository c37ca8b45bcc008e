"""Deadline sweeps: a frozen clock drives each deadline across its boundary; each sweep reads
only due rows through its partial index; two sweeps at once move each row once."""

from __future__ import annotations

import threading
import zoneinfo
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from policies.base import Scenario
from rma import services, tasks
from rma.models import Event, ReturnRequest, ReturnStatus, SolutionStatus, WarrantySolution
from rma.services import Actor, PolicyRefusal
from rma.services.passwords import password_matches
from tests.factories import MembershipFactory, OrderLineFactory, VendorFactory

from .factories import (
    AGENT,
    MKT_CONDITION,
    add_evidence,
    approved_return,
    marketplace,
    propose,
    reolink,
    requested_return,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)  # no public holiday that week in DE
SECOND = timedelta(seconds=1)


def events(subject, action: str) -> list[Event]:
    with scopes_disabled():
        return list(subject.events.filter(action=action))


def emails(kind: str) -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(kind=kind))


def reload(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


@pytest.mark.django_db
def test_solution_reminder_after_3_days_then_expiry_after_14_days():
    vendor = reolink()
    with time_machine.travel(MONDAY, tick=False):
        solution, password = propose(vendor)
    assert solution.remind_at == MONDAY + timedelta(days=3)
    local_expiry = solution.expires_at.astimezone(zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert (local_expiry.date() - MONDAY.date()).days == 14
    assert (local_expiry.hour, local_expiry.minute) == (23, 59)

    assert tasks.sweep_solution_reminders(now=solution.remind_at - SECOND) == 0
    assert tasks.sweep_solution_reminders(now=solution.remind_at) == 1
    assert tasks.sweep_solution_reminders(now=solution.remind_at + timedelta(hours=1)) == 0
    solution = reload(solution)
    assert solution.reminded_at == solution.remind_at
    [reminded] = events(solution, "reminder_sent")
    assert reminded.rule_ids == ["REO-1"] and reminded.actor_kind == "system"
    assert len(emails("solution_reminder")) == 1

    assert tasks.sweep_solution_expiry(now=solution.expires_at) == 0
    assert tasks.sweep_solution_expiry(now=solution.expires_at + SECOND) == 1
    assert tasks.sweep_solution_expiry(now=solution.expires_at + timedelta(days=1)) == 0
    solution = reload(solution)
    assert solution.status == SolutionStatus.EXPIRED
    # The password still opens the closed case, read-only, to show how it ended.
    assert password_matches(password, solution.password_hash)
    assert len(events(solution, "expired")) == 1


@pytest.mark.django_db
def test_vendor_settings_move_the_solution_deadlines():
    vendor = reolink(
        policy_settings={"confirm_remind_after_days": 1, "confirm_expire_after_days": 2}
    )
    with time_machine.travel(MONDAY, tick=False):
        solution, _ = propose(vendor)
    assert solution.remind_at == MONDAY + timedelta(days=1)
    assert tasks.sweep_solution_reminders(now=MONDAY + timedelta(days=1)) == 1
    assert tasks.sweep_solution_expiry(now=MONDAY + timedelta(days=3, hours=12)) == 1


@pytest.mark.django_db
def test_answered_solution_is_neither_reminded_nor_expired():
    vendor = reolink()
    with time_machine.travel(MONDAY, tick=False):
        solution, _ = propose(vendor)
    with scope(vendor=vendor):
        services.solution_agree(solution=solution, actor=Actor.customer("c@x.example"))
    later = MONDAY + timedelta(days=30)
    assert tasks.sweep_solution_reminders(now=later) == 0
    assert tasks.sweep_solution_expiry(now=later) == 0
    assert reload(solution).status == SolutionStatus.CONFIRMED


@pytest.mark.django_db
def test_mkt10_reminder_a_day_before_then_unshipped_return_is_waived_after_7_days():
    vendor = marketplace()
    with time_machine.travel(MONDAY, tick=False):
        rr = approved_return(vendor)
    ship_by = rr.ship_by.astimezone(BERLIN)
    assert (ship_by.date() - MONDAY.date()).days == 7 and ship_by.hour == 23
    assert rr.ship_remind_at == rr.ship_by - timedelta(hours=24)

    assert tasks.sweep_ship_reminders(now=rr.ship_remind_at - SECOND) == 0
    assert tasks.sweep_ship_reminders(now=rr.ship_remind_at) == 1
    assert tasks.sweep_ship_reminders(now=rr.ship_by) == 0
    [reminder] = emails("ship_reminder")
    assert reminder.to == rr.customer.email
    assert events(rr, "ship_reminder_sent")[0].rule_ids == ["MKT-10"]

    assert tasks.sweep_unshipped_returns(now=rr.ship_by) == 0  # its last instant is inside
    assert tasks.sweep_unshipped_returns(now=rr.ship_by + SECOND) == 1
    assert tasks.sweep_unshipped_returns(now=rr.ship_by + timedelta(days=2)) == 0
    rr = reload(rr)
    assert rr.status == ReturnStatus.WAIVED
    [waived] = events(rr, "waived")
    assert waived.rule_ids == ["MKT-10"] and waived.actor_kind == "system"
    assert len(emails("return_waived")) == 1


@pytest.mark.django_db
def test_mkt10_shipped_return_is_not_waived():
    vendor = marketplace()
    with time_machine.travel(MONDAY, tick=False):
        rr = approved_return(vendor)
    fedex = next(c for c in vendor.get_policy().carriers() if c.code == "fedex")
    with scope(vendor=vendor):
        services.return_mark_shipped(
            return_request=rr, actor=AGENT, carrier="fedex", tracking_number=fedex.example
        )
    later = rr.ship_by + timedelta(days=3)
    assert tasks.sweep_ship_reminders(now=later) == 0
    assert tasks.sweep_unshipped_returns(now=later) == 0
    assert reload(rr).status == ReturnStatus.SHIPPED
    assert emails("ship_reminder") == [] and emails("return_waived") == []


def wrong_item_order(vendor, *, delivered_at: datetime):
    return OrderLineFactory(
        order__vendor=vendor,
        vendor=vendor,
        order__placed_at=delivered_at - timedelta(days=3),
        order__shipped_at=delivered_at - timedelta(days=2),
        order__delivered_at=delivered_at,
    )


@pytest.mark.django_db
def test_mkt7_wrong_item_returned_within_5_working_days_of_the_report():
    vendor = marketplace()
    with scope(vendor=vendor):
        line = wrong_item_order(vendor, delivered_at=MONDAY - timedelta(hours=2))
        rr = services.return_create(
            order=line.order,
            scenario=Scenario.WRONG_ITEM,
            lines=[(line, 1)],
            actor=Actor.customer(line.order.customer.email),
            attestations=MKT_CONDITION,
            wrong_item_option="return",
            at=MONDAY,
        )
        add_evidence(rr, "comparison_screenshot")
        add_evidence(rr, "packaging_photo", 2)
        rr = services.return_approve(return_request=rr, actor=AGENT, at=MONDAY + timedelta(days=2))
    # Five working days from Monday end on the next Monday, before MKT-10's 7 days from Wednesday.
    ship_by = rr.ship_by.astimezone(BERLIN)
    assert ship_by.date() == (MONDAY + timedelta(days=7)).date() and ship_by.hour == 23
    assert tasks.sweep_ship_reminders(now=rr.ship_by - timedelta(hours=24)) == 1
    assert events(rr, "ship_reminder_sent")[0].rule_ids == ["MKT-7"]
    assert tasks.sweep_unshipped_returns(now=rr.ship_by + SECOND) == 1
    assert events(rr, "waived")[0].rule_ids == ["MKT-7"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("after_delivery", "allowed"),
    [(timedelta(hours=47, minutes=59), True), (timedelta(hours=48, minutes=1), False)],
    ids=["47h59-reported-in-time", "48h01-too-late"],
)
def test_mkt7_wrong_item_is_reported_within_48_hours(after_delivery, allowed):
    vendor = marketplace()
    delivered = MONDAY
    with scope(vendor=vendor):
        line = wrong_item_order(vendor, delivered_at=delivered)
        with time_machine.travel(delivered + after_delivery, tick=False):
            create = lambda: services.return_create(  # noqa: E731
                order=line.order,
                scenario=Scenario.WRONG_ITEM,
                lines=[(line, 1)],
                actor=Actor.customer(line.order.customer.email),
                attestations=MKT_CONDITION,
                wrong_item_option="keep",
                received_item_price=line.unit_price / 2,
            )
            if allowed:
                assert create().status == ReturnStatus.REQUESTED
            else:
                with pytest.raises(PolicyRefusal) as refused:
                    create()
                assert any(f["rule_id"] == "MKT-7" and not f["ok"] for f in refused.value.findings)
        assert ReturnRequest.objects.count() == (1 if allowed else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("after_placing", "best_effort"),
    [(timedelta(hours=11, minutes=59), False), (timedelta(hours=12, minutes=1), True)],
    ids=["11h59-guaranteed", "12h01-best-effort"],
)
def test_aqa1_cancellation_within_12_hours_is_guaranteed(after_placing, best_effort):
    from rma.services.changes import order_change_request

    vendor = VendorFactory(policy_key="aqara", slug="aqara", name="Aqara")
    placed = MONDAY
    with scope(vendor=vendor):
        line = OrderLineFactory(
            order__vendor=vendor,
            vendor=vendor,
            order__placed_at=placed,
            order__shipped_at=None,
            order__delivered_at=None,
            order__tracking_number="",
        )
        with time_machine.travel(placed + after_placing, tick=False):
            change = order_change_request(
                order=line.order, kind="cancellation", actor=Actor.customer("c@x.example")
            )
    assert change.best_effort is best_effort


@pytest.mark.django_db
def test_mkt9_overdue_review_is_flagged_in_the_admin_and_mailed_to_agents(client):
    vendor = marketplace()
    agent = MembershipFactory(vendor=vendor, user__email="agent@market.example").user
    with time_machine.travel(MONDAY, tick=False):
        rr = requested_return(vendor)
    assert rr.review_due.astimezone(BERLIN).date() == datetime(2026, 3, 4).date()

    assert tasks.sweep_review_sla(now=rr.review_due) == 0
    assert tasks.sweep_review_sla(now=rr.review_due + SECOND) == 1
    assert tasks.sweep_review_sla(now=rr.review_due + timedelta(days=1)) == 0
    rr = reload(rr)
    assert rr.sla_breached_at == rr.review_due + SECOND
    assert rr.status == ReturnStatus.REQUESTED  # flagged, not moved
    assert events(rr, "review_overdue")[0].rule_ids == ["MKT-9"]
    [mail] = emails("review_sla_breached_agent")
    assert mail.to == "agent@market.example"

    client.force_login(agent)
    response = client.get("/admin/rma/returnrequest/", {"overdue": "review"})
    assert [r.pk for r in response.context["cl"].result_list] == [rr.pk]


SWEPT_QUERIES = [
    (WarrantySolution, tasks.solution_reminders_due, "remind_at", "solution_remind_due"),
    (WarrantySolution, tasks.solution_expiry_due, "expires_at", "solution_expiry_due"),
    (ReturnRequest, tasks.ship_reminders_due, "ship_remind_at", "return_ship_remind_due"),
    (ReturnRequest, tasks.unshipped_returns_due, "ship_by", "return_ship_due"),
    (ReturnRequest, tasks.review_sla_due, "review_due", "return_review_due"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "due", "order_by", "index"), SWEPT_QUERIES, ids=[q[3] for q in SWEPT_QUERIES]
)
def test_each_sweep_reads_through_its_partial_index(model, due, order_by, index):
    with scopes_disabled():
        query = model.objects.select_for_update(skip_locked=True, of=("self",))
        query = query.filter(due(MONDAY)).order_by(order_by)
        with connection.cursor() as cursor:
            # Tiny test tables make a sequential scan cheaper; forbid it to see the index fits.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert index in plan, plan


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_move_each_return_once():
    vendor = marketplace()
    with time_machine.travel(MONDAY, tick=False):
        returns = [approved_return(vendor) for _ in range(6)]
    later = MONDAY + timedelta(days=9)
    start = threading.Barrier(2)
    moved: list[int] = []

    def sweep() -> None:
        try:
            start.wait(10)
            moved.append(tasks.sweep_unshipped_returns(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(moved) == 6 and len(moved) == 2
    for rr in returns:
        assert reload(rr).status == ReturnStatus.WAIVED
        assert len(events(rr, "waived")) == 1
    assert len(emails("return_waived")) == 6


def test_beat_runs_every_sweep_as_a_registered_task(settings):
    from portal.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "notifications.requeue_due",
        "rma.sweep_solution_reminders",
        "rma.sweep_solution_expiry",
        "rma.sweep_ship_reminders",
        "rma.sweep_unshipped_returns",
        "rma.sweep_review_sla",
    }
    assert scheduled <= set(app.tasks)
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert "eta" not in entry.get("options", {}) and "countdown" not in entry.get("options", {})
