"""Case passwords are random secrets: a keyed HMAC checked in constant time, not PBKDF2."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from rma.services.passwords import generate_password, hash_password, password_matches


def test_case_passwords_are_stored_as_a_keyed_hmac(settings):
    password = generate_password()
    stored = hash_password(password)
    assert stored.startswith("hmac_sha256$") and password not in stored
    assert password_matches(password.lower().replace("-", " "), stored)
    assert not password_matches(generate_password(), stored)
    settings.SECRET_KEY = "another-" * 8
    assert not password_matches(password, stored)  # a dump without the key tests nothing


def test_a_rotated_secret_key_keeps_issued_passwords_working(settings):
    password = generate_password()
    stored = hash_password(password)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "rotated-" * 8, [old]
    assert password_matches(password, stored)


def test_hashes_stored_before_the_change_are_still_accepted(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    password = generate_password()
    legacy = make_password(password.replace("-", ""))
    assert password_matches(password, legacy)
    assert not password_matches("ABCD-EFGH-JKMN-PQRS", legacy)


def test_garbage_in_the_stored_hash_or_the_input_is_a_no():
    assert not password_matches("ABCD", "")
    assert not password_matches("", hash_password("ABCD"))
    assert not password_matches("ABCD", "not-a-hash")
    assert not password_matches("AB\x00CD", hash_password("ABCD-EFGH"))
