"""Signed webhooks: every state change is POSTed as JSON to the vendor's endpoints, signed with
HMAC-SHA256 over the timestamp and the body, retried with exponential backoff for a day."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
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
from .outbox import encode_context, publish

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


# -- where we may post -----------------------------------------------------------------------


class UnsafeTarget(ValidationError):
    pass


# IPv6 ranges that carry an IPv4 address or are not routed on the internet, which Python's
# is_global does not (all of them) treat as non-global: IPv4-compatible (::a.b.c.d, deprecated),
# site-local (fec0::/10, deprecated), 6to4 (2002::/16), NAT64 (64:ff9b::/96 and /48).
_IPV6_NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in ("::/96", "fec0::/10", "2002::/16", "64:ff9b::/96", "64:ff9b:1::/48")
)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, compatible, 6to4, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    packed = int(ip)
    if ip in _IPV6_NOT_PUBLIC[0] or ip in _IPV6_NOT_PUBLIC[3]:
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and not (ip.is_loopback or ip.is_unspecified):  # ::1 and :: as they are
        embedded = _embedded_ipv4(ip)
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif embedded is not None or any(ip in net for net in _IPV6_NOT_PUBLIC):
            # An IPv4 address in IPv6 clothing, or a range that is not the public internet:
            # judged only as what it carries when private targets are allowed (tests).
            if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS or embedded is None:
                return False
            ip = embedded
    if ip.is_multicast or ip.is_link_local or ip.is_unspecified:
        return False  # never: link-local holds cloud metadata services
    if ip.is_global:
        return True
    return settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and (ip.is_loopback or ip.is_private)


def resolve_target(url: str) -> tuple[str, int, str]:
    """The (host, port, address) to connect to; refuses private, loopback, link-local and
    reserved addresses unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on, for every address the name
    resolves to, so a receiver cannot point a name at the portal's own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise UnsafeTarget("A webhook URL starts with https://.")
    if parts.scheme == "http" and settings.WEBHOOK_REQUIRE_HTTPS:
        raise UnsafeTarget("Use an https:// URL; events carry customer data.")
    if not parts.hostname:
        raise UnsafeTarget("The webhook URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeTarget("Put no user name or password in the URL; requests are signed.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"The host {parts.hostname} cannot be resolved ({exc}).") from exc
    addresses = sorted({info[4][0] for info in infos})
    refused = [a for a in addresses if not _address_allowed(a)]
    if refused or not addresses:
        raise UnsafeTarget(
            f"{parts.hostname} resolves to a private, loopback or reserved address "
            f"({', '.join(refused)}); webhooks go only to public internet addresses."
        )
    return parts.hostname, port, addresses[0]


def validate_target(url: str) -> None:
    try:
        resolve_target(url)
    except UnsafeTarget as exc:
        raise ValidationError({"url": exc.messages}) from exc


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


def event_type(event) -> str:
    if event.solution_id:
        return f"solution.{event.action}"
    if event.return_request_id:
        return f"return.{event.action}"
    return f"order_change.{event.action}"


def event_payload(event) -> dict[str, Any]:
    """What a receiver gets: the event, and the case as it stands after it."""
    subject = event.subject
    if event.order_change_id:
        case = {
            "type": "order_change",
            "id": f"chg_{subject.pk}",
            "kind": subject.kind,
            "order_number": subject.order.number,
            "status": subject.status,
        }
    elif event.solution_id:
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
    return {
        "id": f"evt_{event.pk}",
        "type": event_type(event),
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


def queue_deliveries(event) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the event's vendor, posted after commit."""
    with scope(vendor=event.vendor_id):
        endpoints = list(WebhookEndpoint.objects.filter(vendor_id=event.vendor_id, is_active=True))
        if not endpoints:
            return []
        body = json.dumps(event_payload(event), sort_keys=True, separators=(",", ":"))
        now = timezone.now()
        deliveries = [
            WebhookDelivery.objects.get_or_create(
                key=f"event:{event.pk}:endpoint:{endpoint.pk}",
                defaults={
                    "vendor_id": event.vendor_id,
                    "endpoint": endpoint,
                    "event": event,
                    "event_type": event_type(event),
                    "body": body,
                    "enqueued_at": now,
                    "retry_until": now + timedelta(hours=settings.WEBHOOK_RETRY_HOURS),
                },
            )[0]
            for endpoint in endpoints
        ]
    items = [(d.vendor_id, d.pk) for d in deliveries]
    transaction.on_commit(lambda: hand_over(items), robust=True)
    return deliveries


def hand_over(items: list[tuple[int, int]], *, by_hand: bool = False) -> int:
    from .tasks import deliver_webhook

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
