"""The Reolink flow in Chromium: email link → password → agree → address → tracking and
receipt → status (REO-1..REO-12); and the same login on a phone, by keyboard only."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from tests.portal.factories import png_bytes, propose_solution, reolink_vendor

from .conftest import delivered_email, link_and_password, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reolink():
    return reolink_vendor()


def test_reolink_full_flow(page, reolink, tmp_path):
    with scope(vendor=reolink):
        solution, _password = propose_solution(reolink, makeup_amount=Decimal("15.00"))
    email = delivered_email("solution_confirmation")
    assert "Action Required" in email.subject
    link, password = link_and_password(email)

    page.goto(link)
    screenshot(page, "reolink-01-login")
    page.get_by_label("Password from the email").fill("WRONG-PASSWORD")
    page.get_by_role("button", name="Sign in").click()
    assert "That password is not right" in page.content()
    page.get_by_label("Password from the email").fill(password)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(re.compile(r"/content/$"))
    page.get_by_role("heading", name="Warranty solution content").wait_for()
    assert "Smart camera" in page.content() and "15.00 EUR" in page.content()
    screenshot(page, "reolink-02-solution-content")
    page.get_by_role("link", name="Agree", exact=True).click()
    # Agreeing is final (REO-5): one confirm step says what it commits to.
    page.wait_for_url(re.compile(r"/agree/$"))
    assert "You cannot choose Disagree afterwards" in page.content()
    screenshot(page, "reolink-02b-agree-confirm")
    page.get_by_role("button", name="Yes, I agree").click()

    page.wait_for_url(re.compile(r"/details/$"))
    page.get_by_text("Edit the address").click()  # the pen icon opens the address fields
    page.get_by_label("Address line 1").fill("Neue Straße 9")
    page.get_by_label("City").fill("Hamburg")
    page.get_by_label("Return tracking number").fill("1Z999AA10123456784")
    page.get_by_label("Transaction ID of your payment").fill("PAY-2026-778")

    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(png_bytes(size=(120, 90), colour=(240, 240, 200)))
    paid = tmp_path / "payment.png"
    paid.write_bytes(png_bytes(size=(120, 90), colour=(200, 240, 200)))
    page.locator("#file-postage_receipt").set_input_files(str(receipt))
    page.locator("#file-payment_screenshot").set_input_files(str(paid))
    # With JavaScript each file uploads at once and the checklist ticks off as it lands.
    for kind in ("postage_receipt", "payment_screenshot"):
        page.locator(f'.checklist-item.done[data-kind="{kind}"] [data-counted]').filter(
            has_text="1"
        ).wait_for()
        page.locator(f'.checklist-item[data-kind="{kind}"] img.thumb').wait_for()
    screenshot(page, "reolink-03-details-filled")
    page.get_by_role("button", name="Submit").click()

    page.wait_for_url(re.compile(r"/status/$"))
    content = page.content()
    assert "Submitted" in content and "We have everything we need" in content
    assert "1Z999AA10123456784" in content
    screenshot(page, "reolink-04-status")

    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "submitted"
        assert (solution.ship_line1, solution.ship_city) == ("Neue Straße 9", "Hamburg")
        assert str(solution.ship_country) == "DE"
        assert solution.makeup_transaction_id == "PAY-2026-778"
        assert solution.evidence.count() == 2


def test_phone_width_and_keyboard_only(phone, reolink):
    with scope(vendor=reolink):
        solution, _password = propose_solution(reolink, return_required=False, kind="refund")
    link, password = link_and_password(delivered_email("solution_confirmation"))
    phone.goto(link)
    screenshot(phone, "reolink-phone-390-login")
    # Nothing wider than the screen: no sideways scrolling on a 390px phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # Keyboard only: Tab to the password field, type, Enter.
    for _ in range(10):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.name") == "password":
            break
    else:
        pytest.fail("The password field cannot be reached with the Tab key.")
    phone.keyboard.type(password)
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/content/$"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "reolink-phone-390-content")

    for _ in range(40):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent.trim()") == "Agree":
            break
    else:
        pytest.fail("The Agree button cannot be reached with the Tab key.")
    focus = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus != "none"  # a visible focus ring
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(r"/agree/$"))
    screenshot(phone, "reolink-phone-390-agree-confirm")
    phone.get_by_role("button", name="Yes, I agree").click()
    phone.wait_for_url(re.compile(r"/details/$"))
    screenshot(phone, "reolink-phone-390-details")
    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "confirmed"


@pytest.mark.parametrize("width", [1280, 390])
def test_still_needed_list_follows_each_upload_without_a_reload(
    browser, portal_url, reolink, tmp_path, width
):
    """The "still needed" list is the server's count after each upload (the script redraws
    it from the upload's answer); the page is not reloaded. Then the last item is given and
    the list gives way to "you can submit"."""
    with scope(vendor=reolink):
        propose_solution(reolink)  # a return is needed (REO-7): tracking number and receipt
    link, password = link_and_password(delivered_email("solution_confirmation"))
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="en-US", base_url=portal_url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link)
    page.get_by_label("Password from the email").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Agree", exact=True).click()
    page.get_by_role("button", name="Yes, I agree").click()
    page.wait_for_url(re.compile(r"/details/$"))
    still_needed = page.locator("[data-missing-list] li")
    before = still_needed.all_inner_texts()
    assert any("receipt" in text.lower() for text in before), before
    # Saving or submitting this form confirms the address it shows: not asked of the customer.
    assert not any("address" in text.lower() for text in before), before
    page.evaluate("window.notReloaded = true")

    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(png_bytes(size=(120, 90), colour=(240, 240, 200)))
    page.locator("#file-postage_receipt").set_input_files(str(receipt))
    page.locator('.checklist-item.done[data-kind="postage_receipt"]').wait_for()
    page.wait_for_function(
        "() => ![...document.querySelectorAll('[data-missing-list] li')]"
        ".some(li => /receipt/i.test(li.textContent))"
    )
    after = still_needed.all_inner_texts()
    assert page.evaluate("window.notReloaded") is True
    assert len(after) == len(before) - 1, (before, after)
    screenshot(page, f"reolink-still-needed-after-upload-{width}")

    # Without the script, the page sent after saving says the same.
    page.get_by_label("Return tracking number").fill("1Z999AA10123456784")
    page.get_by_role("button", name="Save and continue later").click()
    page.wait_for_load_state()
    page.get_by_text("Everything needed is here: you can submit.").wait_for()
    assert page.locator("[data-missing]").is_hidden()
    screenshot(page, f"reolink-still-needed-all-set-{width}")
    context.close()
