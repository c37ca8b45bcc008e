"""How an instant reads to a person: the vendor's clock, with an unambiguous zone.

One function for every page, email, slip and admin screen, so the same instant prints the same
way everywhere. The zone is the IANA name plus the UTC offset at that instant ("CST" could be
Chicago or Shanghai).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.utils import formats, timezone


def zone_label(moment: datetime, tz_name: str) -> str:
    """An unambiguous zone: the IANA name and the UTC offset at that instant."""
    offset = moment.utcoffset()
    if offset is None:
        return tz_name
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{tz_name}, UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def vendor_time(moment: datetime | None, tz_name: str, *, with_zone: bool = True) -> str:
    """``Wed 2 Dec 2026, 17:05 (Asia/Shanghai, UTC+8)``: the vendor's clock, named."""
    if moment is None:
        return "—"
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, tz_name = zoneinfo.ZoneInfo("UTC"), "UTC"
    local = timezone.localtime(moment, zone)
    text = formats.date_format(local, "D j M Y, H:i")
    return f"{text} ({zone_label(local, tz_name)})" if with_zone else text
