"""Sweeps claim due rows in batches: each row still gets its own event and email, a refused row
undoes only itself, and the cost per row does not grow with the rows that are not due."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rma import services, tasks
from rma.models import ReturnRequest, ReturnStatus
from tests.notifications.factories import approved_return, marketplace
from tests.notifications.test_deadlines import MONDAY, emails, events, reload

pytestmark = pytest.mark.django_db
LATER = MONDAY + timedelta(days=9)


def test_rows_in_several_batches_are_each_moved_once_with_one_event_and_email():
    vendor = marketplace()
    with time_machine.travel(MONDAY, tick=False):
        returns = [approved_return(vendor) for _ in range(7)]
    assert tasks.sweep(
        ReturnRequest,
        tasks.unshipped_returns_due(LATER),
        "ship_by",
        lambda rr, at: services.return_waive(return_request=rr, actor=tasks.SYSTEM, at=at),
        now=LATER,
        batch_size=3,
    ) == 7  # fmt: skip
    for rr in returns:
        assert reload(rr).status == ReturnStatus.WAIVED
        assert len(events(rr, "waived")) == 1
    assert len(emails("return_waived")) == 7


def test_a_refused_row_undoes_only_itself_and_is_not_tried_again():
    vendor = marketplace()
    with time_machine.travel(MONDAY, tick=False):
        returns = [approved_return(vendor) for _ in range(4)]
    refused_pk = returns[1].pk
    tried: list[int] = []

    def move(rr, at):
        tried.append(rr.pk)
        services.return_waive(return_request=rr, actor=tasks.SYSTEM, at=at)
        if rr.pk == refused_pk:
            raise services.DomainError("refused after its change, which must be undone")

    moved = tasks.sweep(
        ReturnRequest, tasks.unshipped_returns_due(LATER), "ship_by", move, now=LATER, batch_size=2
    )
    assert moved == 3
    assert tried.count(refused_pk) == 1
    assert reload(returns[1]).status == ReturnStatus.APPROVED
    assert events(returns[1], "waived") == []
    assert len(emails("return_waived")) == 3
    for rr in (returns[0], returns[2], returns[3]):
        assert reload(rr).status == ReturnStatus.WAIVED


def _statements_for_sweep(vendor, due_rows: int) -> int:
    with time_machine.travel(MONDAY, tick=False):
        for _ in range(due_rows):
            approved_return(vendor)
    with CaptureQueriesContext(connection) as captured:
        assert tasks.sweep_unshipped_returns(now=LATER) == due_rows
    return len(captured)


def test_statements_grow_with_batches_of_due_rows_only():
    vendor = marketplace()
    with time_machine.travel(LATER, tick=False):
        for _ in range(5):
            approved_return(vendor)  # ship-by a week after LATER: open, but not due
    with CaptureQueriesContext(connection) as captured:
        assert tasks.sweep_unshipped_returns(now=LATER) == 0
    nothing_due = len(captured)
    assert nothing_due <= 3  # the claim of the batch, inside its savepoint (test transaction)
    three = _statements_for_sweep(vendor, 3)
    six = _statements_for_sweep(vendor, 6)
    # A batch moves its rows together: as many statements for six due rows as for three.
    assert six == three > nothing_due
