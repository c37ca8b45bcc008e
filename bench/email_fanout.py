"""2,000 emails through the outbox, Celery and Redis to a local SMTP sink, against a raw smtplib
loop sending the same rendered message 2,000 times on one connection.

Builds its own database (rma_bench_email), starts a real worker (``celery worker``, prefork,
``CELERY_WORKER_CONCURRENCY`` or 2 x CPUs processes) on Redis DB 4 (``BENCH_REDIS_URL``), an
aiosmtpd sink in this process, records the 2,000 messages in one transaction (``queue_emails``,
as a sweep records its batch) and times from the start of that transaction to the sink's
2,000th message. The outbox sends in batches of ``OUTBOX_BATCH_SIZE`` over each worker
process's one SMTP connection. The raw loop runs before and after (interleaved);
the ratio is raw time / our time, goal >= 0.5.
"""

from __future__ import annotations

import os
import smtplib
import subprocess
import sys
import threading
import time

from bench._bench_env import (
    REPO,
    bench_db,
    drop_database,
    free_port,
    portal_env,
    recreate_database,
    setup_django,
)

DB = bench_db("email")
EMAILS = int(os.environ.get("BENCH_EMAILS", "2000"))


class Sink:
    """Counts what it accepts; keeps nothing."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.count += 1
        return "250 2.0.0 OK"


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise SystemExit(f"timed out waiting for {what}")


def raw_loop(port: int, message: bytes, sink: Sink) -> float:
    start_count = sink.count
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(EMAILS):
            smtp.sendmail("bench@vendor.example", [f"c{i}@bench.example"], message)
    wait_until(lambda: sink.count - start_count >= EMAILS, 60, "the raw loop's messages")
    return time.perf_counter() - began


def main() -> None:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    concurrency = os.environ.get("CELERY_WORKER_CONCURRENCY") or str(2 * (os.cpu_count() or 1))
    batch = os.environ.get("OUTBOX_BATCH_SIZE", "100")  # the project's default
    env = portal_env(
        DB,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"),
        OUTBOX_BATCH_SIZE=batch,
    )
    recreate_database(DB)
    worker = None
    try:
        setup_django(env)
        from django.core.management import call_command
        from django.db import transaction
        from django.utils import timezone
        from django_scopes import scope, scopes_disabled

        from notifications.emails import build_email
        from notifications.models import OutboxMessage, OutboxState
        from notifications.outbox import OutgoingEmail, queue_email, queue_emails
        from portal.celery import app
        from rma import services
        from rma.emails import _solution_context
        from rma.services import Actor
        from rma.services.solutions import ProposedLine
        from tests.factories import OrderLineFactory, VendorFactory

        call_command("migrate", verbosity=0)
        app.control.purge()
        vendor = VendorFactory(slug="bench", name="Bench", policy_key="reolink")
        with scope(vendor=vendor):
            line = OrderLineFactory(order__vendor=vendor, vendor=vendor)
            solution, _password = services.solution_create(
                order=line.order,
                kind="replacement",
                lines=[ProposedLine(line, line.sku, line.name, 1)],
                actor=Actor.system("bench"),
                notify=False,
            )
            context = {**_solution_context(solution), "sent_at": timezone.now()}
            sample = queue_email(
                vendor=vendor, kind="solution_reminder", to="sample@bench.example",
                context=context, key="bench:sample",
            )  # fmt: skip
            sample = OutboxMessage.objects.select_related("vendor").get(pk=sample.pk)
            rendered = build_email(sample, {}).message().as_bytes(linesep="\r\n")
            OutboxMessage.objects.filter(pk=sample.pk).delete()

        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "prefork",
             "--concurrency", concurrency, "--without-heartbeat", "--without-gossip",
             "--without-mingle", "--loglevel", "WARNING", "--hostname", f"bench-{os.getpid()}@%h"],
            cwd=REPO,
            env=env,
        )  # fmt: skip
        wait_until(lambda: app.control.ping(timeout=0.5), 60, "the worker")

        raw_before = raw_loop(smtp_port, rendered, sink)
        start_count = sink.count
        began = time.perf_counter()
        with scope(vendor=vendor), transaction.atomic():
            # As a sweep records its batch's emails: one SELECT and one INSERT for all of them.
            queue_emails(
                vendor=vendor,
                emails=[
                    OutgoingEmail("solution_reminder", f"c{i}@bench.example", context, f"bench:{i}")
                    for i in range(EMAILS)
                ],
            )
            recorded = time.perf_counter() - began
        wait_until(lambda: sink.count - start_count >= EMAILS, 600, "the outbox's messages")
        ours = time.perf_counter() - began
        raw_after = raw_loop(smtp_port, rendered, sink)
        with scopes_disabled():
            sent = OutboxMessage.objects.filter(state=OutboxState.SENT).count()

        raw = (raw_before + raw_after) / 2
        ratio = raw / ours
        print(
            f"email_fanout_{EMAILS}: ours {EMAILS / ours:.0f} msg/s ({ours:.1f} s, {sent} rows "
            f"sent, {recorded:.1f} s of it recording them, worker concurrency {concurrency}, "
            f"batches of {batch}), raw smtplib one connection "
            f"{EMAILS / raw:.0f} msg/s; ratio {ratio:.2f} (goal: >= 0.5) "
            f"{'MET' if ratio >= 0.5 else 'NOT MET'}"
        )
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        controller.stop()
        from django.db import connections

        connections.close_all()
        drop_database(DB)


if __name__ == "__main__":
    main()
