"""API keys and host names in the admin: managers create keys (shown once) and revoke them."""

from __future__ import annotations

import re

from django.contrib.messages import get_messages
from django.urls import reverse
from django_scopes import scopes_disabled

from api.models import ApiKey
from portal.models import VendorDomain
from tests.factories import MembershipFactory

from .factories import client_with, key_for
from .test_keys_and_errors import assert_error


def test_manager_creates_a_key_and_sees_it_once(client, colleague_a, vendor_a):
    client.force_login(colleague_a)
    response = client.post(
        reverse("admin:api_apikey_add"), {"vendor": vendor_a.pk, "name": "Shopify sync"}
    )
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    raw = re.search(r"rma_\w+_[\w-]+", " ".join(shown)).group(0)
    with scopes_disabled():
        api_key = ApiKey.objects.get(vendor=vendor_a, name="Shopify sync")
    assert api_key.created_by == colleague_a and raw.startswith(f"rma_{api_key.prefix}_")
    assert client_with(raw).get("/api/v1/orders/").status_code == 200
    client.get(reverse("admin:api_apikey_change", args=[api_key.pk]))  # the message, once
    page = client.get(reverse("admin:api_apikey_change", args=[api_key.pk])).content.decode()
    assert raw not in page and api_key.prefix in page


def test_revoke_action(client, colleague_a, vendor_a):
    api_key, raw = key_for(vendor_a)
    client.force_login(colleague_a)
    client.post(
        reverse("admin:api_apikey_changelist"),
        {"action": "revoke_keys", "_selected_action": [api_key.pk]},
    )
    assert_error(client_with(raw).get("/api/v1/orders/"), 401, "authentication_failed")
    with scopes_disabled():
        assert ApiKey.objects.get(pk=api_key.pk).revoked_at is not None


def test_agents_who_are_not_managers_see_no_keys(client, agent_a, vendor_a):
    key_for(vendor_a)
    client.force_login(agent_a)
    assert client.get(reverse("admin:api_apikey_changelist")).status_code == 403


def test_outsider_manager_sees_only_their_own_keys(client, vendor_a, vendor_b):
    mine, _raw = key_for(vendor_b, "B's shop")
    theirs, _raw = key_for(vendor_a, "A's shop")
    manager_b = MembershipFactory(vendor=vendor_b, role="manager", user__username="dora").user
    client.force_login(manager_b)
    listing = client.get(reverse("admin:api_apikey_changelist"))
    assert [k.pk for k in listing.context["cl"].result_list] == [mine.pk]
    assert client.get(reverse("admin:api_apikey_change", args=[theirs.pk])).status_code == 302
    refused = client.post(reverse("admin:api_apikey_add"), {"vendor": vendor_a.pk, "name": "x"})
    assert refused.status_code == 200  # the form refuses a vendor they do not manage
    with scopes_disabled():
        assert not ApiKey.objects.filter(vendor=vendor_a, name="x").exists()
        client.post(
            reverse("admin:api_apikey_changelist"),
            {"action": "revoke_keys", "_selected_action": [theirs.pk]},
        )
        assert ApiKey.objects.get(pk=theirs.pk).revoked_at is None


def test_only_superusers_add_host_names(client, colleague_a, superuser, vendor_a):
    client.force_login(colleague_a)
    assert client.get(reverse("admin:portal_vendordomain_add")).status_code == 403
    client.force_login(superuser)
    client.post(
        reverse("admin:portal_vendordomain_add"),
        {"vendor": vendor_a.pk, "host": "Service.Vendor-A.example", "use_in_links": "on"},
    )
    with scopes_disabled():
        assert VendorDomain.objects.get(vendor=vendor_a).host == "service.vendor-a.example"


def test_the_links_list_uses_the_vendors_own_host_when_it_has_one(client, colleague_a, vendor_a):
    from tests.factories import make_case_graph

    with scopes_disabled():
        solution = make_case_graph(vendor_a)["warrantysolution"]
    client.force_login(colleague_a)
    listing = reverse("admin:api_solutionportallink_changelist")
    assert f"/v/{vendor_a.slug}/solutions/{solution.public_id}/" in client.get(listing).text
    with scopes_disabled():
        VendorDomain.objects.create(vendor=vendor_a, host="service.vendor-a.example")
        VendorDomain.objects.create(
            vendor=vendor_a, host="help.vendor-a.example", use_in_links=True
        )
    page = client.get(listing).text
    assert f"help.vendor-a.example/solutions/{solution.public_id}/" in page
    assert "service.vendor-a.example" not in page
