"""One JSON shape for every error the API answers, and the exceptions only the API raises.

``{"error": {"code", "message", "fields"?, "findings"?}}``: ``code`` is stable for programs,
``message`` says what to fix, ``fields`` maps an input path (``lines.0.sku``) to its problems,
and ``findings`` lists the vendor policy's rule checks (``rule_id``, ``ok``, ``message``).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from rma.services import DomainError, IllegalTransition

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"
    default_detail = "The request cannot be processed."


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "The request body is too large; send at most 2.5 MB of JSON."


class Replay(Exception):
    """Not an error: the stored answer to an earlier request with the same Idempotency-Key."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__("idempotent replay")
        self.status_code = status_code
        self.body = body


_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **{k: v for k, v in extra.items() if v}}}


def flatten_fields(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as ``{"lines.0.sku": ["..."]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            flat.update(flatten_fields(value, f"{path}.{name}" if path and name else path or name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {path or "non_field_errors": [str(item) for item in detail]} if detail else {}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_fields(item, f"{path}.{index}" if path else str(index)))
        return flat
    return {path or "non_field_errors": [str(detail)]}


def _validation_message(fields: dict[str, list[str]]) -> str:
    parts = [f"{name}: {' '.join(problems)}" for name, problems in fields.items()]
    return _("Some fields are not valid; fix them and send again. ") + " ".join(parts)


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """The API's exception handler: every answer other than success has the error shape."""
    if isinstance(exc, Replay):
        return Response(exc.body, status=exc.status_code, headers={"Idempotent-Replayed": "true"})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        # A model's full_clean inside a service: the same 400 as a serializer's.
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)

    if isinstance(exc, DomainError):
        set_rollback()
        http_status = 409 if isinstance(exc, IllegalTransition) else 422
        return Response(
            error_body(exc.code, exc.message, findings=_findings(exc.findings)),
            status=http_status,
        )

    if isinstance(exc, exceptions.APIException):
        headers: dict[str, str] = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled):
            headers["Retry-After"] = str(max(1, int(exc.wait or 1)))
        set_rollback()
        if isinstance(exc, exceptions.ValidationError):
            fields = flatten_fields(exc.detail)
            body = error_body("invalid", _validation_message(fields), fields=fields)
        else:
            code = _code_for(exc)
            message = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc)
            body = error_body(code, message)
        return Response(body, status=exc.status_code, headers=headers)

    logger.exception("Unhandled error in the vendor API", exc_info=exc)
    return Response(
        error_body("server_error", _("Something went wrong on our side; please retry later.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _code_for(exc: exceptions.APIException) -> str:
    for cls in type(exc).__mro__:
        if cls in _CODES:
            return _CODES[cls]
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _findings(findings: list[dict]) -> list[dict[str, Any]]:
    out = []
    for f in findings:
        row = {
            "rule_id": f.get("rule_id", ""),
            "ok": bool(f.get("ok")),
            "message": f.get("message", ""),
        }
        if f.get("text"):
            row["text"] = f["text"]  # the sentence as data (template id and parameters)
        out.append(row)
    return out
