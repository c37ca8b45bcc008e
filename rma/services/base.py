"""What every domain service shares: who acts, the errors they raise, and the audit writer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from policies.vocabulary import EventType
from rma.effects import on_event
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
