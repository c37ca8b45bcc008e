"""Issuing, checking and revoking API keys.

A key reads ``rma_<prefix>_<secret>``: the prefix finds the row, the secret is 256 random bits.
Only a SHA-256 of the whole key is stored. A fast hash is enough here because the key is
high-entropy random data, which no guessing attack can enumerate; slow, salted hashes exist to
protect low-entropy human passwords, and would cost every API request tens of milliseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from tenancy.models import Vendor

from .models import ApiKey

KEY_PREFIX = "rma_"
# Writing last_used_at on every request would make each read a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _parse(raw_key: str) -> tuple[str, str] | None:
    if not raw_key.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = raw_key[len(KEY_PREFIX) :].partition("_")
    if not sep or not prefix or not secret:
        return None
    return prefix, secret


def issue_key(api_key: ApiKey) -> str:
    """Give an unsaved key its prefix and hash; returns the full key, which is never stored."""
    if api_key.pk is not None:
        raise ValueError("A saved key keeps its secret; create a new key instead.")
    api_key.prefix = secrets.token_hex(6)
    raw_key = f"{KEY_PREFIX}{api_key.prefix}_{secrets.token_urlsafe(32)}"
    api_key.key_hash = hash_key(raw_key)
    return raw_key


@transaction.atomic
def api_key_create(*, vendor: Vendor, name: str, created_by=None) -> tuple[ApiKey, str]:
    """A new key for ``vendor``; returns the row and the full key, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValueError("Give the key a name that says which integration uses it.")
    api_key = ApiKey(vendor=vendor, name=name[:100], created_by=created_by)
    raw_key = issue_key(api_key)
    api_key.save()
    return api_key, raw_key


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Stop a key from working at once; the row stays for the audit of what it did."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=api_key.revoked_at
        )
    return api_key


def api_key_check(raw_key: str) -> ApiKey | None:
    """The active key that ``raw_key`` is, or None; records when it was last used."""
    if not raw_key.isprintable():  # a NUL byte cannot even reach a database query
        return None
    parsed = _parse(raw_key.strip())
    if parsed is None:
        return None
    prefix, _secret = parsed
    # The key itself names the vendor, so this one lookup runs before any vendor scope exists.
    with scopes_disabled():
        try:  # the prefix is unique: no ORDER BY to compile and plan
            api_key = ApiKey.objects.select_related("vendor").get(prefix=prefix)
        except ApiKey.DoesNotExist:
            return None
        if api_key.revoked_at is not None:
            return None
        if not hmac.compare_digest(api_key.key_hash, hash_key(raw_key.strip())):
            return None
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
            api_key.last_used_at = now
    return api_key
