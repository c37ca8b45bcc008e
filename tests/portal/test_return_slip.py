"""The return slip opens from its email without a session, by a signed key for that return
alone, as a page and as a PDF whose barcode and QR code scan back to the RMA number."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core import mail
from django.utils.html import strip_tags
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from notifications.outbox import send_message
from rma.services.access import slip_key
from tests.notifications.factories import approved_return
from tests.portal.factories import approved_kept_item, marketplace_vendor
from tests.portal.helpers import url
from tests.portal.test_returns import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    return marketplace_vendor(
        return_address="Market Test Returns\nDock 4\n20095 Hamburg\nGermany",
        time_zone="Europe/Berlin",
    )


def slip_link_from_email(rr) -> str:
    with scopes_disabled():
        message = OutboxMessage.objects.filter(
            kind="return_approved", event_id__in=rr.events.values("pk")
        ).latest("created_at")
        assert send_message(message.pk) == "sent"
    body = mail.outbox[-1].body
    found = re.search(r"https?://\S+/slip/\?key=\S+", body)
    assert found, body
    return found.group(0)


def test_slip_link_in_the_approval_email_opens_without_signing_in(client, market):
    rr = approved_return(market)
    link = slip_link_from_email(rr)
    response = client.get(link)
    assert response.status_code == 200
    text = response.content.decode()
    assert rr.rma_number in text and "Dock 4" in text
    assert "(Europe/Berlin, UTC+1)" in text  # ship-by in vendor time with its zone
    with scopes_disabled():
        street = rr.order.ship_line1
    assert "Sender" in text and street in text
    assert response["Cache-Control"] == "private, no-store"


def test_slip_key_is_for_one_return_only_and_refused_when_tampered(client, market):
    first, second = approved_return(market), approved_return(market)
    link = slip_link_from_email(second)
    key = link.split("key=")[1]
    other = link.replace(str(second.public_id), str(first.public_id))
    assert client.get(other).status_code == 404
    assert client.get(link.replace(key, key[:-2] + "xx")).status_code == 404
    # Without a key and without a session, the slip asks to sign in; it never shows.
    bare = client.get(link.split("?")[0])
    assert first.rma_number not in bare.content.decode()
    assert second.rma_number not in bare.content.decode()


def test_slip_pdf_barcode_and_qr_code_scan_to_the_rma_number(client, market, tmp_path):
    rr = approved_return(market)
    link = slip_link_from_email(rr)
    response = client.get(link.replace("/slip/?", "/slip.pdf?"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(response.content)
    for tool in ("pdftoppm", "zbarimg"):
        assert shutil.which(tool), f"{tool} is missing: scripts/system_deps.sh installs it"
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(tmp_path / "slip")],
        check=True,
    )
    scanned = subprocess.run(
        ["zbarimg", "--quiet", str(tmp_path / "slip.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(scanned) == sorted([f"CODE-128:{rr.rma_number}", f"QR-Code:{rr.rma_number}"])
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Recipient" in text and "Sender" in text and "Dock 4" in text


@pytest.fixture
def kept(market):
    rr = approved_kept_item(market)
    assert rr.rma_number and not rr.return_required
    return rr


NOTHING_TO_SEND = {
    "en": "This return has no slip: you keep the item and send nothing back.",
    "de": "Diese Rücksendung hat keinen Rücksendeschein: Sie behalten den Artikel und schicken "
    "nichts zurück.",
}


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("name", ["return_slip", "return_slip_pdf"])
def test_mkt7_kept_item_has_no_slip_its_link_says_so_on_the_case_page(
    client, market, kept, name, language
):
    signed_in(client, market, kept.order)
    response = client.get(url(name, market, kept.public_id), HTTP_ACCEPT_LANGUAGE=language)
    case_page = url("return_detail", market, kept.public_id)
    assert response.status_code == 302 and response["Location"] == case_page
    page = client.get(case_page, HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert NOTHING_TO_SEND[language] in text
    # No sending rules and no slip to print: only the kept item's approval.
    with scope(vendor=market):
        carriers = [c.name for c in market.get_policy().named_carriers()]
    # In what the page shows, as words: random tokens in its attributes (the CSRF token, the
    # CSP nonce, signed keys) may hold "DHL" by chance.
    shown = strip_tags(text)
    assert "Dock 4" not in shown and "Dock 4" not in text
    assert not any(re.search(rf"\b{re.escape(c)}\b", shown) for c in carriers)
    assert url("return_slip", market, kept.public_id) not in text


def test_mkt7_kept_items_signed_slip_link_makes_no_pdf_either(client, market, kept):
    key = slip_key(kept)
    for name in ("return_slip", "return_slip_pdf"):
        response = client.get(url(name, market, kept.public_id) + f"?key={key}")
        assert response.status_code == 302, name
        assert response["Location"] == url("return_detail", market, kept.public_id)
        assert response.get("Content-Type", "").startswith("text/html")
