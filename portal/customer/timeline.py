"""The audit trail as a customer reads it: every event that concerns them, in plain words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import ngettext

from rma.effects import effects_of
from rma.messages import event_note
from rma.models import Event


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    label: str
    note: str
    rule_ids: tuple[str, ...]


FILE_ACTIONS = ("evidence_added", "evidence_removed")


def customer_events(events: Iterable[Event]) -> list[TimelineEntry]:
    """Visible events in order; a run of uploads (or removals) reads as one line naming the
    files, not one "File uploaded" line per file."""
    entries: list[TimelineEntry] = []
    names: list[str] = []
    previous_action = ""
    for event in events:
        effects = effects_of(event)  # labels and visibility are declared with the event type
        if not effects.customer_visible:
            continue
        if event.action in FILE_ACTIONS:
            name = str((event.data or {}).get("name") or "")
            if event.action == previous_action and entries:
                names.append(name)
                last = entries[-1]
                entries[-1] = TimelineEntry(last.at, last.label, _file_note(names), last.rule_ids)
                continue
            names = [name]
            entries.append(
                TimelineEntry(event.created_at, str(effects.label), _file_note(names), ())
            )
        else:
            entries.append(
                TimelineEntry(
                    at=event.created_at,
                    label=str(effects.label),
                    note=event_note(event) if effects.note_shown else "",
                    rule_ids=tuple(event.rule_ids),
                )
            )
        previous_action = event.action
    return entries


def _file_note(names: list[str]) -> str:
    named = [n for n in names if n]
    text = ", ".join(named)
    unnamed = len(names) - len(named)
    if unnamed:
        more = ngettext("%(count)s file", "%(count)s files", unnamed) % {"count": unnamed}
        text = f"{text}, {more}" if text else more
    return text
