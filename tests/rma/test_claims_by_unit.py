"""Claims judged per unit from the order's own history: the customer need not name the earlier
case (AQA-10 through a replacement of a replacement, AQA-11 after a full refund)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope

from rma import services
from rma.models import ReturnLine, ReturnRequest, ReturnUnit, Unit
from rma.services import Actor, DomainError, PolicyRefusal
from rma.services.units import UnitData, units_for_line, units_replace

from ..factories import OrderLineFactory, VendorFactory

CUSTOMER = Actor.customer("customer@mail.example")


@pytest.fixture
def aqara(db):
    return VendorFactory(slug="aqara-claims", policy_key="aqara")


def _line(vendor, *, placed, quantity=1, serials=("AQ-1",)):
    line = OrderLineFactory(
        order__vendor=vendor,
        vendor=vendor,
        quantity=quantity,
        order__placed_at=placed,
        order__shipped_at=placed,
        order__delivered_at=placed,
    )
    with scope(vendor=vendor):
        if serials:
            units_for_line(vendor=vendor, line=line, units=[UnitData(s) for s in serials])
    return line


def _claim(line, at, serials=(), quantity=1, **kw):
    return services.return_create(
        order=line.order,
        scenario="warranty_claim",
        lines=[(line, quantity)],
        actor=CUSTOMER,
        reason="It stopped working.",
        current_country="DE",
        at=at,
        serials=serials,
        **kw,
    )


def _earlier(line, *, status, named=(), **fields):
    """An earlier case on the line, settled as ``status`` (built directly, like the admin's)."""
    rr = ReturnRequest.objects.create(
        vendor=line.vendor,
        public_id=uuid.uuid4(),
        order=line.order,
        customer=line.order.customer,
        scenario="non_quality",
        status=status,
        requested_at=timezone.now(),
        **fields,
    )
    ReturnLine.objects.create(vendor=line.vendor, request=rr, order_line=line, quantity=1)
    for unit in named:
        ReturnUnit.objects.create(vendor=line.vendor, request=rr, unit=unit, serial=unit.serial)
    return rr


def _rules(exc: DomainError) -> set[str]:
    return {f["rule_id"] for f in exc.findings if not f["ok"]}


def test_aqa10_replacement_of_a_replacement_judged_without_naming_a_serial(aqara):
    line = _line(aqara, placed=datetime(2025, 3, 1, 12, tzinfo=UTC))
    with scope(vendor=aqara):
        units_replace(
            vendor=aqara,
            order=line.order,
            serials={"AQ-1": "AQ-2"},
            at=datetime(2026, 2, 20, tzinfo=UTC),
        )
        units_replace(
            vendor=aqara,
            order=line.order,
            serials={"AQ-2": "AQ-3"},
            at=datetime(2026, 3, 1, tzinfo=UTC),
        )
        # After the original end (2026-03-01), inside the second replacement's (2026-06-01).
        rr = _claim(line, datetime(2026, 5, 25, 9, tzinfo=UTC))
        assert [cu.serial for cu in rr.claim_units.all()] == ["AQ-3"]
        (aqa10,) = [f for f in rr.decision["findings"] if f["rule_id"] == "AQA-10"]
        assert aqa10["ok"] and aqa10["figures"]["serial"] == "AQ-3"
        assert aqa10["figures"]["warranty_end"].startswith("2026-06-01")
        with pytest.raises(PolicyRefusal) as refused:
            _claim(line, datetime(2026, 6, 3, 9, tzinfo=UTC))
        assert "AQA-10" in _rules(refused.value)


def test_aqa11_a_fully_refunded_unit_is_found_from_its_history(aqara):
    line = _line(aqara, placed=timezone.now() - timezone.timedelta(days=40))
    with scope(vendor=aqara):
        unit = Unit.objects.get(serial="AQ-1")
        _earlier(line, status="refunded", named=[unit], refunded_at=timezone.now())
        before = ReturnRequest.objects.count()
        with pytest.raises(PolicyRefusal) as refused:
            _claim(line, timezone.now())  # the customer names neither the serial nor the case
        assert "AQA-11" in _rules(refused.value)
        assert ReturnRequest.objects.count() == before


def test_aqa11_a_line_refunded_in_full_without_serials(aqara):
    line = _line(aqara, placed=timezone.now() - timezone.timedelta(days=40), serials=())
    with scope(vendor=aqara):
        _earlier(line, status="refunded", refunded_at=timezone.now())
        with pytest.raises(PolicyRefusal) as refused:
            _claim(line, timezone.now())
        assert "AQA-11" in _rules(refused.value)


def test_aqa11_a_partial_refund_leaves_the_warranty(aqara):
    line = _line(aqara, placed=timezone.now() - timezone.timedelta(days=40))
    with scope(vendor=aqara):
        unit = Unit.objects.get(serial="AQ-1")
        _earlier(
            line,
            status="refunded",
            named=[unit],
            refunded_at=timezone.now(),
            inspection_ratio=Decimal("0.5"),
        )
        rr = _claim(line, timezone.now())
        assert not [f for f in rr.decision["findings"] if f["rule_id"] == "AQA-11"]


def test_aqa10_a_line_replaced_without_serials_is_judged_on_the_replacement(aqara):
    placed = datetime(2025, 3, 1, 12, tzinfo=UTC)
    line = _line(aqara, placed=placed, serials=())
    end = "2026-03-01T23:59:59+00:00"
    with scope(vendor=aqara):
        _earlier(
            line,
            status="replaced",
            replaced_at=datetime(2026, 2, 20, tzinfo=UTC),
            decision={"deadlines": [{"name": "warranty_end", "at": end}]},
        )
        rr = _claim(line, datetime(2026, 5, 10, 9, tzinfo=UTC))
        (aqa10,) = [f for f in rr.decision["findings"] if f["rule_id"] == "AQA-10"]
        assert aqa10["ok"]


def test_a_serial_of_another_order_of_the_same_customer_says_which(aqara):
    line = _line(aqara, placed=timezone.now() - timezone.timedelta(days=40))
    other = OrderLineFactory(order__vendor=aqara, order__customer=line.order.customer, vendor=aqara)
    with scope(vendor=aqara), pytest.raises(DomainError) as refused:
        _claim(other, timezone.now(), serials=["AQ-1"])
    assert line.order.number in refused.value.message


def test_more_serials_than_the_quantity_claimed_is_refused(aqara):
    line = _line(
        aqara, placed=timezone.now() - timezone.timedelta(days=40), quantity=2, serials=("A", "B")
    )
    with scope(vendor=aqara), pytest.raises(DomainError, match="name one per unit"):
        _claim(line, timezone.now(), serials=["A", "B"], quantity=1)


def test_two_units_of_two_are_named_when_the_customer_names_none(aqara):
    line = _line(
        aqara, placed=timezone.now() - timezone.timedelta(days=40), quantity=2, serials=("A", "B")
    )
    with scope(vendor=aqara):
        rr = _claim(line, timezone.now(), quantity=2)
        assert sorted(cu.serial for cu in rr.claim_units.all()) == ["A", "B"]
        # One of two claimed: ambiguous, so none is guessed.
        rr = _claim(line, timezone.now(), quantity=1)
        assert not rr.claim_units.exists()
