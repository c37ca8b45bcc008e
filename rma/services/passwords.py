"""Solution passwords: generated with ``secrets``, shown once, stored only as a salted hash."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import check_password, make_password

# No 0/O, 1/I/L: customers copy these from an email, sometimes by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 4, 4  # 16 symbols of 31: about 79 bits of entropy


def generate_password() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(symbols[i : i + GROUP_LENGTH] for i in range(0, len(symbols), GROUP_LENGTH))


def normalise(password: str) -> str:
    """Accept what people paste: spaces, lower case, missing or extra dashes."""
    return "".join(ch for ch in password.upper() if ch.isalnum())


def hash_password(password: str) -> str:
    return make_password(normalise(password))


def password_matches(password: str, password_hash: str) -> bool:
    if not password_hash:
        return False
    return check_password(normalise(password), password_hash)
