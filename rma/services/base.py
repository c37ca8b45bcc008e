"""What every domain service shares: who acts, the errors they raise, and the audit writer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from policies.vocabulary import EventType
from rma.effects import on_event, on_events
from rma.models import (
    ActorKind,
    Event,
    OrderChangeRequest,
    Resolution,
    ReturnRequest,
    WarrantySolution,
)

from . import rollups


@dataclass(frozen=True)
class Actor:
    """Who causes a state change; stored on the event."""

    kind: str
    user: Any = None
    label: str = ""

    @classmethod
    def agent(cls, user) -> Actor:
        return cls(ActorKind.AGENT, user, user.get_username())

    @classmethod
    def customer(cls, email: str) -> Actor:
        return cls(ActorKind.CUSTOMER, None, email)

    @classmethod
    def vendor_api(cls, key_name: str) -> Actor:
        return cls(ActorKind.VENDOR_API, None, key_name)

    @classmethod
    def system(cls, label: str = "deadline sweep") -> Actor:
        return cls(ActorKind.SYSTEM, None, label)


class DomainError(Exception):
    """A refused action, with a message that says what to do and any policy findings."""

    code = "invalid"

    def __init__(self, message: str, *, findings: Iterable[Mapping] = (), code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.findings = [dict(f) for f in findings]
        if code:
            self.code = code


class IllegalTransition(DomainError):
    code = "illegal_transition"


class PolicyRefusal(DomainError):
    """The vendor's policy refused; ``findings`` carry the rule ids and figures."""

    code = "policy_refused"

    def __init__(self, decision) -> None:
        refusals = [f for f in decision.findings if not f.ok]
        message = " ".join(f.message for f in refusals) or "The vendor's policy refused this."
        super().__init__(message, findings=decision.to_dict()["findings"])
        self.decision = decision

    @classmethod
    def from_finding(cls, finding) -> DomainError:
        """A refusal that one policy finding explains (a tracking number, an address)."""
        return DomainError(finding.message, findings=[finding.to_dict()], code=cls.code)


def guard(allowed: bool, subject: models.Model, action: str) -> None:
    if not allowed:
        status = subject.get_status_display()  # type: ignore[attr-defined]
        raise IllegalTransition(f"Cannot {action} while the case is “{status}”.")


def lock(model: type[models.Model], pk: int) -> Any:
    """Re-read a row under a row lock, within the current vendor scope."""
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def record_event(
    *,
    subject: WarrantySolution | ReturnRequest | OrderChangeRequest | Resolution,
    action: str,
    actor: Actor,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    rule_ids: Iterable[str] = (),
    data: Mapping[str, Any] | None = None,
) -> Event:
    kwargs: dict[str, Any] = {
        "solution": subject if isinstance(subject, WarrantySolution) else None,
        "return_request": subject if isinstance(subject, ReturnRequest) else None,
        "order_change": subject if isinstance(subject, OrderChangeRequest) else None,
        "resolution": subject if isinstance(subject, Resolution) else None,
    }
    # An undeclared action would silently cause no email: refuse it before writing anything.
    EventType.of(subject_name(subject), action)
    event = Event.objects.create(
        vendor_id=subject.vendor_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_kind=actor.kind,
        actor_user=actor.user,
        actor_label=actor.label,
        note=note,
        rule_ids=sorted(set(rule_ids)),
        data=dict(data or {}),
        **kwargs,
    )
    # The emails and webhooks this change causes are recorded in the same transaction, and so
    # are the dashboard's counters.
    on_event(event)
    # A resolution's steps are not the case's status: the case counters do not move for them.
    if not isinstance(subject, Resolution):
        rollups.on_event(event, subject)
    return event


def subject_name(subject: Any) -> str:
    if isinstance(subject, WarrantySolution):
        return "solution"
    if isinstance(subject, ReturnRequest):
        return "return"
    if isinstance(subject, Resolution):
        return "resolution"
    return "order_change"


@dataclass
class EventEntry:
    """One event of a batch (``record_events``): what ``record_event`` takes."""

    subject: WarrantySolution | ReturnRequest | OrderChangeRequest | Resolution
    action: str
    from_status: str = ""
    to_status: str = ""
    note: str = ""
    rule_ids: Iterable[str] = ()
    data: Mapping[str, Any] | None = None


def record_events(entries: Sequence[EventEntry], *, actor: Actor) -> list[Event]:
    """``record_event`` for a batch of one vendor's cases: the events in one insert (still one
    per case), their emails and webhook deliveries in one insert each, the rollups summed over
    the batch. For sweeps, whose batch is many cases moved the same way at once."""
    events = []
    for entry in entries:
        subject = entry.subject
        EventType.of(
            subject_name(subject), entry.action
        )  # an undeclared action would silently cause no email
        events.append(
            Event(
                vendor_id=subject.vendor_id,
                action=entry.action,
                from_status=entry.from_status,
                to_status=entry.to_status,
                actor_kind=actor.kind,
                actor_user=actor.user,
                actor_label=actor.label,
                note=entry.note,
                rule_ids=sorted(set(entry.rule_ids)),
                data=dict(entry.data or {}),
                **_subject_fields(subject),
            )
        )
    if not events:
        return []
    events = Event.objects.bulk_create(events)
    with rollups.batched():
        on_events(events)
        for event, entry in zip(events, entries, strict=True):
            if not isinstance(entry.subject, Resolution):  # as in ``record_event``
                rollups.on_event(event, entry.subject)
    return events


def _subject_fields(subject) -> dict[str, Any]:
    return {
        "solution": subject if isinstance(subject, WarrantySolution) else None,
        "return_request": subject if isinstance(subject, ReturnRequest) else None,
        "order_change": subject if isinstance(subject, OrderChangeRequest) else None,
        "resolution": subject if isinstance(subject, Resolution) else None,
    }


@dataclass
class BatchResult:
    """What a batch service did: the rows it moved, and why it left each other one alone."""

    moved: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


# What a batch service reads of each row (its emails and webhooks): fetched with the locks.
RETURN_RELATED = ("vendor", "order", "customer")
RETURN_PREFETCH = ("lines__order_line",)
SOLUTION_RELATED = ("vendor", "order", "order__customer")
SOLUTION_PREFETCH = ("lines",)


def lock_many(
    model: type[models.Model],
    pks: Sequence[int],
    *,
    related: Sequence[str] = (),
    prefetch: Sequence[str] = (),
) -> list[Any]:
    """Re-read many rows under row locks (one statement), with the rows they refer to; rows
    of one vendor share one ``Vendor`` object, so what is looked up per vendor is looked up
    once."""
    query = model.objects.select_for_update(of=("self",)).filter(pk__in=list(pks))
    rows = list(query.select_related(*related).prefetch_related(*prefetch).order_by("pk"))
    if "vendor" in related:
        vendors: dict[int, Any] = {}
        for row in rows:
            row.vendor = vendors.setdefault(row.vendor_id, row.vendor)
    return rows


def move_many(
    model: type[models.Model],
    subjects: Sequence[models.Model],
    *,
    decide: Callable[[Any], EventEntry | str],
    values: Mapping[str, Any],
    actor: Actor,
    related: Sequence[str] = (),
    prefetch: Sequence[str] = (),
) -> BatchResult:
    """Move a batch of one vendor's rows the same way in a few statements: lock them (one
    select), ask ``decide`` of each row (its event, or why it stays), set ``values`` on the
    moved ones (one update) and record their events (``record_events``). For the batch
    services of the deadline sweeps."""
    rows = lock_many(model, [s.pk for s in subjects], related=related, prefetch=prefetch)
    result = BatchResult()
    entries = []
    for row in rows:
        outcome = decide(row)
        if isinstance(outcome, str):
            result.refused[row.pk] = outcome
            continue
        entries.append(outcome)
        result.moved.append(row.pk)
    if entries:
        now = timezone.now()
        model.objects.filter(pk__in=result.moved).update(**values, updated_at=now)
        for entry in entries:
            for name, value in {**values, "updated_at": now}.items():
                setattr(entry.subject, name, value)
        record_events(entries, actor=actor)
    return result


def refusal(allowed: bool, subject: models.Model, action: str) -> str:
    """``guard``'s message for a batch: why ``subject`` cannot ``action``, or ''."""
    if allowed:
        return ""
    status = subject.get_status_display()  # type: ignore[attr-defined]
    return f"Cannot {action} while the case is “{status}”."


def transition(
    subject: WarrantySolution | ReturnRequest,
    to: str,
    *,
    action: str,
    actor: Actor,
    fields: Mapping[str, Any] | None = None,
    note: str = "",
    rule_ids: Iterable[str] = (),
    data: Mapping[str, Any] | None = None,
) -> Event:
    """Move a locked row to ``to``, save the changed fields and write the event."""
    from_status = subject.status
    if not subject.can_transition(to):
        guard(False, subject, action.replace("_", " "))
    subject.status = to
    for name, value in (fields or {}).items():
        setattr(subject, name, value)
    subject.save(update_fields=["status", "updated_at", *(fields or {}).keys()])
    return record_event(
        subject=subject,
        action=action,
        actor=actor,
        from_status=from_status,
        to_status=to,
        note=note,
        rule_ids=rule_ids,
        data=data,
    )
