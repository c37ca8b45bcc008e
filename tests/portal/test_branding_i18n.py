"""Every page carries its vendor's look, speaks English or German, and needs no inline code."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scope

from portal.customer.branding import contrast_ratio, text_on

from .factories import order_with_line, png_bytes
from .helpers import sign_in_solution, url


class PageAudit(HTMLParser):
    """Collects what the accessibility and CSP checks look at."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: set[str] = set()
        self.inputs: list[dict] = []
        self.inline_styles: list[str] = []
        self.handlers: list[str] = []
        self.inline_scripts = 0
        self.in_script = False
        self.style_blocks: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.inline_styles.append(tag)
        self.handlers += [name for name in attributes if name.startswith("on")]
        if tag == "label" and attributes.get("for"):
            self.labels.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") not in (
            "hidden",
            "submit",
        ):
            self.inputs.append(attributes)
        if tag == "script":
            self.in_script = not attributes.get("src")
        if tag == "style":
            self.style_blocks.append(attributes)

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    return parser


def test_accent_colour_goes_into_one_nonced_style_block(client, reolink):
    page = client.get(url("vendor_home", reolink)).text
    assert "--accent:#0b5cad;--on-accent:#ffffff" in page
    found = audit(page)
    assert len(found.style_blocks) == 1 and "nonce" in found.style_blocks[0]
    assert found.inline_styles == [] and found.handlers == [] and found.inline_scripts == 0


@pytest.mark.parametrize("colour", ["#ffff00", "#0a5fb4", "#1d6b4f", "#b3261e", "#f0f0f0"])
def test_text_on_the_accent_colour_meets_wcag_aa(colour):
    assert contrast_ratio(colour, text_on(colour)) >= 4.5


def test_support_address_and_logo_on_every_page(client, reolink):
    reolink.logo.save("logo.png", ContentFile(png_bytes()), save=True)
    page = client.get(url("vendor_home", reolink)).text
    assert "mailto:support@reolink.example" in page
    logo = url("vendor_logo", reolink)
    assert f'src="{logo}"' in page and 'alt="Reolink Test"' in page
    response = client.get(logo)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_vendor_without_logo_shows_its_name_and_no_logo_url(client, market):
    page = client.get(url("vendor_home", market)).text
    assert "Market Test" in page
    assert client.get(url("vendor_logo", market)).status_code == 404


def test_unknown_vendor_is_404(client, db):
    assert client.get(reverse("portal:vendor_home", args=["nobody"])).status_code == 404


def test_german_is_chosen_from_the_browser_language(client, reolink_solution):
    solution, _password = reolink_solution
    login = url("solution_login", solution.vendor, solution.public_id)
    german = client.get(login, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert '<html lang="de">' in german.text
    assert "Passwort aus der E-Mail" in german.text
    english = client.get(login, HTTP_ACCEPT_LANGUAGE="en-US")
    assert "Password from the email" in english.text


def test_language_switcher_changes_the_language(client, market):
    home = url("vendor_home", market)
    response = client.post(reverse("portal:set_language"), {"language": "de", "next": home})
    assert response.status_code == 302 and response["Location"] == home
    assert "Rücksendung starten oder Bestellung ändern" in client.get(home).text
    client.post(reverse("portal:set_language"), {"language": "en", "next": home})
    assert "Start a return or change an order" in client.get(home).text


def test_refusal_messages_are_translated_too(client, reolink_solution):
    solution, _password = reolink_solution
    login = url("solution_login", solution.vendor, solution.public_id)
    wrong = client.post(login, {"password": "nope"}, HTTP_ACCEPT_LANGUAGE="de")
    assert "Dieses Passwort stimmt nicht" in wrong.text


def test_pages_have_labelled_fields_and_no_inline_code(client, market, reolink_solution):
    """Keyboard and screen-reader users get a label for every field; CSP needs no inline code."""
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    pages = [
        url("solution_content", solution.vendor, solution.public_id),
        url("solution_disagree", solution.vendor, solution.public_id),
        url("solution_status", solution.vendor, solution.public_id),
        url("vendor_home", market),
        url("return_start", market),
    ]
    client.post(url("solution_agree", solution.vendor, solution.public_id), {"confirmed": "yes"})
    pages.append(url("solution_details", solution.vendor, solution.public_id))
    with scope(vendor=market):
        order_with_line(market)
    for page_url in pages:
        html = client.get(page_url).text
        found = audit(html)
        unlabelled = [i for i in found.inputs if i.get("id") not in found.labels]
        assert unlabelled == [], (page_url, unlabelled)
        assert found.inline_styles == [], page_url
        assert found.handlers == [], page_url
        assert found.inline_scripts == 0, page_url
        assert re.search(r'<meta name="viewport" content="width=device-width', html)
