"""Agent A gets nothing of vendor B anywhere in the admin; superusers see everything."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django_scopes import scopes_disabled

from rma.models import ReturnRequest
from tenancy.models import Vendor

from .factories import make_case_graph
from .tenancy import admin_url, assert_sees_only_own_row

TENANT_MODELS = [model for model in admin.site._registry if model._meta.app_label == "rma"]


@pytest.fixture
def graphs(vendor_a, vendor_b):
    with scopes_disabled():
        return {"a": make_case_graph(vendor_a), "b": make_case_graph(vendor_b)}


_url = admin_url


def test_every_registered_tenant_model_is_walked():
    names = {m._meta.model_name for m in TENANT_MODELS}
    assert names == {
        "customer",
        "order",
        "warrantysolution",
        "returnrequest",
        "evidence",
        "event",
        "returnaccess",
        "orderchangerequest",
        "unit",
        "unitregistration",
        "catalogproduct",
    }


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.model_name)
def test_outsider_sees_none_of_vendor_a_rows(client, agent_a, outsider_b, graphs, model):
    key = model._meta.model_name
    mine, theirs = graphs["b"][key], graphs["a"][key]
    client.force_login(outsider_b)
    assert_sees_only_own_row(client, model, mine, theirs)


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.model_name)
def test_superuser_sees_all_vendors(client, superuser, graphs, model):
    key = model._meta.model_name
    client.force_login(superuser)
    response = client.get(_url(model, "changelist"))
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {graphs["a"][key].pk, graphs["b"][key].pk}


def test_search_does_not_reach_other_vendor(client, agent_a, graphs):
    client.force_login(agent_a)
    theirs = graphs["b"]["order"].number
    response = client.get(_url(ReturnRequest, "changelist"), {"q": theirs})
    assert list(response.context["cl"].result_list) == []
    response = client.get(_url(ReturnRequest, "changelist"), {"q": "TRK"})
    assert [rr.pk for rr in response.context["cl"].result_list] == [graphs["a"]["returnrequest"].pk]


def test_autocomplete_offers_only_own_customers(client, agent_a, graphs):
    client.force_login(agent_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "rma", "model_name": "order", "field_name": "customer", "term": ""},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids == {graphs["a"]["customer"].pk}


def test_add_order_form_offers_only_own_vendor(client, agent_a, graphs):
    client.force_login(agent_a)
    response = client.get(_url(graphs["a"]["order"].__class__, "add"))
    choices = {v.pk for v in response.context["adminform"].form.fields["vendor"].queryset}
    assert choices == {graphs["a"]["vendor"].pk}


def test_case_page_evidence_shows_only_own_rows(client, agent_a, graphs):
    client.force_login(agent_a)
    rr = graphs["a"]["returnrequest"]
    response = client.get(_url(ReturnRequest, "change", rr.pk))
    shown = {item["url"] for item in response.context["case_evidence"]}
    own = reverse("admin:rma_evidence_file", args=[graphs["a"]["evidence"].pk])
    theirs = reverse("admin:rma_evidence_file", args=[graphs["b"]["evidence"].pk])
    assert shown == {own}
    assert theirs not in response.content.decode()


def test_outsider_cannot_act_on_or_download_from_other_vendor(client, outsider_b, graphs):
    client.force_login(outsider_b)
    rr = graphs["a"]["returnrequest"]
    response = client.post(reverse("admin:rma_returnrequest_action", args=[rr.pk, "start_review"]))
    assert response.status_code == 404
    with scopes_disabled():
        rr.refresh_from_db()
        assert rr.status == "requested"
        assert rr.events.count() == 1
    evidence = graphs["a"]["evidence"]
    assert client.get(reverse("admin:rma_evidence_file", args=[evidence.pk])).status_code == 404
    own = graphs["b"]["evidence"]
    response = client.get(reverse("admin:rma_evidence_file", args=[own.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_vendor_admin_lists_only_own_vendor(client, agent_a, graphs):
    client.force_login(agent_a)
    response = client.get(reverse("admin:tenancy_vendor_changelist"))
    assert {v.pk for v in response.context["cl"].result_list} == {graphs["a"]["vendor"].pk}
    other = Vendor.objects.get(slug="vendor-b")
    assert client.get(reverse("admin:tenancy_vendor_change", args=[other.pk])).status_code == 302


def test_staff_without_membership_sees_nothing(client, graphs, db):
    from .factories import UserFactory

    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []
    assert client.get(_url(ReturnRequest, "changelist")).status_code == 403


# Every admin model that belongs to a vendor is walked: rma's above, notifications' in
# tests/notifications/test_admin.py, and the API's and the portal's here (keys are for managers
# only, host names for superusers).
WALKED_ELSEWHERE = {
    "notifications.outboxmessage",
    "notifications.webhookendpoint",
    "notifications.webhookdelivery",
}
API_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label == "api" or model._meta.label_lower == "portal.vendordomain"
]


def test_every_admin_model_of_a_vendor_is_walked(client, agent_a):
    tenant = {
        model._meta.label_lower
        for model in admin.site._registry
        if any(field.name == "vendor" for field in model._meta.fields)
    }
    walked = {m._meta.label_lower for m in TENANT_MODELS + API_MODELS} | WALKED_ELSEWHERE
    assert tenant - {"tenancy.membership"} <= walked
    # Memberships are the superuser's alone.
    client.force_login(agent_a)
    assert client.get(reverse("admin:tenancy_membership_changelist")).status_code == 403


@pytest.fixture
def api_graphs(graphs):
    from api.keys import api_key_create
    from portal.models import VendorDomain

    rows = {}
    for side in ("a", "b"):
        vendor = graphs[side]["vendor"]
        with scopes_disabled():
            key, _raw = api_key_create(vendor=vendor, name=f"{vendor.slug} shop")
            domain = VendorDomain.objects.create(vendor=vendor, host=f"rma.{vendor.slug}.example")
        rows[side] = {
            "apikey": key,
            "vendordomain": domain,
            "solutionportallink": graphs[side]["warrantysolution"],
        }
    return rows


@pytest.mark.parametrize("model", API_MODELS, ids=lambda m: m._meta.model_name)
def test_manager_of_b_sees_none_of_vendor_a_api_rows(client, vendor_b, api_graphs, model):
    from .factories import MembershipFactory

    manager_b = MembershipFactory(vendor=vendor_b, role="manager", user__username="dora").user
    key = model._meta.model_name
    mine, theirs = api_graphs["b"][key], api_graphs["a"][key]
    client.force_login(manager_b)
    assert_sees_only_own_row(client, model, mine, theirs)
