"""The walk cannot pass by saying nothing: a missing translation, an English message text and
an English sentence never marked for translation each make it fail."""

from __future__ import annotations

import pytest
from django_scopes import scope

from tests.portal.factories import propose_solution, reolink_vendor

from .catalogues import GettextRecorder
from .journeys import CUSTOMER_KINDS, unwalked_kinds, walk_emails
from .walk import Walk

pytestmark = pytest.mark.django_db
LOGIN_LABEL = "Password from the email"


def login_page_problems(client, recorder: GettextRecorder) -> list[str]:
    vendor = reolink_vendor()
    with scope(vendor=vendor):
        solution, _password = propose_solution(vendor)
    walk = Walk(client, vendor, "fr", recorder)
    walk.refresh_data()
    with recorder.active():
        walk.page(f"/v/{vendor.slug}/solutions/{solution.public_id}/")
    assert walk.pages == 1
    return [str(p) for p in walk.problems]


def test_the_french_login_page_passes(client):
    assert login_page_problems(client, GettextRecorder()) == []


def test_a_missing_translation_fails_twice(client):
    problems = login_page_problems(client, GettextRecorder(frozenset({LOGIN_LABEL})))
    assert any(f"no fr translation for {LOGIN_LABEL!r}" in p for p in problems), problems
    assert any("English text 'Password from the email'" in p for p in problems)


def test_an_unmarked_english_sentence_fails_but_typed_data_does_not(client):
    walk = Walk(client, reolink_vendor(), "fr", GettextRecorder())
    walk.refresh_data()
    english = ["Your parcel waits at the depot for the courier", "Reolink Test", "Bonjour"]
    french = ["Your parcel waits at the depot for the courier", "Reolink Test", "Bonjour"]
    walk.check_segments("page", french, english)
    assert [p.what for p in walk.problems] == [
        "reads the same as in English: 'Your parcel waits at the depot for the courier'"
    ]


def test_an_email_kind_never_queued_is_reported_unwalked():
    """A vendor whose only case waits for its customer's answer queued one kind of email; the
    check names every other kind as never walked."""
    vendor = reolink_vendor()
    with scope(vendor=vendor):
        propose_solution(vendor)
    walk = Walk(None, vendor, "fr", GettextRecorder())
    walk.refresh_data()
    walk_emails(walk)
    assert walk.seen_kinds == {"solution_confirmation"}
    missing = unwalked_kinds([walk])
    assert "ship_reminder" in missing
    assert missing == sorted(CUSTOMER_KINDS - {"solution_confirmation"})
