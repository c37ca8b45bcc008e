"""A marketplace quality-defect return in Chromium, from the start page to the RMA slip
(MKT-1, MKT-2, MKT-3, MKT-6, MKT-8)."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope, scopes_disabled

from rma import services
from rma.models import ReturnRequest
from rma.services import Actor
from tests.portal.factories import marketplace_vendor, mp4_bytes, order_with_line, png_bytes

from .conftest import delivered_email, link_and_password, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_quality_defect_return_from_start_to_rma_slip(page, tmp_path):
    market = marketplace_vendor()
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=4)
        email_address = order.customer.email

    page.goto(f"/v/{market.slug}/")
    page.get_by_role("link", name="Start a return or change an order").click()
    page.get_by_label("Order number").fill(order.number)
    page.get_by_label("Email address used for the order").fill(email_address)
    page.get_by_role("button", name="Email me the link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    screenshot(page, "market-01-check-email")

    link, password = link_and_password(delivered_email("return_access"))
    assert password == ""  # the link signs in by itself
    page.goto(link)
    page.wait_for_url(re.compile(r"/order/$"))
    page.get_by_role("link", name="Request a return").click()

    page.get_by_label(re.compile("How many of")).fill("1")
    page.get_by_label("Quality defect").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Confirm your return").wait_for()
    assert "MKT-3" in page.content()  # the window, decided at once
    page.get_by_label("Describe the problem").fill("The camera does not power on.")
    screenshot(page, "market-02-confirm")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Evidence checklist").wait_for()

    photos = []
    for number in range(10):
        path = tmp_path / f"photo-{number}.png"
        path.write_bytes(png_bytes(size=(64, 48), colour=(20 * number, 90, 160)))
        photos.append(str(path))
    videos = []
    for number in range(3):
        path = tmp_path / f"angle-{number}.mp4"
        path.write_bytes(mp4_bytes())
        videos.append(str(path))
    statement = tmp_path / "fault-statement.png"
    statement.write_bytes(png_bytes(size=(80, 60), colour=(250, 250, 250)))

    # Files picked before the page's script has run upload as soon as it runs; waiting for the
    # parsed document keeps this walk the common case (the script ready, no Upload button).
    page.wait_for_load_state("domcontentloaded")
    page.locator("#file-photo").set_input_files(photos)
    page.locator("#file-video").set_input_files(videos)
    page.locator("#file-fault_statement").set_input_files(str(statement))
    for kind, count in (("photo", "10"), ("video", "3"), ("fault_statement", "1")):
        page.locator(f'.checklist-item.done[data-kind="{kind}"] [data-counted]').filter(
            has_text=re.compile(f"^{count}$")
        ).wait_for()
    screenshot(page, "market-03-checklist-complete")

    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    with scope(vendor=market):
        rr = services.return_approve(return_request=rr, actor=Actor.system("agent"))

    page.reload()
    page.get_by_role("heading", name="Your return is approved").wait_for()
    assert rr.rma_number in page.content()
    screenshot(page, "market-04-approved")

    page.get_by_label("DHL").check()
    page.get_by_role("textbox", name="Tracking number").fill("12345")
    page.get_by_role("button", name="Save the tracking number").click()
    assert "MKT-2" in page.content()  # not a DHL number
    page.get_by_role("link", name="Print the return slip").click()
    page.wait_for_url(re.compile(r"/slip/$"))
    rma = page.locator(".slip-rma")
    assert rma.inner_text().replace("\n", " ").strip() == f"RMA {rr.rma_number}"
    assert float(rma.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 40
    page.emulate_media(media="print")
    assert page.locator(".brand-bar").is_hidden()
    screenshot(page, "market-05-rma-slip")
