"""The email outbox: record a message with the state change, hand it to Celery after commit,
send it exactly once, retry with backoff, and re-queue whatever was never handed over."""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal.models import Vendor

from .models import OutboxMessage, OutboxState
from .sealing import SealBroken, seal, unseal

logger = logging.getLogger(__name__)

# Context keys whose values must never be stored in clear; they travel sealed instead.
SECRET_KEYS = frozenset({"password"})
RETRY_CAP_SECONDS = 3600


def queue_email(
    *,
    vendor: Vendor,
    kind: str,
    to: str,
    context: Mapping[str, Any],
    key: str,
    language: str = "en",
    event=None,
) -> OutboxMessage:
    """Record one email in the current transaction; it is sent after commit, exactly once.

    Idempotent on ``key``: recording the same key twice returns the first message. Values
    under ``password`` are sealed (encrypted) and wiped once the message is sent.
    """
    from .emails import KINDS, language_for

    if kind not in KINDS:
        raise ValueError(f"Unknown email kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}.")
    if not to:
        raise ValueError(f"Email {kind!r} has no recipient.")
    if len(key) > 200:
        raise ValueError(f"An outbox key has at most 200 characters; {key[:40]!r}... has more.")
    secrets = {k: str(v) for k, v in context.items() if k in SECRET_KEYS}
    public = {k: v for k, v in context.items() if k not in SECRET_KEYS}
    with scope(vendor=vendor):
        message, created = OutboxMessage.objects.get_or_create(
            key=key,
            defaults={
                "vendor": vendor,
                "kind": kind,
                "to": to,
                "language": language_for(language),
                "context": encode_context(public),
                "sealed": seal(secrets),
                "held_secret": bool(secrets),
                "event": event,
                "enqueued_at": timezone.now(),
            },
        )
    if created:
        transaction.on_commit(lambda: hand_over([(message.vendor_id, message.pk)]), robust=True)
    return message


# -- context as JSON: dates and amounts survive the trip through the database ----------------


def encode_context(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): encode_context(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode_context(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def decode_context(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        if set(value) == {"$date"}:
            return date.fromisoformat(value["$date"])
        return {k: decode_context(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_context(v) for v in value]
    return value


# -- handing over to Celery -------------------------------------------------------------------


def hand_over(items: list[tuple[int, int]]) -> int:
    """Publish a send task per (vendor id, message id); returns how many reached the broker.

    A broker that is down is not an error here: the row stays queued and the periodic
    ``requeue_due`` publishes it again once the broker answers.
    """
    from .tasks import send_email

    published = 0
    for vendor_id, message_id in items:
        if publish(send_email, vendor_id, message_id):
            published += 1
        else:
            with scope(vendor=vendor_id):
                OutboxMessage.objects.filter(pk=message_id, state=OutboxState.QUEUED).update(
                    enqueued_at=None
                )
    return published


def publish(task, *args) -> bool:
    try:
        task.apply_async(
            args=args,
            retry=True,
            retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2},
        )
    except Exception as exc:  # whatever the broker raises, the sweep recovers the message
        logger.warning("Broker unavailable, %s%s stays queued: %s", task.name, args, exc)
        return False
    return True


def requeue_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand over queued messages that are due and not with a worker (never handed over, the
    broker was down, the worker died, or a retry's backoff has passed)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    # The sweep serves every vendor; each message is then sent under its own vendor's scope.
    with scopes_disabled(), transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=OutboxState.QUEUED, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("next_attempt_at")
            .values_list("vendor_id", "pk")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[pk for _v, pk in due]).update(enqueued_at=now)
    return hand_over(due) if due else 0


# -- sending ---------------------------------------------------------------------------------


def send_message(message_id: int, *, now: datetime | None = None) -> str:
    """Send one queued message at most once; returns what happened, for the task's log.

    The row stays locked while the mail server talks: a second delivery of the same task
    skips it, and a worker that dies mid-send releases the lock with its connection, leaving
    the message queued for the next attempt.
    """
    from .emails import build_email, obsolete_reason

    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("vendor")
            .filter(pk=message_id, state=OutboxState.QUEUED)
            .first()
        )
        if message is None:
            return "skipped"
        if message.next_attempt_at > now:
            return "not due"
        message.attempts += 1
        message.last_attempt_at = now
        message.enqueued_at = None
        try:
            secrets = unseal(message.sealed)
            reason = obsolete_reason(message, secrets)
            if reason:
                _finish(message, OutboxState.CANCELLED, reason)
                return "cancelled"
            email = build_email(message, secrets)
        except (SealBroken, TemplateDoesNotExist, ValueError) as exc:
            _finish(message, OutboxState.FAILED, f"Cannot render: {exc}")
            return "failed"
        message.subject = email.subject[:300]
        message.message_id = email.extra_headers["Message-ID"]
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            _finish(message, OutboxState.FAILED, f"The mail server refused the address: {exc}")
            return "failed"
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                _finish(message, OutboxState.FAILED, f"Refused by the mail server: {exc}")
                return "failed"
            return _retry_later(message, now, exc)
        except (smtplib.SMTPException, OSError) as exc:
            return _retry_later(message, now, exc)
        message.sent_at = now
        _finish(message, OutboxState.SENT, "")
        return "sent"


def _finish(message: OutboxMessage, state: str, error: str) -> None:
    message.state = state
    message.last_error = error
    message.sealed = ""  # a password never outlives its message
    message.save()


def _retry_later(message: OutboxMessage, now: datetime, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _finish(message, OutboxState.FAILED, f"Gave up after {message.attempts} attempts. {error}")
        return "failed"
    delay = min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1), RETRY_CAP_SECONDS)
    message.next_attempt_at = now + timedelta(seconds=delay)
    message.last_error = error
    message.save()
    logger.info("Email %s failed (%s); next attempt in %ss", message.pk, error, delay)
    return "retry"


def message_id_for(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt, so a receiving server can drop a duplicate."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:24]
    domain = message.vendor.sender_email.rsplit("@", 1)[-1] or "localhost"
    return f"<{digest}.{message.pk}@{domain}>"


# -- by hand, from the admin -----------------------------------------------------------------


@transaction.atomic
def resend(message: OutboxMessage, *, now: datetime | None = None) -> OutboxMessage:
    """Put a failed message back in the queue, or queue a copy of a sent one."""
    now = now or timezone.now()
    locked = OutboxMessage.objects.select_for_update(of=("self",)).get(pk=message.pk)
    if not locked.can_resend():
        raise ValueError(
            "This message carried a password, which is not kept after sending; re-issue the "
            "password instead (REO-1)."
            if locked.held_secret
            else f"A {locked.get_state_display().lower()} message cannot be re-sent."
        )
    if locked.state == OutboxState.FAILED:
        locked.state = OutboxState.QUEUED
        locked.next_attempt_at = now
        locked.enqueued_at = now
        locked.last_error = ""
        locked.save()
        target = locked
    else:
        copies = OutboxMessage.objects.filter(key__startswith=f"{locked.key}:resend:").count()
        target = OutboxMessage.objects.create(
            vendor_id=locked.vendor_id,
            key=f"{locked.key}:resend:{copies + 1}"[:200],
            kind=locked.kind,
            to=locked.to,
            language=locked.language,
            context=locked.context,
            event_id=locked.event_id,
            enqueued_at=now,
        )
    transaction.on_commit(lambda: hand_over([(target.vendor_id, target.pk)]), robust=True)
    return target
