"""AQA-10: once a return is replaced, its item's warranty is the replacement's; the customer's
"Dates to expect" shows that end, no longer the purchase's warranty it replaced."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from django_scopes import scope

from policies import Attestation
from rma import services
from rma.formatting import vendor_date
from rma.services import Actor
from rma.services.units import UnitData, units_for_line, units_replace
from tests.portal.factories import aqara_vendor, order_with_line
from tests.portal.helpers import url
from tests.portal.test_returns import _section, signed_in
from tests.rma.test_return_transitions import satisfy_evidence

pytestmark = pytest.mark.django_db
AGENT = Actor.system("agent")
DATES = {"en": "Dates to expect", "de": "Zu erwartende Termine"}
REPLACEMENT = {
    "en": "Warranty on the replacement Smart camera",
    "de": "Garantie für das Ersatzgerät Smart camera",
}
PURCHASE = {"en": "months from purchase", "de": "Monate ab Kauf"}


@pytest.fixture
def aqara():
    return aqara_vendor(time_zone="Asia/Shanghai")


def claim_on_a_replacement_unit(aqara):
    """A claim a year after purchase (the purchase's 12 months have ended) on a unit replaced
    a month ago (AQA-10 keeps it under warranty), approved, received and inspected."""
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=380)
        line = order.lines.get()
        units_for_line(vendor=aqara, line=line, units=[UnitData("AQ-1")])
        units_replace(
            vendor=aqara,
            order=order,
            serials={"AQ-1": "AQ-2"},
            at=timezone.now() - timedelta(days=30),
        )
        customer = Actor.customer(order.customer.email)
        rr = services.return_create(
            order=order,
            scenario="warranty_claim",
            lines=[(line, 1)],
            actor=customer,
            reason="The replacement stopped pairing.",
            attestations=[a.value for a in Attestation],
            current_country=str(order.country_of_purchase),
            serials=["AQ-2"],
        )
        satisfy_evidence(rr)
        rr = services.return_approve(return_request=rr, actor=AGENT)
        services.return_mark_shipped(
            return_request=rr,
            actor=customer,
            carrier=aqara.get_policy().carriers()[0].code,
            tracking_number="1Z999AA10123456784",
        )
        services.return_mark_received(return_request=rr, actor=AGENT)
        rr = services.return_record_inspection(return_request=rr, actor=AGENT, note="Dead unit.")
    return order, rr


def dates_card(client, aqara, rr, language: str) -> str:
    page = client.get(url("return_detail", aqara, rr.public_id), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    # The card's text with its tags gone ("label : date" reads "label: date").
    return _section(page.content.decode(), DATES[language]).replace(" : ", ": ")


@pytest.mark.parametrize("language", ["en", "de"])
def test_aqa10_replaced_return_expects_only_the_replacements_warranty_end(client, aqara, language):
    order, rr = claim_on_a_replacement_unit(aqara)
    signed_in(client, aqara, order)
    with scope(vendor=aqara):
        (purchase,) = [d for d in rr.decision["deadlines"] if d["name"] == "warranty_end"]
    assert purchase["rule_id"] == "AQA-7"
    # Before the replacement the purchase's warranty is the one the case has.
    before = dates_card(client, aqara, rr, language)
    assert PURCHASE[language] in before, before

    with scope(vendor=aqara):
        rr = services.return_replace(
            return_request=rr, actor=AGENT, replacement_serials={"AQ-2": "AQ-3"}
        )
        (replacement,) = rr.resolutions.filter(kind="replacement")
    assert replacement.warranty_end is not None
    after = dates_card(client, aqara, rr, language)
    with translation.override(language):
        replacement_day = vendor_date(replacement.warranty_end, aqara.time_zone)
        purchase_day = vendor_date(datetime.fromisoformat(purchase["at"]), aqara.time_zone)
    assert f"{REPLACEMENT[language]}: {replacement_day}" in after, after
    assert PURCHASE[language] not in after and purchase_day not in after, after
    assert "AQA-10" in after and "AQA-7" not in after
