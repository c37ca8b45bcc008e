"""Real collaborators for the outbox tests: an SMTP server (aiosmtpd), a Celery worker on Redis,
and an HTTP receiver for webhooks, all on 127.0.0.1."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    predicate: Callable[[], object], *, timeout: float = 60, what: str | Callable[[], str] = ""
) -> object:
    """Poll until ``predicate`` returns something truthy; fail with ``what`` (or what it returns
    at that moment) after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    if callable(what):
        what = what()
    raise AssertionError(f"Timed out after {timeout}s waiting for {what or predicate}")


class Inbox:
    """An SMTP handler that keeps what it accepts; it can refuse or hold messages on demand."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_next = 0
        self.hold: threading.Event | None = None
        self.held = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.hold is not None:
            hold = self.hold
            self.held.set()
            await asyncio.to_thread(hold.wait, 30)
            # The sender never heard "250": for SMTP the message was not accepted.
            return "451 4.3.0 Connection to the sender lost, message not accepted"
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@pytest.fixture
def smtp(settings):
    """A real SMTP server in this process; Django's SMTP backend sends to it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    inbox.port = controller.port
    yield inbox
    if inbox.hold is not None:
        inbox.hold.set()
    controller.stop()


def require_redis_broker() -> str:
    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail(
            "The outbox tests need Redis as the Celery broker: set REDIS_URL, e.g. "
            "REDIS_URL=redis://127.0.0.1:6379/11 (make test does)."
        )
    return broker


def forget_unacknowledged(app) -> None:
    """Drop tasks a killed worker left unacknowledged, so a later test never receives them."""
    client = redis.Redis.from_url(app.conf.broker_url)
    client.delete("unacked", "unacked_index", "unacked_mutex")
    app.control.purge()


@pytest.fixture
def celery_app():
    from portal.celery import app

    require_redis_broker()
    forget_unacknowledged(app)
    yield app
    forget_unacknowledged(app)


def running_worker(app):
    """Celery's own testing worker, in a thread of this process, consuming from Redis."""
    from celery.contrib.testing.worker import start_worker

    return start_worker(
        app,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=15,
        # The app remembers the queues an earlier worker consumed; name ours.
        queues=[app.conf.task_default_queue],
    )


@pytest.fixture
def celery_worker(celery_app, smtp):
    with running_worker(celery_app) as worker:
        yield worker


class Receiver:
    """A webhook receiver on loopback that checks signatures and can answer with failures."""

    def __init__(self, secret: str = "") -> None:
        self.secret = secret
        self.requests: list[dict] = []
        self.fail_next = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/rma?src=portal"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                from notifications.webhooks import verify

                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers.get("X-RMA-Timestamp", "")
                signature = self.headers.get("X-RMA-Signature", "")
                record = {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "verified": verify(receiver.secret, timestamp, body, signature),
                }
                receiver.requests.append(record)
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    status, answer = 503, b'{"error": "busy"}'
                elif not record["verified"]:
                    status, answer = 401, b'{"error": "bad signature"}'
                else:
                    status, answer = 200, json.dumps({"ok": True}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args) -> None:
                return

        return Handler


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
