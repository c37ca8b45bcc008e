"""Changelist date columns read on the vendor's clock with the zone named, as on the case page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from rma.models import OrderChangeRequest, ReturnRequest, WarrantySolution
from tests.factories import MembershipFactory, make_case_graph

pytestmark = pytest.mark.django_db
AT = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)  # 17:05 in Shanghai


@pytest.mark.parametrize(
    ("model", "field", "header"),
    [
        (ReturnRequest, "requested_at", "Requested"),
        (WarrantySolution, "sent_at", "Sent"),
        (OrderChangeRequest, "requested_at", "Requested"),
    ],
)
def test_changelist_dates_are_in_vendor_time_with_the_zone(client, vendor_a, model, field, header):
    vendor_a.time_zone = "Asia/Shanghai"
    vendor_a.save(update_fields=["time_zone"])
    agent = MembershipFactory(vendor=vendor_a, user__username="shanghai-agent").user
    with scopes_disabled():
        graph = make_case_graph(vendor_a)
        model.objects.filter(pk=graph[model._meta.model_name].pk).update(**{field: AT})
    client.force_login(agent)
    response = client.get(reverse(f"admin:rma_{model._meta.model_name}_changelist"))
    page = response.content.decode()
    assert '>2 Dec 2026, 17:05 <small class="ws-muted">UTC+8</small></span>' in page
    assert 'title="Wed 2 Dec 2026, 17:05 (Asia/Shanghai, UTC+8)"' in page
    assert f">{header}</a>" in page  # the column still sorts


def test_export_reads_the_date_with_its_zone(client, vendor_a, agent_a):
    with scopes_disabled():
        graph = make_case_graph(vendor_a)
        ReturnRequest.objects.filter(pk=graph["returnrequest"].pk).update(requested_at=AT)
    client.force_login(agent_a)
    response = client.get(reverse("admin:rma_returnrequest_export", args=["csv"]))
    assert "2 Dec 2026, 10:05 UTC+1" in response.content.decode()
