"""Working days, natural days and elapsed hours in a vendor's time zone, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.calendar import WorkingCalendar, add_months, is_after
from tests.policies import local

US_NY = WorkingCalendar("US", "America/New_York")
DE = WorkingCalendar("DE", "Europe/Berlin")


@pytest.mark.parametrize(
    ("start", "n", "expected_day"),
    [
        pytest.param(local("America/New_York", 2026, 11, 23, 9), 1, date(2026, 11, 24), id="mon+1"),
        pytest.param(
            local("America/New_York", 2026, 11, 25, 9), 1, date(2026, 11, 27), id="thanksgiving"
        ),
        pytest.param(local("America/New_York", 2026, 11, 27, 9), 1, date(2026, 11, 30), id="fri+1"),
        pytest.param(local("America/New_York", 2026, 11, 28, 9), 1, date(2026, 11, 30), id="sat+1"),
        pytest.param(local("America/New_York", 2026, 11, 28, 9), 0, date(2026, 11, 28), id="n=0"),
        pytest.param(
            local("America/New_York", 2026, 12, 23, 9), 2, date(2026, 12, 28), id="christmas"
        ),
    ],
)
def test_add_working_days_counts_from_next_working_day(
    start: datetime, n: int, expected_day: date
) -> None:
    end = US_NY.add_working_days(start, n)
    assert (end.date(), end.time()) == (expected_day, time(23, 59, 59, 999999))
    assert str(end.tzinfo) == "America/New_York"


def test_add_working_days_uses_the_local_date_not_the_utc_date() -> None:
    # Friday 20:00 in Los Angeles is already Saturday in UTC; the count starts from Friday.
    la = WorkingCalendar("US", "America/Los_Angeles")
    start = local("America/Los_Angeles", 2026, 10, 2, 20)
    assert start.astimezone(UTC).date() == date(2026, 10, 3)
    assert la.add_working_days(start, 1).date() == date(2026, 10, 5)
    sh = WorkingCalendar("CN", "Asia/Shanghai")
    # Thursday 16:30 UTC is Friday 00:30 in Shanghai: one working day later is Monday.
    assert sh.add_working_days(datetime(2026, 9, 17, 16, 30, tzinfo=UTC), 1).date() == date(
        2026, 9, 21
    )


def test_end_of_day_holds_across_dst_changes() -> None:
    for day in (date(2026, 3, 29), date(2026, 10, 25)):  # Berlin's DST start and end
        end = DE.end_of_day(day)
        assert (end.date(), end.time()) == (day, time(23, 59, 59, 999999))
        assert DE.start_of_day(day + timedelta(days=1)) - end == timedelta(microseconds=1)
    # 25 October 2026 has 25 hours in Berlin.
    day_length = DE.end_of_day(date(2026, 10, 25)).astimezone(UTC) - DE.start_of_day(
        date(2026, 10, 25)
    ).astimezone(UTC)
    assert day_length == timedelta(hours=25, microseconds=-1)


def test_add_hours_is_elapsed_time_across_dst() -> None:
    start = local("Europe/Berlin", 2026, 10, 24, 10)  # CEST, UTC+2
    end = DE.add_hours(start, 48)
    assert end == local("Europe/Berlin", 2026, 10, 26, 9)  # CET, UTC+1: 47 wall-clock hours
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=48)
    assert DE.hours_between(start, local("Europe/Berlin", 2026, 10, 26, 10)) == Decimal("49.0")
    assert DE.days_between(start, local("Europe/Berlin", 2026, 10, 26, 0, 30)) == 2


def test_add_days_end_and_same_time() -> None:
    start = local("Europe/Berlin", 2026, 10, 1, 10)
    assert DE.add_days_end(start, 30) == DE.end_of_day(date(2026, 10, 31))
    assert DE.add_days_same_time(start, 30) == local("Europe/Berlin", 2026, 10, 31, 10)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2026, 1, 31), 1, date(2026, 2, 28), id="clamp-feb"),
        pytest.param(date(2028, 1, 31), 1, date(2028, 2, 29), id="leap-year"),
        pytest.param(date(2026, 11, 15), 3, date(2027, 2, 15), id="year-wrap"),
        pytest.param(date(2026, 10, 1), 12, date(2027, 10, 1), id="twelve"),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_calendar_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="time zone"):
        WorkingCalendar("US", "Mars/Olympus")
    with pytest.raises(ValueError, match="country"):
        WorkingCalendar("XX", "UTC")
    with pytest.raises(ValueError, match="timezone-aware"):
        US_NY.add_working_days(datetime(2026, 1, 1), 1)
    with pytest.raises(ValueError, match="n must be"):
        US_NY.add_working_days(local("UTC", 2026, 1, 1), -1)


def test_is_after_compares_instants_not_wall_clocks() -> None:
    # 02:30 CEST (first pass) is earlier than 02:10 CET (second pass) on 25 October 2026.
    first = local("Europe/Berlin", 2026, 10, 25, 2, 30)
    second = local("Europe/Berlin", 2026, 10, 25, 2, 10).replace(fold=1)
    assert is_after(second, first)
    assert not is_after(first, second)


calendars = st.sampled_from(
    [US_NY, DE, WorkingCalendar("CN", "Asia/Shanghai"), WorkingCalendar("GB", "Europe/London")]
)
starts = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@given(calendar=calendars, start=starts, n=st.integers(min_value=1, max_value=40))
def test_add_working_days_never_lands_on_a_weekend_or_holiday(
    calendar: WorkingCalendar, start: datetime, n: int
) -> None:
    end = calendar.add_working_days(start, n)
    assert end.weekday() < 5
    assert not calendar.is_holiday(end.date())
    assert end.time() == time(23, 59, 59, 999999)
    assert calendar.working_days_between(start, end) == n


@given(calendar=calendars, start=starts, n=st.integers(min_value=0, max_value=40))
def test_add_working_days_is_strictly_monotonic_in_n(
    calendar: WorkingCalendar, start: datetime, n: int
) -> None:
    assert is_after(calendar.add_working_days(start, n + 1), calendar.add_working_days(start, n))
