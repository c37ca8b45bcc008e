"""Changelists at scale: no COUNT(*), pages by "is there a next one", searches through indexes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from rma.admin.paging import AtLeast, NextPagePaginator
from rma.models import Order, ReturnRequest

from .factories import make_case_graph

TRIGRAM_INDEXES = [
    "return_rma_number_trgm",
    "return_tracking_trgm",
    "order_number_trgm",
    "order_tracking_trgm",
    "customer_email_trgm",
]


def _graphs(vendor, count: int) -> list[dict]:
    with scopes_disabled():
        return [make_case_graph(vendor) for _ in range(count)]


@pytest.mark.parametrize("model", ["returnrequest", "order", "warrantysolution", "event"])
def test_changelist_runs_no_count(client, agent_a, vendor_a, model):
    client.force_login(agent_a)
    _graphs(vendor_a, 3)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(f"admin:rma_{model}_changelist"))
    assert response.status_code == 200
    # The queue bar's bounded counts (COUNT over at most 100 rows, "99+") are allowed; a count
    # over all of the vendor's rows is not.
    counts = [
        q["sql"]
        for q in captured
        if "COUNT(" in q["sql"].upper() and " LIMIT " not in q["sql"].upper()
    ]
    assert counts == []


def test_paginator_knows_only_whether_a_next_page_exists(vendor_a):
    _graphs(vendor_a, 5)
    with scopes_disabled():
        rows = ReturnRequest.objects.order_by("-requested_at", "-pk")
        first = NextPagePaginator(rows, 2, page=1)
        assert first.count == 3 and isinstance(first.count, AtLeast) and str(first.count) == "3+"
        assert first.page(1).has_next()
        last = NextPagePaginator(rows, 2, page=3)
        assert last.count == 5 and not isinstance(last.count, AtLeast)
        assert [r.pk for r in last.page(3).object_list] == [rows[4].pk]
        assert not last.page(3).has_next()


def test_second_page_of_the_changelist_shows_the_rest(client, agent_a, vendor_a, settings):
    client.force_login(agent_a)
    _graphs(vendor_a, 53)
    url = reverse("admin:rma_returnrequest_changelist")
    first = client.get(url)
    assert len(first.context["cl"].result_list) == 50
    assert "51+" in first.content.decode()
    second = client.get(url, {"p": 2})
    assert len(second.context["cl"].result_list) == 3


@pytest.mark.parametrize("field", ["rma_number", "order_number", "tracking_number", "email"])
def test_return_search_finds_by_each_field_and_never_the_outsiders(
    client, agent_a, vendor_a, vendor_b, field
):
    client.force_login(agent_a)
    mine, other = _graphs(vendor_a, 2)
    [outsiders] = _graphs(vendor_b, 1)
    with scopes_disabled():
        for index, graph in enumerate((mine, other, outsiders)):
            ReturnRequest.objects.filter(pk=graph["returnrequest"].pk).update(
                rma_number=f"RMA00000{index}123", tracking_number=f"1Z-TRACK-{index}"
            )
            graph["returnrequest"].refresh_from_db()
        order_b = Order.objects.get(pk=outsiders["order"].pk)
        order_b.number = mine["order"].number
        order_b.save(update_fields=["number"])
        outsiders["customer"].__class__.objects.filter(pk=outsiders["customer"].pk).update(
            email=mine["customer"].email
        )
    rr = mine["returnrequest"]
    term = {
        "rma_number": rr.rma_number.lower(),
        "order_number": mine["order"].number,
        "tracking_number": "track-0",
        "email": mine["customer"].email.upper(),
    }[field]
    response = client.get(reverse("admin:rma_returnrequest_changelist"), {"q": term})
    assert [r.pk for r in response.context["cl"].result_list] == [rr.pk]


def test_order_search_by_customer_email(client, agent_a, vendor_a):
    client.force_login(agent_a)
    mine, _other = _graphs(vendor_a, 2)
    response = client.get(reverse("admin:rma_order_changelist"), {"q": mine["customer"].email})
    assert [o.pk for o in response.context["cl"].result_list] == [mine["order"].pk]


def test_a_search_matching_nothing_lists_nothing(client, agent_a, vendor_a):
    client.force_login(agent_a)
    _graphs(vendor_a, 2)
    response = client.get(reverse("admin:rma_returnrequest_changelist"), {"q": "no-such-thing"})
    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_searched_columns_have_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm'")
        names = {row[0] for row in cursor.fetchall()}
    assert set(TRIGRAM_INDEXES) <= names
