"""A decided case keeps its texts as message ids and parameters: a later settings change does
not relabel it, and it reads the same in English and German (MKT-3's window finding)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_scopes import scope, scopes_disabled

from rma import services
from rma.messages import render
from rma.models import ReturnRequest
from rma.services import Actor

from .factories import order_with_line
from .helpers import url
from .test_returns import signed_in, text_of


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A German page request leaves German active in this thread; later tests expect English."""
    yield
    translation.activate("en")


@pytest.fixture
def decided(market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
        line = order.lines.get()
        rr = services.return_create(
            order=order,
            scenario="quality_defect",
            lines=[(line, 1)],
            actor=Actor.customer(order.customer.email),
            reason="It stopped working.",
        )
    return order, rr


def window_text(rr: ReturnRequest) -> dict:
    stored = next(f for f in rr.decision["findings"] if f["rule_id"] == "MKT-3")
    return stored["text"]


def test_mkt3_old_case_keeps_its_texts_after_a_settings_change(client, market, decided):
    order, rr = decided
    stored = window_text(rr)
    assert stored["params"]["limit"] == 30 and stored["params"]["days"] == 3
    market.policy_settings = {**market.policy_settings, "return_window_days": 20}
    market.save()
    with scopes_disabled():
        rr = ReturnRequest.objects.get(pk=rr.pk)
    assert window_text(rr) == stored
    english, german = render(stored, "en"), render(stored, "de")
    assert "3 days ago; the limit is 30 days, open through" in english
    assert "vor 3 Tagen; die Frist beträgt 30 Tage und läuft bis" in german
    signed_in(client, market, order)
    page_en = text_of(
        client.get(url("return_detail", market, rr.public_id), HTTP_ACCEPT_LANGUAGE="en")
    )
    page_de = text_of(
        client.get(url("return_detail", market, rr.public_id), HTTP_ACCEPT_LANGUAGE="de")
    )
    assert "the limit is 30 days" in page_en and "20 days" not in page_en
    assert "die Frist beträgt 30 Tage" in page_de and "the limit is" not in page_de


def test_mkt3_plural_forms_follow_the_count():
    one = {
        "id": "Delivered %(delivered)s, %(days)s day ago; the limit is %(limit)s days, "
        "open through %(end)s",
        "plural": "Delivered %(delivered)s, %(days)s days ago; the limit is %(limit)s days, "
        "open through %(end)s",
        "count": "days",
        "params": {"delivered": "2026-06-01", "days": 1, "limit": 30, "end": "2026-07-01"},
    }
    assert "vor 1 Tag;" in render(one, "de") and "1 day ago" in render(one, "en")
    many = {**one, "params": {**one["params"], "days": 2}}
    assert "vor 2 Tagen;" in render(many, "de") and "2 days ago" in render(many, "en")
