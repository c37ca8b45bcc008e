"""Assigning a case to an agent of its vendor (or taking it); every change is in the audit trail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models, transaction

from policies.vocabulary import Message, msg
from rma.messages import NOTE_MESSAGE
from rma.models import OrderChangeRequest, ReturnRequest, WarrantySolution
from tenancy.models import Vendor

from .base import Actor, DomainError, lock, record_event

Case = ReturnRequest | WarrantySolution | OrderChangeRequest


def assignable_agents(vendor: Vendor | int) -> models.QuerySet:
    """The active staff members of ``vendor``: the only people a case of it may be given to."""
    vendor_id = vendor if isinstance(vendor, int) else vendor.pk
    return (
        get_user_model()
        .objects.filter(memberships__vendor_id=vendor_id, is_active=True, is_staff=True)
        .order_by("username")
        .distinct()
    )


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@transaction.atomic
def case_assign(*, case: Case, assignee, actor: Actor) -> Case:
    """Give ``case`` to ``assignee`` (None: back to the unassigned queue); writes an event."""
    locked = lock(type(case), case.pk)
    if assignee is not None and not assignable_agents(locked.vendor_id).filter(pk=assignee.pk):
        # Same words whether the user exists elsewhere or not: no hint about other vendors.
        raise DomainError("Choose an agent of this vendor.", code="not_an_agent")
    new_id = assignee.pk if assignee is not None else None
    if locked.assignee_id == new_id:
        who = _name(assignee) if assignee else "nobody"
        raise DomainError(f"The case is already assigned to {who}.", code="unchanged")
    previous = locked.assignee
    locked.assignee = assignee
    locked.save(update_fields=["assignee", "updated_at"])
    # The note as a message, read in the agent's language; ``note`` keeps its English.
    note = (
        Message(msg("Assigned to %(name)s"), {"name": _name(assignee)})
        if assignee
        else Message(msg("Unassigned"))
    )
    record_event(
        subject=locked,
        action="assigned" if assignee else "unassigned",
        actor=actor,
        note=note.english(),
        data={
            "from": previous.get_username() if previous else "",
            "to": assignee.get_username() if assignee else "",
            NOTE_MESSAGE: note.to_dict(),
        },
    )
    case.assignee = assignee
    return locked


def case_take(*, case: Case, actor: Actor) -> Case:
    """The acting agent assigns the case to themself."""
    return case_assign(case=case, assignee=actor.user, actor=actor)
