"""Integrity flags on the agents' case page and as a changelist filter; registrations and their
proof of purchase, each seen only by the vendor's own staff."""

from __future__ import annotations

from django.urls import reverse
from django_scopes import scopes_disabled

from rma.models import ClaimFlag

from .factories import make_case_graph
from .test_admin_html import assert_valid_page

CHANGELIST = "admin:rma_returnrequest_changelist"


def _graphs(vendor_a, vendor_b):
    with scopes_disabled():
        return make_case_graph(vendor_a), make_case_graph(vendor_b)


def test_case_page_shows_the_flags_with_reason_and_rule(client, agent_a, vendor_a, vendor_b):
    mine, _theirs = _graphs(vendor_a, vendor_b)
    client.force_login(agent_a)
    rr = mine["returnrequest"]
    html = assert_valid_page(client, reverse("admin:rma_returnrequest_change", args=[rr.pk]))
    assert "Integrity flags" in html
    assert f"Serial {mine['unit'].serial} is already in 1 open and 0 completed claim(s)" in html
    assert "<code>TST-1</code>" in html
    # At a glance in the header too, with the serials the claim names.
    assert "⚑ Serial already in another claim" in html and mine["unit"].serial in html


def test_changelist_filters_by_flag_and_kind(client, agent_a, vendor_a, vendor_b):
    mine, _theirs = _graphs(vendor_a, vendor_b)
    with scopes_disabled():
        clean = make_case_graph(vendor_a)["returnrequest"]
        ClaimFlag.objects.filter(request=clean).delete()
    client.force_login(agent_a)

    def shown(flag: str) -> set[int]:
        response = client.get(reverse(CHANGELIST), {"flag": flag})
        assert response.status_code == 200
        return {obj.pk for obj in response.context["cl"].result_list}

    flagged = mine["returnrequest"].pk
    assert shown("any") == {flagged}
    assert shown("serial_claimed") == {flagged}
    assert shown("other_market") == set()
    assert shown("none") == {clean.pk}
    assert "Serial already in another claim" in client.get(reverse(CHANGELIST)).content.decode()


def test_outsider_sees_no_flag_of_another_vendor(client, outsider_b, vendor_a, vendor_b):
    mine, theirs = _graphs(vendor_a, vendor_b)
    client.force_login(outsider_b)
    response = client.get(reverse(CHANGELIST), {"flag": "any"})
    assert {obj.pk for obj in response.context["cl"].result_list} == {theirs["returnrequest"].pk}
    other = client.get(reverse("admin:rma_returnrequest_change", args=[mine["returnrequest"].pk]))
    assert other.status_code == 302
    with scopes_disabled():
        assert ClaimFlag.objects.filter(request=mine["returnrequest"]).count() == 1


def test_registrations_and_their_proof_are_the_vendors_own(
    client, agent_a, outsider_b, vendor_a, vendor_b
):
    mine, theirs = _graphs(vendor_a, vendor_b)
    client.force_login(agent_a)
    reg = mine["unitregistration"]
    page = assert_valid_page(client, reverse("admin:rma_unitregistration_change", args=[reg.pk]))
    assert "Gadget Shop" in page and "image/png" in page
    proof = client.get(reverse("admin:rma_unitregistration_proof", args=[reg.pk]))
    assert proof.status_code == 200 and proof["Content-Type"] == "image/png"
    client.force_login(outsider_b)
    assert client.get(reverse("admin:rma_unitregistration_proof", args=[reg.pk])).status_code == 404
    listed = client.get(reverse("admin:rma_unitregistration_changelist"))
    assert {r.pk for r in listed.context["cl"].result_list} == {theirs["unitregistration"].pk}
