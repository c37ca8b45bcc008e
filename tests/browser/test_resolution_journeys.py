"""Resolutions in Chromium: an agent completes an MKT-7 keep case's compensation and
reshipment from the case page, clicking only what they see; the customer follows the
reshipment to "delivered" with its carrier and tracking number on their own case page."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope, scopes_disabled

from rma.models import Resolution
from rma.services.access import return_access_request
from tests.factories import MembershipFactory
from tests.portal.factories import marketplace_vendor
from tests.rma.resolution_cases import keep_case

from .conftest import delivered_email, link_and_password, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser, portal_url):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900}, locale="en-US", base_url=portal_url
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.locator("#user-tools").wait_for()


def resolution_card(page, kind_label: str):
    return page.locator("li.resolution", has=page.locator(".resolution-kind", has_text=kind_label))


def said(page) -> str:
    page.locator("ul.messagelist").wait_for()
    return page.locator("ul.messagelist").inner_text()


def open_customer_case(page, market, rr) -> None:
    with scope(vendor=market):
        return_access_request(vendor=market, order_number=rr.order.number, email=rr.customer.email)
    link, _password = link_and_password(delivered_email("return_access"))
    page.goto(link)
    page.wait_for_url(re.compile(r"/order/$"))
    page.get_by_role("link", name=re.compile(rr.rma_number)).click()
    page.get_by_role("heading", name="What you get").wait_for()


def test_agent_completes_a_keep_case_and_the_customer_follows_the_reshipment(desk, page, phone):
    market = marketplace_vendor()
    MembershipFactory(vendor=market, user__username="mia")
    with scope(vendor=market):
        rr = keep_case(market)

    log_in(desk, "mia")
    desk.goto(f"/admin/rma/returnrequest/{rr.pk}/change/")
    desk.get_by_role("heading", name="Resolutions").wait_for()
    assert desk.locator(".case-status").count() == 1
    reshipment = resolution_card(desk, "Reshipment of the correct item")
    assert reshipment.locator(".resolution-state").inner_text() == "Pending"
    assert reshipment.get_by_role("button", name="Mark delivered").count() == 0

    # The compensation is the case's refund step: one click, paid with its reference.
    desk.get_by_label("Provider reference").first.fill("re_3PqX42")
    desk.get_by_role("button", name=re.compile(r"^Issue refund of 15\.00 ")).click()
    assert "Issue refund: done." in said(desk)
    compensation = resolution_card(desk, "Compensation")
    assert compensation.locator(".resolution-state").inner_text() == "Done"
    assert "re_3PqX42" in compensation.inner_text()

    # The case cannot close while the correct item has not arrived.
    desk.get_by_role("button", name="Close", exact=True).click()
    assert "resolution is open" in said(desk)
    assert desk.locator(".case-status").inner_text() == "Refunded"

    reshipment = resolution_card(desk, "Reshipment of the correct item")
    reshipment.get_by_label("Shipment carrier").fill("DHL")
    reshipment.get_by_label("Shipment tracking number").fill("JD014600006281")
    reshipment.get_by_role("button", name="Mark shipped").click()
    assert "Mark shipped: done." in said(desk)
    reshipment = resolution_card(desk, "Reshipment of the correct item")
    assert reshipment.locator(".resolution-state").inner_text() == "In transit"
    assert "DHL JD014600006281" in reshipment.inner_text()
    screenshot(desk, "admin-resolutions-keep-shipped-1440")

    # The customer sees the correct item on its way, with its tracking number.
    open_customer_case(page, market, rr)
    card = resolution_card(page, "Reshipment of the correct item")
    assert card.locator(".resolution-state").inner_text() == "In transit"
    assert card.locator(".tracking-number").inner_text() == "JD014600006281"
    assert "DHL" in card.inner_text()
    # The money is itemised once, under the refund; its resolution says it is done.
    assert "Paid on" in resolution_card(page, "Compensation").inner_text()
    assert "15.00 EUR" in page.locator("section[aria-labelledby=refund-title]").inner_text()
    screenshot(page, "customer-resolutions-shipped-1280")
    shipped = delivered_email("reshipment_shipped")
    assert "JD014600006281" in shipped.body and rr.rma_number in shipped.subject

    desk.reload()
    resolution_card(desk, "Reshipment of the correct item").get_by_role(
        "button", name="Mark delivered"
    ).click()
    assert "Mark delivered: done." in said(desk)
    desk.get_by_role("button", name="Close", exact=True).click()
    assert "Close: done." in said(desk)
    assert desk.locator(".case-status").inner_text() == "Closed"

    page.reload()
    card = resolution_card(page, "Reshipment of the correct item")
    assert card.locator(".resolution-state").inner_text() == "Done"
    assert "Delivered on" in card.inner_text()
    with scopes_disabled():
        assert set(
            Resolution.objects.filter(return_request=rr).values_list("state", flat=True)
        ) == {"done"}

    # On a phone, the same page reads in one column.
    open_customer_case(phone, market, rr)
    assert "JD014600006281" in resolution_card(phone, "Reshipment").inner_text()
    screenshot(phone, "customer-resolutions-delivered-390")
