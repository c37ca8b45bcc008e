"""A worker process killed at each point of the SMTP conversation, 20 times over: nothing is
lost, a message repeats only when the kill fell between the server's 250 and the commit that
records it, every copy has the same Message-ID, and every attempt is counted.

The worker is a forked child running the send task's body, as Celery's prefork pool runs it;
an SMTP server in this process pauses the conversation where the trial wants the kill.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, connections
from django_scopes import scope as scope_of
from django_scopes import scopes_disabled

from notifications import outbox
from notifications.models import OutboxMessage, OutboxState
from notifications.tasks import send_email
from tests.notifications.conftest import Inbox, free_port, wait_for
from tests.notifications.factories import propose, reolink

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

POINTS = ("ehlo", "mail", "rcpt", "data", "after_250")


class PausingInbox(Inbox):
    """Holds the conversation at ``pause_at`` until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.pause_at: str | None = None
        self.paused = threading.Event()
        self.release = threading.Event()

    async def _pause(self, point: str) -> None:
        if self.pause_at == point:
            self.paused.set()
            await asyncio.to_thread(self.release.wait, 30)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        await self._pause("ehlo")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        await self._pause("mail")
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await self._pause("rcpt")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.pause_at == "data":
            await self._pause("data")
            return "451 4.3.0 The sender went away before the reply"  # nothing was kept
        answer = await super().handle_DATA(server, session, envelope)
        await self._pause("after_250")  # the message is kept; the reply follows the release
        return answer


@pytest.fixture
def pausing_smtp(settings):
    inbox = PausingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    inbox.release.set()
    controller.stop()


def fork_worker(vendor_id: int, message_id: int) -> int:
    """A child process that runs the send task once, on database connections of its own."""
    pid = os.fork()
    if pid:
        return pid
    try:
        # The parent's connections must not be closed from here (that would end its session):
        # keep them referenced and let Django open new ones.
        inherited = [c.connection for c in connections.all()]  # noqa: F841
        for c in connections.all():
            c.connection = None
        outbox.mailer.connection = None
        send_email(vendor_id, message_id)
    finally:
        os._exit(0)


def hold_row_lock(message_id: int):
    """Lock the outbox row from another session, so the worker's result commit has to wait."""
    lock = connections["default"].__class__(connections["default"].settings_dict, alias="lock")
    lock.connect()
    lock.set_autocommit(False)
    with lock.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM notifications_outboxmessage WHERE id = %s FOR UPDATE", [message_id]
        )
    return lock


def waiting_on_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid <> pg_backend_pid()")
        return any(row[0] == "Lock" for row in cursor.fetchall())


def test_worker_killed_at_each_point_of_the_smtp_conversation(pausing_smtp, settings):
    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 0  # the dead worker's claim is over at once
    inbox = pausing_smtp
    vendor = reolink()
    trials = [point for point in POINTS for _ in range(4)]  # 20 kills
    outcomes = []
    for point in trials:
        solution, _password = propose(vendor)
        with scopes_disabled():
            message = OutboxMessage.objects.get(
                kind="solution_confirmation", context__solution_id=solution.pk
            )
        inbox.pause_at, lock = point, None
        inbox.paused.clear()
        inbox.release.clear()
        pid = fork_worker(vendor.pk, message.pk)
        try:
            assert inbox.paused.wait(20), f"{point}: the worker never got there"
            if point == "after_250":
                lock = hold_row_lock(message.pk)
                inbox.release.set()  # the 250 goes out; the result's commit waits on our lock
                wait_for(waiting_on_lock, timeout=10, what="the result's commit")
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        finally:
            inbox.release.set()
            if lock is not None:
                lock.rollback()
                lock.close()
        inbox.pause_at = None

        with scopes_disabled():
            message.refresh_from_db()
            assert message.state == OutboxState.QUEUED, point  # not lost: still to be sent
            assert message.attempts == 1, point  # the killed attempt is counted
            # What beat and the next worker do: the sweep hands it over, a worker sends it.
            time.sleep(0.01)
            assert outbox.requeue_due() >= 1
            assert outbox.send_message(message.pk) == "sent"
            message.refresh_from_db()
        copies = [m for m in inbox.messages if m["Message-ID"] == message.message_id]
        outcomes.append((point, len(copies), message.attempts))

    for point, copies, attempts in outcomes:
        assert attempts == 2, outcomes
        expected = 2 if point == "after_250" else 1
        assert copies == expected, f"{point}: {copies} copies; all trials: {outcomes}"
    with scopes_disabled():
        assert not OutboxMessage.objects.exclude(state=OutboxState.SENT).exists()


class NthDataInbox(Inbox):
    """Holds the ``nth`` DATA of the session until ``release``; the sender never hears 250."""

    def __init__(self, nth: int) -> None:
        super().__init__()
        self.nth, self.seen = nth, 0
        self.paused = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == self.nth:
            self.paused.set()
            await asyncio.to_thread(self.release.wait, 30)
            return "451 4.3.0 The sender went away before the reply"
        return await super().handle_DATA(server, session, envelope)


def test_worker_killed_mid_batch_loses_nothing_and_repeats_only_what_the_server_took(
    settings, monkeypatch
):
    from notifications.outbox import OutgoingEmail, queue_emails
    from notifications.tasks import send_emails

    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 0
    monkeypatch.setattr(outbox, "publish", lambda task, *args: True)  # no broker needed here
    inbox = NthDataInbox(nth=2)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        vendor = reolink()
        context = {"access_url": "https://portal.example/a", "order_number": "SO-1"}
        batch = [
            OutgoingEmail("return_access", f"c{i}@example.com", context, f"kill:{i}")
            for i in range(3)
        ]
        ids = [m.pk for m in queue_emails(vendor=vendor, emails=batch)]
        pid = os.fork()
        if not pid:
            try:
                inherited = [c.connection for c in connections.all()]  # noqa: F841
                for c in connections.all():
                    c.connection = None
                outbox.mailer.connection = None
                send_emails(vendor.pk, ids)
            finally:
                os._exit(0)
        assert inbox.paused.wait(20), "the worker never reached the second message"
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        inbox.release.set()

        with scopes_disabled():
            claimed = list(OutboxMessage.objects.filter(pk__in=ids).order_by("pk"))
        # The server took the first message, but its result was never recorded: all three
        # wait, each attempt counted, for the sweep.
        assert [(m.state, m.attempts) for m in claimed] == [(OutboxState.QUEUED, 1)] * 3
        time.sleep(0.01)
        assert outbox.requeue_due() == 3
        with scope_of(vendor=vendor):
            assert set(outbox.send_batch(ids).values()) == {"sent"}
        with scopes_disabled():
            sent = list(OutboxMessage.objects.filter(pk__in=ids).order_by("pk"))
        assert all(m.state == OutboxState.SENT and m.attempts == 2 for m in sent)
        copies = [len([x for x in inbox.messages if x["Message-ID"] == m.message_id]) for m in sent]
        assert copies == [2, 1, 1]  # nothing lost; the one the server had taken, twice
    finally:
        inbox.release.set()
        controller.stop()
