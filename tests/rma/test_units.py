"""Units: warranty from the policy (AQA-7), replacements carrying AQA-10, bulk CSV upload."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django_scopes import scope

from rma import services
from rma.models import ReturnRequest, ReturnStatus, SolutionStatus, Unit, WarrantySolution
from rma.services import Actor, DomainError
from rma.services.units import UnitData, units_for_line, units_upload_csv

from ..factories import OrderLineFactory, VendorFactory, make_case_graph


@pytest.fixture
def aqara(db):
    return VendorFactory(slug="aqara-units", policy_key="aqara")


def _sold(vendor, serial="AQ-1", placed=datetime(2026, 1, 10, 12, tzinfo=UTC)):
    graph = make_case_graph(vendor)
    line = graph["orderline"]
    line.order.placed_at = placed
    line.order.save()
    with scope(vendor=vendor):
        (unit,) = units_for_line(vendor=vendor, line=line, units=[UnitData(serial)])
    return graph, unit


def test_a_sold_unit_carries_the_policy_warranty(aqara):
    _graph, unit = _sold(aqara)
    assert unit.warranty_rule_id == "AQA-7"
    assert unit.warranty_start.date().isoformat() == "2026-01-10"
    assert unit.warranty_end.date().isoformat() == "2027-01-10"


def test_replacement_of_a_replacement_carries_aqa_10(aqara):
    graph, unit = _sold(aqara, placed=datetime(2025, 3, 1, tzinfo=UTC))
    agent = Actor.system("test")
    with scope(vendor=aqara):
        ReturnRequest.objects.filter(pk=graph["returnrequest"].pk).update(
            status=ReturnStatus.INSPECTED
        )
        at = datetime(2026, 2, 20, 9, tzinfo=UTC)
        services.return_replace(
            return_request=graph["returnrequest"],
            actor=agent,
            at=at,
            replacement_serials={"AQ-1": "AQ-2"},
        )
        second = Unit.objects.get(serial="AQ-2")
        assert second.replaces == unit and second.warranty_rule_id == "AQA-10"
        # Three months after the replacement is later than the original end (2026-03-01).
        assert second.warranty_end.date().isoformat() == "2026-05-20"
        third = services.units_replace(
            vendor=aqara,
            order=graph["order"],
            serials={"AQ-2": "AQ-3"},
            at=datetime(2026, 3, 1, tzinfo=UTC),
        )[0]
        assert third.replaces == second
        # Three months after 2026-03-01 (2026-06-01) is later than the chain's end (2026-05-20).
        assert third.warranty_end.date().isoformat() == "2026-06-01"
        with pytest.raises(DomainError, match="already been replaced"):
            services.units_replace(
                vendor=aqara, order=graph["order"], serials={"AQ-2": "AQ-9"}, at=at
            )


def test_replacement_keeps_a_later_original_end(aqara):
    graph, unit = _sold(aqara, placed=datetime(2026, 1, 10, tzinfo=UTC))
    with scope(vendor=aqara):
        (new,) = services.units_replace(
            vendor=aqara,
            order=graph["order"],
            serials={"AQ-1": "AQ-2"},
            at=datetime(2026, 2, 1, tzinfo=UTC),
        )
    assert new.warranty_end == unit.warranty_end and new.warranty_rule_id == "AQA-10"


def test_reolink_completed_replacement_creates_the_new_unit(db):
    vendor = VendorFactory(slug="reo-units", policy_key="reolink")
    graph, unit = _sold(vendor, serial="RL-1")
    with scope(vendor=vendor):
        sol = graph["warrantysolution"]
        WarrantySolution.objects.filter(pk=sol.pk).update(status=SolutionStatus.SUBMITTED)
        services.solution_complete(
            solution=sol, actor=Actor.system("test"), replacement_serials={"RL-1": "RL-2"}
        )
        new = Unit.objects.get(serial="RL-2")
    assert new.replaces == unit and new.source == Unit.Source.REPLACEMENT


def test_unknown_serial_refuses_the_replacement_and_changes_nothing(aqara):
    graph, _unit = _sold(aqara)
    with scope(vendor=aqara):
        ReturnRequest.objects.filter(pk=graph["returnrequest"].pk).update(
            status=ReturnStatus.INSPECTED
        )
        with pytest.raises(DomainError, match="not a unit of order"):
            services.return_replace(
                return_request=graph["returnrequest"],
                actor=Actor.system("test"),
                replacement_serials={"NOPE": "AQ-2"},
            )
        assert ReturnRequest.objects.get(pk=graph["returnrequest"].pk).status == "inspected"


def test_csv_upload_is_all_or_nothing_and_idempotent(aqara):
    line = OrderLineFactory(order__vendor=aqara, vendor=aqara, quantity=3)
    number = line.order.number
    good = (
        f"order_number,sku,serial,batch,market\n{number},{line.sku},S-1,B1,de\n"
        f"{number},{line.sku},S-2,B1,\n"
    ).encode()
    with scope(vendor=aqara):
        result = units_upload_csv(vendor=aqara, data=good)
        assert (result.created, result.updated) == (2, 0)
        assert units_upload_csv(vendor=aqara, data=good).updated == 2
        bad = good + f"{number},NO-SKU,S-3,,\n{number},{line.sku},S-4,,XX\n".encode()
        with pytest.raises(DomainError) as exc:
            units_upload_csv(vendor=aqara, data=bad)
        assert "Row 5" in exc.value.message and "NO-SKU" in exc.value.message
        assert Unit.objects.filter(vendor=aqara).count() == 2
        with pytest.raises(DomainError, match="columns"):
            units_upload_csv(vendor=aqara, data=b"serial\nX\n")


def test_claims_by_sku_batch_reason_in_one_query(aqara, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from rma.models import ReturnUnit
    from rma.selectors.units import ClaimCount, claims_by_sku_batch_reason

    graph, unit = _sold(aqara)
    other_vendor = VendorFactory(slug="other-units", policy_key="aqara")
    other = make_case_graph(other_vendor)
    with scope(vendor=other_vendor):
        ReturnUnit.objects.create(
            vendor=other_vendor,
            request=other["returnrequest"],
            unit=other["unit"],
            serial=other["unit"].serial,
        )
    with scope(vendor=aqara):
        Unit.objects.filter(pk=unit.pk).update(batch="B7")
        ReturnUnit.objects.create(
            vendor=aqara, request=graph["returnrequest"], unit=unit, serial=unit.serial
        )
        since = timezone.now() - timedelta(days=30)
        with django_assert_num_queries(1):
            rows = claims_by_sku_batch_reason(vendor=aqara, since=since)
    assert rows == [ClaimCount(unit.sku, "B7", "quality_defect", 1)]
    with scope(vendor=aqara):
        assert claims_by_sku_batch_reason(vendor=aqara, since=timezone.now()) == []
