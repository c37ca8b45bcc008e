"""The agents' workspace in Chromium, clicking only what a person sees: take a case, write an
internal note and a message, the customer answers on the portal, the agent reads the answer;
queues, export files, the dashboard and the policy simulator."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from rma.models import ReturnRequest
from rma.services.access import return_access_request
from rma.services.rollups import rollups_rebuild
from tests.factories import MembershipFactory, make_case_graph
from tests.portal.factories import marketplace_vendor, png_bytes
from tests.workspace.cases import order_via_sync, return_via_services

from .conftest import delivered_email, link_and_password, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests-only"


@pytest.fixture
def wide(browser, portal_url):
    context = browser.new_context(
        viewport={"width": 1440, "height": 900},
        locale="en-US",
        base_url=portal_url,
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _agent_login(page, username: str) -> None:
    page.goto("/admin/")
    page.get_by_label("Username:").fill(username)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Cases", exact=True).wait_for()


def _case(vendor):
    with scopes_disabled():
        graph = make_case_graph(vendor)
    return graph["returnrequest"]


def test_agent_and_customer_talk_through_the_case(wide, page, tmp_path):
    market = marketplace_vendor()
    MembershipFactory(vendor=market, user__username="alice")
    rr = _case(market)
    with scopes_disabled():
        order, email_address = rr.order, rr.customer.email

    _agent_login(wide, "alice")
    wide.get_by_role("link", name="Return requests").first.click()
    wide.get_by_role("link", name=str(rr)).click()
    wide.get_by_text("Unassigned: in the team's queue").wait_for()
    wide.get_by_role("button", name="Take it").click()
    wide.get_by_text("Assigned to alice (you)").wait_for()

    wide.get_by_role("textbox", name="Internal note").fill(
        "Called the customer; label photo missing."
    )
    wide.get_by_role("button", name="Add note").click()
    wide.locator(".ws-note").filter(has_text="label photo missing").wait_for()

    wide.get_by_role("textbox", name="Message to the customer").fill(
        "Please send a photo of the parcel label."
    )
    wide.get_by_role("button", name="Send to the customer").click()
    wide.locator(".ws-to-customer").filter(has_text="photo of the parcel label").wait_for()

    # The customer gets the email, signs in with a self-service link and answers.
    to_customer = delivered_email("case_message_customer")
    assert to_customer.to == [email_address]
    assert "Please send a photo of the parcel label." in to_customer.body
    case_link = re.search(r"https?://\S+/returns/\S+/", to_customer.body).group(0)
    with scope(vendor=market):
        return_access_request(vendor=market, order_number=order.number, email=email_address)
    link, _password = link_and_password(delivered_email("return_access"))
    page.goto(link)  # the link signs in by itself
    page.wait_for_url(re.compile(r"/order/$"))
    page.goto(case_link)
    thread = page.locator("#messages")
    thread.get_by_text("Please send a photo of the parcel label.").wait_for()
    assert "label photo missing" not in page.content()  # the internal note stays internal
    label = tmp_path / "label.png"
    label.write_bytes(png_bytes(size=(120, 80), colour=(240, 200, 40)))
    page.get_by_label("Your message").fill("Here is the label.")
    page.get_by_label("Attach photos or PDF files (optional)").set_input_files(str(label))
    page.get_by_role("button", name="Send message").click()
    page.get_by_text("Your message was sent to customer service.").wait_for()
    page.locator(".thread-message.mine").filter(has_text="Here is the label.").wait_for()
    screenshot(page, "workspace-portal-thread")

    to_agent = delivered_email("case_message_agent")
    assert to_agent.to == ["alice@staff.example"] and "Here is the label." in to_agent.body
    wide.reload()
    answer = wide.locator(".ws-from-customer").filter(has_text="Here is the label.")
    answer.wait_for()
    assert answer.locator("img.ws-thumb").count() == 1
    screenshot(wide, "workspace-case-thread-1440")


def test_queues_export_dashboard_and_simulator(wide, tmp_path):
    market = marketplace_vendor()
    MembershipFactory(vendor=market, user__username="alice")
    bob = MembershipFactory(vendor=market, user__username="bob").user
    cases = [_case(market) for _ in range(3)]
    with scopes_disabled():
        ReturnRequest.objects.filter(pk=cases[0].pk).update(assignee=bob)

    _agent_login(wide, "alice")
    wide.get_by_role("link", name="Return requests").first.click()
    queues = wide.get_by_role("navigation", name="Queues")
    queues.get_by_role("link", name=re.compile(r"^Unassigned 2$")).click()
    wide.get_by_role("link", name=str(cases[1])).wait_for()
    assert wide.get_by_role("link", name=str(cases[0])).count() == 0
    screenshot(wide, "workspace-queues-1440")

    with wide.expect_download() as download:
        wide.get_by_role("link", name="Export CSV").click()
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows[0][:2] == ["Return request", "Status"]
    assert sorted(r[0] for r in rows[1:]) == sorted(str(c) for c in cases[1:])

    with wide.expect_download() as download:
        wide.get_by_role("link", name="Export Excel").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet.max_row == 3 and sheet.cell(1, 1).value == "Return request"

    queues.get_by_role("link", name=re.compile(r"^My cases 0$")).click()
    wide.get_by_text("0 return requests").wait_for()

    # The cases above were written around the services (factories): back-fill the rollups as
    # after an import; then a claim naming a unit of batch B7 arrives through the services.
    with scopes_disabled():
        rollups_rebuild(vendor=market)
    with scope(vendor=market):
        order = order_via_sync(market, "SO-B7", serials=[("SN-B7-1", "B7"), ("SN-B7-2", "B7")])
        return_via_services(order, serials=["SN-B7-1"])

    wide.get_by_role("link", name="Home").click()
    wide.get_by_role("link", name="Dashboard").first.click()
    wide.get_by_role("heading", name="Dashboard: Market Test").wait_for()
    wide.get_by_role("heading", name="Returns by reason").wait_for()
    assert (
        wide.locator(".ws-kpi").filter(has_text="Open cases").inner_text().startswith("10")
    )  # 4 returns, 3 solutions, 3 changes
    assert "Quality defect" in wide.locator("section", has_text="Returns by reason").inner_text()
    claims = wide.locator("section", has_text="Claims by SKU and production batch")
    row = claims.get_by_role("row").filter(has_text="B7")
    assert row.get_by_role("cell").all_inner_texts() == ["CAM-1", "B7", "1", "Quality defect: 1"]
    screenshot(wide, "workspace-dashboard-1440")

    wide.get_by_role("link", name="Home").click()
    wide.get_by_role("link", name="Policy simulator").first.click()
    wide.get_by_text("Vendor: Market Test (UTC)").wait_for()
    wide.get_by_label("Request:").select_option(label="Non-quality return")
    wide.get_by_label("Order placed at:").fill("2026-11-20 10:00")
    wide.get_by_label("Delivered at:").fill("2026-11-24 10:00")
    wide.get_by_role("button", name="Simulate").click()
    wide.locator(".ws-verdict").wait_for()
    assert "UTC" in wide.locator(".ws-verdict").inner_text()
    screenshot(wide, "workspace-simulator-1440")
