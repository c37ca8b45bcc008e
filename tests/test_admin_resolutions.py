"""The case page's Resolutions section: each step posts to its own URL and runs one service
(test-client posts: the wiring; tests/browser/test_resolution_journeys.py is the journey)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from rma.models import Event, Resolution
from tests.rma.resolution_cases import keep_case

pytestmark = pytest.mark.django_db


def step_url(rr, resolution, step):
    return reverse("admin:rma_returnrequest_resolution", args=[rr.pk, resolution.public_id, step])


@pytest.fixture
def keep(vendor_a):
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
        return rr, rr.resolutions.get(kind="reshipment")


def test_the_case_page_offers_each_resolutions_legal_steps(client, agent_a, keep):
    rr, reshipment = keep
    client.force_login(agent_a)
    page = client.get(reverse("admin:rma_returnrequest_change", args=[rr.pk])).content.decode()
    assert 'id="resolutions-title"' in page
    assert step_url(rr, reshipment, "shipped") in page
    assert step_url(rr, reshipment, "delivered") not in page  # not before it ships
    assert page.count('class="case-status') == 1


def test_an_agent_ships_and_delivers_a_reshipment(client, agent_a, keep):
    rr, reshipment = keep
    client.force_login(agent_a)
    response = client.post(
        step_url(rr, reshipment, "shipped"), {"carrier": "DHL", "tracking_number": "JD0146"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert any("Mark shipped: done." in str(m) for m in page.context["messages"])
    client.post(step_url(rr, reshipment, "delivered"))
    page = client.get(reverse("admin:rma_returnrequest_change", args=[rr.pk])).content.decode()
    assert "Shipped · alice" in page and "Delivered · alice" in page  # its own history
    with scopes_disabled():
        reshipment.refresh_from_db()
        actions = list(Event.objects.filter(resolution=reshipment).values_list("action", flat=True))
    assert (reshipment.state, reshipment.tracking_number) == ("done", "JD0146")
    assert actions == ["created", "shipped", "delivered"]
    with scopes_disabled():
        assert Event.objects.filter(resolution=reshipment).last().actor_user == agent_a


def test_a_refused_step_says_what_to_fix_and_changes_nothing(client, agent_a, keep):
    rr, reshipment = keep
    client.force_login(agent_a)
    response = client.post(step_url(rr, reshipment, "shipped"), {"carrier": "DHL"})
    page = client.get(response["Location"])
    assert any("Enter the tracking number" in str(m) for m in page.context["messages"])
    with scopes_disabled():
        assert Resolution.objects.get(pk=reshipment.pk).state == "pending"


def test_an_outsider_gets_404_and_nothing_changes(client, outsider_b, keep):
    rr, reshipment = keep
    client.force_login(outsider_b)
    response = client.post(
        step_url(rr, reshipment, "shipped"), {"carrier": "DHL", "tracking_number": "JD0146"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert Resolution.objects.get(pk=reshipment.pk).state == "pending"
        assert Event.objects.filter(resolution=reshipment).count() == 1


def test_the_case_page_with_resolutions_is_valid_html_without_nested_forms(client, agent_a, keep):
    from tests.test_admin_html import nested_forms, parse_strict

    rr, _reshipment = keep
    client.force_login(agent_a)
    html = client.get(reverse("admin:rma_returnrequest_change", args=[rr.pk])).content.decode()
    assert "resolution-steps" in html
    parse_strict(html)
    assert nested_forms(html) == []


def test_the_case_timeline_lists_the_resolution_steps_with_their_states(client, agent_a, keep):
    rr, reshipment = keep
    client.force_login(agent_a)
    client.post(step_url(rr, reshipment, "shipped"), {"carrier": "DHL", "tracking_number": "J1"})
    response = client.get(reverse("admin:rma_returnrequest_change", args=[rr.pk]))
    sentences = [entry.sentence for entry in response.context["case_timeline"]]
    changes = [entry.status_change for entry in response.context["case_timeline"]]
    # The case's own step, then its resolutions planned and the reshipment shipped.
    assert sentences[:2] == ["opened the request", "approved the request"]
    assert "planned a resolution: Reshipment of the correct item" in sentences
    shipped = sentences.index("recorded a shipment to the customer: Reshipment of the correct item")
    assert changes[shipped] == "Pending → In transit"


def test_close_is_offered_on_a_settled_keep_case_and_refused_while_a_resolution_is_open(
    client, agent_a, vendor_a
):
    from rma import services
    from tests.rma.resolution_cases import AGENT

    vendor_a.policy_settings = {"compensation_method": "coupon"}
    vendor_a.save()
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
        compensation = rr.resolutions.get(kind="compensation")
        reshipment = rr.resolutions.get(kind="reshipment")
        services.resolution_issue_coupon(resolution=compensation, actor=AGENT, coupon_code="C1")
    client.force_login(agent_a)
    page_url = reverse("admin:rma_returnrequest_change", args=[rr.pk])
    close_url = reverse("admin:rma_returnrequest_action", args=[rr.pk, "close"])
    assert close_url in client.get(page_url).content.decode()  # Close is offered on approved
    response = client.post(close_url, {"note": ""})
    assert response.status_code == 302
    messages = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("open: Reshipment of the correct item (Pending)" in m for m in messages)
    with scopes_disabled():
        assert type(rr).objects.get(pk=rr.pk).status == "approved"
    client.post(step_url(rr, reshipment, "shipped"), {"carrier": "DHL", "tracking_number": "J1"})
    client.post(step_url(rr, reshipment, "delivered"))
    client.post(close_url, {"note": ""})
    with scopes_disabled():
        assert type(rr).objects.get(pk=rr.pk).status == "closed"
        assert Event.objects.filter(return_request=rr, action="closed").count() == 1
