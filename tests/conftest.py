"""Shared fixtures: three personas (an agent of vendor A, a colleague in A, an outsider of B)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import override_settings
from django.utils import translation
from django_scopes import scope, scopes_disabled

from tenancy.models import Membership

from .factories import MembershipFactory, UserFactory, VendorFactory
from .policies.vendors.brightline import register_for_tests

# The test-only fourth vendor is registered for the whole suite, as a real one would be in
# policies/registry.py, so every generic page, service, email and walk also meets it.
register_for_tests()


@pytest.fixture(scope="session")
def django_db_keepdb(request, django_db_modify_db_settings, django_db_blocker):
    """Each worker's test database is a copy of a migrated template (tests/db_template.py):
    pytest-django then keeps what is there instead of migrating, and the copy is dropped at
    the end. ``--reuse-db`` and ``--create-db`` keep their usual meaning."""
    if request.config.getvalue("reuse_db"):
        yield True
        return
    if request.config.getvalue("create_db") or request.config.getvalue("nomigrations"):
        yield False
        return
    from .db_template import clone_test_database, drop_test_database

    with django_db_blocker.unblock():
        cloned = clone_test_database()
    yield cloned is not None
    if cloned is not None:
        with django_db_blocker.unblock():
            drop_test_database(cloned)


@pytest.fixture(scope="session", autouse=True)
def _require_postgresql(django_db_setup, django_db_blocker):
    """The suite runs against the real PostgreSQL; SQLite would hide locking and constraints."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.exit(
                "The tests need PostgreSQL: run `make test`, or set "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/rma_portal.",
                returncode=2,
            )


@pytest.fixture
def vendor_a(db):
    return VendorFactory(slug="vendor-a", name="Vendor A", policy_key="marketplace")


@pytest.fixture
def vendor_b(db):
    return VendorFactory(slug="vendor-b", name="Vendor B", policy_key="aqara")


@pytest.fixture
def agent_a(vendor_a):
    return MembershipFactory(vendor=vendor_a, user__username="alice").user


@pytest.fixture
def colleague_a(vendor_a):
    return MembershipFactory(
        vendor=vendor_a, user__username="bob", role=Membership.Role.MANAGER
    ).user


@pytest.fixture
def outsider_b(vendor_b):
    return MembershipFactory(vendor=vendor_b, user__username="charlie").user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def in_vendor_a(vendor_a):
    with scope(vendor=vendor_a):
        yield vendor_a


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _private_media(tmp_path):
    """Uploaded files go to a temporary folder, never to var/."""
    storages = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    with override_settings(STORAGES=storages):
        yield


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A German or French page request leaves its language active in the test's thread; the
    next test starts in English again."""
    yield
    translation.activate("en")
