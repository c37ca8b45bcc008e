"""Time arithmetic in a vendor's time zone: elapsed hours, natural days and working days."""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays


def require_aware(moment: datetime, what: str = "datetime") -> datetime:
    """Return `moment`, refusing naive datetimes: a naive time has no place on a deadline."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")
    return moment


def is_after(moment: datetime, limit: datetime) -> bool:
    """`moment` later than `limit`, compared in UTC (same-zone comparison ignores DST folds)."""
    return require_aware(moment).astimezone(UTC) > require_aware(limit).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months; 31 January + 1 month is the last day of February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def zone_label(moment: datetime, tz_name: str) -> str:
    """An unambiguous zone for a reader: the IANA name and the UTC offset at that instant
    ("CST" could be Chicago or Shanghai)."""
    offset = moment.utcoffset()
    if offset is None:
        return tz_name
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{tz_name}, UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


class WorkingCalendar:
    """Working days (Mon-Fri minus the country's public holidays) and day ends in one time zone."""

    def __init__(self, country: str, timezone: str) -> None:
        self.country = country.upper()
        if self.country not in holidays.list_supported_countries():
            raise ValueError(f"No public-holiday calendar for country {country!r} (ISO alpha-2)")
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Unknown time zone {timezone!r}") from exc
        self.timezone = timezone
        self._holidays = holidays.country_holidays(self.country)

    def __repr__(self) -> str:
        return f"WorkingCalendar(country={self.country!r}, timezone={self.timezone!r})"

    def local(self, moment: datetime) -> datetime:
        return require_aware(moment).astimezone(self.tz)

    def local_date(self, moment: datetime) -> date:
        return self.local(moment).date()

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def start_of_day(self, day: date) -> datetime:
        # Going through UTC normalises a local midnight that a DST jump skips.
        midnight = datetime.combine(day, time(), tzinfo=self.tz)
        return midnight.astimezone(UTC).astimezone(self.tz)

    def end_of_day(self, day: date) -> datetime:
        """The last microsecond of `day` in local time (23:59:59.999999 on an ordinary day)."""
        next_start = self.start_of_day(day + timedelta(days=1)).astimezone(UTC)
        return (next_start - timedelta(microseconds=1)).astimezone(self.tz)

    def add_hours(self, start: datetime, hours: int) -> datetime:
        # Aware arithmetic within one ZoneInfo is wall-clock time; elapsed time needs UTC.
        elapsed = require_aware(start).astimezone(UTC) + timedelta(hours=hours)
        return elapsed.astimezone(self.tz)

    def hours_between(self, start: datetime, end: datetime) -> Decimal:
        """Elapsed hours to one decimal, for messages."""
        # Subtracting within one ZoneInfo gives wall-clock time; elapsed time needs UTC.
        seconds = int((end.astimezone(UTC) - start.astimezone(UTC)).total_seconds())
        return (Decimal(seconds) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def days_between(self, start: datetime, end: datetime) -> int:
        """Local calendar days from `start`'s date to `end`'s date."""
        return (self.local_date(end) - self.local_date(start)).days

    def add_days_end(self, start: datetime, n: int) -> datetime:
        """End of the local day `n` natural days after `start`'s local day."""
        return self.end_of_day(self.local_date(start) + timedelta(days=n))

    def add_days_same_time(self, start: datetime, n: int) -> datetime:
        """Same local wall-clock time `n` natural days later (a reminder, not a window)."""
        local = self.local(start)
        moment = datetime.combine(local.date() + timedelta(days=n), local.timetz())
        return moment.astimezone(UTC).astimezone(self.tz)

    def add_months_end(self, start: datetime, months: int) -> datetime:
        return self.end_of_day(add_months(self.local_date(start), months))

    def nth_working_day(self, start: datetime, n: int) -> date:
        """The n-th working day after `start`'s local day (n=0 is that day itself)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        day = self.local_date(start)
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """End of the n-th working day, counting from the working day after `start`'s local day."""
        return self.end_of_day(self.nth_working_day(start, n))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after `start`'s local day up to and including `end`'s local day."""
        day, last, count = self.local_date(start), self.local_date(end), 0
        while day < last:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count
