"""Agents finish each vendor's standard case in the admin, in Chromium, clicking only what they
see: every next step is a button in a form of its own, and the page says what happened.

Marketplace: review, approve, received, inspection, refund. Reolink: propose from the order,
the customer agrees and submits in the portal, the agent completes. Aqara: money-back to the
refund, a cancellation marked done, a warranty claim.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from policies.facts import Attestation
from rma import services
from rma.models import ReturnRequest, WarrantySolution
from rma.services import Actor
from tests.factories import MembershipFactory
from tests.portal.factories import (
    aqara_vendor,
    marketplace_vendor,
    order_with_line,
    png_bytes,
    reolink_vendor,
)
from tests.rma.test_return_transitions import satisfy_evidence

from .conftest import browser_page, delivered_email, link_and_password, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


DESK = {"viewport": {"width": 1440, "height": 900}}


@pytest.fixture
def page(browser, portal_url):
    """An agent's desk: a 1440 px wide window."""
    with browser_page(browser, portal_url, device=DESK) as page:
        yield page


@pytest.fixture
def german_desk(browser, portal_url):
    """The same desk, its browser asking for German."""
    with browser_page(browser, portal_url, device=DESK, locale="de-DE") as page:
        yield page


def agent_of(vendor, username: str):
    return MembershipFactory(vendor=vendor, user__username=username).user


def log_in(page, username: str) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.locator("#user-tools").wait_for()


def open_from_changelist(page, section: str, link_text: str) -> None:
    page.get_by_role("link", name=section, exact=True).first.click()
    page.get_by_role("link", name=link_text).first.click()
    page.get_by_role("heading", name="Next steps").wait_for()


def click_step(page, label: str | re.Pattern) -> str:
    """Click one next step's button and return the page text after the redirect."""
    page.get_by_role("button", name=label, exact=isinstance(label, str)).click()
    page.locator("ul.messagelist").wait_for()
    return page.locator("body").inner_text()


def assert_status(page, status: str) -> None:
    assert page.locator(".case-status").inner_text() == status


def new_return(vendor, scenario: str, **kwargs) -> ReturnRequest:
    with scope(vendor=vendor):
        order = order_with_line(vendor, delivered_days_ago=4)
        policy = vendor.get_policy()
        rr = services.return_create(
            order=order,
            scenario=scenario,
            lines=[(order.lines.first(), 1)],
            actor=Actor.customer(order.customer.email),
            attestations=kwargs.pop(
                "attestations", [a.attestation for a in policy.required_attestations(scenario)]
            ),
            **kwargs,
        )
        satisfy_evidence(rr)
        return rr


def test_marketplace_standard_case_from_review_to_refund(page):
    market = marketplace_vendor()
    agent_of(market, "mia")
    rr = new_return(market, "quality_defect", reason="The camera does not power on.")

    log_in(page, "mia")
    open_from_changelist(page, "Return requests", str(rr))
    assert_status(page, "Requested")
    assert "Review due" in page.locator(".case-deadlines").inner_text()
    assert "(UTC, UTC+0)" in page.locator(".case-deadlines").inner_text()
    screenshot(page, "admin-case-marketplace-requested-1440")

    text = click_step(page, "Start review")
    assert "Start review: done." in text
    assert_status(page, "Under review")
    assert "started the review" in page.locator(".case-timeline").inner_text()

    text = click_step(page, "Approve and issue RMA number")
    assert "Approve and issue RMA number: done." in text
    assert_status(page, "Approved")
    with scopes_disabled():
        rr.refresh_from_db()
    assert rr.rma_number and rr.rma_number in page.locator(".case-title h1").inner_text()
    assert "Customer ships by" in page.locator(".case-deadlines").inner_text()

    text = click_step(page, "Mark parcel received")
    assert "Mark parcel received: done." in text
    assert_status(page, "Received")

    page.get_by_label("Refund ratio").fill("0.8")
    page.get_by_label("Inspection note").fill("Scratches on the lens.")
    text = click_step(page, "Record inspection")
    assert "Record inspection: done." in text
    assert_status(page, "Inspected")
    assert "Scratches on the lens." in page.locator(".case-timeline").inner_text()

    refund_button = page.get_by_role("button", name=re.compile(r"^Issue refund of "))
    amount = refund_button.inner_text()
    text = click_step(page, re.compile(r"^Issue refund of "))
    assert "Issue refund: done." in text
    assert_status(page, "Refunded")
    with scopes_disabled():
        rr.refresh_from_db()
    assert rr.status == "refunded"
    assert f"{rr.refund_amount} {rr.order.currency}" in amount
    timeline = page.locator(".case-timeline").inner_text()
    for said in ("approved the request", "recorded the inspection", "issued the refund"):
        assert said in timeline
    screenshot(page, "admin-case-marketplace-refunded-1440")


def test_a_german_agent_works_a_case_in_german(german_desk):
    """The next steps, their fields and what the page says after each read in German."""
    page = german_desk
    market = marketplace_vendor()
    agent_of(market, "lena")
    rr = new_return(market, "quality_defect", reason="Die Kamera startet nicht.")
    page.goto("/admin/login/")
    page.get_by_label("Benutzername").fill("lena")
    page.get_by_label("Passwort").fill("pw-for-tests-only")
    page.get_by_role("button", name="Anmelden").click()
    page.locator("#user-tools").wait_for()
    # The way to the case reads in German too: the index, the sidebar, the changelist.
    page.get_by_role("heading", name="Fälle").wait_for()
    index = page.locator("#content").text_content()  # as written, not as styled
    for german in ("Mitarbeiter-Arbeitsbereich", "Rücksendungen und Garantie", "Rücksendeanfragen"):
        assert german in index, index
    for english in ("Agent workspace", "Returns and warranty", "Return requests", "My cases"):
        assert english not in index, index
    screenshot(page, "admin-index-de-1440")
    page.get_by_role("link", name="Rücksendeanfragen").first.click()
    page.locator("#result_list").wait_for()
    changelist = page.locator("#content").text_content()
    for english in ("Return requests", "Placed at", "Search", "queue", "Unassigned"):
        assert english not in changelist, changelist
    screenshot(page, "admin-returns-de-1440")
    page.goto(f"/admin/rma/returnrequest/{rr.pk}/change/")
    page.get_by_role("heading", name="Nächste Schritte").wait_for()
    steps = page.locator(".case-next-steps").inner_text()
    for english in ("Start review", "Approve and issue RMA number", "Reject", "Reason"):
        assert english not in steps, steps
    screenshot(page, "admin-case-de-requested-1440")
    assert "Fall übernehmen: erledigt." in click_step(page, "Übernehmen")
    assert "Zugewiesen an lena (Sie)" in page.locator("#case-assignment").inner_text()
    assert "Zugewiesen an lena" in page.locator(".case-timeline").inner_text()
    assert "Assigned to" not in page.locator(".case-timeline").inner_text()
    page.get_by_role("textbox", name="Interne Notiz").fill("Kunde anrufen.")
    assert "Interne Notiz: erledigt." in click_step(page, "Notiz hinzufügen")

    assert "Prüfung beginnen: erledigt." in click_step(page, "Prüfung beginnen")
    text = click_step(page, "Genehmigen und RMA-Nummer vergeben")
    assert "Genehmigen und RMA-Nummer vergeben: erledigt." in text
    assert "Kunde versendet bis" in page.locator(".case-deadlines").inner_text()
    assert "Paket als eingegangen markieren: erledigt." in click_step(
        page, "Paket als eingegangen markieren"
    )
    page.get_by_label("Erstattungsanteil").fill("0.8")
    page.get_by_label("Prüfnotiz").fill("Kratzer auf der Linse.")
    assert "Prüfung des Artikels erfassen: erledigt." in click_step(
        page, "Prüfung des Artikels erfassen"
    )
    refund = page.get_by_role("button", name=re.compile(r"^Erstattung von .* auszahlen$"))
    assert refund.is_visible()
    screenshot(page, "admin-case-de-inspected-1440")
    with scopes_disabled():
        rr.refresh_from_db()
    assert rr.status == "inspected" and rr.inspection_ratio == Decimal("0.8")


def test_marketplace_rejection_needs_a_reason_and_says_so(page):
    market = marketplace_vendor()
    agent_of(market, "mia")
    rr = new_return(market, "quality_defect", reason="Broken.")
    log_in(page, "mia")
    open_from_changelist(page, "Return requests", str(rr))
    page.get_by_label("Reason (the customer reads it)").fill("The photos show water damage.")
    page.get_by_label("Rule ids").fill("MKT-8")
    text = click_step(page, "Reject")
    assert "Reject: done." in text
    assert_status(page, "Rejected")
    assert "Nothing is left to do on this case." in text


def test_reolink_propose_agree_submit_complete(page, browser, portal_url, tmp_path):
    reolink = reolink_vendor(time_zone="America/Los_Angeles")
    agent_of(reolink, "rita")
    with scope(vendor=reolink):
        order = order_with_line(reolink, delivered_days_ago=10)

    log_in(page, "rita")
    page.get_by_role("link", name="Orders", exact=True).first.click()
    page.get_by_role("link", name=order.number).click()
    page.get_by_role("link", name="Propose warranty solution").click()
    page.get_by_label("Kind").select_option("refund")
    page.locator("input[name=lines]").first.check()
    page.get_by_label("Refund amount").fill("120.00")
    page.get_by_role("button", name="Propose").click()
    page.locator("ul.messagelist").wait_for()
    assert "the confirmation email with its password is on its way" in page.content()
    with scopes_disabled():
        solution = WarrantySolution.objects.get(order=order)
    assert_status(page, "Waiting for the customer to confirm")
    deadlines = page.locator(".case-deadlines").inner_text()
    assert "Customer confirms by" in deadlines and "America/Los_Angeles" in deadlines
    screenshot(page, "admin-case-reolink-pending-1440")

    # The customer, in a browser of their own.
    customer = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=portal_url)
    customer_page = customer.new_page()
    link, password = link_and_password(delivered_email("solution_confirmation"))
    customer_page.goto(link)
    customer_page.get_by_label("Password from the email").fill(password)
    customer_page.get_by_role("button", name="Sign in").click()
    customer_page.get_by_role("link", name="Agree", exact=True).click()
    customer_page.get_by_role("button", name="Yes, I agree").click()
    customer_page.wait_for_url(re.compile(r"/details/$"))
    if customer_page.get_by_label("Return tracking number").count():
        customer_page.get_by_label("Return tracking number").fill("1Z999AA10123456784")
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(png_bytes(size=(120, 90)))
    for upload in customer_page.locator("input[type=file]").all():
        upload.set_input_files(str(receipt))
    customer_page.get_by_role("button", name="Submit").click()
    customer_page.wait_for_url(re.compile(r"/status/$"))
    customer.close()

    page.reload()
    assert_status(page, "Details submitted: ready to complete")
    timeline = page.locator(".case-timeline").inner_text()
    assert "agreed to the solution" in timeline and "submitted their details" in timeline
    page.get_by_label("Note").first.fill("Refund sent by bank transfer.")
    text = click_step(page, "Mark completed")
    assert "Mark completed: done." in text
    assert_status(page, "Completed")
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "completed"


def test_reolink_reissue_password_from_the_case_page(page):
    reolink = reolink_vendor()
    agent_of(reolink, "rita")
    with scope(vendor=reolink):
        order = order_with_line(reolink)
        line = order.lines.first()
        solution, _ = services.solution_create(
            order=order,
            kind="refund",
            lines=[services.solutions.ProposedLine(line, line.sku, line.name, 1, Decimal("1"))],
            actor=Actor.system("test"),
        )
    log_in(page, "rita")
    page.goto(f"/admin/rma/warrantysolution/{solution.pk}/change/")
    text = click_step(page, "Re-issue password")
    assert f"A new password was emailed to {order.customer.email}." in text


def test_aqara_money_back_cancellation_and_warranty_claim(page):
    aqara = aqara_vendor(time_zone="Asia/Shanghai")
    agent_of(aqara, "ada")
    money_back = new_return(
        aqara, "non_quality", reason="Not needed any more", attestations=list(Attestation)
    )
    log_in(page, "ada")
    open_from_changelist(page, "Return requests", str(money_back))
    assert "Asia/Shanghai, UTC+8" in page.locator(".case-deadlines").inner_text()
    for step in ("Approve and issue RMA number", "Mark parcel received", "Record inspection"):
        assert f"{step}: done." in click_step(page, step)
    assert "Issue refund: done." in click_step(page, re.compile(r"^Issue refund of "))
    assert_status(page, "Refunded")

    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=0, shipped_at=None, delivered_at=None)
        change = services.order_change_request(
            order=order, kind="cancellation", actor=Actor.customer(order.customer.email)
        )
    page.goto(f"/admin/rma/orderchangerequest/{change.pk}/change/")
    assert_status(page, "Requested")
    screenshot(page, "admin-case-aqara-cancellation-1440")
    page.get_by_label("Note", exact=True).fill("Cancelled in the shop system.")
    assert "Done: done." in click_step(page, "Done")
    assert_status(page, "Done")

    claim = new_return(
        aqara, "warranty_claim", reason="Sensor stopped reporting", current_country="DE"
    )
    page.goto(f"/admin/rma/returnrequest/{claim.pk}/change/")
    assert "Warranty claim" in page.locator(".case-facts").inner_text()
    for step in ("Approve and issue RMA number", "Mark parcel received", "Record inspection"):
        assert f"{step}: done." in click_step(page, step)
    assert "Replacement sent: done." in click_step(page, "Replacement sent")
    assert_status(page, "Replaced")
    with scopes_disabled():
        claim.refresh_from_db()
    assert claim.status == "replaced"
