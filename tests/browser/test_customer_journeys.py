"""Each vendor's customer journeys in Chromium at 1280 px and 390 px, clicking only what a
customer sees and reading what they read, times included: the zone-labelled time on the page
is the one in the email. Every page is saved as a screenshot."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from policies.base import Scenario as PolicyScenario
from rma import services
from rma.formatting import vendor_date, vendor_time
from rma.models import OrderChangeRequest, ReturnRequest
from rma.services import Actor
from rma.services.units import UnitData, units_for_line, units_replace
from tests.portal.factories import (
    aqara_vendor,
    marketplace_vendor,
    mp4_bytes,
    order_with_line,
    png_bytes,
    propose_solution,
    reolink_vendor,
)

from .conftest import delivered_email, link_and_password, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AGENT = Actor.system("agent")
WIDTHS = [pytest.param(1280, id="1280"), pytest.param(390, id="390")]


@pytest.fixture(autouse=True)
def _own_throttle_namespace(settings):
    # Every journey starts from the same address; each counts its starts on its own.
    settings.PORTAL_THROTTLE_NAMESPACE = f"journey-{uuid.uuid4().hex}"


@pytest.fixture
def viewer(browser, portal_url, request):
    """A page at the width the test is parametrized with (phone-like at 390)."""

    def open_at(width: int):
        phone = width < 600
        context = browser.new_context(
            viewport={"width": width, "height": 844 if phone else 900},
            device_scale_factor=2 if phone else 1,
            is_mobile=phone,
            has_touch=phone,
            locale="en-US",
            base_url=portal_url,
        )
        context.set_default_timeout(20_000)
        request.addfinalizer(context.close)
        return context.new_page()

    return open_at


def fits(page, width: int) -> None:
    """Nothing sticks out sideways: a customer never scrolls a page horizontally."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def shot(page, width: int, name: str) -> None:
    fits(page, width)
    screenshot(page, f"journey-{name}-{width}")


def text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def body_of(email) -> str:
    return " ".join(email.body.split())


def sign_in_by_email(page, vendor, order, width: int, name: str) -> None:
    """From the vendor's page to the order: order number and email, then the emailed link."""
    page.goto(f"/v/{vendor.slug}/")
    shot(page, width, f"{name}-00-home")
    page.get_by_role("link", name="Start a return or change an order").click()
    page.get_by_label("Order number").fill(order.number)
    page.get_by_label("Email address used for the order").fill(order.customer.email)
    shot(page, width, f"{name}-01-start")
    page.get_by_role("button", name="Email me the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    link, password = link_and_password(delivered_email("return_access"))
    assert password == ""  # the link is the secret: one click in
    page.goto(link)
    page.wait_for_url(re.compile(r"/order/$"))
    shot(page, width, f"{name}-02-order")


def choose_return(page, scenario_label: str) -> None:
    page.get_by_role("link", name="Request a return").click()
    page.get_by_label(re.compile("How many of")).first.fill("1")
    page.get_by_label(scenario_label).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Confirm your return").wait_for()


def tick_every_condition(page) -> None:
    boxes = page.locator("fieldset.attestations input[type=checkbox]")
    for index in range(boxes.count()):
        boxes.nth(index).check()


def upload_files(page, tmp_path, kind: str, count: int) -> None:
    files = []
    for number in range(count):
        path = tmp_path / f"{kind}-{number}.png"
        path.write_bytes(png_bytes(size=(64, 48), colour=(20 * number, 90, 160)))
        files.append(str(path))
    upload = page.locator(f'.checklist-item[data-kind="{kind}"]')
    # The page's script sets the pickers up once the document is parsed (the heading can show
    # a moment earlier); from then on a picker uploads at once: no Upload button to find.
    page.wait_for_load_state("domcontentloaded")
    assert upload.get_by_role("button", name="Upload").count() == 0 or not (
        upload.get_by_role("button", name="Upload").is_visible()
    )
    page.locator(f"#file-{kind}").set_input_files(files)
    page.locator(f'.checklist-item.done[data-kind="{kind}"] [data-counted]').filter(
        has_text=re.compile(f"^{count}$")
    ).wait_for()


# -- Reolink: a proposed warranty solution -----------------------------------------------------


def open_solution(page, width: int, name: str):
    reolink = reolink_vendor(time_zone="Asia/Shanghai")
    with scope(vendor=reolink):
        solution, _password = propose_solution(reolink, makeup_amount=Decimal("15.00"))
    email = delivered_email("solution_confirmation")
    link, password = link_and_password(email)
    answer_by = vendor_time(solution.expires_at, "Asia/Shanghai")
    assert f"Please answer by {answer_by}" in body_of(email)
    page.goto(link)
    shot(page, width, f"{name}-01-login")
    page.get_by_label("Password from the email").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/content/$"))
    assert f"Please answer by {answer_by}" in text(page)  # the email's words, to the minute
    assert "(Asia/Shanghai, UTC+8)" in answer_by
    return reolink, solution


@pytest.mark.parametrize("width", WIDTHS)
def test_reolink_agree_fill_in_and_submit(viewer, width, tmp_path):
    page = viewer(width)
    _reolink, solution = open_solution(page, width, "reolink-agree")
    assert "15.00 EUR" in text(page)
    shot(page, width, "reolink-agree-02-content")
    page.get_by_role("link", name="Agree", exact=True).click()
    page.get_by_role("heading", name="Agree to the solution?").wait_for()
    step = text(page)
    assert "You pay 15.00 EUR." in step and "You cannot choose Disagree afterwards" in step
    shot(page, width, "reolink-agree-03-confirm")
    page.get_by_role("button", name="Yes, I agree").click()
    page.wait_for_url(re.compile(r"/details/$"))
    assert "Return address" in text(page)  # where the item goes, before it is mailed
    page.get_by_label("Return tracking number").fill("1Z999AA10123456784")
    page.get_by_label("Transaction ID of your payment").fill("PAY-2026-778")
    upload_files(page, tmp_path, "postage_receipt", 1)
    upload_files(page, tmp_path, "payment_screenshot", 1)
    shot(page, width, "reolink-agree-04-details")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r"/status/$"))
    status = text(page)
    assert "We have everything we need" in status
    assert "You agreed to this solution on" in status and "To change it, write to" in status
    assert "postage_receipt-0.png" in status  # the timeline names the uploaded file
    shot(page, width, "reolink-agree-05-status")
    page.get_by_role("link", name=re.compile("Change the details you sent")).wait_for()
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "submitted"


@pytest.mark.parametrize("width", WIDTHS)
def test_reolink_disagree_says_what_happens_next(viewer, width):
    page = viewer(width)
    _reolink, solution = open_solution(page, width, "reolink-disagree")
    page.get_by_role("link", name="Disagree").click()
    page.get_by_label("Which solution would you like instead?").fill("A refund, please.")
    shot(page, width, "reolink-disagree-02-form")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/status/$"))
    assert "An agent reviews your comment" in text(page)
    shot(page, width, "reolink-disagree-03-status")
    page.goto(page.url.replace("/status/", "/content/"))
    content = text(page)
    assert "What happens next:" in content and "an agent reads your comment" in content
    assert "Submit" not in content
    assert page.get_by_role("link", name="Agree", exact=True).count() == 0
    shot(page, width, "reolink-disagree-04-content")
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "rejected"


# -- the marketplace: self-service returns -----------------------------------------------------


def market_order(delivered_days_ago: int = 2):
    market = marketplace_vendor(time_zone="America/Chicago")
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=delivered_days_ago)
    return market, order


@pytest.mark.parametrize("width", WIDTHS)
def test_marketplace_non_quality_return(viewer, width, tmp_path):
    page = viewer(width)
    market, order = market_order()
    sign_in_by_email(page, market, order, width, "market-nonquality")
    choose_return(page, "Non-quality return")
    confirm = text(page)
    assert "Your estimated refund" in confirm and "Estimated refund" in confirm
    tick_every_condition(page)
    shot(page, width, "market-nonquality-03-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    review_by = vendor_time(rr.review_due, "America/Chicago")
    assert "(America/Chicago, UTC-6)" in review_by
    assert review_by in text(page)
    assert review_by in body_of(delivered_email("return_received_ack"))
    shot(page, width, "market-nonquality-04-requested")
    # To the refund: the days the money arrives read the same on the page and in its email,
    # and closing the refunded return sends nothing more.
    rr = approve_with_evidence(rr)
    with scope(vendor=market):
        services.return_mark_shipped(
            return_request=rr,
            actor=Actor.customer(order.customer.email),
            carrier="dhl",
            tracking_number="4829163750",
        )
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT, note="Sealed.")
        rr = services.return_refund(return_request=rr, actor=AGENT)
    first, last = market.get_policy().funds_window(rr.refunded_at)
    money_from, money_until = (
        vendor_date(first, market.time_zone),
        vendor_date(last, market.time_zone),
    )
    email = body_of(delivered_email("refund_issued"))
    assert f"between {money_from} and {money_until}" in email
    assert "This return is complete" in email
    page.reload()
    refunded = text(page)
    assert f"{money_from} – {money_until}" in refunded, refunded
    assert f"{rr.refund_amount} {order.currency}" in refunded
    shot(page, width, "market-nonquality-05-refunded")
    with scope(vendor=market):
        services.return_close(return_request=rr, actor=AGENT)
    with scopes_disabled():
        closing = OutboxMessage.objects.filter(kind="case_closed", to=order.customer.email)
        assert not closing.exists()


def approve_with_evidence(rr) -> ReturnRequest:
    with scope(vendor=rr.vendor):
        policy = rr.vendor.get_policy()
        for requirement in policy.evidence_requirements(PolicyScenario(rr.scenario)):
            have = rr.evidence.filter(kind=requirement.kind.value).count()
            for number in range(have, requirement.min_count):
                services.evidence_add(
                    return_request=rr,
                    kind=requirement.kind.value,
                    upload=_file(requirement.kind.value, number),
                    actor=AGENT,
                )
        return services.return_approve(return_request=rr, actor=AGENT)


def _file(kind: str, number: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if kind == "video":
        return SimpleUploadedFile(f"{kind}-{number}.mp4", mp4_bytes(), "video/mp4")
    return SimpleUploadedFile(
        f"{kind}-{number}.png", png_bytes(colour=(number, 40, 90)), "image/png"
    )


def approved_page_matches_email(page, rr, width: int, name: str) -> None:
    page.reload()
    page.get_by_role("heading", name="Your return is approved").wait_for()
    ship_by = vendor_time(rr.ship_by, rr.vendor.time_zone)
    approved = text(page)
    assert rr.rma_number in approved and ship_by in approved
    assert "Return address" in approved and "Lagerstraße 1" in approved
    assert ship_by in body_of(delivered_email("return_approved"))
    shot(page, width, f"{name}-05-approved")
    page.get_by_role("link", name="Print the return slip").click()
    page.wait_for_url(re.compile(r"/slip/$"))
    rma = page.locator(".slip-rma")
    box = rma.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width  # the number fits the screen
    shot(page, width, f"{name}-06-slip")


@pytest.mark.parametrize("width", WIDTHS)
def test_marketplace_wrong_item_sent_back(viewer, width):
    page = viewer(width)
    market, order = market_order(delivered_days_ago=1)  # reported within 48 hours (MKT-7)
    sign_in_by_email(page, market, order, width, "market-wrongitem")
    choose_return(page, "Wrong item received")
    page.get_by_label(re.compile("Price of the item you received instead")).fill("20.00")
    page.get_by_role("button", name="Show the amounts").click()
    page.get_by_label("Return the item").check()
    tick_every_condition(page)
    page.get_by_label("Describe the problem").fill("A charger came instead of the camera.")
    shot(page, width, "market-wrongitem-03-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    shot(page, width, "market-wrongitem-04-requested")
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    assert rr.wrong_item_option == "return"
    rr = approve_with_evidence(rr)
    approved_page_matches_email(page, rr, width, "market-wrongitem")
    # Back from the slip: the card names the carriers, the dates name the return-by day.
    page.go_back()
    card = page.locator("section.rma").inner_text()
    assert "Allowed carriers" in card and "FedEx" in card and "DHL" in card
    ship_by = vendor_time(rr.ship_by, market.time_zone)
    dates = page.locator("section", has_text="Dates to expect").inner_text()
    assert f"within 7 days: {ship_by}" in " ".join(dates.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_marketplace_quality_defect(viewer, width, tmp_path):
    page = viewer(width)
    market, order = market_order()
    sign_in_by_email(page, market, order, width, "market-defect")
    choose_return(page, "Quality defect")
    page.get_by_label("Describe the problem").fill("The camera does not power on.")
    shot(page, width, "market-defect-03-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    upload_files(page, tmp_path, "photo", 10)
    shot(page, width, "market-defect-04-checklist")
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    rr = approve_with_evidence(rr)
    approved_page_matches_email(page, rr, width, "market-defect")


# -- Aqara: money back, warranty, cancellation -------------------------------------------------


def aqara_order(**kwargs):
    aqara = aqara_vendor(time_zone="Asia/Shanghai")
    with scope(vendor=aqara):
        order = order_with_line(aqara, **kwargs)
    return aqara, order


@pytest.mark.parametrize("width", WIDTHS)
def test_aqara_money_back(viewer, width, tmp_path):
    page = viewer(width)
    aqara, order = aqara_order(delivered_days_ago=2)
    sign_in_by_email(page, aqara, order, width, "aqara-moneyback")
    choose_return(page, "Non-quality return")
    assert "Your estimated refund" in text(page)
    tick_every_condition(page)
    shot(page, width, "aqara-moneyback-03-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    upload_files(page, tmp_path, "photo", 1)
    shot(page, width, "aqara-moneyback-04-requested")
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    rr = approve_with_evidence(rr)
    page.reload()
    approved = text(page)
    assert rr.rma_number in approved and "MKT-" not in page.content()
    # Aqara sets no ship-by date (no deadline to print); the approval email names the case.
    assert rr.ship_by is None
    assert rr.rma_number in body_of(delivered_email("return_approved"))
    shot(page, width, "aqara-moneyback-05-approved")


@pytest.mark.parametrize("width", WIDTHS)
def test_aqara_warranty_claim(viewer, width):
    page = viewer(width)
    aqara, order = aqara_order(delivered_days_ago=40)
    sign_in_by_email(page, aqara, order, width, "aqara-warranty")
    choose_return(page, "Warranty claim")
    page.get_by_label("Which country is the product in now?").select_option(
        str(order.country_of_purchase)
    )
    page.get_by_label("Describe the problem").fill("The hub no longer connects.")
    shot(page, width, "aqara-warranty-03-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    requested = text(page)
    assert "Warranty claim" in requested
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    # The review deadline reads the same on the page and in the acknowledgement.
    review_by = vendor_time(rr.review_due, "Asia/Shanghai")
    assert review_by in requested
    assert review_by in body_of(delivered_email("return_received_ack"))
    shot(page, width, "aqara-warranty-04-requested")


@pytest.mark.parametrize("width", WIDTHS)
def test_aqara_cancellation_within_12_hours(viewer, width):
    page = viewer(width)
    placed = timezone.now() - timedelta(hours=2)
    aqara, order = aqara_order(placed_at=placed, shipped_at=None, delivered_at=None)
    sign_in_by_email(page, aqara, order, width, "aqara-cancel")
    assert vendor_time(placed, "Asia/Shanghai") in text(page)
    page.get_by_role("link", name="Cancel the order").click()
    until = vendor_time(placed + timedelta(hours=12), "Asia/Shanghai")
    assert until in text(page) and "(Asia/Shanghai, UTC+8)" in until
    shot(page, width, "aqara-cancel-03-window")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/order/$"))
    overview = text(page)
    assert "Cancel the order" in overview and "Requested" in overview
    shot(page, width, "aqara-cancel-04-requested")
    with scopes_disabled():
        assert OrderChangeRequest.objects.get(order=order).status == "requested"


@pytest.mark.parametrize("width", WIDTHS)
def test_marketplace_wrong_item_kept_with_compensation(viewer, width):
    page = viewer(width)
    market, order = market_order(delivered_days_ago=1)  # reported within 48 hours (MKT-7)
    sign_in_by_email(page, market, order, width, "market-keep")
    choose_return(page, "Wrong item received")
    page.get_by_label(re.compile("Price of the item you received instead")).fill("80.00")
    page.get_by_role("button", name="Show the amounts").click()
    # The compensation is on the page before anything is sent: 50% of |120 - 80|.
    keep = page.get_by_label(re.compile("^Keep the item"))
    keep.wait_for()
    assert "20.00 EUR" in text(page)
    keep.check()
    tick_every_condition(page)
    page.get_by_label("Describe the problem").fill("A cable came instead of the camera.")
    shot(page, width, "market-keep-03-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    assert rr.wrong_item_option == "keep" and rr.return_required is False
    rr = approve_with_evidence(rr)

    page.reload()
    page.get_by_role("heading", name="Your claim is approved").wait_for()
    approved = text(page)
    assert rr.rma_number in approved and "do not need to send anything back" in approved
    assert "20.00" in resolution_of(page, "Compensation").inner_text()
    reshipment = resolution_of(page, "Reshipment of the correct item")
    assert "We send it soon" in reshipment.inner_text()
    for sending in ("Print the return slip", "Ship by", "Return address", "Allowed carriers"):
        assert sending not in approved, sending
    assert page.get_by_role("link", name="Print the return slip").count() == 0
    assert page.get_by_role("heading", name="Tracking number of your return parcel").count() == 0
    shot(page, width, "market-keep-05-approved")

    with scope(vendor=market):
        shipment = rr.resolutions.get(kind="reshipment")
        shipment = services.resolution_mark_shipped(
            resolution=shipment, actor=AGENT, carrier="DHL", tracking_number="JD014600006281"
        )
    page.reload()
    card = resolution_of(page, "Reshipment of the correct item")
    assert card.locator(".tracking-number").inner_text() == "JD014600006281"
    assert "DHL" in card.inner_text()
    shipped_on = vendor_date(shipment.shipped_at, market.time_zone)
    assert f"Shipped on {shipped_on}" in card.inner_text()
    email = delivered_email("reshipment_shipped")
    assert "JD014600006281" in email.body and rr.rma_number in email.subject
    shot(page, width, "market-keep-06-shipped")

    with scope(vendor=market):
        shipment = services.resolution_mark_delivered(resolution=shipment, actor=AGENT)
    page.reload()
    card = resolution_of(page, "Reshipment of the correct item")
    delivered_on = vendor_date(shipment.done_at, market.time_zone)
    assert f"Delivered on {delivered_on}" in card.inner_text()
    assert "Ship" not in " ".join(
        page.locator("main section", has_text="Dates to expect").all_inner_texts()
    )
    shot(page, width, "market-keep-07-delivered")


@pytest.mark.parametrize("width", WIDTHS)
def test_aqara_claim_on_a_replacement_unit(viewer, width):
    """AQA-10: the purchase's warranty has ended, the replacement's has not; the claim is
    judged on the replacement unit, and its own replacement is followed by tracking."""
    page = viewer(width)
    aqara, order = aqara_order(delivered_days_ago=380)
    with scope(vendor=aqara), transaction.atomic():
        line = order.lines.get()
        units_for_line(vendor=aqara, line=line, units=[UnitData("AQ-1")])
        (replacement,) = units_replace(
            vendor=aqara,
            order=order,
            serials={"AQ-1": "AQ-2"},
            at=timezone.now() - timedelta(days=30),
        )
    sign_in_by_email(page, aqara, order, width, "aqara-replacement")
    choose_return(page, "Warranty claim")
    assert page.get_by_role("checkbox", name="AQ-2").is_checked()
    page.get_by_label("Which country is the product in now?").select_option(
        str(order.country_of_purchase)
    )
    page.get_by_label("Describe the problem").fill("The replacement hub stopped pairing.")
    shot(page, width, "aqara-replacement-03-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
        assert [cu.serial for cu in rr.claim_units.all()] == ["AQ-2"]
    (aqa10,) = [f for f in rr.decision["findings"] if f["rule_id"] == "AQA-10"]
    assert aqa10["ok"] and aqa10["figures"]["serial"] == "AQ-2"
    page.locator("summary", has_text="What the rules said").click()
    rules = text(page)
    assert "AQA-10" in rules
    assert vendor_date(replacement.warranty_end, aqara.time_zone, with_zone=False) in rules
    shot(page, width, "aqara-replacement-04-requested")

    rr = approve_with_evidence(rr)
    with scope(vendor=aqara):
        services.return_mark_shipped(
            return_request=rr,
            actor=Actor.customer(order.customer.email),
            carrier=aqara.get_policy().carriers()[0].code,
            tracking_number="1Z999AA10123456784",
        )
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT, note="Dead unit.")
        rr = services.return_replace(
            return_request=rr,
            actor=AGENT,
            replacement_serials={"AQ-2": "AQ-3"},
            carrier="SF Express",
            tracking_number="SF1402384756",
        )
    page.reload()
    card = resolution_of(page, "Replacement")
    card.wait_for()
    said = card.inner_text()
    assert "SF Express" in said and "SF1402384756" in said
    with scope(vendor=aqara):
        shipment = rr.resolutions.get(kind="replacement")
    assert f"Shipped on {vendor_date(shipment.shipped_at, aqara.time_zone)}" in said
    email = delivered_email("replacement_shipped")
    assert "SF1402384756" in email.body and rr.rma_number in email.subject
    page_text = text(page)
    assert "Print the return slip" not in page_text and "Good to know" not in page_text
    assert "Refund within" not in page_text  # replaced, not refunded: no refund date to wait for
    shot(page, width, "aqara-replacement-05-replaced")


def resolution_of(page, kind_label: str):
    return page.locator("li.resolution", has=page.locator(".resolution-kind", has_text=kind_label))
