"""Each resolution kind in Chromium: an agent completes it from the case page, clicking only
the controls they see, and every step lands on the case timeline; the customer follows it on
their own case page and reads the same codes, dates and tracking numbers in the email.

Cases are built through the services (the customer's forms have journeys of their own); the
steps under test are clicked."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from portal.templatetags.moments import day as vendor_day
from rma import services
from rma.models import Resolution
from rma.services.access import return_access_request
from tests.factories import MembershipFactory
from tests.portal.factories import (
    aqara_vendor,
    marketplace_vendor,
    propose_solution,
    reolink_vendor,
)
from tests.rma.resolution_cases import (
    AGENT,
    aqara_claim_received,
    aqara_exchange_approved,
    defect_case,
    keep_case,
)

from .conftest import delivered_email, link_and_password, screenshot
from .test_exchange_journey import _catalogue as exchange_catalogue
from .test_resolution_journeys import log_in, resolution_card, said

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAY_LINK = "https://pay.reolink.example/rma"
PAY_TEXT = "Or by bank transfer to IBAN DE00 1234 5678, reference: your order number."


@pytest.fixture(autouse=True)
def _own_throttle_namespace(settings):
    settings.PORTAL_THROTTLE_NAMESPACE = f"resolutions-{uuid.uuid4().hex}"


@pytest.fixture
def desk(browser, portal_url):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="en-US", base_url=portal_url
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def german_phone(browser, portal_url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="de-DE",
        base_url=portal_url,
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def flat(text: str) -> str:
    return " ".join(text.split())


def fits(page) -> None:
    """Nothing sticks out sideways at the page's width."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def on_timeline(desk, *sentences: str) -> None:
    """Every sentence is on the case's timeline (the agent's audit trail, oldest first)."""
    shown = flat(desk.locator("ol.case-timeline").inner_text())
    for sentence in sentences:
        assert sentence in shown, shown


def open_case_page(desk, case) -> None:
    model = "returnrequest" if hasattr(case, "rma_number") else "warrantysolution"
    desk.goto(f"/admin/rma/{model}/{case.pk}/change/")
    desk.get_by_role("heading", name="Timeline").wait_for()


def open_customer_return(page, vendor, rr, heading: str = "What you get") -> None:
    with scope(vendor=vendor):
        return_access_request(vendor=vendor, order_number=rr.order.number, email=rr.customer.email)
    link, _password = link_and_password(delivered_email("return_access"))
    page.goto(link)
    page.wait_for_url(re.compile(r"/order/$"))
    page.get_by_role("link", name=re.compile(rr.rma_number)).click()
    page.get_by_role("heading", name=heading).wait_for()


def sign_in_to_solution(page, link: str, password: str, then: str) -> None:
    """The emailed link and password open the solution; then its ``then`` page."""
    page.goto(link)
    page.get_by_label("Password from the email").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/content/$"))
    page.goto(page.url.replace("/content/", f"/{then}/"))


def facts_of(card) -> dict[str, str]:
    """A card's facts list (``<dt>``/``<dd>`` pairs) as label -> value."""
    labels = card.locator("dt").all_inner_texts()
    values = card.locator("dd").all_inner_texts()
    return {flat(k): flat(v) for k, v in zip(labels, values, strict=True)}


def state_of(card) -> str:
    return card.locator(".resolution-state").inner_text()


# -- 1. a refund with its MKT-8/MKT-12 freight line ---------------------------------------------


def test_mkt8_refund_with_the_freight_line_is_paid_from_the_case_page(desk, page):
    market = marketplace_vendor()
    MembershipFactory(vendor=market, user__username="rafa")
    with scope(vendor=market):
        rr = defect_case(market)

    log_in(desk, "rafa")
    open_case_page(desk, rr)
    inspection = desk.locator("#case-action-inspect")
    inspection.get_by_label("Return freight paid").fill("12.50")
    inspection.get_by_role("button", name="Record inspection").click()
    assert "Record inspection: done." in said(desk)
    # The refund button names what it pays: the price and the freight the defect makes ours.
    refund = desk.locator("#case-action-refund")
    refund.get_by_label("Provider reference").fill("re_3Mkt8Fr8")
    refund.get_by_role("button", name="Issue refund of 132.50 EUR").click()
    assert "Issue refund: done." in said(desk)
    card = resolution_card(desk, "Refund")
    assert state_of(card) == "Done"
    paid = flat(card.inner_text())
    assert "re_3Mkt8Fr8" in paid and "132.50 EUR" in paid
    assert "Return freight reimbursed 12.50 MKT-12" in paid
    on_timeline(
        desk,
        "recorded the inspection",
        "issued the refund",
        "recorded the refund as paid: Refund Pending → Done",
    )
    screenshot(desk, "admin-resolution-refund-mkt8-1440")

    open_customer_return(page, market, rr)
    money = flat(page.locator("section[aria-labelledby=refund-title]").inner_text())
    assert "Return freight reimbursed 12.50" in money
    assert "Total 132.50 EUR" in money
    card = resolution_card(page, "Refund")
    with scopes_disabled():
        refund_done = Resolution.objects.get(return_request=rr, kind="refund").done_at
    assert f"Paid on {vendor_day(refund_done, market)}." in flat(card.inner_text())
    fits(page)
    screenshot(page, "customer-resolution-refund-mkt8-1280")
    email = delivered_email("refund_issued")
    body = flat(email.body)
    assert "We issued the refund for" in body and "132.50 EUR" in body
    assert "Return freight reimbursed: 12.50 EUR (MKT-12)" in body


# -- 2. a coupon compensation (MKT-7 keep), in German on a phone --------------------------------


def test_coupon_compensation_issued_by_the_agent_reaches_a_german_customer(desk, german_phone):
    market = marketplace_vendor(policy_settings={"compensation_method": "coupon"})
    MembershipFactory(vendor=market, user__username="cleo")
    with scope(vendor=market):
        rr = keep_case(market)
        customer = rr.customer
        customer.language = "de"
        customer.save(update_fields=["language"])

    log_in(desk, "cleo")
    open_case_page(desk, rr)
    compensation = resolution_card(desk, "Compensation")
    assert facts_of(compensation)["Paid as"] == "Coupon"
    # A coupon compensation is paid by its code, never as a refund.
    assert compensation.get_by_role("button", name="Mark refund paid").count() == 0
    compensation.get_by_label("Coupon code").fill("SORRY-KEEP-15")
    compensation.get_by_role("button", name="Coupon issued").click()
    assert "Compensation: Coupon issued: done." in said(desk)
    compensation = resolution_card(desk, "Compensation")
    assert state_of(compensation) == "Done"
    assert "SORRY-KEEP-15" in compensation.inner_text()
    on_timeline(desk, "issued a coupon: Compensation Pending → Done")
    screenshot(desk, "admin-resolution-coupon-1440")

    open_customer_return(german_phone, market, rr, heading="Was Sie erhalten")
    card = resolution_card(german_phone, "Entschädigung")
    assert state_of(card) == "Erledigt"
    assert card.locator(".coupon-code").inner_text() == "SORRY-KEEP-15"
    # The reshipment that comes with keeping the wrong item waits for its tracking number.
    assert state_of(resolution_card(german_phone, "Nachlieferung")) == "Ausstehend"
    fits(german_phone)
    screenshot(german_phone, "customer-resolution-coupon-de-390")
    email = delivered_email("coupon_issued")
    assert "Ihr Code: SORRY-KEEP-15" in email.body
    # The email's amount is stored text ("15.00"); the page prints the reader's "15,00".
    said_in_email = rf"Für {rr.rma_number} erhalten Sie 15[.,]00 EUR zum Einkaufen bei uns\."
    assert re.search(said_in_email, flat(email.body))
    assert rr.rma_number in email.subject


def test_compensation_paid_as_store_credit_is_issued_with_its_code(desk, page):
    """The vendor pays compensations as store credit (``compensation_method``); no policy plans
    a stand-alone store-credit resolution, so this is the store-credit path there is."""
    market = marketplace_vendor(policy_settings={"compensation_method": "store_credit"})
    MembershipFactory(vendor=market, user__username="vik")
    with scope(vendor=market):
        rr = keep_case(market)

    log_in(desk, "vik")
    open_case_page(desk, rr)
    compensation = resolution_card(desk, "Compensation")
    assert facts_of(compensation)["Paid as"] == "Store credit"
    assert compensation.get_by_role("button", name="Coupon issued").count() == 0
    compensation.get_by_label("Credit code").fill("CREDIT-77K")
    compensation.get_by_role("button", name="Store credit issued").click()
    assert "Compensation: Store credit issued: done." in said(desk)
    assert state_of(resolution_card(desk, "Compensation")) == "Done"
    on_timeline(desk, "issued store credit: Compensation Pending → Done")

    open_customer_return(page, market, rr)
    card = resolution_card(page, "Compensation")
    assert state_of(card) == "Done"
    assert card.locator(".coupon-code").inner_text() == "CREDIT-77K"
    assert "Done on" in card.inner_text() and "Paid on" not in card.inner_text()
    fits(page)
    screenshot(page, "customer-resolution-store-credit-1280")
    body = flat(delivered_email("coupon_issued").body)
    assert f"For {rr.rma_number} you get 15.00 EUR to spend with us." in body
    assert "Your code: CREDIT-77K" in body


# -- 3. an AQA-10 replacement -------------------------------------------------------------------


def test_aqa10_replacement_is_shipped_and_delivered_and_carries_its_warranty_end(desk, phone):
    aqara = aqara_vendor(time_zone="Europe/Berlin")
    MembershipFactory(vendor=aqara, user__username="ida")
    with scope(vendor=aqara):
        rr = aqara_claim_received(aqara)

    log_in(desk, "ida")
    open_case_page(desk, rr)
    replace = desk.locator("#case-action-replace")
    replace.get_by_label("Replacement carrier").fill("DPD")
    replace.get_by_label("Replacement tracking number").fill("01505123456789")
    replace.get_by_role("button", name="Replacement sent").click()
    assert "Replacement sent: done." in said(desk)
    card = resolution_card(desk, "Replacement unit")
    assert state_of(card) == "In transit"
    facts = facts_of(card)
    assert facts["Tracking"] == "DPD 01505123456789" and facts["Rules"] == "AQA-10"
    with scopes_disabled():
        replacement = Resolution.objects.get(return_request=rr, kind="replacement")
    warranty_end = vendor_day(replacement.warranty_end, aqara)
    screenshot(desk, "admin-resolution-replacement-shipped-1440")

    open_customer_return(phone, aqara, rr)
    card = resolution_card(phone, "Replacement unit")
    assert state_of(card) == "In transit"
    assert card.locator(".tracking-number").inner_text() == "01505123456789"
    shown = flat(card.inner_text())
    assert "Carrier DPD" in shown and f"Warranty until {warranty_end}" in shown
    fits(phone)
    screenshot(phone, "customer-resolution-replacement-shipped-390")
    email = delivered_email("replacement_shipped")
    body = flat(email.body)
    assert "01505123456789" in body and "DPD" in body
    assert f"Its warranty runs until {warranty_end}." in body

    open_case_page(desk, rr)
    resolution_card(desk, "Replacement unit").get_by_role("button", name="Mark delivered").click()
    assert "Mark delivered: done." in said(desk)
    on_timeline(
        desk,
        "sent the replacement",
        "recorded a shipment to the customer: Replacement unit Pending → In transit",
        "recorded the delivery to the customer: Replacement unit In transit → Done",
    )
    phone.reload()
    card = resolution_card(phone, "Replacement unit")
    assert state_of(card) == "Done"
    assert "Delivered on" in card.inner_text()
    assert f"Warranty until {warranty_end}" in flat(card.inner_text())
    screenshot(phone, "customer-resolution-replacement-delivered-390")


# -- 4. Reolink: the REO-8 make-up payment before the REO-12 shipment; a repair ----------------


def test_reo8_payment_verified_then_the_replacement_ships_and_arrives(desk, page):
    reolink = reolink_vendor(
        policy_settings={"makeup_payment_link": PAY_LINK, "makeup_payment_instructions": PAY_TEXT}
    )
    MembershipFactory(vendor=reolink, user__username="noor")
    with scope(vendor=reolink):
        solution, password = propose_solution(
            reolink, return_required=False, makeup_amount=Decimal("15.00")
        )
        services.solution_agree(solution=solution, actor=AGENT)
    link, _ = link_and_password(delivered_email("solution_confirmation"))

    # The customer reads how to pay where they type the payment's transaction ID.
    sign_in_to_solution(page, link, password, then="details")
    payment = page.locator("section[aria-labelledby=payment-title]")
    assert PAY_TEXT in flat(payment.inner_text())
    assert payment.get_by_role("link", name="Pay now").get_attribute("href") == PAY_LINK
    screenshot(page, "customer-resolution-reo8-pay-1280")
    page.get_by_label("Transaction ID of your payment").fill("PAY-REO-4711")
    page.get_by_role("button", name="Save and continue later").click()
    page.goto(page.url.replace("/details/", "/status/"))
    card = resolution_card(page, "Replacement unit")
    assert state_of(card) == "Pending"
    assert "PAY-REO-4711" in card.inner_text()  # the ID they gave, waiting to be checked
    fits(page)
    screenshot(page, "customer-resolution-reo8-paid-1280")

    log_in(desk, "noor")
    open_case_page(desk, solution)
    card = resolution_card(desk, "Replacement unit")
    facts = facts_of(card)
    assert facts["Make-up payment"] == "15.00 EUR"
    assert facts["Transaction ID"] == "PAY-REO-4711"
    # REO-12: nothing ships before the payment is verified.
    assert card.get_by_role("button", name="Mark shipped").count() == 0
    card.get_by_label("Payment transaction ID").fill("PAY-REO-4711")
    card.get_by_role("button", name="Payment verified").click()
    assert "Payment verified: done." in said(desk)
    card = resolution_card(desk, "Replacement unit")
    card.get_by_label("Shipment carrier").fill("UPS")
    card.get_by_label("Shipment tracking number").fill("1Z999AA10123456784")
    card.get_by_role("button", name="Mark shipped").click()
    assert "Mark shipped: done." in said(desk)
    assert state_of(resolution_card(desk, "Replacement unit")) == "In transit"
    screenshot(desk, "admin-resolution-reo12-shipped-1440")

    page.reload()
    card = resolution_card(page, "Replacement unit")
    assert state_of(card) == "In transit"
    assert card.locator(".tracking-number").inner_text() == "1Z999AA10123456784"
    assert "Please pay" not in card.inner_text()
    email = delivered_email("replacement_shipped")
    assert "1Z999AA10123456784" in email.body and "UPS" in email.body

    resolution_card(desk, "Replacement unit").get_by_role("button", name="Mark delivered").click()
    assert "Mark delivered: done." in said(desk)
    on_timeline(
        desk,
        "agreed to the solution",
        "saved their details",
        "verified the make-up payment: Replacement unit",
        "recorded a shipment to the customer: Replacement unit Pending → In transit",
        "recorded the delivery to the customer: Replacement unit In transit → Done",
    )
    page.reload()
    card = resolution_card(page, "Replacement unit")
    assert state_of(card) == "Done" and "Delivered on" in card.inner_text()
    screenshot(page, "customer-resolution-reo12-delivered-1280")


def test_reolink_repair_is_shipped_back_and_followed_to_delivered(desk, phone):
    reolink = reolink_vendor()
    MembershipFactory(vendor=reolink, user__username="omar")
    with scope(vendor=reolink):
        solution, password = propose_solution(reolink, return_required=False, kind="repair")
        services.solution_agree(solution=solution, actor=AGENT)
    link, _ = link_and_password(delivered_email("solution_confirmation"))

    log_in(desk, "omar")
    open_case_page(desk, solution)
    card = resolution_card(desk, "Repair")
    assert state_of(card) == "Pending" and "REO-12" in card.inner_text()
    card.get_by_label("Shipment carrier").fill("DHL")
    card.get_by_label("Shipment tracking number").fill("JJD0099887766")
    card.get_by_role("button", name="Mark shipped").click()
    assert "Repair: Mark shipped: done." in said(desk)

    sign_in_to_solution(phone, link, password, then="status")
    card = resolution_card(phone, "Repair")
    assert state_of(card) == "In transit"
    assert card.locator(".tracking-number").inner_text() == "JJD0099887766"
    fits(phone)
    screenshot(phone, "customer-resolution-repair-shipped-390")
    assert "JJD0099887766" in delivered_email("replacement_shipped").body

    resolution_card(desk, "Repair").get_by_role("button", name="Mark delivered").click()
    assert "Repair: Mark delivered: done." in said(desk)
    on_timeline(
        desk,
        "recorded a shipment to the customer: Repair Pending → In transit",
        "recorded the delivery to the customer: Repair In transit → Done",
    )
    phone.reload()
    card = resolution_card(phone, "Repair")
    assert state_of(card) == "Done" and "Delivered on" in card.inner_text()
    screenshot(phone, "customer-resolution-repair-delivered-390")


# -- 5. an Aqara exchange for another variant ---------------------------------------------------


def test_exchange_ships_the_new_product_and_the_customer_sees_what_comes(desk, phone):
    aqara = aqara_vendor(time_zone="Europe/Berlin")
    MembershipFactory(vendor=aqara, user__username="lea")
    with scope(vendor=aqara):
        exchange_catalogue(aqara)
        rr = aqara_exchange_approved(aqara, for_sku="CAM-E1")

    # The customer sees the new product coming, what goes back, and the difference refunded.
    open_customer_return(phone, aqara, rr)
    card = resolution_card(phone, "Exchange")
    shown = flat(card.inner_text())
    assert "You get 1 × Camera E1 (grey)" in shown
    assert "You send back 1 × Camera Hub G3" in shown
    assert "Refunded to you 25.00 EUR" in shown
    assert "-25.00" not in shown
    fits(phone)
    screenshot(phone, "customer-resolution-exchange-pending-390")

    log_in(desk, "lea")
    open_case_page(desk, rr)
    card = resolution_card(desk, "Exchange")
    facts = facts_of(card)
    assert facts["Item"] == "1 × Camera E1 (grey) (CAM-E1)"
    assert facts["Goes back"] == "1 × Camera Hub G3 (HUB-G3-W)"
    assert facts["The difference is refunded"] == "25.00 EUR"
    card.get_by_label("Shipment carrier").fill("GLS")
    card.get_by_label("Shipment tracking number").fill("GLS7766554433")
    card.get_by_role("button", name="Mark shipped").click()
    assert "Exchange: Mark shipped: done." in said(desk)
    on_timeline(desk, "recorded a shipment to the customer: Exchange Pending → In transit")
    screenshot(desk, "admin-resolution-exchange-shipped-1440")

    phone.reload()
    card = resolution_card(phone, "Exchange")
    assert state_of(card) == "In transit"
    assert card.locator(".tracking-number").inner_text() == "GLS7766554433"
    assert "You get 1 × Camera E1 (grey)" in flat(card.inner_text())
    screenshot(phone, "customer-resolution-exchange-shipped-390")
    email = delivered_email("replacement_shipped")
    assert "GLS7766554433" in email.body and "GLS" in email.body

    # The difference is its own refund: the agent pays it, the customer reads it paid.
    refund = resolution_card(desk, "Refund")
    assert facts_of(refund)["Amount"] == "25.00 EUR"
    refund.get_by_label("Provider reference").fill("re_DIFF_2500")
    refund.get_by_role("button", name="Mark refund paid").click()
    assert "Refund: Mark refund paid: done." in said(desk)
    assert state_of(resolution_card(desk, "Refund")) == "Done"
    on_timeline(desk, "recorded the refund as paid: Refund Pending → Done")
    phone.reload()
    card = resolution_card(phone, "Refund")
    assert state_of(card) == "Done"
    shown = flat(card.inner_text())
    assert "Total 25.00 EUR" in shown and "Paid on" in shown
    screenshot(phone, "customer-resolution-exchange-difference-paid-390")


def test_reolink_refund_solution_is_marked_paid_from_its_resolution(desk, page):
    reolink = reolink_vendor()
    MembershipFactory(vendor=reolink, user__username="uma")
    with scope(vendor=reolink):
        solution, password = propose_solution(
            reolink, return_required=False, kind="refund", refund_amount=Decimal("120.00")
        )
        services.solution_agree(solution=solution, actor=AGENT)
    link, _ = link_and_password(delivered_email("solution_confirmation"))

    log_in(desk, "uma")
    open_case_page(desk, solution)
    card = resolution_card(desk, "Refund")
    assert facts_of(card)["Amount"] == "120.00 EUR"
    card.get_by_label("Provider reference").fill("re_REO12_0042")
    card.get_by_role("button", name="Mark refund paid").click()
    assert "Refund: Mark refund paid: done." in said(desk)
    card = resolution_card(desk, "Refund")
    assert state_of(card) == "Done"
    assert facts_of(card)["Provider reference"] == "re_REO12_0042"
    on_timeline(desk, "recorded the refund as paid: Refund Pending → Done")

    sign_in_to_solution(page, link, password, then="status")
    card = resolution_card(page, "Refund")
    assert state_of(card) == "Done"
    shown = flat(card.inner_text())
    assert "Refund agreed in the warranty solution 120.00" in shown
    assert "Total 120.00 EUR" in shown
    with scopes_disabled():
        paid_on = Resolution.objects.get(solution=solution).done_at
    assert f"Paid on {vendor_day(paid_on, reolink)}." in shown
    fits(page)
    screenshot(page, "customer-resolution-solution-refund-1280")


def test_exchange_for_a_dearer_variant_ships_once_the_difference_is_verified(desk, phone):
    aqara = aqara_vendor(
        time_zone="Europe/Berlin", policy_settings={"makeup_payment_instructions": PAY_TEXT}
    )
    MembershipFactory(vendor=aqara, user__username="max")
    with scope(vendor=aqara):
        exchange_catalogue(aqara)
        rr = aqara_exchange_approved(aqara, for_sku="HUB-G3-B")

    open_customer_return(phone, aqara, rr)
    card = resolution_card(phone, "Exchange")
    shown = flat(card.inner_text())
    assert "You get 1 × Camera Hub G3 (black)" in shown
    assert "You pay the difference 15.00 EUR" in shown
    assert "Please pay 15.00 EUR first" in shown and PAY_TEXT in shown
    fits(phone)
    screenshot(phone, "customer-resolution-exchange-makeup-390")

    log_in(desk, "max")
    open_case_page(desk, rr)
    card = resolution_card(desk, "Exchange")
    assert facts_of(card)["Transaction ID"] == "not given yet"
    assert card.get_by_role("button", name="Mark shipped").count() == 0  # not before it is paid
    card.get_by_label("Payment transaction ID").fill("SEPA-2026-991")
    card.get_by_role("button", name="Payment verified").click()
    assert "Exchange: Payment verified: done." in said(desk)
    card = resolution_card(desk, "Exchange")
    assert facts_of(card)["Transaction ID"] == "SEPA-2026-991"
    card.get_by_label("Shipment carrier").fill("DHL")
    card.get_by_label("Shipment tracking number").fill("JJD1122334455")
    card.get_by_role("button", name="Mark shipped").click()
    assert "Exchange: Mark shipped: done." in said(desk)
    on_timeline(
        desk,
        "verified the make-up payment: Exchange",
        "recorded a shipment to the customer: Exchange Pending → In transit",
    )

    phone.reload()
    card = resolution_card(phone, "Exchange")
    assert state_of(card) == "In transit"
    assert card.locator(".tracking-number").inner_text() == "JJD1122334455"
    assert "Please pay" not in card.inner_text()
    assert "JJD1122334455" in delivered_email("replacement_shipped").body


# -- store credit instead of money back (BRT-5, the test vendor's ``store_credit_refunds``) ----


def test_store_credit_chosen_instead_of_money_back_is_issued_and_followed(desk, phone):
    from tests.factories import VendorFactory
    from tests.rma.test_store_credit import credit_return

    bright = VendorFactory(slug="bright-journey", name="Brightline Audio", policy_key="brightline")
    MembershipFactory(vendor=bright, user__username="bo")
    with scope(vendor=bright):
        rr = credit_return(bright)  # the customer chose store credit; inspected
        services.return_refund(return_request=rr, actor=AGENT)  # plans the credit (BRT-5)

    log_in(desk, "bo")
    open_case_page(desk, rr)
    credit = resolution_card(desk, "Store credit")
    assert state_of(credit) == "Pending"
    credit.get_by_label("Credit code").fill("SC-4410")
    credit.get_by_role("button", name="Store credit issued").click()
    assert "Store credit: Store credit issued: done." in said(desk)
    assert state_of(resolution_card(desk, "Store credit")) == "Done"
    on_timeline(desk, "issued store credit: Store credit Pending → Done")

    open_customer_return(phone, bright, rr)
    card = resolution_card(phone, "Store credit")
    assert state_of(card) == "Done"
    assert card.locator(".coupon-code").inner_text() == "SC-4410"
    assert "112.50" in card.inner_text()  # 120.00 less the 7.50 restocking fee (BRT-3)
    assert "You chose store credit instead of money back" in flat(phone.content())
    fits(phone)
    screenshot(phone, "customer-resolution-store-credit-refund-390")
    email = delivered_email("coupon_issued")
    assert email.subject.startswith("Your store credit for ")
    body = flat(email.body)
    assert "112.50 EUR" in body and "SC-4410" in body
