"""The email outbox: record a message with the state change, hand it to Celery after commit,
send it exactly once, retry with backoff, and re-queue whatever was never handed over."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import threading
import time
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
SECRET_KEYS = frozenset({"password", "access_url"})  # a self-service link signs in by itself
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


class _Publisher(threading.local):
    """This thread's broker connection for publishing, with short timeouts of its own.

    The worker's connection keeps the transport's defaults (its BRPOP waits longer than a
    publish may); a request thread must never wait long on a broker that is down or frozen.
    """

    connection = None
    url = ""
    down_until = 0.0


_publisher = _Publisher()


def _publish_connection(app):
    if _publisher.url != app.conf.broker_url:  # a new broker (settings, tests) starts afresh
        _drop_publish_connection()
        _publisher.url, _publisher.down_until = app.conf.broker_url, 0.0
    if _publisher.connection is None:
        timeout = settings.OUTBOX_PUBLISH_TIMEOUT_SECONDS
        options = {
            **(app.conf.broker_transport_options or {}),
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
        }
        _publisher.connection = app.connection_for_write(
            transport_options=options, connect_timeout=timeout
        )
    return _publisher.connection


def _drop_publish_connection() -> None:
    connection, _publisher.connection = _publisher.connection, None
    if connection is not None:
        try:
            connection.release()
        except Exception:  # a broken connection may fail to close; it is dropped either way
            logger.debug("Closing the broken publish connection failed", exc_info=True)


def publish(task, *args) -> bool:
    """Hand one task to the broker in at most about ``OUTBOX_PUBLISH_TIMEOUT_SECONDS``.

    After a failure this thread stops trying for ``OUTBOX_PUBLISH_RETRY_SECONDS``: the row
    stays queued with no ``enqueued_at``, and the sweep hands it over once the broker answers.
    """
    connection = _publish_connection(task.app)
    if time.monotonic() < _publisher.down_until:
        return False
    try:
        task.apply_async(args=args, connection=connection, retry=False)
    except Exception as exc:  # whatever the broker raises, the sweep recovers the message
        _drop_publish_connection()
        _publisher.down_until = time.monotonic() + settings.OUTBOX_PUBLISH_RETRY_SECONDS
        logger.warning("Broker unavailable, %s%s stays queued: %s", task.name, args, exc)
        return False
    return True


def requeue_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand over queued messages that are due and not with a worker (never handed over, the
    broker was down, the worker died before or during its SMTP conversation, or a retry's
    backoff has passed)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    # The sweep serves every vendor; each message is then sent under its own vendor's scope.
    with scopes_disabled(), transaction.atomic():
        due = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=OutboxState.QUEUED, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=stale))
            .order_by("next_attempt_at")
            .values_list("vendor_id", "pk")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[pk for _v, pk in due]).update(enqueued_at=now)
    return hand_over(due) if due else 0


# -- sending ---------------------------------------------------------------------------------


def send_message(message_id: int, *, now: datetime | None = None) -> str:
    """Send one queued message; returns what happened, for the task's log.

    Three steps, so that only a crash between the server's 250 and the third step's commit can
    repeat a message (always with the same Message-ID):

    1. a short transaction claims the row (``sending_since``), counts the attempt and renders
       the message, and commits before any SMTP traffic;
    2. the SMTP conversation, outside any transaction, on this worker's reused connection;
    3. a short transaction records the result, right after the server answered.

    A row another worker claimed less than ``OUTBOX_REQUEUE_AFTER_SECONDS`` ago is left alone;
    after that the sweep hands it over again.
    """
    claimed = _claim(message_id, now=now or timezone.now())
    if isinstance(claimed, str):
        return claimed
    message, email = claimed
    try:
        mailer.send(email)
    except smtplib.SMTPRecipientsRefused as exc:
        return _record(message, OutboxState.FAILED, f"The mail server refused the address: {exc}")
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            return _record(message, OutboxState.FAILED, f"Refused by the mail server: {exc}")
        return _record_retry(message, exc)
    except (smtplib.SMTPException, OSError) as exc:
        return _record_retry(message, exc)
    return _record(message, OutboxState.SENT, "")


def _claim(message_id: int, *, now: datetime):
    """Step 1: the claimed message and its rendered email, or why there is nothing to send."""
    from .emails import build_email, obsolete_reason

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
        lease = timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
        if message.sending_since and message.sending_since > now - lease:
            return "in flight"
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            # Only an attempt that never recorded its result (a crash) gets here.
            _finish(
                message,
                OutboxState.FAILED,
                f"Gave up after {message.attempts} attempts; the last one never finished "
                "(the worker stopped during the SMTP conversation).",
            )
            return "failed"
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
        message.sending_since = now
        message.save(
            update_fields=[
                "attempts",
                "last_attempt_at",
                "enqueued_at",
                "subject",
                "message_id",
                "sending_since",
                "updated_at",
            ]
        )
    return message, email


def _record(message: OutboxMessage, state: str, error: str) -> str:
    """Step 3: the result, if this attempt still owns the row."""
    values: dict[str, Any] = {
        "state": state,
        "last_error": error,
        "sealed": "",  # a password never outlives its message
        "sending_since": None,
        "updated_at": timezone.now(),
    }
    if state == OutboxState.SENT:
        values["sent_at"] = timezone.now()
    return _update_owned(message, values, state)


def _record_retry(message: OutboxMessage, exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        return _record(
            message, OutboxState.FAILED, f"Gave up after {message.attempts} attempts. {error}"
        )
    delay = min(settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (message.attempts - 1), RETRY_CAP_SECONDS)
    values = {
        "next_attempt_at": message.last_attempt_at + timedelta(seconds=delay),
        "last_error": error,
        "sending_since": None,
        "updated_at": timezone.now(),
    }
    logger.info("Email %s failed (%s); next attempt in %ss", message.pk, error, delay)
    return _update_owned(message, values, "retry")


def _update_owned(message: OutboxMessage, values: dict[str, Any], outcome: str) -> str:
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, state=OutboxState.QUEUED, sending_since=message.sending_since
        ).update(**values)
    if not updated:
        # The claim outlived its lease and another attempt took the row over.
        logger.warning("Email %s: the result %r came after the claim expired", message.pk, outcome)
    return outcome


def _finish(message: OutboxMessage, state: str, error: str) -> None:
    message.state = state
    message.last_error = error
    message.sealed = ""  # a password never outlives its message
    message.sending_since = None
    message.save()


class Mailer(threading.local):
    """This worker thread's mail server connection, kept open across messages.

    Opening an SMTP session (TCP, EHLO, STARTTLS, AUTH) costs more than sending a message, so
    a busy worker reuses it; an idle one is checked with NOOP before use and reopened if the
    server has dropped it, so a stale connection never costs an attempt.
    """

    IDLE_CHECK_SECONDS = 5.0
    connection = None
    signature: tuple = ()
    used_at = 0.0

    def send(self, email) -> None:
        from django.core.mail import get_connection

        signature = tuple(
            getattr(settings, name, None)
            for name in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER")
        )
        if self.connection is not None and (signature != self.signature or not self._alive()):
            self.close()
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
            self.signature = signature
        try:
            self.connection.send_messages([email])
        except Exception:
            self.close()  # the session's state is unknown after an error: start afresh
            raise
        self.used_at = time.monotonic()

    def _alive(self) -> bool:
        smtp = getattr(self.connection, "connection", None)
        if smtp is None or time.monotonic() - self.used_at < self.IDLE_CHECK_SECONDS:
            return True
        try:
            return smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:
                logger.debug("Closing the SMTP connection failed", exc_info=True)


mailer = Mailer()


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
