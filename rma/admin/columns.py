"""Changelist date columns on the vendor's clock, with the zone named (``rma.formatting``),
as the case page shows them: an agent in Berlin reading a Shanghai vendor's queue sees the
deadlines the customer was told."""

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
        # Shorter than the case page's (no weekday), the zone under it: a column, not a line.
        return format_html(
            '<span class="nowrap" title="{}">{}</span> <br><small class="ws-muted">({})</small>',
            vendor_time(moment, name),
            formats.date_format(local, "j M Y, H:i"),
            zone_label(local, name),
        )

    column.__name__ = f"{field}_local"
    return column
