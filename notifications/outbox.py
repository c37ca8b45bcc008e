"""The email outbox: record a message with the state change, hand it to Celery after commit,
send it exactly once, retry with backoff, and re-queue whatever was never handed over."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from tenancy.models import Vendor

from .context import decode_context, encode_context
from .models import OutboxMessage, OutboxState
from .sealing import seal
from .sending import mailer, send_batch, send_emails, send_message

# Contexts are read and written through the outbox too (``notifications.context``).
__all__ = [
    "OutgoingEmail",
    "collected",
    "decode_context",
    "encode_context",
    "mailer",
    "queue_email",
    "queue_emails",
    "requeue_due",
    "resend",
    "send_batch",
    "send_message",
]

logger = logging.getLogger(__name__)

# Context keys whose values must never be stored in clear; they travel sealed instead.
SECRET_KEYS = frozenset({"password", "access_url"})  # a self-service link signs in by itself
RETRY_CAP_SECONDS = 3600


@dataclass(frozen=True)
class OutgoingEmail:
    """One email to record: what ``queue_email`` takes, for recording many at once."""

    kind: str
    to: str
    context: Mapping[str, Any]
    key: str
    language: str = "en"
    event_id: int | None = None  # what caused it, in the domain's audit trail


def queue_email(
    *,
    vendor: Vendor,
    kind: str,
    to: str,
    context: Mapping[str, Any],
    key: str,
    language: str = "en",
    event_id: int | None = None,
) -> OutboxMessage:
    """Record one email in the current transaction; it is sent after commit, exactly once.

    Idempotent on ``key``: recording the same key twice returns the first message. Values
    under ``password`` are sealed (encrypted) and wiped once the message is sent.
    """
    email = OutgoingEmail(kind, to, context, key, language, event_id)
    [message] = queue_emails(vendor=vendor, emails=[email])
    return message


def queue_emails(*, vendor: Vendor, emails: Sequence[OutgoingEmail]) -> list[OutboxMessage]:
    """Record many emails of one vendor in two statements (``queue_email``'s guarantees);
    returns their messages in the order given. Inside ``collected()`` they are recorded with
    the block's other emails at its end (the messages returned get their ids then)."""
    rows = _rows(vendor, emails)
    pending = getattr(_collecting, "rows", None)
    if pending is not None:
        batch = pending.setdefault(vendor.pk, (vendor, {}))[1]
        for key, row in rows.items():
            batch.setdefault(key, row)
        return [batch[email.key] for email in emails]
    existing = _insert(vendor, rows)
    return [existing.get(email.key) or rows[email.key] for email in emails]


def _rows(vendor: Vendor, emails: Sequence[OutgoingEmail]) -> dict[str, OutboxMessage]:
    from .emails import KINDS, language_for

    now = timezone.now()
    rows: dict[str, OutboxMessage] = {}
    for email in emails:
        if email.kind not in KINDS:
            known = ", ".join(sorted(KINDS))
            raise ValueError(f"Unknown email kind {email.kind!r}; known kinds: {known}.")
        if not email.to:
            raise ValueError(f"Email {email.kind!r} has no recipient.")
        if len(email.key) > 200:
            raise ValueError(
                f"An outbox key has at most 200 characters; {email.key[:40]!r}... has more."
            )
        if email.key in rows:
            continue
        secrets = {k: str(v) for k, v in email.context.items() if k in SECRET_KEYS}
        public = {k: v for k, v in email.context.items() if k not in SECRET_KEYS}
        rows[email.key] = OutboxMessage(
            vendor=vendor,
            key=email.key,
            kind=email.kind,
            to=email.to,
            language=language_for(email.language),
            context=encode_context(public),
            sealed=seal(secrets),
            held_secret=bool(secrets),
            event_id=email.event_id,
            enqueued_at=now,
        )
    return rows


def _insert(vendor: Vendor, rows: dict[str, OutboxMessage]) -> dict[str, OutboxMessage]:
    """Insert the rows whose keys are new and hand them over after commit; the rows already
    recorded under their keys."""
    with scope(vendor=vendor):
        existing = {m.key: m for m in OutboxMessage.objects.filter(key__in=list(rows))}
        new = [row for key, row in rows.items() if key not in existing]
        if new:
            # A key recorded by a concurrent transaction since the SELECT resolves to that
            # row instead of failing this one; handing it over too is harmless (the send
            # task's row lock and state decide).
            OutboxMessage.objects.bulk_create(
                new, update_conflicts=True, unique_fields=["key"], update_fields=["key"]
            )
            hand_over_on_commit([(vendor.pk, row.pk) for row in new])
    return existing


_collecting = threading.local()


@contextmanager
def collected() -> Iterator[None]:
    """Record every email queued inside the block together at its end: two statements per
    vendor for a sweep's whole batch instead of two an email. Nothing is recorded if the
    block raises; a savepoint rolled back inside it would not drop its emails, so use none."""
    if getattr(_collecting, "rows", None) is not None:  # the outer block records them
        yield
        return
    pending: dict[int, tuple[Vendor, dict[str, OutboxMessage]]] = {}
    _collecting.rows = pending
    try:
        yield
    finally:
        _collecting.rows = None
    for vendor_id in sorted(pending):
        vendor, rows = pending[vendor_id]
        _insert(vendor, rows)


class _PendingHandOver:
    """The messages recorded in the current transaction, handed over together after commit.

    One on-commit callback per transaction instead of one per message, so that 2,000 emails
    recorded at once become ``OUTBOX_BATCH_SIZE``-sized tasks. It is found again by its place
    in ``connection.run_on_commit``: while it is there, every message recorded since is
    either committed with it or rolled back with it (a savepoint rollback that drops this
    callback also drops every row recorded inside that savepoint); once it is gone (run, or
    dropped with a savepoint), the next message registers a new one.
    """

    def __init__(self, position: int) -> None:
        self.position = position
        self.items: list[tuple[int, int]] = []
        self.done = False

    def alive(self) -> bool:
        hooks = connection.run_on_commit
        return not self.done and self.position < len(hooks) and hooks[self.position][1] is self

    def __call__(self) -> None:
        # Tests run captured callbacks without removing them from the list: once is enough.
        self.done = True
        hand_over(self.items)


_pending = threading.local()


def hand_over_on_commit(items: Iterable[tuple[int, int]]) -> None:
    """Hand (vendor id, message id) pairs to Celery once the current transaction commits."""
    items = list(items)
    if not connection.in_atomic_block:
        hand_over(items)
        return
    pending = getattr(_pending, "hand_over", None)
    if pending is None or not pending.alive():
        pending = _PendingHandOver(len(connection.run_on_commit))
        transaction.on_commit(pending, robust=True)
        _pending.hand_over = pending
    pending.items.extend(items)


# -- handing over to Celery -------------------------------------------------------------------


def hand_over(items: list[tuple[int, int]]) -> int:
    """Publish a batch task per vendor and ``OUTBOX_BATCH_SIZE`` messages; returns how many
    messages reached the broker.

    A broker that is down is not an error here: the rows stay queued and the periodic
    ``requeue_due`` publishes them again once the broker answers.
    """
    by_vendor: dict[int, list[int]] = {}
    for vendor_id, message_id in items:
        by_vendor.setdefault(vendor_id, []).append(message_id)
    size = max(1, settings.OUTBOX_BATCH_SIZE)
    published = 0
    for vendor_id, message_ids in by_vendor.items():
        for start in range(0, len(message_ids), size):
            batch = message_ids[start : start + size]
            if publish(send_emails, vendor_id, batch):
                published += len(batch)
            else:
                with scope(vendor=vendor_id):
                    OutboxMessage.objects.filter(pk__in=batch, state=OutboxState.QUEUED).update(
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


# -- by hand, from the admin -----------------------------------------------------------------


@transaction.atomic
def resend(message: OutboxMessage, *, now: datetime | None = None) -> OutboxMessage:
    """Put a failed message back in the queue, or queue a copy of a sent one."""
    now = now or timezone.now()
    locked = OutboxMessage.objects.select_for_update(of=("self",)).get(pk=message.pk)
    if not locked.can_resend():
        raise ValueError(
            "This message carried a password, which is not kept after sending; re-issue the "
            "password instead."
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
    hand_over_on_commit([(target.vendor_id, target.pk)])
    return target
