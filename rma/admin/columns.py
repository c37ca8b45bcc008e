"""Changelist date columns on the vendor's clock with the zone (``rma.formatting``), as the
case page shows them: an agent in Berlin reading a Shanghai vendor's queue sees the deadlines
the customer was told. The cell shows the offset; its title the zone's name too."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html

from rma.formatting import vendor_time, zone_label


def _zone(tz_name: str) -> tuple[zoneinfo.ZoneInfo, str]:
    try:
        return zoneinfo.ZoneInfo(tz_name), tz_name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC"), "UTC"


def vendor_time_column(field: str, description: str) -> Callable:
    """A ``list_display`` entry showing ``obj.<field>`` in ``obj.vendor``'s time and zone,
    sortable by the column; the changelist's queryset selects the vendor."""

    @admin.display(description=description, ordering=field)
    def column(self, obj) -> str:
        moment = getattr(obj, field)
        if moment is None:
            return "—"
        zone, name = _zone(obj.vendor.time_zone)
        local = timezone.localtime(moment, zone)
        # Shorter than the case page's (no weekday) and the zone by its offset, which names
        # the instant's clock unambiguously; the full vendor time with the zone's name is the
        # cell's title. A column, not a line.
        full = vendor_time(moment, name)
        return format_html(
            '<span class="nowrap" title="{}">{} <small class="ws-muted">{}</small></span>',
            full,
            formats.date_format(local, "j M Y, H:i"),
            zone_label(local, name).rsplit(", ", 1)[-1] if name != "UTC" else "UTC",
        )

    column.__name__ = f"{field}_local"
    return column
