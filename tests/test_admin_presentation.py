"""The agents' timeline speaks of every declared event in words, and times carry their zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from policies.vocabulary import EventSubject, EventType
from rma.admin.presentation import (
    EVENT_VERBS,
    RESOLUTION_VERBS,
    deadline_line,
    quantity_line,
)
from rma.formatting import vendor_time


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_every_event_type_has_words_on_the_agents_timeline(event_type):
    if event_type.subject is EventSubject.RESOLUTION:
        assert event_type.action in RESOLUTION_VERBS, f"add {event_type} to RESOLUTION_VERBS"
    else:
        assert event_type.action in EVENT_VERBS, f"add a verb for {event_type} to EVENT_VERBS"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Shanghai", "Wed 2 Dec 2026, 05:05 (Asia/Shanghai, UTC+8)"),
        ("America/Chicago", "Tue 1 Dec 2026, 15:05 (America/Chicago, UTC-6)"),
        ("Asia/Kolkata", "Wed 2 Dec 2026, 02:35 (Asia/Kolkata, UTC+5:30)"),
        ("Not/AZone", "Tue 1 Dec 2026, 21:05 (UTC, UTC+0)"),
    ],
)
def test_vendor_time_names_an_unambiguous_zone(zone, expected):
    assert vendor_time(datetime(2026, 12, 1, 21, 5, tzinfo=UTC), zone) == expected


def test_deadline_states_met_breached_and_due():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    due = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    assert deadline_line("Review", due, "UTC", now=now).state == "due"
    assert deadline_line("Review", due, "UTC", now=now, working_days_left=2).state_text == (
        "in 2 days (2 working days left)"
    )
    assert deadline_line("Review", now.replace(hour=20), "UTC", now=now).state == "soon"
    assert deadline_line("Review", now.replace(hour=9), "UTC", now=now).state == "breached"
    met = deadline_line("Review", due, "UTC", now=now, met_at=now)
    assert met.state == "done" and met.state_text.startswith("met ")


def test_a_single_item_reads_without_a_count():
    assert quantity_line(1, "Camera") == "Camera"
    assert quantity_line(2, "Camera") == "2 × Camera"
