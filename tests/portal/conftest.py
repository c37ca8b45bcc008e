"""Fixtures for the customer portal tests: vendors of each policy, and isolated rate limits."""

from __future__ import annotations

import uuid

import pytest
from django_scopes import scope

from .factories import aqara_vendor, marketplace_vendor, propose_solution, reolink_vendor


@pytest.fixture(autouse=True)
def _own_throttle_namespace(settings):
    # Rate-limit counters live in the shared cache; each test counts in its own namespace.
    settings.PORTAL_THROTTLE_NAMESPACE = f"portal-test-{uuid.uuid4().hex}"


@pytest.fixture
def reolink(db):
    return reolink_vendor()


@pytest.fixture
def market(db):
    return marketplace_vendor()


@pytest.fixture
def aqara(db):
    return aqara_vendor()


@pytest.fixture
def reolink_solution(reolink):
    """A pending solution that needs a return (REO-7) and a make-up payment (REO-8)."""
    from decimal import Decimal

    with scope(vendor=reolink):
        solution, password = propose_solution(reolink, makeup_amount=Decimal("15.00"))
    return solution, password
