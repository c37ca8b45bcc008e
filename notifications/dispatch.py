"""What each audit event causes, listed once: its label for customers, the emails a customer or
the agents get, and whether vendors' webhooks hear of it. ``record_event`` calls ``on_event``
inside the state change's transaction; a test fails on an event type missing here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from policies.vocabulary import EventType as E

from . import emails, webhooks


@dataclass(frozen=True)
class EventEffects:
    label: Promise | str  # as the customer's timeline reads it
    emails: tuple[Callable, ...] = ()
    webhook: bool = True
    customer_visible: bool = True  # False: internal bookkeeping a customer has no use for
    note_shown: bool = False  # the event's note is meant for the customer too


# Who works a case is the support team's business: no email, no webhook, not on the timeline.
ASSIGNMENT = EventEffects(_("Assigned"), webhook=False, customer_visible=False)

# "proposed" and "password_reissued" carry the password, so the services that create them
# record the confirmation email themselves (see rma.services.solutions).
EVENT_EFFECTS: dict[E, EventEffects] = {
    E.SOLUTION_PROPOSED: EventEffects(_("Solution proposed")),
    E.SOLUTION_PASSWORD_REISSUED: EventEffects(_("New password sent"), customer_visible=False),
    E.SOLUTION_REMINDER_SENT: EventEffects(
        _("Reminder sent"), (emails.solution_reminder,), customer_visible=False
    ),
    E.SOLUTION_AGREED: EventEffects(_("You agreed to the solution")),
    E.SOLUTION_DISAGREED: EventEffects(
        _("You asked for another solution"), (emails.solution_disagreed_agent,), note_shown=True
    ),
    E.SOLUTION_DETAILS_SAVED: EventEffects(_("Details saved")),
    E.SOLUTION_SUBMITTED: EventEffects(_("Details submitted")),
    E.SOLUTION_COMPLETED: EventEffects(_("Completed"), (emails.case_closed,), note_shown=True),
    E.SOLUTION_EXPIRED: EventEffects(_("Expired without an answer"), (emails.case_closed,)),
    E.SOLUTION_CANCELLED: EventEffects(_("Cancelled"), (emails.case_closed,), note_shown=True),
    E.SOLUTION_EVIDENCE_ADDED: EventEffects(_("File uploaded")),
    E.SOLUTION_EVIDENCE_REMOVED: EventEffects(_("File removed")),
    **{kind: ASSIGNMENT for kind in (E.SOLUTION_ASSIGNED, E.SOLUTION_UNASSIGNED)},
    E.RETURN_REQUESTED: EventEffects(
        _("Request received"), (emails.return_received_ack,), note_shown=True
    ),
    E.RETURN_REVIEW_STARTED: EventEffects(_("Review started")),
    E.RETURN_FLAGGED_COMPLEX: EventEffects(_("Marked as complex"), customer_visible=False),
    E.RETURN_REVIEW_OVERDUE: EventEffects(
        _("Review overdue"), (emails.review_sla_breached_agent,), customer_visible=False
    ),
    E.RETURN_APPROVED: EventEffects(_("Approved"), (emails.return_approved,)),
    E.RETURN_REJECTED: EventEffects(_("Not approved"), (emails.return_rejected,), note_shown=True),
    E.RETURN_SHIP_REMINDER_SENT: EventEffects(
        _("Reminder sent"), (emails.ship_reminder,), customer_visible=False
    ),
    E.RETURN_SHIPPED: EventEffects(_("Return parcel on its way")),
    E.RETURN_RECEIVED: EventEffects(_("Parcel received"), (emails.return_received,)),
    E.RETURN_INSPECTED: EventEffects(_("Inspected"), (emails.return_inspected,)),
    E.RETURN_REFUNDED: EventEffects(_("Refund issued"), (emails.refund_issued,)),
    E.RETURN_REPLACED: EventEffects(_("Replacement sent")),
    E.RETURN_CLOSED: EventEffects(_("Closed"), (emails.case_closed,)),
    E.RETURN_WAIVED: EventEffects(
        _("Return right waived (not shipped in time)"), (emails.return_waived,), note_shown=True
    ),
    E.RETURN_CANCELLED: EventEffects(_("Cancelled"), (emails.case_closed,), note_shown=True),
    E.RETURN_EVIDENCE_ADDED: EventEffects(_("File uploaded")),
    E.RETURN_EVIDENCE_REMOVED: EventEffects(_("File removed")),
    **{kind: ASSIGNMENT for kind in (E.RETURN_ASSIGNED, E.RETURN_UNASSIGNED)},
    # Order changes are answered with the closing email (and support's note); vendors get webhooks.
    E.ORDER_CHANGE_REQUESTED: EventEffects(_("Request received"), note_shown=True),
    E.ORDER_CHANGE_RESOLVED: EventEffects(
        _("Answered by support"), (emails.case_closed,), note_shown=True
    ),
    **{kind: ASSIGNMENT for kind in (E.ORDER_CHANGE_ASSIGNED, E.ORDER_CHANGE_UNASSIGNED)},
}


def event_type_of(event) -> E:
    """The declared type of a stored event (its subject and action)."""
    if event.solution_id:
        subject = "solution"
    elif event.return_request_id:
        subject = "return"
    else:
        subject = "order_change"
    return E.of(subject, event.action)


def effects_of(event) -> EventEffects:
    return EVENT_EFFECTS[event_type_of(event)]


def on_event(event) -> None:
    """Record the outbox rows ``event`` causes; they are handed to Celery after commit."""
    effects = effects_of(event)
    with scope(vendor=event.vendor_id):
        for email in effects.emails:
            email(event.subject, event=event)
        if effects.webhook:
            webhooks.queue_deliveries(event)
