"""Celery tasks of the outbox: they take ids, re-load under the vendor's scope, and are safe to
run twice (the row lock and the row's state decide, not the broker)."""

from __future__ import annotations

from collections import Counter

from celery import shared_task
from django_scopes import scope

from . import outbox, webhooks


@shared_task(name="notifications.send_emails", acks_late=True, reject_on_worker_lost=True)
def send_emails(vendor_id: int, message_ids: list[int]) -> dict[str, int]:
    """Send a batch of one vendor's messages over one SMTP connection; how many of each
    outcome (sent, retry, failed, cancelled, skipped, ...)."""
    with scope(vendor=vendor_id):
        return dict(Counter(outbox.send_batch(message_ids).values()))


@shared_task(name="notifications.send_email", acks_late=True, reject_on_worker_lost=True)
def send_email(vendor_id: int, message_id: int) -> str:
    with scope(vendor=vendor_id):
        return outbox.send_message(message_id)


@shared_task(name="notifications.deliver_webhook", acks_late=True, reject_on_worker_lost=True)
def deliver_webhook(vendor_id: int, delivery_id: int, by_hand: bool = False) -> str:
    with scope(vendor=vendor_id):
        return webhooks.deliver(delivery_id, by_hand=by_hand)


@shared_task(name="notifications.requeue_due")
def requeue_due() -> dict[str, int]:
    """Beat: hand over emails and webhooks that are due and not with a worker."""
    return {"emails": outbox.requeue_due(), "webhooks": webhooks.requeue_due()}
