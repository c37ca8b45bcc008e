"""What each audit event causes, listed once: its label for customers, the emails a customer or
the agents get, and whether vendors' webhooks hear of it, with what they carry. ``record_event``
calls ``on_event`` inside the state change's transaction; a test fails on an event type missing
here. The outbox and the webhook transport (``notifications``) deliver; the domain decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from notifications import outbox, webhooks
from notifications.context import encode_context
from policies.vocabulary import EventType as E
from rma import emails
from rma.models import WarrantySolution


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
    # A resolution's own steps: shown on the case page's resolutions, heard by webhooks.
    E.RESOLUTION_CREATED: EventEffects(_("Resolution planned")),
    E.RESOLUTION_PAID: EventEffects(_("Refund paid"), (emails.refund_issued,)),
    E.RESOLUTION_COUPON_ISSUED: EventEffects(_("Coupon issued"), (emails.coupon_issued,)),
    E.RESOLUTION_CREDIT_ISSUED: EventEffects(_("Store credit issued"), (emails.coupon_issued,)),
    E.RESOLUTION_SHIPPED: EventEffects(
        _("Shipped"), (emails.reshipment_shipped, emails.replacement_shipped)
    ),
    E.RESOLUTION_DELIVERED: EventEffects(_("Delivered")),
    E.RESOLUTION_PAYMENT_VERIFIED: EventEffects(_("Payment verified")),
    E.RESOLUTION_CANCELLED: EventEffects(_("Cancelled"), note_shown=True),
}


def event_type_of(event) -> E:
    """The declared type of a stored event (its subject and action)."""
    if event.solution_id:
        subject = "solution"
    elif event.return_request_id:
        subject = "return"
    elif event.resolution_id:
        subject = "resolution"
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
            webhooks.queue_deliveries(
                event, event_type=webhook_event_type(event), payload=event_payload(event)
            )


def on_events(events) -> None:
    """``on_event`` for a batch of one vendor's events: every email recorded in one insert,
    every webhook delivery in another."""
    hooks = []
    with outbox.collected(), emails.shared_lookups():
        for event in events:
            effects = effects_of(event)
            with scope(vendor=event.vendor_id):
                for email in effects.emails:
                    email(event.subject, event=event)
            if effects.webhook:
                hooks.append((event, webhook_event_type(event), event_payload(event)))
    if hooks:
        webhooks.queue_deliveries_many(hooks)


# -- what vendors' webhooks carry ----------------------------------------------------------


def webhook_event_type(event) -> str:
    """The event's name for webhook receivers: ``<case>.<action>``."""
    if event.solution_id:
        return f"solution.{event.action}"
    if event.return_request_id:
        return f"return.{event.action}"
    if event.resolution_id:
        return f"resolution.{event.action}"
    return f"order_change.{event.action}"


def event_payload(event) -> dict[str, Any]:
    """What a receiver gets: the event, and the case as it stands after it."""
    subject = event.subject
    resolution = None
    if event.resolution_id:
        resolution = subject
        subject = resolution.case
    if event.order_change_id:
        case = {
            "type": "order_change",
            "id": f"chg_{subject.pk}",
            "kind": subject.kind,
            "order_number": subject.order.number,
            "status": subject.status,
        }
    elif isinstance(subject, WarrantySolution):
        case = {
            "type": "warranty_solution",
            "id": str(subject.public_id),
            "reference": subject.reference,
            "order_number": subject.order.number,
            "status": subject.status,
        }
    else:
        case = {
            "type": "return_request",
            "id": str(subject.public_id),
            "rma_number": subject.rma_number,
            "order_number": subject.order.number,
            "status": subject.status,
        }
    payload = {
        "id": f"evt_{event.pk}",
        "type": webhook_event_type(event),
        "created_at": event.created_at.isoformat(),
        "vendor": subject.vendor.slug,
        "case": case,
        "event": {
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "actor": {"kind": event.actor_kind, "label": event.actor_label},
            "note": event.note,
            "rule_ids": list(event.rule_ids),
            "data": encode_context(event.data),
        },
    }
    if resolution is not None:
        payload["resolution"] = resolution_payload(resolution)
    return payload


def resolution_payload(resolution) -> dict[str, Any]:
    """A resolution as webhooks and the API show it."""
    return {
        "id": str(resolution.public_id),
        "kind": resolution.kind,
        "state": resolution.state,
        "amount": str(resolution.amount),
        "currency": resolution.currency,
        # Each line carries its English ``label`` and its text as data (``text``).
        "lines": list(resolution.lines),
        "method": resolution.method,
        "coupon_code": resolution.coupon_code,
        "carrier": resolution.carrier,
        "tracking_number": resolution.tracking_number,
        "provider_reference": resolution.provider_reference,
        "warranty_end": resolution.warranty_end.isoformat() if resolution.warranty_end else None,
        "sku": resolution.order_line.sku if resolution.order_line_id else None,
        "quantity": resolution.quantity,
        "makeup_amount": str(resolution.makeup_amount),
        "makeup_transaction_id": resolution.makeup_transaction_id,
        "makeup_verified_at": (
            resolution.makeup_verified_at.isoformat() if resolution.makeup_verified_at else None
        ),
        "rule_ids": list(resolution.rule_ids),
        "next_steps": list(resolution.legal_steps()),
        "created_at": resolution.created_at.isoformat(),
        "shipped_at": resolution.shipped_at.isoformat() if resolution.shipped_at else None,
        "done_at": resolution.done_at.isoformat() if resolution.done_at else None,
    }
