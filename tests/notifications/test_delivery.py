"""Delivery with a real Celery worker on Redis and a real SMTP server: the REO-1 email arrives
with a password that logs in, nothing is lost when the broker or a worker fails, nothing is
sent twice."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from notifications import outbox
from notifications.models import OutboxMessage, OutboxState
from notifications.tasks import send_email

from .conftest import free_port, running_worker, wait_for
from .factories import propose, reolink

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = re.compile(r">>>\s+(\S+)\s+<<<")


def messages(**filters) -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(**filters).order_by("id"))


def password_in(message) -> str:
    return PASSWORD.search(message.get_body(("plain",)).get_content()).group(1)


def test_reo1_email_arrives_by_smtp_and_its_password_logs_in(celery_worker, smtp, client):
    vendor = reolink()
    solution, _ = propose(vendor)

    [mail] = wait_for(lambda: smtp.messages, what="the REO-1 email")
    assert mail["Subject"] == (
        "Action Required: Please confirm your warranty solution for Reolink products"
    )
    assert mail.get_body(("html",)) is not None
    password = password_in(mail)

    login = reverse(
        "portal:solution_login",
        kwargs={"vendor_slug": vendor.slug, "public_id": solution.public_id},
    )
    assert login in mail.get_body(("plain",)).get_content()
    response = client.post(login, {"password": password})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/solutions/{solution.public_id}/content/")
    assert client.get(response["Location"]).status_code == 200

    [message] = wait_for(lambda: messages(state=OutboxState.SENT), what="the row marked sent")
    assert message.attempts == 1 and message.sealed == "" and message.sent_at
    assert mail["Message-ID"] == message.message_id


def test_smtp_failures_are_retried_with_backoff_then_sent_once(celery_worker, smtp, settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 0
    smtp.refuse_next = 2
    propose(reolink())

    def attempted(n: int):
        rows = messages(attempts=n, sending_since__isnull=True)  # the result is recorded
        return rows if rows and rows[0].state == OutboxState.QUEUED else None

    [first] = wait_for(lambda: attempted(1), what="the first refused attempt")
    assert "451" in first.last_error
    assert first.next_attempt_at - first.last_attempt_at == timedelta(seconds=1)
    time.sleep(max(0.0, (first.next_attempt_at - timezone.now()).total_seconds()) + 0.05)
    outbox.requeue_due()  # what beat runs every OUTBOX_SWEEP_SECONDS
    [second] = wait_for(lambda: attempted(2), what="the second refused attempt")
    assert second.next_attempt_at - second.last_attempt_at == timedelta(seconds=2)  # doubled
    time.sleep(max(0.0, (second.next_attempt_at - timezone.now()).total_seconds()) + 0.05)
    outbox.requeue_due()
    wait_for(lambda: smtp.messages, what="the email after two refusals")
    [sent] = wait_for(lambda: messages(state=OutboxState.SENT), what="the row marked sent")
    assert sent.attempts == 3 and sent.last_error == ""
    outbox.requeue_due()
    time.sleep(0.3)
    assert len(smtp.messages) == 1


def test_permanent_refusal_fails_at_once_and_shows_the_error(celery_worker, smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    smtp.refuse_next = 1
    propose(reolink())
    [failed] = wait_for(lambda: messages(state=OutboxState.FAILED), what="the failed row")
    assert "Gave up after 1 attempts" in failed.last_error and "451" in failed.last_error
    assert failed.sealed == ""  # the password does not wait around in a dead message


def _worker_env(smtp_port: int) -> dict[str, str]:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return {
        **os.environ,
        # The test's own settings: the worker checks passwords hashed with the suite's hasher.
        "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "REDIS_URL": django_settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "30",
    }


def test_worker_killed_mid_send_delivers_exactly_once(celery_app, smtp, settings):
    smtp.hold = hold = threading.Event()
    crashing = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo",
         "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel", "WARNING", "--hostname", f"crashing-{os.getpid()}@%h"],
        cwd=Path(django_settings.BASE_DIR),
        env=_worker_env(smtp.port),
    )  # fmt: skip
    try:
        propose(reolink())
        assert smtp.held.wait(60), "the worker never reached the SMTP server"
        crashing.send_signal(signal.SIGKILL)  # mid-send: the server has not said 250 yet
        crashing.wait(10)
    finally:
        if crashing.poll() is None:
            crashing.kill()
    smtp.hold = None
    hold.set()

    [message] = messages()
    # The attempt was counted before the conversation began; the row waits for the sweep.
    assert message.state == OutboxState.QUEUED and message.attempts == 1
    assert message.sending_since is not None
    assert smtp.messages == []

    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 0
    with running_worker(celery_app):
        assert outbox.requeue_due() == 1
        wait_for(lambda: smtp.messages, what="the email after the restart")
        # The broker redelivers the dead worker's unacknowledged task sooner or later.
        send_email.delay(message.vendor_id, message.pk)
        # A second email queued behind it proves the redelivered task has been worked off.
        propose(reolink(slug="marker", name="Marker"))
        wait_for(lambda: len(smtp.messages) == 2, what="the marker email")
    first, marker = smtp.messages
    assert "Reolink" in first["Subject"] and "Marker" in marker["Subject"]
    [sent, _] = messages()
    assert sent.state == OutboxState.SENT and sent.attempts == 2


@contextmanager
def broker_at(app, url: str):
    """Point the app's publishers at ``url`` for a while, then back."""

    def reset() -> None:
        # Connections are pooled per URL in kombu's registry and cached on the app.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    original = app.conf.broker_url
    reset()
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset()
        app.conf.broker_url = original


def test_broker_down_at_commit_the_message_goes_out_when_it_returns(celery_app, smtp, settings):
    with broker_at(celery_app, f"redis://127.0.0.1:{free_port()}/11"):
        propose(reolink())  # commits while nothing listens on the broker's port
    [message] = messages()
    assert message.state == OutboxState.QUEUED and message.enqueued_at is None
    assert redis.Redis.from_url(django_settings.CELERY_BROKER_URL).llen("celery") == 0

    with running_worker(celery_app):
        assert outbox.requeue_due() == 1  # beat, once the broker answers again
        wait_for(lambda: smtp.messages, what="the email after the broker came back")
    [sent] = messages()
    assert sent.state == OutboxState.SENT and len(smtp.messages) == 1
