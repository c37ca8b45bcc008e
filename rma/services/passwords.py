"""Solution passwords: generated with ``secrets``, shown once, stored only as a salted hash."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password

# Generated where the rule lives, once; this module only hashes and checks.
from policies.base import generate_solution_password as generate_password

__all__ = ["generate_password", "hash_password", "normalise", "password_matches"]


def normalise(password: str) -> str:
    """Accept what people paste: spaces, lower case, missing or extra dashes."""
    return "".join(ch for ch in password.upper() if ch.isalnum())


def hash_password(password: str) -> str:
    return make_password(normalise(password))


def password_matches(password: str, password_hash: str) -> bool:
    if not password_hash:
        return False
    return check_password(normalise(password), password_hash)
