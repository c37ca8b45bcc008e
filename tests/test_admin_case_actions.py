"""Each admin case action dispatches to its domain service (test-client posts: a unit test of the
wiring; the acceptance test of a person doing it is tests/browser/test_admin_journeys.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from rma.models import ReturnRequest
from rma.services import Actor
from rma.services.passwords import password_matches
from rma.services.solutions import ProposedLine, solution_create

from .factories import MembershipFactory, OrderLineFactory, VendorFactory, make_case_graph
from .rma.test_return_transitions import satisfy_evidence


def _step(client, rr, action, **data):
    url = reverse("admin:rma_returnrequest_action", args=[rr.pk, action])
    response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(response["Location"])
    return page, [str(m) for m in page.context["messages"]]


def test_standard_case_is_one_action_per_step(client, agent_a, vendor_a):
    with scopes_disabled():
        rr = make_case_graph(vendor_a)["returnrequest"]
    with scope(vendor=vendor_a):
        satisfy_evidence(rr)
    client.force_login(agent_a)
    page = client.get(reverse("admin:rma_returnrequest_change", args=[rr.pk]))
    offered = [action.name for action, _url in page.context["case_actions"]]
    assert "approve" in offered and "refund" not in offered and "mark_received" not in offered

    steps = [
        ("approve", {}, "approved"),
        ("mark_shipped", {"carrier": "dhl", "tracking_number": "1234567890"}, "shipped"),
        ("mark_received", {}, "received"),
        ("inspect", {"ratio": "0.8", "note": "Box crushed (MKT-8)."}, "inspected"),
        ("refund", {}, "refunded"),
    ]
    for action, data, status in steps:
        page, said = _step(client, rr, action, **data)
        assert any("done" in line for line in said), said
        with scopes_disabled():
            rr.refresh_from_db()
        assert rr.status == status
    with scopes_disabled():
        assert rr.refund_amount is not None and rr.refund_breakdown["lines"]
        assert [e.action for e in rr.events.all()][-5:] == [
            "approved",
            "shipped",
            "received",
            "inspected",
            "refunded",
        ]


def test_a_refused_step_explains_itself_and_changes_nothing(client, agent_a, vendor_a):
    with scopes_disabled():
        rr = make_case_graph(vendor_a)["returnrequest"]
    client.force_login(agent_a)
    _page, said = _step(client, rr, "approve")
    assert any("MKT-8" in line for line in said), said
    with scopes_disabled():
        rr.refresh_from_db()
        assert rr.status == "requested" and rr.rma_number is None
    # A step the status does not allow is refused too, even when posted by hand.
    _page, said = _step(client, rr, "refund")
    assert any("Cannot refund" in line for line in said), said
    with scopes_disabled():
        assert ReturnRequest.objects.get(pk=rr.pk).status == "requested"


@pytest.mark.django_db
def test_reissued_password_is_emailed_and_the_old_one_stops_working(client):
    reolink = VendorFactory(
        policy_key="reolink", time_zone="America/Los_Angeles", operating_country="US"
    )
    agent = MembershipFactory(vendor=reolink).user
    with scope(vendor=reolink):
        line = OrderLineFactory(order__vendor=reolink, vendor=reolink)
        solution, old = solution_create(
            order=line.order,
            kind="replacement",
            lines=[ProposedLine(line, line.sku, line.name)],
            actor=Actor.agent(agent),
        )
    client.force_login(agent)
    url = reverse("admin:rma_warrantysolution_action", args=[solution.pk, "reissue_password"])
    page = client.get(client.post(url)["Location"])
    said = " ".join(str(m) for m in page.context["messages"])
    assert "emailed" in said and old not in said
    with scope(vendor=reolink):
        solution.refresh_from_db()
        assert not password_matches(old, solution.password_hash)
        emails = OutboxMessage.objects.filter(kind="solution_confirmation").order_by("id")
        assert emails.count() == 2
