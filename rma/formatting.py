"""How an instant reads to a person: the vendor's clock, with an unambiguous zone.

One function for every page, email, slip and admin screen, so the same instant prints the same
way everywhere. The zone is the IANA name plus the UTC offset at that instant ("CST" could be
Chicago or Shanghai). We print the vendor's clock, not the reader's: the vendor's deadlines are
defined on its clock (a working day ends at its midnight), an email has no reader's zone to
ask, and one text for page, email and slip means the customer never sees two different times
for the same deadline.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats, timezone

from policies.calendar import zone_label

__all__ = ["amount_text", "vendor_date", "vendor_time", "zone_label"]


def _zone(tz_name: str) -> tuple[zoneinfo.ZoneInfo, str]:
    try:
        return zoneinfo.ZoneInfo(tz_name), tz_name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC"), "UTC"


def vendor_time(moment: datetime | None, tz_name: str, *, with_zone: bool = True) -> str:
    """``Wed 2 Dec 2026, 17:05 (Asia/Shanghai, UTC+8)``: the vendor's clock, named."""
    if moment is None:
        return "—"
    zone, tz_name = _zone(tz_name)
    local = timezone.localtime(moment, zone)
    text = formats.date_format(local, "D j M Y, H:i")
    return f"{text} ({zone_label(local, tz_name)})" if with_zone else text


def vendor_date(moment: datetime | date | None, tz_name: str, *, with_zone: bool = True) -> str:
    """``Wed 16 Dec 2026 (Asia/Shanghai)``: the vendor's calendar day of an instant, named, so
    a day-only deadline is the same day on the page and in the email. A plain date (no instant)
    prints without a zone."""
    if moment is None:
        return "—"
    if not isinstance(moment, datetime):
        return formats.date_format(moment, "D j M Y")
    zone, tz_name = _zone(tz_name)
    local = timezone.localtime(moment, zone)
    text = formats.date_format(local, "D j M Y")
    return f"{text} ({tz_name})" if with_zone else text


def amount_text(value: Decimal | str | int | float | None) -> str:
    """An amount of money in the reader's language, always with cents: ``15.00`` in English,
    ``15,00`` in German and French. Amounts stored as text (refund lines, resolution lines,
    policy sentences) print the same way as the model's decimals beside them."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    return formats.number_format(number, decimal_pos=2, use_l10n=True)
