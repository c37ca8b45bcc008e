"""Structured logs: one JSON object a line, with a request id carried from the web into Celery.

The id comes from the load balancer's ``X-Request-ID`` header when it is well formed, or is made
here; it is echoed on the response, stored in a context variable (safe with threads and async),
copied into every task message the request enqueues, and restored around the task in the worker.
A ~60-line formatter is kept here rather than a dependency because the fields are fixed and
few, and because the access-log records of gunicorn need special handling anyway.

Importing this module connects the Celery signal handlers; the LOGGING setting imports it in
every process (web, worker, beat), so no other module has to remember to.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# The Celery message header that carries the id from the web process into the worker.
TASK_HEADER = "portal_request_id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
_task_var: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "celery_task", default=None
)
_task_tokens: dict[str, tuple[contextvars.Token, contextvars.Token]] = {}


def current_request_id() -> str | None:
    """The id of the request (or of the request that enqueued the task) being handled."""
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives every request an id, logs carry it, and the response tells it to the client."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        # A client-chosen id is kept only when it looks like one, so logs cannot be forged.
        request_id = incoming if _VALID_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id``, ``task_id`` and ``task_name`` on every record (None outside)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        task = _task_var.get()
        record.task_id, record.task_name = task if task else (None, None)
        return True


_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    "task_name",
}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, ids, simple extras, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
        if not entry.get("request_id"):
            entry["request_id"] = getattr(record, "request_id", None) or request_id_var.get()
        if getattr(record, "task_id", None):
            entry["task_id"] = record.task_id
            entry["task_name"] = record.task_name
        for key, value in vars(record).items():
            # Only plain values: objects such as a request could carry cookies or tokens.
            if key not in _STANDARD_ATTRS and isinstance(value, str | int | float | bool):
                entry.setdefault(key, value)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["traceback"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


def _access_fields(atoms: dict[str, Any]) -> dict[str, Any]:
    """gunicorn's access-log atoms as named fields; the query string is left out on purpose."""
    status = atoms.get("s")
    return {
        "message": f"{atoms.get('m')} {atoms.get('U')} {status}",
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": int(status) if str(status).isdigit() else status,
        "bytes": atoms.get("B"),
        "duration_ms": round(int(atoms.get("D") or 0) / 1000, 1),
        "remote_addr": atoms.get("{x-forwarded-for}i") or atoms.get("h"),
        "user_agent": atoms.get("a"),
        "request_id": atoms.get("{x-request-id}o") or None,
    }


@before_task_publish.connect(dispatch_uid="portal.logging.request_id_into_message")
def _request_id_into_message(headers: dict | None = None, **kwargs: Any) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


@task_prerun.connect(dispatch_uid="portal.logging.request_id_into_task")
def _request_id_into_task(task_id: str, task: Any, **kwargs: Any) -> None:
    # Eager tasks run inside the request and already see its id; in a worker it comes from the
    # message header, and a task started by beat gets one of its own.
    request_id = (
        getattr(task.request, TASK_HEADER, None) or request_id_var.get() or new_request_id()
    )
    _task_tokens[task_id] = (
        request_id_var.set(request_id),
        _task_var.set((task_id, task.name)),
    )


@task_postrun.connect(dispatch_uid="portal.logging.request_id_out_of_task")
def _request_id_out_of_task(task_id: str, **kwargs: Any) -> None:
    tokens = _task_tokens.pop(task_id, None)
    if tokens is not None:
        request_token, task_token = tokens
        _task_var.reset(task_token)
        request_id_var.reset(request_token)
