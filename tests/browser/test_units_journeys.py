"""Serial numbers in Chromium, clicking only what a person sees: a customer registers a product
bought elsewhere and claims warranty on it; an agent sees and filters the integrity flags."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from rma import services
from rma.formatting import vendor_date
from rma.models import ReturnRequest, UnitRegistration
from rma.services import Actor
from rma.services.units import UnitData, units_for_line
from tests.portal.factories import aqara_vendor, order_with_line, pdf_bytes

from .conftest import delivered_email, link_and_password, screenshot
from .test_admin_journeys import agent_of, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["page", "phone"])
def test_customer_registers_a_product_bought_elsewhere_and_claims_it(request, width, tmp_path):
    cache.clear()
    page = request.getfixturevalue(width)
    vendor = aqara_vendor(policy_settings={"warranty_own_store_only": False})
    receipt = tmp_path / "receipt.pdf"
    receipt.write_bytes(pdf_bytes())
    bought = (timezone.localdate() - timedelta(days=60)).isoformat()

    page.goto(f"/v/{vendor.slug}/")
    page.get_by_role("link", name="Register a product").click()
    page.get_by_role("heading", name="Register a product").wait_for()
    page.get_by_label("Serial number").fill("AQ-HUB-7781")
    page.get_by_label("Your email address").fill("lena@mail.example")
    page.get_by_label("From another seller").check()
    page.get_by_label("Seller", exact=True).fill("Gadget Shop Berlin")
    page.get_by_label("Date of purchase").fill(bought)
    page.get_by_label("Country of purchase").select_option(label="Germany")
    page.get_by_label("Product model").fill("Camera Hub G3")
    page.get_by_label("Price paid").fill("119.00")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_label("Proof of purchase").set_input_files(str(receipt))
    screenshot(page, f"units-01-register-{width}")
    page.get_by_role("button", name="Register the product").click()
    page.get_by_role("heading", name="Product registered").wait_for()
    text = page.locator("main").inner_text()
    assert "AQ-HUB-7781" in text and "Camera Hub G3" in text
    with scopes_disabled():
        registration = UnitRegistration.objects.select_related("order", "unit").get()
    assert registration.order.number in text
    assert vendor_date(registration.unit.warranty_end, vendor.time_zone) in text
    screenshot(page, f"units-02-registered-{width}")

    link, _password = link_and_password(delivered_email("return_access"))
    page.goto(link)  # the emailed link signs the customer in by itself
    page.wait_for_url(re.compile(r"/order/$"))
    page.get_by_role("link", name="Request a return").click()
    page.get_by_label(re.compile("How many of")).fill("1")
    page.get_by_label("Warranty claim").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Confirm your return").wait_for()
    picker = page.get_by_role("checkbox", name="AQ-HUB-7781")
    assert picker.is_checked()  # the registered unit, ticked: the only one on the line
    page.get_by_label("Which country is the product in now?").select_option(label="Germany")
    page.get_by_label("Describe the problem").fill("The hub no longer connects.")
    screenshot(page, f"units-03-claim-{width}")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    screenshot(page, f"units-04-claimed-{width}")
    with scopes_disabled():
        rr = ReturnRequest.objects.get()
        assert [cu.serial for cu in rr.claim_units.all()] == ["AQ-HUB-7781"]
        # Not sold by the vendor: flagged for the agent, never shown to the customer.
        assert [f.kind for f in rr.integrity_flags.all()] == ["serial_not_sold"]
    assert "registry" not in page.content() and "sold by" not in page.content()


def test_agent_sees_and_filters_the_integrity_flags(browser, portal_url):
    vendor = aqara_vendor()
    agent_of(vendor, "flag-agent")
    with scope(vendor=vendor):
        order = order_with_line(vendor, quantity=2)
        line = order.lines.get()
        with transaction.atomic():
            units_for_line(vendor=vendor, line=line, units=[UnitData("AQ-1"), UnitData("AQ-2")])
        customer = Actor.customer(order.customer.email)
        common = {"order": order, "scenario": "warranty_claim", "actor": customer}
        clean = services.return_create(
            **common, lines=[(line, 1)], serials=["AQ-1"], current_country="DE", reason="Dead."
        )
        flagged = services.return_create(
            **common, lines=[(line, 1)], serials=["AQ-1"], current_country="DE", reason="Again."
        )
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="en-US", base_url=portal_url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, "flag-agent")
    page.get_by_role("link", name="Return requests", exact=True).first.click()
    filters = page.locator("#changelist-filter")
    filters.get_by_role("link", name="Serial already in another claim").click()
    page.wait_for_url(re.compile(r"flag=serial_claimed"))
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    screenshot(page, "units-05-agent-filtered")
    rows.first.get_by_role("link").first.click()
    section = page.locator(".case-section", has_text="Integrity flags")
    section.wait_for()
    words = section.inner_text()
    assert "Serial AQ-1 is already in 1 open and 0 completed claim(s)" in words
    assert "AQA-11" in words
    assert flagged.public_id.hex[:8] in page.locator("h1").first.inner_text()
    screenshot(page, "units-06-agent-case-flags")
    page.get_by_role("link", name="Return requests", exact=True).first.click()
    page.locator("#changelist-filter").get_by_role("link", name="No flag").click()
    page.wait_for_url(re.compile(r"flag=none"))
    assert page.locator("#result_list tbody tr").count() == 1
    with scopes_disabled():
        assert not clean.integrity_flags.exists()
    context.close()
