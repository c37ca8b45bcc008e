"""Encrypts the few secrets an email carries (a password) while the message waits in the outbox.

The key is derived from SECRET_KEY (and its fallbacks, so a key rotation does not strand
queued messages); a database dump alone never shows a customer's password in clear.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SealBroken(Exception):
    """The sealed payload cannot be opened (SECRET_KEY changed without a fallback)."""


def _fernet_for(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"rma-portal.notifications",
        info=b"outbox-sealed-secrets",
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(k) for k in keys])


def seal(secrets: Mapping[str, str]) -> str:
    """An encrypted, authenticated token holding ``secrets``; empty for none."""
    if not secrets:
        return ""
    return _fernet().encrypt(json.dumps(dict(secrets)).encode()).decode()


def unseal(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise SealBroken(
            "The message's secret cannot be decrypted; SECRET_KEY changed without keeping the "
            "old key in SECRET_KEY_FALLBACKS. Re-issue the password instead."
        ) from exc
