"""Order cancellation and address change (AQA-1..AQA-3): the window shown, the policy decides."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from rma.models import OrderChangeRequest
from rma.services import Actor, DomainError, order_change_request, order_change_resolve
from rma.services.access import return_access_request

from .factories import order_with_line
from .helpers import url


def signed_in(client, vendor, order):
    with scope(vendor=vendor):
        access, password = return_access_request(
            vendor=vendor, order_number=order.number, email=order.customer.email
        )
    client.post(url("access_login", vendor, access.token), {"password": password})


def fresh_order(vendor, *, placed_hours_ago: float, shipped_days_ago: float | None = None):
    now = timezone.now()
    placed = now - timedelta(hours=placed_hours_ago)
    shipped = now - timedelta(days=shipped_days_ago) if shipped_days_ago is not None else None
    with scope(vendor=vendor):
        return order_with_line(vendor, placed_at=placed, shipped_at=shipped, delivered_at=None)


def test_aqa1_cancellation_within_12_hours_shows_the_window(client, aqara):
    order = fresh_order(aqara, placed_hours_ago=2)
    signed_in(client, aqara, order)
    page = client.get(url("order_change", aqara, "cancellation"))
    assert page.status_code == 200
    assert "AQA-1" in page.text and "12 hours" in page.text
    response = client.post(url("order_change", aqara, "cancellation"), {"reason": "Ordered twice"})
    assert response.status_code == 302
    with scopes_disabled():
        change = OrderChangeRequest.objects.get(order=order)
    assert (change.kind, change.status, change.best_effort) == ("cancellation", "requested", False)
    assert change.reason == "Ordered twice"
    assert {d["name"] for d in change.decision["deadlines"]} >= {"cancel_until"}
    overview = client.get(url("order_overview", aqara)).text
    assert "Cancel the order" in overview and "Requested" in overview


def test_aqa1_after_12_hours_is_best_effort(client, aqara):
    order = fresh_order(aqara, placed_hours_ago=20)
    signed_in(client, aqara, order)
    page = client.get(url("order_change", aqara, "cancellation"))
    assert "cannot promise it" in page.text
    client.post(url("order_change", aqara, "cancellation"), {})
    with scopes_disabled():
        assert OrderChangeRequest.objects.get(order=order).best_effort is True


def test_aqa3_no_change_more_than_30_days_after_shipping(client, aqara):
    order = fresh_order(aqara, placed_hours_ago=24 * 40, shipped_days_ago=35)
    signed_in(client, aqara, order)
    page = client.get(url("order_change", aqara, "cancellation"))
    assert "AQA-3" in page.text
    assert 'name="reason"' not in page.text  # nothing to send
    response = client.post(url("order_change", aqara, "cancellation"), {})
    assert response.status_code == 409
    assert "AQA-3" in response.text
    with scopes_disabled():
        assert not OrderChangeRequest.objects.exists()


def test_aqa1_address_change_records_the_new_address(client, aqara):
    order = fresh_order(aqara, placed_hours_ago=1)
    signed_in(client, aqara, order)
    response = client.post(
        url("order_change", aqara, "address_change"),
        {
            "ship_name": "Jo Doe",
            "ship_line1": "Kastanienallee 3",
            "ship_postal_code": "10435",
            "ship_city": "Berlin",
            "ship_country": "AT",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        change = OrderChangeRequest.objects.get(order=order)
    assert (change.ship_line1, str(change.ship_country)) == ("Kastanienallee 3", "AT")
    assert any(f["rule_id"] == "AQA-8" for f in change.decision["findings"])


def test_address_change_needs_the_address(client, aqara):
    order = fresh_order(aqara, placed_hours_ago=1)
    signed_in(client, aqara, order)
    response = client.post(url("order_change", aqara, "address_change"), {"ship_city": "Berlin"})
    assert response.status_code == 400
    with scopes_disabled():
        assert not OrderChangeRequest.objects.exists()


def test_a_second_open_request_is_refused(client, aqara):
    order = fresh_order(aqara, placed_hours_ago=1)
    signed_in(client, aqara, order)
    client.post(url("order_change", aqara, "cancellation"), {})
    again = client.post(url("order_change", aqara, "cancellation"), {})
    assert again.status_code == 409
    assert "still with support" in again.text
    with scopes_disabled():
        assert OrderChangeRequest.objects.count() == 1


def test_vendor_without_order_changes_answers_404(client, market):
    with scope(vendor=market):
        order = order_with_line(market)
    signed_in(client, market, order)
    assert client.get(url("order_change", market, "cancellation")).status_code == 404
    assert client.get(url("order_change", market, "refund-me")).status_code == 404


def test_support_resolves_a_request(aqara):
    order = fresh_order(aqara, placed_hours_ago=1)
    from rma.services import order_change_request

    with scope(vendor=aqara):
        change = order_change_request(
            order=order, kind="cancellation", actor=Actor.customer(order.customer.email)
        )
        with pytest.raises(DomainError, match="Tell the customer why"):
            order_change_resolve(change_request=change, actor=Actor.system("agent"), done=False)
        done = order_change_resolve(
            change_request=change,
            actor=Actor.system("agent"),
            done=False,
            note="Parcel left; refuse it (AQA-2).",
        )
        assert done.status == "failed"
        with pytest.raises(DomainError):
            order_change_resolve(change_request=change, actor=Actor.system("agent"), done=True)


def test_agent_resolves_in_the_admin_and_outsider_cannot(client, aqara, vendor_b):
    from tests.factories import MembershipFactory

    agent = MembershipFactory(vendor=aqara, user__username="aqa-agent").user
    outsider = MembershipFactory(vendor=vendor_b, user__username="outsider").user
    order = fresh_order(aqara, placed_hours_ago=1)
    from rma.services import order_change_request

    with scope(vendor=aqara):
        change = order_change_request(
            order=order, kind="cancellation", actor=Actor.customer(order.customer.email)
        )
    action = reverse("admin:rma_orderchangerequest_action", args=[change.pk, "done"])
    client.force_login(outsider)
    assert client.post(action, {"note": "x"}).status_code == 404
    with scopes_disabled():
        change.refresh_from_db()
        assert change.status == "requested"
    client.force_login(agent)
    page = client.get(reverse("admin:rma_orderchangerequest_change", args=[change.pk]))
    assert page.status_code == 200 and "AQA-1" in page.text
    assert client.post(action, {"note": "Cancelled in the shop."}).status_code == 302
    with scopes_disabled():
        change.refresh_from_db()
    assert (change.status, change.resolved_by) == ("done", "aqa-agent")


def test_aqa1_change_request_and_resolution_land_in_the_audit_trail(aqara):
    order = fresh_order(aqara, placed_hours_ago=2)
    with scope(vendor=aqara):
        change = order_change_request(
            order=order, kind="cancellation", actor=Actor.customer(order.customer.email)
        )
        order_change_resolve(
            change_request=change, actor=Actor.system("support"), done=True, note="Stopped."
        )
        events = list(change.events.order_by("id"))
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("requested", "", "requested"),
        ("resolved", "requested", "done"),
    ]
    assert "AQA-1" in events[0].rule_ids
    assert events[0].actor_label == order.customer.email
