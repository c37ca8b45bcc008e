"""Sending queued emails in batches: claim a batch of rows in one statement, render each once,
send them over this worker's one reused SMTP connection, record the sent ones in one statement.

Three steps, so that only a crash between the server's 250 and the third step's commit can
repeat a message (always with the same Message-ID, so a receiving server can drop the copy):

1. a short transaction claims the rows (``sending_since``, skipping rows another worker holds),
   counts the attempt and renders each message, and commits before any SMTP traffic;
2. the SMTP conversations, outside any transaction, on this worker's reused connection;
3. a short transaction records the results: one UPDATE for every message the server accepted,
   one per message it refused (rare).

A row another worker claimed less than ``OUTBOX_REQUEUE_AFTER_SECONDS`` ago is left alone;
after that the requeue sweep hands it over again, so a worker killed mid-batch loses nothing.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django_scopes import scope

from .models import OutboxMessage, OutboxState
from .sealing import SealBroken, unseal

logger = logging.getLogger(__name__)

RETRY_CAP_SECONDS = 3600


def _connection_lost(exc: Exception) -> bool:
    """The connection, not the message, is at fault: the rest of the batch waits for its retry
    instead of each timing out against a server that is gone. (SMTP's own errors are
    ``OSError``s too; only a socket error or a dropped session counts here.)"""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def send_message(message_id: int, *, now: datetime | None = None) -> str:
    """Send one queued message; returns what happened, for the task's log."""
    return send_batch([message_id], now=now)[message_id]


def send_batch(message_ids: Sequence[int], *, now: datetime | None = None) -> dict[int, str]:
    """Send the queued, due messages among ``message_ids`` (one vendor's, under its scope);
    returns each id's outcome: sent, retry, failed, cancelled, skipped, not due, in flight."""
    claim_time = now or timezone.now()
    outcomes, claimed = _claim(message_ids, now=claim_time)
    sent: list[int] = []
    for index, (message, email) in enumerate(claimed):
        try:
            mailer.send(email)
        except (smtplib.SMTPException, OSError) as exc:
            outcomes[message.pk] = _record_failure(message, exc)
            if _connection_lost(exc):
                for later, _email in claimed[index + 1 :]:
                    outcomes[later.pk] = _record_retry(later, exc)
                break
        else:
            sent.append(message.pk)
    if sent:
        _record_sent(sent, claim_time=claim_time)
        outcomes.update(dict.fromkeys(sent, "sent"))
    return outcomes


def _record_failure(message: OutboxMessage, exc: Exception) -> str:
    """A refused address or a 5xx answer fails the message; anything else is retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return _record(message, OutboxState.FAILED, f"The mail server refused the address: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        return _record(message, OutboxState.FAILED, f"Refused by the mail server: {exc}")
    return _record_retry(message, exc)


def _claim(message_ids: Sequence[int], *, now: datetime) -> tuple[dict[int, str], list]:
    """Step 1: the outcome of every id that has nothing to send, and the claimed messages with
    their rendered emails."""
    from .emails import build_email, obsolete_reason

    outcomes = dict.fromkeys(message_ids, "skipped")  # locked by another worker, or not queued
    claimed: list[tuple[OutboxMessage, Any]] = []
    lease = timedelta(seconds=settings.OUTBOX_REQUEUE_AFTER_SECONDS)
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("vendor")
            .filter(pk__in=message_ids, state=OutboxState.QUEUED)
            .order_by("pk")
        )
        for message in rows:
            if message.next_attempt_at > now:
                outcomes[message.pk] = "not due"
                continue
            if message.sending_since and message.sending_since > now - lease:
                outcomes[message.pk] = "in flight"
                continue
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                # Only an attempt that never recorded its result (a crash) gets here.
                outcomes[message.pk] = _finish(
                    message,
                    OutboxState.FAILED,
                    f"Gave up after {message.attempts} attempts; the last one never finished "
                    "(the worker stopped during the SMTP conversation).",
                )
                continue
            message.attempts += 1
            message.last_attempt_at = now
            message.enqueued_at = None
            try:
                secrets = unseal(message.sealed)
                reason = obsolete_reason(message, secrets)
                if reason:
                    outcomes[message.pk] = _finish(message, OutboxState.CANCELLED, reason)
                    continue
                email = build_email(message, secrets)
            except (SealBroken, TemplateDoesNotExist, ValueError) as exc:
                outcomes[message.pk] = _finish(message, OutboxState.FAILED, f"Cannot render: {exc}")
                continue
            message.subject = email.subject[:300]
            message.message_id = email.extra_headers["Message-ID"]
            message.sending_since = now
            message.updated_at = now
            claimed.append((message, email))
        if claimed:
            _mark_claimed([m for m, _e in claimed], now=now)
    return outcomes, claimed


def _mark_claimed(messages: list[OutboxMessage], *, now: datetime) -> None:
    """One UPDATE for the whole batch. Django's ``bulk_update`` would say the same with a
    CASE per column and row, whose construction costs more than rendering the emails."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    rows = ", ".join(["(%s, %s, %s)"] * len(messages))
    params: list[Any] = [now, now, now]
    for message in messages:
        params += [message.pk, message.subject, message.message_id]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET attempts = m.attempts + 1, last_attempt_at = %s, "
            "enqueued_at = NULL, sending_since = %s, updated_at = %s, subject = v.subject, "
            f"message_id = v.message_id FROM (VALUES {rows}) AS v(id, subject, message_id) "
            "WHERE m.id = v.id",
            params,
        )


def _record_sent(message_ids: list[int], *, claim_time: datetime) -> None:
    """Step 3 for every accepted message at once, if this attempt still owns the rows."""
    done = timezone.now()
    # An explicit transaction: the result counts only once its COMMIT is through, so a worker
    # killed while the UPDATE waits on a lock records nothing (the sweep re-sends).
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk__in=message_ids, state=OutboxState.QUEUED, sending_since=claim_time
        ).update(
            state=OutboxState.SENT,
            last_error="",
            sealed="",  # a password never outlives its message
            sending_since=None,
            sent_at=done,
            updated_at=done,
        )
    if updated < len(message_ids):
        # A claim outlived its lease and another attempt took the row over.
        logger.warning(
            "%s of %s sent emails came after their claim expired",
            len(message_ids) - updated,
            len(message_ids),
        )


def _record(message: OutboxMessage, state: str, error: str) -> str:
    """Step 3 for one message, if this attempt still owns the row."""
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


def _finish(message: OutboxMessage, state: str, error: str) -> str:
    message.state = state
    message.last_error = error
    message.sealed = ""  # a password never outlives its message
    message.sending_since = None
    message.save()
    return str(state)


class Mailer(threading.local):
    """This worker thread's mail server connection, kept open across messages and batches.

    Opening an SMTP session (TCP, EHLO, STARTTLS, AUTH) costs more than sending a message, so
    a busy worker reuses it; an idle one is checked with NOOP before use and reopened if the
    server has dropped it, so a stale connection never costs an attempt. Each message goes
    through its own ``send_messages`` call on the open connection, so that an error names the
    one message it belongs to and the ones before it count as sent.
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
            smtp = getattr(self.connection, "connection", None)
            if getattr(email, "prepared", None) is not None and isinstance(smtp, smtplib.SMTP):
                # Django's SMTP backend would parse both addresses again and rebuild the
                # message for each send; a prepared email hands its bytes to the session.
                sender, recipients = email.envelope
                smtp.sendmail(sender, recipients, email.message().as_bytes(linesep="\r\n"))
            else:
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


# -- the Celery tasks that run the two above (``notifications.tasks`` lists them all) ------


@shared_task(name="notifications.send_emails", acks_late=True, reject_on_worker_lost=True)
def send_emails(vendor_id: int, message_ids: list[int]) -> dict[str, int]:
    """Send a batch of one vendor's messages over one SMTP connection; how many of each
    outcome (sent, retry, failed, cancelled, skipped, ...)."""
    with scope(vendor=vendor_id):
        return dict(Counter(send_batch(message_ids).values()))


@shared_task(name="notifications.send_email", acks_late=True, reject_on_worker_lost=True)
def send_email(vendor_id: int, message_id: int) -> str:
    with scope(vendor=vendor_id):
        return send_message(message_id)
