"""Every customer page and email, walked in each language besides English, reads in that language.

The walk covers the demo (every scenario of each registered vendor's policy, in the states the
demo seeds), signed out and signed in to each case, every form sent as it stands and filled
in, then the states agents and deadline sweeps lead to, and every customer email kind. A text
fails on a message id its language's catalogue lacks, on a run of English words of one of our
message ids, and on a sentence that reads the same as in English without being typed data.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client

import portal.demo
from policies.registry import POLICIES
from portal.demo.builder import Builder
from tenancy.models import Vendor

from .catalogues import GettextRecorder
from .journeys import (
    act_as_agents,
    move_on,
    run_sweeps,
    unwalked_kinds,
    walk_anonymous,
    walk_emails,
    walk_lockout,
    walk_orders,
    walk_solutions,
)
from .walk import EnglishPages, Walk

LANGUAGES = [code for code, _name in django_settings.LANGUAGES if code != "en"]
DEMO_VENDORS = sorted(key for key, policy in POLICIES.items() if policy.demo_vendor is not None)


@pytest.fixture(autouse=True)
def _own_throttle_namespace(settings):
    settings.PORTAL_THROTTLE_NAMESPACE = f"i18n-walk-{uuid.uuid4().hex}"


def seed_demo_in(language: str, monkeypatch, only: str | None = None) -> None:
    """The demo (of one vendor, or all), every customer speaking ``language``, so that the
    emails the demo's cases sent are in it too."""
    make_customer = Builder.customer
    monkeypatch.setattr(
        Builder,
        "customer",
        lambda self, email, name, _language="en": make_customer(self, email, name, language),
    )
    if only is not None:
        every = portal.demo.demo_vendors()
        monkeypatch.setattr(
            portal.demo, "demo_vendors", lambda: [v for v in every if v["slug"] == only]
        )
    portal.demo.seed(stdout=lambda _line: None)


def report(walks: list[Walk]) -> str:
    problems = sorted({str(p) for walk in walks for p in walk.problems})
    return f"{len(problems)} untranslated texts:\n" + "\n".join(problems)


def walk_portal(walk: Walk, settings) -> None:
    """Every customer page of the walk's vendor, from the seeded demo to the states agents and
    sweeps lead to, and the emails all of it queued."""
    vendor = walk.vendor
    walk.check_misses("the demo's emails, queued")
    walk.refresh_data()
    walk.page("/")
    walk_anonymous(walk)
    walk_solutions(walk, forms=True)
    walk_orders(walk, forms=True)
    move_on(vendor)
    walk.check_misses("emails queued by agents and sweeps")
    walk.refresh_data()
    walk_solutions(walk, forms=False)
    walk_orders(walk, forms=False)
    walk_lockout(walk, settings)
    walk_emails(walk)


@pytest.mark.django_db
@pytest.mark.parametrize("vendor_key", DEMO_VENDORS)
def test_every_customer_page_is_translated(vendor_key, settings, monkeypatch):
    """One vendor's portal, walked in each language from the same seeded demo: the demo is
    seeded once, each language's walk runs inside a savepoint rolled back after it, and the
    English renderings the walks compare with are read once for all of them."""
    recorder = GettextRecorder()
    english = EnglishPages()
    walks = []
    with recorder.active():
        seed_demo_in(LANGUAGES[0], monkeypatch, only=vendor_key)
        vendor = Vendor.objects.get(slug=vendor_key)
        for language in LANGUAGES:
            # What lives outside the database starts afresh too: the sign-in throttle's
            # counters, the client's session cookie and the lockout setting.
            settings.PORTAL_THROTTLE_NAMESPACE = f"i18n-walk-{uuid.uuid4().hex}"
            if hasattr(settings, "PORTAL_LOGIN_MAX_FAILURES"):
                del settings.PORTAL_LOGIN_MAX_FAILURES
            seeded = transaction.savepoint()
            walk = Walk(Client(), vendor, language, recorder, english_pages=english)
            walk_portal(walk, settings)
            transaction.savepoint_rollback(seeded)
            walks.append(walk)
    assert not [p for w in walks for p in w.problems], report(walks)
    for walk in walks:  # each did walk: the demo gives every vendor cases
        assert walk.pages >= 15, (walk.language, walk.pages)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_customer_email_kind_is_translated(language, monkeypatch):
    recorder = GettextRecorder()
    walks = []
    with recorder.active():
        seed_demo_in(language, monkeypatch)
        vendors = list(Vendor.objects.order_by("slug"))
        # Every vendor's agents first, then the sweeps once, as beat runs them for all vendors
        # (a sweep run for one vendor would waive another's returns before they are reminded).
        for vendor in vendors:
            act_as_agents(vendor, with_access_links=True)
        run_sweeps()
        for vendor in vendors:
            walk = Walk(None, vendor, language, recorder)
            walk.check_misses("emails queued")
            walk.refresh_data()
            walk_emails(walk)
            walks.append(walk)
    assert not [p for w in walks for p in w.problems], report(walks)
    assert unwalked_kinds(walks) == [], "never walked"
