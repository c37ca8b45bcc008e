"""A French customer on a phone: the pages read in French (no English sentence of ours), and
the text fits the 390 px screen (nothing wider than the viewport)."""

from __future__ import annotations

import re

import pytest
from django_scopes import scope

from tests.i18n.catalogues import english_sentences
from tests.portal.factories import (
    marketplace_vendor,
    order_with_line,
    propose_solution,
    reolink_vendor,
)

from .conftest import PHONE, browser_page, delivered_email, link_and_password, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def french_phone(browser, portal_url):
    with browser_page(browser, portal_url, device=PHONE, locale="fr-FR") as page:
        yield page


def reads_french_and_fits(page, name: str) -> None:
    assert page.locator("html").get_attribute("lang") == "fr"
    text = " ".join(page.locator("body").inner_text().split())
    english = [s.fragment for s in english_sentences("fr") if s.fragment in text]
    assert not english, english
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the phone"
    screenshot(page, f"fr-390-{name}")


def test_a_french_customer_starts_a_return_on_a_phone(french_phone):
    page = french_phone
    market = marketplace_vendor()
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=4)
    page.goto(f"/v/{market.slug}/")
    reads_french_and_fits(page, "01-home")
    page.get_by_role("link", name="Commencer un retour ou modifier une commande").click()
    page.get_by_label("Numéro de commande").fill(order.number)
    page.get_by_label("Adresse e-mail utilisée pour la commande").fill(order.customer.email)
    page.get_by_role("button", name="M'envoyer le lien par e-mail").click()
    page.get_by_role("heading", name="Consultez vos e-mails").wait_for()
    link, _password = link_and_password(delivered_email("return_access"))
    page.goto(link)  # the emailed link signs the customer in by itself
    page.wait_for_url(re.compile(r"/order/$"))
    page.get_by_role("link", name="Demander un retour").click()
    page.get_by_label(re.compile("Combien de")).fill("1")
    page.get_by_label("Défaut de qualité", exact=True).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("heading", name="Confirmez votre retour").wait_for()
    reads_french_and_fits(page, "02-confirm-return")


def test_a_french_customer_reads_a_warranty_solution_on_a_phone(french_phone):
    page = french_phone
    reolink = reolink_vendor()
    with scope(vendor=reolink):
        solution, password = propose_solution(reolink)
    page.goto(f"/v/{reolink.slug}/solutions/{solution.public_id}/")
    page.get_by_label("Mot de passe reçu par e-mail").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Contenu de la solution de garantie").wait_for()
    assert page.get_by_role("link", name="Accepter", exact=True).is_visible()
    reads_french_and_fits(page, "03-solution-content")
