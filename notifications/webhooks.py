"""Signed webhooks: every state change is POSTed as JSON to the vendor's endpoints, signed with
HMAC-SHA256 over the timestamp and the body, retried with exponential backoff for a day."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tenancy.models import Vendor

from .models import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    generate_webhook_secret,
)
from .outbox import publish
from .targets import UnsafeTarget, resolve_target

logger = logging.getLogger(__name__)

TIMESTAMP_HEADER = "X-RMA-Timestamp"
SIGNATURE_HEADER = "X-RMA-Signature"
EVENT_HEADER = "X-RMA-Event"
DELIVERY_HEADER = "X-RMA-Delivery"
SIGNATURE_VERSION = "v1"
RETRY_BASE_SECONDS = 30
RETRY_CAP_SECONDS = 2 * 3600
EXCERPT_CHARS = 1000


# -- signing ---------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value: ``v1=`` and HMAC-SHA256(secret, "<timestamp>." + body)."""
    message = str(int(timestamp)).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify(
    secret: str,
    timestamp: int | str,
    body: bytes,
    signature: str,
    *,
    tolerance: int = 300,
    now: float | None = None,
) -> bool:
    """True when ``signature`` was made with ``secret`` over this timestamp and body, and the
    timestamp is within ``tolerance`` seconds of now (which refuses replayed requests)."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if tolerance and abs(current - stamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature.strip())


# -- endpoints -------------------------------------------------------------------------------


@transaction.atomic
def endpoint_create(
    *, vendor: Vendor, url: str, description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (show ``endpoint.secret`` to the vendor once)."""
    endpoint = WebhookEndpoint(vendor=vendor, url=url, description=description, is_active=is_active)
    endpoint.full_clean(exclude=["vendor"])
    endpoint.save()
    return endpoint


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """Replace the endpoint's secret; the old one stops signing at once. Returns the new one."""
    locked = WebhookEndpoint.objects.select_for_update(of=("self",)).get(pk=endpoint.pk)
    locked.secret = generate_webhook_secret()
    locked.secret_rotated_at = timezone.now()
    locked.save(update_fields=["secret", "secret_rotated_at"])
    endpoint.secret, endpoint.secret_rotated_at = locked.secret, locked.secret_rotated_at
    return locked.secret


# -- recording deliveries with the state change ----------------------------------------------


def queue_deliveries(event, *, event_type: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """One delivery of ``payload`` per active endpoint of the event's vendor, posted after
    commit. The domain says what an event is called and carries; this only delivers it.
    One query for the endpoints and one insert for all deliveries, however many endpoints."""
    return _queue([(event, event_type, payload)])


def queue_deliveries_many(events: Sequence[tuple[Any, str, dict[str, Any]]]) -> int:
    """``queue_deliveries`` for many (event, event type, payload) at once: one query for the
    endpoints of each vendor and one insert for all deliveries; returns how many."""
    return len(_queue(events))


def _queue(events: Sequence[tuple[Any, str, dict[str, Any]]]) -> list[WebhookDelivery]:
    by_vendor: dict[int, list[tuple[Any, str, dict[str, Any]]]] = {}
    for item in events:
        by_vendor.setdefault(item[0].vendor_id, []).append(item)
    now = timezone.now()
    retry_until = now + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    deliveries: list[WebhookDelivery] = []
    for vendor_id, items in by_vendor.items():
        with scope(vendor=vendor_id):
            endpoints = list(WebhookEndpoint.objects.filter(vendor_id=vendor_id, is_active=True))
            if not endpoints:
                continue
            bodies = [
                (event, event_type, json.dumps(payload, sort_keys=True, separators=(",", ":")))
                for event, event_type, payload in items
            ]
            new = [
                WebhookDelivery(
                    key=f"event:{event.pk}:endpoint:{endpoint.pk}",
                    vendor_id=vendor_id,
                    endpoint=endpoint,
                    event_id=event.pk,
                    event_type=event_type,
                    body=body,
                    enqueued_at=now,
                    retry_until=retry_until,
                )
                for event, event_type, body in bodies
                for endpoint in endpoints
            ]
            # A key already recorded (the same event twice) keeps its first delivery.
            WebhookDelivery.objects.bulk_create(
                new, update_conflicts=True, unique_fields=["key"], update_fields=["key"]
            )
            deliveries += new
    if deliveries:
        handed = [(d.vendor_id, d.pk) for d in deliveries]
        transaction.on_commit(lambda: hand_over(handed), robust=True)
    return deliveries


def hand_over(items: list[tuple[int, int]], *, by_hand: bool = False) -> int:
    published = 0
    for vendor_id, delivery_id in items:
        if publish(deliver_webhook, vendor_id, delivery_id, by_hand):
            published += 1
        else:
            with scope(vendor=vendor_id):
                WebhookDelivery.objects.filter(pk=delivery_id, state=DeliveryState.QUEUED).update(
                    enqueued_at=None
                )
    return published


def requeue_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand over deliveries whose retry time has come or which never reached a worker."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    # The sweep serves every vendor; each delivery is then posted under its vendor's scope.
    with scopes_disabled(), transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=DeliveryState.QUEUED, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("next_attempt_at")
            .values_list("vendor_id", "pk")[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=[pk for _v, pk in due]).update(enqueued_at=now)
    return hand_over(due) if due else 0


# -- posting ---------------------------------------------------------------------------------


def deliver(delivery_id: int, *, now: datetime | None = None, by_hand: bool = False) -> str:
    """POST one queued delivery once; log the attempt; schedule the next one on failure."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, state=DeliveryState.QUEUED)
            .first()
        )
        if delivery is None:
            return "skipped"
        if delivery.next_attempt_at > now and not by_hand:
            return "not due"
        endpoint = delivery.endpoint
        delivery.attempts += 1
        delivery.enqueued_at = None
        attempt = WebhookAttempt(
            vendor_id=delivery.vendor_id,
            delivery=delivery,
            number=delivery.attempts,
            by_hand=by_hand,
            started_at=now,
            url=endpoint.url,
        )
        if not endpoint.is_active:
            attempt.error = "The endpoint is switched off."
        else:
            _post(attempt, endpoint, delivery)
        attempt.save()
        delivery.last_status_code = attempt.status_code
        delivery.last_error = attempt.error
        if attempt.ok:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = now
            delivery.save()
            return "delivered"
        delay = min(RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1), RETRY_CAP_SECONDS)
        next_at = now + timedelta(seconds=delay)
        if next_at > delivery.retry_until or not endpoint.is_active:
            delivery.state = DeliveryState.FAILED
            delivery.save()
            return "failed"
        delivery.next_attempt_at = next_at
        delivery.save()
        return "retry"


def _post(attempt: WebhookAttempt, endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> None:
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "RMA-Portal-Webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
        EVENT_HEADER: delivery.event_type,
        DELIVERY_HEADER: str(delivery.pk),
    }
    started = time.monotonic()
    try:
        host, port, address = resolve_target(endpoint.url)
        parts = urlsplit(endpoint.url)
        connection = _connection(parts.scheme, host, port, address)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            attempt.status_code = response.status
            excerpt = response.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")
            attempt.response_excerpt = excerpt[:EXCERPT_CHARS]
            if not attempt.ok:
                attempt.error = f"The receiver answered HTTP {response.status}."
        finally:
            connection.close()
    except UnsafeTarget as exc:
        attempt.error = " ".join(exc.messages)
    except (OSError, http.client.HTTPException) as exc:
        attempt.error = f"{type(exc).__name__}: {exc}"
    attempt.duration_ms = int((time.monotonic() - started) * 1000)


def _connection(scheme: str, host: str, port: int, address: str) -> http.client.HTTPConnection:
    """A connection to the checked address, whatever the name resolves to a moment later;
    TLS still verifies the certificate against the host name."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    if scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def pinned(_address, timeout=timeout, source_address=None):
        return socket.create_connection((address, port), timeout, source_address)

    connection._create_connection = pinned  # type: ignore[attr-defined]
    return connection


@transaction.atomic
def resend(delivery: WebhookDelivery, *, now: datetime | None = None) -> WebhookDelivery:
    """Queue a delivery again by hand, whatever its state; its attempts stay in the log."""
    now = now or timezone.now()
    locked = WebhookDelivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
    locked.state = DeliveryState.QUEUED
    locked.next_attempt_at = now
    locked.enqueued_at = now
    locked.retry_until = now + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    locked.save()
    transaction.on_commit(
        lambda: hand_over([(locked.vendor_id, locked.pk)], by_hand=True), robust=True
    )
    return locked


@shared_task(name="notifications.deliver_webhook", acks_late=True, reject_on_worker_lost=True)
def deliver_webhook(vendor_id: int, delivery_id: int, by_hand: bool = False) -> str:
    with scope(vendor=vendor_id):
        return deliver(delivery_id, by_hand=by_hand)
