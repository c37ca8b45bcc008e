"""Case graphs for vendors A and B, each with a customer who can be written to."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from tests.factories import make_case_graph


@pytest.fixture
def graphs(vendor_a, vendor_b):
    with scopes_disabled():
        return {"a": make_case_graph(vendor_a), "b": make_case_graph(vendor_b)}
