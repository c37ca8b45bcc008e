"""A customer exchanges instead of a refund, in Chromium: picks another product the vendor
offers, reads the price difference before sending, and finds the exchange on the case page."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from rma.models import Resolution, ReturnExchange, ReturnRequest
from rma.services.access import return_access_request
from rma.services.catalogue import ProductData, VariantData, product_upsert
from tests.portal.factories import aqara_vendor, order_with_line

from .test_customer_journeys import (
    approve_with_evidence,
    choose_return,
    shot,
    sign_in_by_email,
    text,
    tick_every_condition,
    upload_files,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAY_TEXT = "Pay by bank transfer to IBAN DE00 1234, reference: your RMA number."


@pytest.fixture(autouse=True)
def _own_throttle_namespace(settings):
    settings.PORTAL_THROTTLE_NAMESPACE = f"journey-{uuid.uuid4().hex}"


@pytest.fixture
def viewer(browser, portal_url, request):
    def open_at(width: int):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="en-US", base_url=portal_url
        )
        context.set_default_timeout(20_000)
        request.addfinalizer(context.close)
        return context.new_page()

    return open_at


def _catalogue(vendor) -> None:
    def variant(sku: str, price: str, **options: str) -> VariantData:
        return VariantData(sku, Decimal(price), "EUR", options)

    product_upsert(
        vendor=vendor,
        data=ProductData(
            "hub-g3",
            "Camera Hub G3",
            [
                variant("HUB-G3-W", "120.00", colour="white"),
                variant("HUB-G3-B", "135.00", colour="black"),
            ],
        ),
    )
    product_upsert(
        vendor=vendor,
        data=ProductData("cam-e1", "Camera E1", [variant("CAM-E1", "95.00", colour="grey")]),
    )


def test_customer_exchanges_for_a_dearer_variant_at_1280(viewer, tmp_path):
    width = 1280
    page = viewer(width)
    aqara = aqara_vendor(
        time_zone="Europe/Berlin", policy_settings={"makeup_payment_instructions": PAY_TEXT}
    )
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=2, sku="HUB-G3-W", name="Camera Hub G3")
        _catalogue(aqara)
    sign_in_by_email(page, aqara, order, width, "exchange")
    choose_return(page, "Non-quality return")
    tick_every_condition(page)
    assert "Refund or exchange" in text(page)
    page.get_by_label("Another product in exchange").check()

    # A cheaper product first: the difference comes back to the customer.
    page.get_by_label("Exchange it for").select_option(label="Camera E1 (grey) · 95.00 EUR")
    page.get_by_role("button", name="Show the price difference").click()
    page.locator("dl.exchange-difference").wait_for()
    shown = text(page)
    assert "Refunded to you 25.00 EUR" in shown
    assert "costs less than Camera Hub G3; the difference is refunded to you" in shown
    shot(page, width, "exchange-03-cheaper")

    # Then the black variant of the same product: the customer pays the difference.
    assert page.get_by_label("Another product in exchange").is_checked()
    page.get_by_label("Exchange it for").select_option(label="Camera Hub G3 (black) · 135.00 EUR")
    # Sending before seeing this choice's difference shows it instead of sending.
    page.get_by_role("button", name="Send the request").click()
    page.get_by_text("Check the price difference below, then send the request.").wait_for()
    shown = text(page)
    assert "You pay the difference 15.00 EUR" in shown
    assert PAY_TEXT in shown
    assert "Your estimated refund" not in shown  # an exchange refunds nothing of the item
    with scopes_disabled():
        assert not ReturnRequest.objects.filter(order=order).exists()
    shot(page, width, "exchange-04-dearer")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    upload_files(page, tmp_path, "photo", 1)
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
        chosen = ReturnExchange.objects.get(return_request=rr)
        assert (chosen.variant.sku, chosen.difference) == ("HUB-G3-B", Decimal("15.00"))
    page.get_by_role("heading", name="Your exchange").wait_for()
    assert "You get 1 × Camera Hub G3 (black)" in text(page)
    approve_with_evidence(rr)
    with scopes_disabled():
        resolution = Resolution.objects.get(return_request=rr, kind="exchange")
        assert resolution.makeup_amount == Decimal("15.00")
    page.reload()
    approved = text(page)
    assert re.search(r"You pay the difference 15\.00 EUR", approved)
    assert approved.count(PAY_TEXT) == 1  # the exchange resolution says how to pay, once
    shot(page, width, "exchange-05-approved")


def test_german_customer_on_a_phone_reads_the_difference_at_390(browser, portal_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
        base_url=portal_url,
    )
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        aqara = aqara_vendor(time_zone="Europe/Berlin")
        with scope(vendor=aqara):
            order = order_with_line(
                aqara, delivered_days_ago=2, sku="HUB-G3-W", name="Camera Hub G3"
            )
            _catalogue(aqara)
            access, _password = return_access_request(
                vendor=aqara, order_number=order.number, email=order.customer.email
            )
        page.goto(f"/v/{aqara.slug}/access/{access.token}/")  # the emailed link signs in
        page.get_by_role("link", name="Rücksendung anfragen").click()
        page.get_by_label(re.compile("Wie viele von")).first.fill("1")
        page.get_by_label("Rücksendung ohne Mangel").check()
        page.get_by_role("button", name="Weiter").click()
        page.get_by_role("heading", name="Rücksendung bestätigen").wait_for()
        page.get_by_label("Ein anderes Produkt im Umtausch").check()
        page.get_by_label("Umtauschen gegen").select_option(label="Camera E1 (grey) · 95,00 EUR")
        page.get_by_role("button", name="Preisunterschied anzeigen").click()
        page.locator("dl.exchange-difference").wait_for()
        shown = text(page)
        assert "Ihnen erstattet 25,00 EUR" in shown
        assert "kostet weniger als Camera Hub G3; der Unterschied wird Ihnen erstattet" in shown
        shot(page, 390, "exchange-de-cheaper")
    finally:
        context.close()
