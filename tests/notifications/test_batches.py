"""The outbox in batches: emails recorded together are handed over as a few batch tasks after
one commit, each batch goes out over one SMTP connection and is recorded in one statement, and
a refusal or a rolled-back savepoint touches only its own messages."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from notifications import outbox
from notifications.models import OutboxMessage, OutboxState
from notifications.outbox import OutgoingEmail, queue_email, queue_emails, send_batch

from .conftest import Inbox, free_port
from .factories import reolink

pytestmark = pytest.mark.django_db(transaction=True)


class CountingInbox(Inbox):
    """Counts the SMTP sessions that said EHLO, i.e. the connections the outbox opened."""

    sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.sessions += 1
        return responses


@pytest.fixture
def counting_smtp(settings):
    inbox = CountingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    outbox.mailer.close()  # a connection an earlier test left open is not ours to count
    yield inbox
    outbox.mailer.close()
    controller.stop()


@pytest.fixture
def published(monkeypatch):
    """What the outbox hands to the broker, instead of a broker: (task name, args)."""
    calls: list[tuple[str, tuple]] = []

    def publish(task, *args) -> bool:
        calls.append((task.name, args))
        return True

    monkeypatch.setattr(outbox, "publish", publish)
    return calls


def emails(count: int, prefix: str = "batch") -> list[OutgoingEmail]:
    context = {"access_url": "https://portal.example/a", "order_number": "SO-1"}
    return [
        OutgoingEmail("return_access", f"c{i}@example.com", context, f"{prefix}:{i}")
        for i in range(count)
    ]


def rows(**filters) -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(**filters).order_by("pk"))


def test_emails_recorded_together_are_handed_over_in_batches_after_one_commit(settings, published):
    settings.OUTBOX_BATCH_SIZE = 3
    vendor = reolink()
    with transaction.atomic():
        messages = queue_emails(vendor=vendor, emails=emails(7))
        assert published == []  # nothing leaves before the commit
    ids = [m.pk for m in messages]
    assert published == [
        ("notifications.send_emails", (vendor.pk, ids[0:3])),
        ("notifications.send_emails", (vendor.pk, ids[3:6])),
        ("notifications.send_emails", (vendor.pk, ids[6:7])),
    ]


def test_recording_many_emails_takes_two_statements_and_repeats_are_the_first(published):
    vendor = reolink()
    with transaction.atomic():
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            first = queue_emails(vendor=vendor, emails=emails(50))
        assert len(queries) == 2  # one SELECT of the keys, one INSERT of the new rows
        again = queue_emails(vendor=vendor, emails=emails(51))
    assert [m.pk for m in again[:50]] == [m.pk for m in first]
    assert len(rows()) == 51
    handed = [pk for _name, (_vendor, batch) in published for pk in batch]
    assert sorted(handed) == [m.pk for m in again]  # each new row handed over once


def test_a_rolled_back_savepoint_drops_only_its_own_emails(published):
    vendor = reolink()
    with transaction.atomic():
        try:
            with transaction.atomic():
                queue_email(vendor=vendor, **_one("dropped:first"))
                raise RuntimeError("the inner change fails")
        except RuntimeError:
            pass
        kept = queue_email(vendor=vendor, **_one("kept:1"))
        try:
            with transaction.atomic():
                queue_email(vendor=vendor, **_one("dropped:second"))
                raise RuntimeError("the inner change fails")
        except RuntimeError:
            pass
        also_kept = queue_email(vendor=vendor, **_one("kept:2"))
    assert [m.key for m in rows()] == ["kept:1", "kept:2"]
    handed = {pk for _name, (_vendor, batch) in published for pk in batch}
    assert {kept.pk, also_kept.pk} <= handed  # a dropped row's id is skipped by the task


def _one(key: str) -> dict:
    [email] = emails(1, prefix=key)
    return {
        "kind": email.kind,
        "to": email.to,
        "context": email.context,
        "key": key,
    }


def test_a_batch_goes_out_over_one_connection_and_is_recorded_in_one_statement(
    counting_smtp, published
):
    vendor = reolink()
    with transaction.atomic():
        messages = queue_emails(vendor=vendor, emails=emails(6))
    with scope(vendor=vendor):
        outcomes = send_batch([m.pk for m in messages[:3]])
        again = send_batch([m.pk for m in messages])  # the first three are sent already
    assert list(outcomes.values()) == ["sent"] * 3
    assert list(again.values()) == ["skipped"] * 3 + ["sent"] * 3
    assert len(counting_smtp.messages) == 6
    assert counting_smtp.sessions == 1  # one connection for both batches
    sent = rows(state=OutboxState.SENT)
    assert len(sent) == 6 and all(m.attempts == 1 and m.sent_at for m in sent)
    assert len({m.message_id for m in sent}) == 6
    assert sorted(str(m["Message-ID"]) for m in counting_smtp.messages) == sorted(
        m.message_id for m in sent
    )


def test_a_refused_message_is_retried_alone_and_the_rest_of_its_batch_is_sent(smtp, published):
    vendor = reolink()
    with transaction.atomic():
        messages = queue_emails(vendor=vendor, emails=emails(4))
    smtp.refuse_next = 1  # the first message gets a 451
    with scope(vendor=vendor):
        outcomes = send_batch([m.pk for m in messages])
    assert [outcomes[m.pk] for m in messages] == ["retry", "sent", "sent", "sent"]
    first, *rest = rows()
    assert first.state == OutboxState.QUEUED and "451" in first.last_error
    assert first.next_attempt_at > first.last_attempt_at and first.sending_since is None
    assert all(m.state == OutboxState.SENT for m in rest)
    assert len(smtp.messages) == 3


def test_a_mail_server_that_is_gone_puts_the_whole_batch_back_for_retry(settings, published):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    outbox.mailer.close()
    vendor = reolink()
    with transaction.atomic():
        messages = queue_emails(vendor=vendor, emails=emails(3))
    with scope(vendor=vendor):
        outcomes = send_batch([m.pk for m in messages])
    assert list(outcomes.values()) == ["retry"] * 3
    assert all(
        m.state == OutboxState.QUEUED and m.attempts == 1 and m.sending_since is None
        for m in rows()
    )
