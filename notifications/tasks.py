"""Celery tasks of the outbox: they take ids, re-load under the vendor's scope, and are safe to
run twice (the row lock and the row's state decide, not the broker). Each task is defined
beside the code it runs (``sending``, ``webhooks``), so those never import this module; this
one lists them for Celery's autodiscovery and adds the beat sweep."""

from __future__ import annotations

from celery import shared_task

from . import outbox, webhooks
from .sending import send_email, send_emails
from .webhooks import deliver_webhook

__all__ = ["deliver_webhook", "requeue_due", "send_email", "send_emails"]


@shared_task(name="notifications.requeue_due")
def requeue_due() -> dict[str, int]:
    """Beat: hand over emails and webhooks that are due and not with a worker."""
    return {"emails": outbox.requeue_due(), "webhooks": webhooks.requeue_due()}
