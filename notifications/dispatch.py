"""What each audit event causes: the emails a customer or the agents must get, and a webhook
delivery per endpoint. Called by ``record_event`` inside the state change's transaction."""

from __future__ import annotations

from collections.abc import Callable

from django_scopes import scope

from . import emails, webhooks

SOLUTION_EMAILS: dict[str, tuple[Callable, ...]] = {
    # "proposed" and "password_reissued" carry the password, so the services that create it
    # record the REO-1 email themselves (see rma.services.solutions).
    "disagreed": (emails.solution_disagreed_agent,),
    "reminder_sent": (emails.solution_reminder,),
}
RETURN_EMAILS: dict[str, tuple[Callable, ...]] = {
    "requested": (emails.return_received_ack,),
    "approved": (emails.return_approved,),
    "rejected": (emails.return_rejected,),
    "ship_reminder_sent": (emails.ship_reminder,),
    "received": (emails.return_received,),
    "inspected": (emails.return_inspected,),
    "refunded": (emails.refund_issued,),
    "waived": (emails.return_waived,),
    "review_overdue": (emails.review_sla_breached_agent,),
}


def on_event(event) -> None:
    """Record the outbox rows ``event`` causes; they are handed to Celery after commit."""
    if event.solution_id:
        subject, table = event.solution, SOLUTION_EMAILS
    elif event.return_request_id:
        subject, table = event.return_request, RETURN_EMAILS
    else:
        # Order changes are answered by support by email (AQA-1); vendors still get webhooks.
        subject, table = event.order_change, {}
    with scope(vendor=event.vendor_id):
        for email in table.get(event.action, ()):
            email(subject, event=event)
        webhooks.queue_deliveries(event)
