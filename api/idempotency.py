"""Idempotency-Key handling for POSTs, scoped to the vendor.

The same key with the same body answers the first response again; the same key with another
body is refused (422); a key whose first request is still running is refused (409). Records
older than ``API_IDEMPOTENCY_TTL_HOURS`` no longer count, and ``purge_idempotency_records``
deletes them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from tenancy.models import Vendor

from .errors import Conflict, Replay, Unprocessable
from .models import IdempotencyRecord

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "API_IDEMPOTENCY_TTL_HOURS", 24))


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """The same request, even re-serialised with other whitespace or key order, hashes alike."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), canonical):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def read_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable() or not key.isascii():
        raise exceptions.ValidationError(
            {HEADER: [_("Use 1 to 255 printable ASCII characters, for example a UUID.")]}
        )
    return key


@dataclass
class Claim:
    """An in-flight record this request owns until it stores its response."""

    record: IdempotencyRecord
    finished: bool = False

    def finish(self, response: Any) -> None:
        if self.finished:
            return
        self.finished = True
        if response.status_code >= 500 or not isinstance(response, Response):
            self._delete()
            return
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.filter(pk=self.record.pk).update(
                    status=IdempotencyRecord.Status.DONE,
                    response_status=response.status_code,
                    response_body=json.dumps(response.data, cls=JSONEncoder),
                )
        except (DatabaseError, TypeError, ValueError):
            # The answer stands; only its replay is lost, so a retry runs the request again.
            logger.exception("Could not store the response for Idempotency-Key %r", self.record.key)
            self._delete()

    def release(self) -> None:
        """The request ended without a response (a crash): let the client retry the key."""
        if not self.finished:
            self.finished = True
            self._delete()

    def _delete(self) -> None:
        IdempotencyRecord.objects.filter(pk=self.record.pk).delete()


def claim(*, vendor: Vendor, key: str, fingerprint: str) -> Claim:
    """Own ``key`` for this request, or raise the earlier answer or the conflict."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    vendor=vendor, key=key, request_hash=fingerprint
                )
            return Claim(record)
        except IntegrityError:
            pass
        existing = IdempotencyRecord.objects.filter(vendor=vendor, key=key).first()
        if existing is None:
            continue  # released between our insert and our read: try again
        if existing.created_at < timezone.now() - ttl():
            IdempotencyRecord.objects.filter(pk=existing.pk).delete()
            continue
        if existing.request_hash != fingerprint:
            raise Unprocessable(
                _(
                    "This Idempotency-Key was used for a different request; use a new key "
                    "for a new request."
                ),
                code="idempotency_key_reused",
            )
        if existing.status == IdempotencyRecord.Status.IN_FLIGHT:
            raise Conflict(
                _("The first request with this Idempotency-Key is still running; retry shortly."),
                code="idempotency_in_flight",
            )
        raise Replay(existing.response_status or 200, json.loads(existing.response_body or "null"))
    raise Conflict(_("The Idempotency-Key is busy; retry shortly."), code="idempotency_in_flight")


def purge_idempotency_records(*, older_than: timedelta | None = None) -> int:
    """Delete expired records of every vendor; returns how many went."""
    from django_scopes import scopes_disabled

    cutoff = timezone.now() - (older_than or ttl())
    with scopes_disabled():
        deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
