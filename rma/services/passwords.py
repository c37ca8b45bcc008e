"""Case passwords (solutions, self-service links): generated with ``secrets``, shown once,
stored only as a keyed hash.

These are random secrets of about 79 bits, not passwords people choose, so a slow hash buys
nothing: guessing one is out of reach however fast each check is. They are stored as
HMAC-SHA256 keyed from SECRET_KEY (a database dump alone cannot test guesses) and compared in
constant time; a check costs microseconds, so logins and the worker sending a solution's email
never pay PBKDF2.
Staff passwords keep Django's slow hasher (settings.PASSWORD_HASHERS).

Hashes stored by Django's hashers before this change (``pbkdf2_sha256$...``) are still
accepted; they are replaced whenever a password is re-issued.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher

# Generated where the rule lives, once; this module only hashes and checks.
from policies.base import generate_solution_password as generate_password

PREFIX = "hmac_sha256$"
_CONTEXT = b"rma-portal.case-password"

__all__ = ["generate_password", "hash_password", "normalise", "password_matches"]


def normalise(password: str) -> str:
    """Accept what people paste: spaces, lower case, missing or extra dashes."""
    return "".join(ch for ch in password.upper() if ch.isalnum())


def _digest(password: str, secret_key: str) -> str:
    key = hmac.new(secret_key.encode(), _CONTEXT, hashlib.sha256).digest()
    return hmac.new(key, normalise(password).encode(), hashlib.sha256).hexdigest()


def hash_password(password: str) -> str:
    return PREFIX + _digest(password, settings.SECRET_KEY)


def password_matches(password: str, password_hash: str) -> bool:
    if not password_hash or not password:
        return False
    if password_hash.startswith(PREFIX):
        stored = password_hash[len(PREFIX) :].encode()
        keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        # Every key is tried, so the time taken does not tell which one matched.
        results = [hmac.compare_digest(_digest(password, key).encode(), stored) for key in keys]
        return any(results)
    try:
        identify_hasher(password_hash)
    except ValueError:
        return False
    return check_password(normalise(password), password_hash)
