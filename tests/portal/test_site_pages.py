"""The shared host's home page, the favicon, and the error pages a customer may meet."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.portal.factories import marketplace_vendor

pytestmark = pytest.mark.django_db


def test_home_page_at_root_says_where_to_go_and_lists_no_vendors(client):
    marketplace_vendor(name="Hidden Shop")
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Returns, refunds and warranty claims" in text
    assert "/admin/" in text and "/api/docs/" in text
    assert "Hidden Shop" not in text


def test_favicon_is_served_for_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert finders.find("portal/favicon.svg")
    assert 'rel="icon"' in client.get("/").content.decode()


def test_a_bad_link_shows_a_plain_page_not_the_url_patterns(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "This page does not exist" in text
    assert "URLconf" not in text and "admin/" not in text.split("</header>")[0]


def test_a_bad_case_link_under_a_vendor_offers_the_vendors_page(client):
    market = marketplace_vendor()
    response = client.get(f"/v/{market.slug}/solutions/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_server_error_page_is_plain_and_in_three_languages():
    response = server_error(RequestFactory().get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in text
    assert 'lang="de"' in text and 'lang="fr"' in text
    assert "Traceback" not in text
