"""Admin pages cost the same number of queries whatever the number of rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from rma.models import Event

from .factories import make_case_graph

PAGES = ["returnrequest", "warrantysolution", "order", "customer", "evidence", "event"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("model", PAGES)
def test_changelist_query_count_is_constant(client, agent_a, vendor_a, model):
    client.force_login(agent_a)
    url = reverse(f"admin:rma_{model}_changelist")
    with scopes_disabled():
        make_case_graph(vendor_a)
    few = _queries(client, url)
    with scopes_disabled():
        for _ in range(6):
            make_case_graph(vendor_a)
    assert _queries(client, url) == few


@pytest.mark.parametrize("model", ["returnrequest", "warrantysolution", "order"])
def test_change_page_query_count_is_constant(
    client, agent_a, vendor_a, model, django_assert_max_num_queries
):
    client.force_login(agent_a)
    with scopes_disabled():
        graph = make_case_graph(vendor_a)
    url = reverse(f"admin:rma_{model}_change", args=[graph[model].pk])
    few = _queries(client, url)
    with scopes_disabled():
        rr = graph["returnrequest"]
        for _ in range(5):
            more = make_case_graph(vendor_a)
            # More evidence and events on the same case must not add queries.
            more["evidence"].__class__.objects.filter(pk=more["evidence"].pk).update(
                return_request=rr
            )
            Event.objects.create(
                vendor=vendor_a,
                return_request=rr,
                action="note",
                actor_kind="agent",
                actor_user=agent_a,
                actor_label=agent_a.username,
            )
            Event.objects.create(
                vendor=vendor_a,
                solution=graph["warrantysolution"],
                action="note",
                actor_kind="agent",
                actor_user=agent_a,
            )
    with django_assert_max_num_queries(few):
        client.get(url)
