"""The return form's exchange choice through the test client: where it is offered, the German
words, a variant of another vendor refused, and nothing sent before the difference is seen."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from rma.models import CatalogVariant, ReturnExchange, ReturnRequest
from rma.services.catalogue import ProductData, VariantData, product_upsert
from tests.factories import VendorFactory

from .factories import order_with_line
from .helpers import url
from .test_returns import signed_in, text_of

ATTEST = {
    "attest_undamaged": "on",
    "attest_accessories_complete": "on",
    "attest_gifts_included": "on",
    "attest_original_packaging": "on",
}


def _catalogue(vendor, currency: str = "EUR") -> None:
    with scope(vendor=vendor):
        product_upsert(
            vendor=vendor,
            data=ProductData(
                "hub",
                "Hub",
                [
                    VariantData("HUB-W", Decimal("120.00"), currency, {"colour": "white"}),
                    VariantData("HUB-B", Decimal("135.00"), currency, {"colour": "black"}),
                ],
            ),
        )


@pytest.fixture
def order(aqara):
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=2, sku="HUB-W", name="Hub")
    _catalogue(aqara)
    return order


def _post(client, order, step: str, variant: CatalogVariant | None, **extra):
    with scopes_disabled():
        line = order.lines.get()
    data = {"step": step, f"line_{line.pk}": 1, "scenario": "non_quality", **ATTEST}
    if variant is not None:
        data.update(outcome="exchange", replacement=variant.pk)
    data.update(extra)
    return client.post(url("return_new", order.vendor), data, HTTP_ACCEPT_LANGUAGE="de")


def _variant(sku: str) -> CatalogVariant:
    with scopes_disabled():
        return CatalogVariant.objects.get(sku=sku)


def test_the_difference_reads_in_german_and_nothing_is_sent_before_it(client, aqara, order):
    signed_in(client, aqara, order)
    black = _variant("HUB-B")
    page = _post(client, order, "amounts", black)
    assert page.status_code == 200
    words = text_of(page)
    assert "Erstattung oder Umtausch" in words
    assert "Hub (black) · 135,00 EUR" in words  # the reader's number format, everywhere
    assert "Sie zahlen den Unterschied 15,00 EUR" in words
    assert "Hub (black) kostet mehr als Hub; Sie zahlen den Unterschied" in words
    assert "15.00" not in words
    blind = _post(client, order, "submit", black)  # no shown_replacement: not seen yet
    assert blind.status_code == 400
    assert "Prüfen Sie unten den Preisunterschied" in text_of(blind)
    with scopes_disabled():
        assert not ReturnRequest.objects.filter(order=order).exists()
    sent = _post(client, order, "submit", black, shown_replacement=black.pk)
    assert sent.status_code == 302
    with scopes_disabled():
        assert ReturnExchange.objects.get(return_request__order=order).variant == black


def test_a_variant_of_another_vendor_is_refused_and_nothing_changes(client, aqara, order):
    other = VendorFactory(slug="aqara-other", policy_key="aqara")
    _catalogue(other)
    with scopes_disabled():
        theirs = CatalogVariant.objects.get(vendor=other, sku="HUB-B")
    signed_in(client, aqara, order)
    refused = _post(client, order, "submit", theirs, shown_replacement=theirs.pk)
    assert refused.status_code == 400
    with scopes_disabled():
        assert not ReturnRequest.objects.filter(order=order).exists()
        assert not ReturnExchange.objects.exists()


def test_no_exchange_choice_without_a_catalogue_in_the_orders_currency(client, aqara):
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=2, sku="HUB-W", name="Hub")
    _catalogue(aqara, currency="USD")  # the order is in EUR
    signed_in(client, aqara, order)
    page = _post(client, order, "choose", None)
    assert page.status_code == 200
    assert "Erstattung oder Umtausch" not in text_of(page)


def test_a_vendor_without_exchanges_shows_no_choice(client, market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=2, sku="HUB-W", name="Hub")
    _catalogue(market)
    signed_in(client, market, order)
    with scopes_disabled():
        line = order.lines.get()
    page = client.post(
        url("return_new", market),
        {"step": "choose", f"line_{line.pk}": 1, "scenario": "non_quality"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert "Confirm your return" in text_of(page)
    assert "Refund or exchange" not in text_of(page)


def test_the_approved_exchange_names_the_new_variant_and_what_goes_back(client, aqara, order):
    """The exchange resolution's card names what comes (the chosen variant), not only the
    returned line; German words, the difference once."""
    from tests.rma.resolution_cases import aqara_exchange_approved

    with scope(vendor=aqara):
        rr = aqara_exchange_approved(aqara, for_sku="HUB-B", order=order)
    signed_in(client, aqara, rr.order)
    page = client.get(url("return_detail", aqara, rr.public_id), HTTP_ACCEPT_LANGUAGE="de")
    shown = text_of(page)
    assert "Ihr Umtausch" not in shown  # the approved exchange is told once, as a resolution
    card = shown.split("Was Sie erhalten", 1)[1]
    assert re.search(r"Sie erhalten\s*1 × Hub \(black\)", card)
    assert re.search(r"Sie schicken zurück\s*1 × Hub Sie zahlen", card)
    assert re.search(r"Sie zahlen den Unterschied\s*15,00 EUR", card)
