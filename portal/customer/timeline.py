"""The audit trail as a customer reads it: every event that concerns them, in plain words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from rma.models import Event

LABELS = {
    # warranty solutions
    "proposed": _("Solution proposed"),
    "agreed": _("You agreed to the solution"),
    "disagreed": _("You asked for another solution"),
    "details_saved": _("Details saved"),
    "submitted": _("Details submitted"),
    "completed": _("Completed"),
    "expired": _("Expired without an answer"),
    # return requests
    "requested": _("Request received"),
    "review_started": _("Review started"),
    "approved": _("Approved"),
    "rejected": _("Not approved"),
    "shipped": _("Return parcel on its way"),
    "received": _("Parcel received"),
    "inspected": _("Inspected"),
    "refunded": _("Refund issued"),
    "replaced": _("Replacement sent"),
    "closed": _("Closed"),
    "waived": _("Return right waived (not shipped in time)"),
    "cancelled": _("Cancelled"),
    # both
    "evidence_added": _("File uploaded"),
    "evidence_removed": _("File removed"),
}
# Internal bookkeeping a customer has no use for.
HIDDEN = {
    "assigned",
    "unassigned",
    "password_reissued",
    "review_overdue",
    "flagged_complex",
    "reminded",
    "ship_reminded",
}
NOTE_SHOWN = {"disagreed", "rejected", "waived", "cancelled", "requested", "completed"}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    note: str
    rule_ids: tuple[str, ...]


def customer_events(events: Iterable[Event]) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            at=event.created_at,
            label=str(LABELS.get(event.action, event.action.replace("_", " ").capitalize())),
            note=event.note if event.action in NOTE_SHOWN else "",
            rule_ids=tuple(event.rule_ids),
        )
        for event in events
        if event.action not in HIDDEN
    ]
