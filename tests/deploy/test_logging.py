"""JSON log lines carry the request id, also in the Celery task the request enqueued."""

from __future__ import annotations

import io
import json
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker

from portal.celery import app as celery_app
from portal.logging import JsonFormatter, RequestIdFilter

from .urls import TEST_QUEUE

pytestmark = pytest.mark.urls("tests.deploy.urls")


@pytest.fixture
def json_log():
    """The root logger's records as the production handler writes them, one dict a line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.fixture
def worker(transactional_db):
    """A real worker (in a thread of this process) consuming the tests' queue on Redis."""
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, queues=[TEST_QUEUE], loglevel="INFO"
    ) as running:
        yield running


def _wait_for(lines, predicate, seconds: float = 15) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [line for line in lines() if predicate(line)]
        if found:
            return found
        time.sleep(0.1)
    return []


def test_request_id_reaches_the_worker_through_the_message(worker, client, json_log):
    # `worker` comes first: starting it re-applies LOGGING, which replaces the root's handlers.
    response = client.get("/log-probe/enqueue/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32

    web_lines = [line for line in json_log() if line.get("message") == "enqueueing"]
    assert web_lines and web_lines[0]["request_id"] == request_id

    task_lines = _wait_for(json_log, lambda line: line.get("message") == "task ran")
    assert task_lines, json_log()
    assert task_lines[0]["request_id"] == request_id
    assert task_lines[0]["task_name"] == "tests.deploy.log_request_id"
    assert task_lines[0]["task_id"]
    assert task_lines[0]["logger"] == "portal.tests.deploy"


def test_a_load_balancer_request_id_is_kept_and_a_forged_one_replaced(client, json_log, db):
    kept = client.get("/staff-probe/", headers={"X-Request-ID": "lb-0123456789abcdef"})
    assert kept["X-Request-ID"] == "lb-0123456789abcdef"
    forged = client.get("/staff-probe/", headers={"X-Request-ID": 'x" , "level": "ERROR'})
    assert forged["X-Request-ID"] != 'x" , "level": "ERROR'
    assert len(forged["X-Request-ID"]) == 32


def test_eager_task_keeps_the_request_id(client, json_log, db):
    response = client.get("/log-probe/eager/")
    assert response.content.decode() == response["X-Request-ID"]
    task_lines = [line for line in json_log() if line.get("message") == "task ran"]
    assert task_lines[0]["request_id"] == response["X-Request-ID"]


def test_log_lines_are_json_with_exceptions_and_without_objects(json_log):
    logger = logging.getLogger("portal.tests.deploy")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed", extra={"vendor_slug": "vendor-a", "request": object()})
    (line,) = [entry for entry in json_log() if entry.get("message") == "failed"]
    assert line["level"] == "ERROR"
    assert line["exc_type"] == "ValueError"
    assert "boom" in line["traceback"]
    assert line["vendor_slug"] == "vendor-a"
    assert "request" not in line
    assert line["request_id"] is None
