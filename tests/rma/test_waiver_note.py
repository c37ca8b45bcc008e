"""MKT-10: a waived return's audit note is a message with the ship-by day on the vendor's
calendar, stored as data and read in the reader's language (admin timeline, customer page);
an event written before notes were data still shows its English note."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from rma import services
from rma.formatting import vendor_date
from rma.models import Event, ReturnRequest
from rma.services import Actor
from tests.factories import MembershipFactory
from tests.notifications.factories import approved_return, marketplace
from tests.portal.helpers import url
from tests.portal.test_returns import signed_in, text_of

pytestmark = pytest.mark.django_db

# 20:00 in UTC is already the next morning in Shanghai: the note names the vendor's day.
SHIP_BY = datetime(2026, 11, 29, 20, 0, tzinfo=UTC)
VENDOR_DAY = date(2026, 11, 30)


@pytest.fixture
def vendor():
    return marketplace(time_zone="Asia/Shanghai")


def waived_in_a_batch(vendor) -> ReturnRequest:
    rr = approved_return(vendor)
    with scopes_disabled():
        ReturnRequest.objects.filter(pk=rr.pk).update(ship_by=SHIP_BY)
    with scope(vendor=vendor):
        rr.refresh_from_db()
        result = services.return_waive_many(
            return_requests=[rr], actor=Actor.system(), at=SHIP_BY + timedelta(days=1)
        )
    assert result.moved == [rr.pk], result.refused
    with scopes_disabled():
        rr.refresh_from_db()
    assert rr.status == "waived"
    return rr


def waiver_event(rr) -> Event:
    with scopes_disabled():
        return rr.events.get(action="waived")


def day_in(language: str) -> str:
    with translation.override(language):
        return vendor_date(VENDOR_DAY, "UTC")


def test_mkt10_batched_waiver_stores_its_note_as_a_message_with_the_vendors_day(vendor):
    event = waiver_event(waived_in_a_batch(vendor))
    assert event.data["note_message"] == {
        "id": "Not shipped by %(day)s.",
        "params": {"day": {"type": "day", "value": "2026-11-30"}},
    }
    # The API, webhooks and logs keep an English note beside it.
    assert event.note == "Not shipped by 2026-11-30."


def test_mkt10_single_waiver_stores_the_same_message(vendor):
    rr = approved_return(vendor)
    with scopes_disabled():
        ReturnRequest.objects.filter(pk=rr.pk).update(ship_by=SHIP_BY)
    with scope(vendor=vendor):
        rr.refresh_from_db()
        services.return_waive(
            return_request=rr, actor=Actor.system(), at=SHIP_BY + timedelta(days=1)
        )
    assert waiver_event(rr).data["note_message"]["params"]["day"]["value"] == "2026-11-30"


def admin_timeline(client, vendor, rr, language: str) -> str:
    agent = MembershipFactory(vendor=vendor, user__username=f"agent-{language}").user
    client.force_login(agent)
    response = client.get(
        reverse("admin:rma_returnrequest_change", args=[rr.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return text_of(response)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Not shipped by"), ("de", "Nicht versandt bis"), ("fr", "Non expédié")],
)
def test_mkt10_waiver_note_reads_in_the_agents_language(client, vendor, language, words):
    rr = waived_in_a_batch(vendor)
    text = admin_timeline(client, vendor, rr, language)
    assert words in text
    assert day_in(language) in text
    if language != "en":
        assert "Not shipped by" not in text
    assert "2026-11-29" not in text and "2026-11-30" not in text  # never the raw ISO day


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Not shipped by"), ("de", "Nicht versandt bis")]
)
def test_mkt10_waiver_note_reads_in_the_customers_language(client, vendor, language, words):
    rr = waived_in_a_batch(vendor)
    signed_in(client, vendor, rr.order)
    text = text_of(
        client.get(url("return_detail", vendor, rr.public_id), HTTP_ACCEPT_LANGUAGE=language)
    )
    assert f"{words} {day_in(language)}" in text, text
    if language == "de":
        assert "Not shipped by" not in text


def test_a_waiver_stored_before_notes_were_data_still_shows_its_note(client, vendor):
    rr = approved_return(vendor)
    legacy = "Not shipped by 2026-11-29T20:00:00+00:00."
    with scope(vendor=vendor):
        # The row as the waiver wrote it before its note was data: English text, no message.
        Event.objects.create(
            vendor=vendor,
            return_request=rr,
            action="waived",
            from_status="approved",
            to_status="waived",
            actor_kind="system",
            note=legacy,
            rule_ids=["MKT-10"],
        )
    for language in ("en", "de"):
        assert legacy in admin_timeline(client, vendor, rr, language)
