"""Claim integrity flags: computed when a claim is made, stored with reason and rule id; they
inform, and refuse only where the vendor's settings list the check."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_scopes import scope

from rma import services
from rma.models import ClaimFlag, ReturnRequest, ReturnStatus, Unit
from rma.services import Actor, DomainError
from rma.services.units import UnitData, units_for_line

from ..factories import OrderLineFactory, VendorFactory

CUSTOMER = Actor.customer("customer@mail.example")


def _vendor(**settings):
    return VendorFactory(slug="aqara-integrity", policy_key="aqara", policy_settings=settings)


def _line(vendor, *, quantity=1, serials=("AQ-1",), **order):
    placed = timezone.now() - timezone.timedelta(days=20)
    line = OrderLineFactory(
        order__vendor=vendor, vendor=vendor, quantity=quantity, order__placed_at=placed, **order
    )
    with scope(vendor=vendor):
        units_for_line(vendor=vendor, line=line, units=[UnitData(s) for s in serials])
    return line


def _claim(line, serials=(), scenario="warranty_claim", **kw):
    return services.return_create(
        order=line.order,
        scenario=scenario,
        lines=[(line, 1)],
        actor=CUSTOMER,
        reason="Broken.",
        current_country=kw.pop("current_country", "DE"),
        serials=serials,
        **kw,
    )


def _flags(rr) -> dict[str, ClaimFlag]:
    return {f.kind: f for f in rr.integrity_flags.all()}


@pytest.mark.django_db
def test_a_clean_claim_has_no_flags():
    vendor = _vendor()
    line = _line(vendor)
    with scope(vendor=vendor):
        assert _flags(_claim(line, ["AQ-1"])) == {}


@pytest.mark.django_db
def test_serial_already_in_an_open_and_a_completed_claim():
    vendor = _vendor()
    line = _line(vendor, quantity=3, serials=("AQ-1", "AQ-2", "AQ-3"))
    with scope(vendor=vendor):
        first = _claim(line, ["AQ-1"])
        done = _claim(line, ["AQ-1"])
        ReturnRequest.objects.filter(pk=done.pk).update(status=ReturnStatus.CLOSED)
        rejected = _claim(line, ["AQ-1"])
        ReturnRequest.objects.filter(pk=rejected.pk).update(status=ReturnStatus.REJECTED)
        third = _claim(line, ["AQ-1"])
        flag = _flags(third)["serial_claimed"]
        assert flag.rule_id == "AQA-11" and flag.serial == "AQ-1" and not flag.blocking
        # The rejected claim does not count; the first is open, the closed one completed.
        assert flag.figures == {"serial": "AQ-1", "open_claims": "1", "completed_claims": "1"}
        assert flag.message["id"].startswith("Serial %(serial)s is already in")
        assert "serial_claimed" not in _flags(first)


@pytest.mark.django_db
def test_serial_not_sold_by_the_vendor_is_kept_and_flagged():
    vendor = _vendor()
    line = _line(vendor)
    with scope(vendor=vendor):
        rr = _claim(line, ["NOT-OURS-9"])
        flag = _flags(rr)["serial_not_sold"]
        assert flag.serial == "NOT-OURS-9" and flag.rule_id == "AQA-5"
        assert [(cu.serial, cu.unit_id) for cu in rr.claim_units.all()] == [("NOT-OURS-9", None)]


@pytest.mark.django_db
def test_serial_sold_for_another_market():
    vendor = VendorFactory(slug="market-integrity", policy_key="marketplace")
    line = _line(vendor, serials=())
    with scope(vendor=vendor):
        units_for_line(vendor=vendor, line=line, units=[UnitData("MK-1", market="FR")])
        rr = _claim(line, ["MK-1"], scenario="quality_defect", current_country="")
        flag = _flags(rr)["other_market"]
        # The marketplace names no rule of its own for it: its scope rule is cited.
        assert flag.rule_id == "MKT-1"
        assert flag.figures["market"] == "FR" and flag.figures["country"] == "DE"


@pytest.mark.django_db
def test_serial_on_two_customers_orders():
    vendor = _vendor()
    theirs = _line(vendor)
    mine = _line(vendor, serials=("AQ-7",))
    with scope(vendor=vendor):
        rr = _claim(mine, ["AQ-1"])
        flag = _flags(rr)["two_customers"]
        assert flag.serial == "AQ-1" and flag.rule_id == "AQA-12"
        # Nothing of the other customer's order is in the flag.
        assert theirs.order.number not in str(flag.message) + str(flag.figures)
        assert theirs.order.customer.email not in str(flag.message) + str(flag.figures)


@pytest.mark.django_db
def test_a_customer_with_an_unusual_number_of_claims_per_the_vendor_setting():
    vendor = _vendor(claims_flag_count=2, claims_flag_days=30)
    line = _line(vendor, quantity=3, serials=("A", "B", "C"))
    with scope(vendor=vendor):
        counts = [("frequent_claimant" in _flags(_claim(line, [s]))) for s in ("A", "B", "C")]
        assert counts == [False, False, True]
        flag = ClaimFlag.objects.get(kind="frequent_claimant")
        assert flag.figures == {"claims": "3", "days": "30", "limit": "2"}


@pytest.mark.django_db
def test_the_default_counts_more_than_three_claims_in_90_days():
    vendor = _vendor()
    policy = vendor.get_policy()
    assert (policy.settings.claims_flag_count, policy.settings.claims_flag_days) == (3, 90)


@pytest.mark.django_db
def test_a_flag_refuses_only_where_the_settings_say_and_saves_nothing():
    vendor = _vendor(integrity_refuses="serial_not_sold")
    line = _line(vendor)
    with scope(vendor=vendor):
        with pytest.raises(DomainError) as refused:
            _claim(line, ["NOT-OURS-9"])
        assert refused.value.code == "policy_refused"
        assert refused.value.findings[0]["rule_id"] == "AQA-5"
        assert not ReturnRequest.objects.exists() and not ClaimFlag.objects.exists()
        assert not Unit.objects.filter(serial="NOT-OURS-9").exists()


def test_an_unknown_check_in_the_settings_is_a_clear_error():
    from policies.aqara import AqaraPolicy

    with pytest.raises(ValueError, match="Unknown integrity check"):
        AqaraPolicy({"integrity_refuses": "serial_claimed, nonsense"})
