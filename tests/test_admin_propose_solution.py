"""The propose-solution page cites the vendor's own rules, from its policy, beside each step."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from tests.factories import MembershipFactory
from tests.portal.factories import marketplace_vendor, order_with_line, reolink_vendor

pytestmark = pytest.mark.django_db


def _page(client, vendor) -> str:
    with scope(vendor=vendor):
        order = order_with_line(vendor)
    client.force_login(MembershipFactory(vendor=vendor, user__username=f"a-{vendor.slug}").user)
    response = client.get(reverse("admin:rma_order_propose_solution", args=[order.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_reo1_reolink_propose_page_cites_its_rules(client):
    html = _page(client, reolink_vendor())
    assert "“Warranty Service” button (REO-1)" in html
    assert "Owed by the customer (REO-8)." in html
    assert "The customer sends the item back (REO-7)." in html


def test_a_policy_without_solution_rules_cites_none(client):
    html = _page(client, marketplace_vendor())
    assert "“Warranty Service” button, and confirms" in html
    assert "The customer sends the item back.</div>" in html
