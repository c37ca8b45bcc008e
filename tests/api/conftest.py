"""API personas: a key of vendor A, a second key of A, and a key of the outsider vendor B."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories import VendorFactory

# The real collaborators of the end-to-end test: an SMTP server, a Celery worker on Redis and a
# webhook receiver, all on 127.0.0.1 (shared with the notifications tests).
from tests.notifications.conftest import (  # noqa: F401
    celery_app,
    celery_worker,
    receiver,
    smtp,
)

from .factories import client_with, key_for


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000
    settings.PUBLIC_BASE_URL = "https://portal.example.com"


@pytest.fixture
def reolink(db):
    """A vendor whose policy works with warranty solutions (REO)."""
    return VendorFactory(slug="reolink-a", name="Reolink A", policy_key="reolink")


@pytest.fixture
def key_a(vendor_a):
    return key_for(vendor_a)


@pytest.fixture
def api_a(key_a):
    return client_with(key_a[1])


@pytest.fixture
def api_b(vendor_b):
    return client_with(key_for(vendor_b, "Outsider's shop")[1])


@pytest.fixture
def api_r(reolink):
    return client_with(key_for(reolink)[1])


@pytest.fixture
def clear_cache():
    cache.clear()
    yield
    cache.clear()
