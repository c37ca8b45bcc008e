"""Entry links, the "Warranty Service" email button, and a vendor's portal on its own host."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from api.embedding import (
    button_html,
    solution_button_html,
    solution_url,
    vendor_button_html,
    vendor_links,
)
from portal.models import VendorDomain

from .factories import order_payload

HOST = "service.reolink-a.example"


@pytest.fixture
def solution(api_r, reolink):
    from rma.models import WarrantySolution

    api_r.post("/api/v1/orders/", order_payload(), format="json")
    created = api_r.post(
        "/api/v1/solutions/",
        {"order": "SO-1", "kind": "replacement", "lines": [{"sku": "CAM-4K"}], "notify": "vendor"},
        format="json",
    ).json()
    with scopes_disabled():
        found = WarrantySolution.objects.select_related("vendor").get(public_id=created["id"])
    found.password = created["password"]
    return found


@pytest.fixture
def own_host(reolink, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    with scope(vendor=reolink):
        return VendorDomain.objects.create(vendor=reolink, host=HOST.upper(), use_in_links=True)


def test_stable_vendor_links(reolink):
    links = vendor_links(reolink)
    assert links.home == "https://portal.example.com/v/reolink-a/"
    assert links.start_return == "https://portal.example.com/v/reolink-a/returns/start/"
    assert links.find_solution == links.home


def test_reo1_solution_link_is_its_login_page(solution):
    assert solution_url(solution) == (
        f"https://portal.example.com/v/reolink-a/solutions/{solution.public_id}/"
    )


def test_button_is_plain_html_for_every_mail_client(solution):
    html = str(solution_button_html(solution))
    assert "<script" not in html.lower() and not re.search(r"\son\w+=", html)
    assert "<style" not in html.lower() and "class=" not in html  # inline styles only
    assert html.startswith("<table") and 'role="presentation"' in html  # Outlook's layout
    assert 'bgcolor="#0a5fb4"' in html  # the colour survives clients that drop CSS
    assert f'href="{solution_url(solution)}"' in html and ">Warranty Service</a>" in html


def test_button_escapes_what_it_is_given():
    html = str(button_html('https://x.example/?a=1&b="2"', label="<b>Go</b>"))
    assert "&lt;b&gt;Go&lt;/b&gt;" in html and "&amp;b=&quot;2&quot;" in html


def test_button_text_stays_readable_on_light_colours(reolink):
    reolink.accent_colour = "#f5f5f5"
    assert "color:#111111" in str(vendor_button_html(reolink))


def test_host_names_are_validated_and_stored_lower_case(own_host):
    from django.core.exceptions import ValidationError

    assert own_host.host == HOST
    with scope(vendor=own_host.vendor), pytest.raises(ValidationError) as refused:
        VendorDomain(vendor=own_host.vendor, host="https://x.example/").full_clean()
    assert "no https://" in str(refused.value)


def test_links_use_the_vendors_own_host(own_host, solution):
    assert vendor_links(own_host.vendor).home == f"https://{HOST}/"
    assert vendor_links(own_host.vendor).start_return == f"https://{HOST}/returns/start/"
    assert solution_url(solution) == f"https://{HOST}/solutions/{solution.public_id}/"


def test_own_host_serves_the_vendors_portal_at_its_root(client, own_host, solution):
    home = client.get("/", HTTP_HOST=HOST)
    assert home.status_code == 200
    assert home.context["vendor"] == own_host.vendor
    assert home["Referrer-Policy"] == "same-origin"

    login = client.get(f"/solutions/{solution.public_id}/", HTTP_HOST=HOST)
    assert login.status_code == 200
    content = f"/solutions/{solution.public_id}/content/"
    signed_in = client.post(
        f"/solutions/{solution.public_id}/", {"password": solution.password}, HTTP_HOST=HOST
    )
    # The portal's own links stay on the host, without the shared /v/<slug>/ prefix.
    assert signed_in.status_code == 302 and signed_in["Location"] == content
    assert client.get(content, HTTP_HOST=HOST).status_code == 200


def test_own_host_shows_only_its_vendor(client, own_host, vendor_b):
    assert client.get("/v/vendor-b/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/v/vendor-b/", HTTP_HOST="127.0.0.1").status_code == 200
    root = client.get("/", HTTP_HOST="127.0.0.1")  # the shared host's own home, no vendor's
    assert root.status_code == 200 and b"Returns, refunds and warranty claims" in root.content
    assert client.get("/api/v1/orders/", HTTP_HOST=HOST).status_code == 401  # the API stays


def test_unknown_hosts_are_refused_by_allowed_hosts(client, db):
    assert client.get("/", HTTP_HOST="elsewhere.example").status_code == 400


def test_vendor_admin_page_shows_links_and_the_button(client, colleague_a, vendor_a):
    client.force_login(colleague_a)
    page = client.get(reverse("admin:tenancy_vendor_change", args=[vendor_a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "https://portal.example.com/v/vendor-a/returns/start/" in text
    assert "&lt;table role=&quot;presentation&quot;" in text  # the snippet to copy
    assert "Warranty Service</a>" in text  # its preview


def test_solution_link_admin_page(client, reolink, solution):
    from tests.factories import MembershipFactory

    agent = MembershipFactory(vendor=reolink, user__username="rita").user
    client.force_login(agent)
    page = client.get(reverse("admin:api_solutionportallink_change", args=[solution.pk]))
    assert page.status_code == 200
    assert solution_url(solution) in page.content.decode()


def test_outsider_sees_no_solution_links(client, outsider_b, solution):
    client.force_login(outsider_b)
    listing = client.get(reverse("admin:api_solutionportallink_changelist"))
    assert listing.status_code == 200 and not listing.context["cl"].result_list
    other = client.get(reverse("admin:api_solutionportallink_change", args=[solution.pk]))
    assert other.status_code == 302  # the admin's "doesn't exist" redirect


def test_emails_link_to_the_vendors_own_host(own_host, solution):
    from rma.emails import portal_url

    login = portal_url(own_host.vendor, "solution_login", public_id=solution.public_id)
    assert login == f"https://{HOST}/solutions/{solution.public_id}/"
