"""The audit trail as a customer reads it: every event that concerns them, in plain words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rma.effects import effects_of
from rma.models import Event


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    note: str
    rule_ids: tuple[str, ...]


def customer_events(events: Iterable[Event]) -> list[TimelineEntry]:
    entries = []
    for event in events:
        effects = effects_of(event)  # labels and visibility are declared with the event type
        if effects.customer_visible:
            entries.append(
                TimelineEntry(
                    at=event.created_at,
                    label=str(effects.label),
                    note=event.note if effects.note_shown else "",
                    rule_ids=tuple(event.rule_ids),
                )
            )
    return entries
