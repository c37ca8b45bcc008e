"""Dates and times a customer reads, on pages and in emails: the vendor's clock, zone named.

``{{ rr.ship_by|when:vendor }}`` prints ``Wed 2 Dec 2026, 17:05 (Asia/Shanghai, UTC+8)`` and
``{{ funds_from|day:vendor }}`` ``Wed 16 Dec 2026 (Asia/Shanghai)``, through
``rma.formatting``, so a page, its email and the slip print one instant the same way.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template

from rma.formatting import vendor_date, vendor_time

register = template.Library()


def _zone_of(vendor: Any) -> str:
    return getattr(vendor, "time_zone", "") or "UTC"


@register.filter
def when(moment: datetime | None, vendor: Any) -> str:
    """Date and time on the vendor's clock, with the zone."""
    return vendor_time(moment, _zone_of(vendor)) if moment else ""


@register.filter
def day(moment: datetime | date | None, vendor: Any) -> str:
    """The vendor's calendar day of an instant, with the zone."""
    return vendor_date(moment, _zone_of(vendor)) if moment else ""
