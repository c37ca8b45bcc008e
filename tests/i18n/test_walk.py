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

import portal.demo
from policies.registry import POLICIES
from portal.demo.builder import Builder
from tenancy.models import Vendor

from .catalogues import GettextRecorder
from .journeys import (
    CUSTOMER_KINDS,
    move_on,
    walk_anonymous,
    walk_emails,
    walk_lockout,
    walk_orders,
    walk_solutions,
)
from .walk import Walk

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


@pytest.mark.django_db
@pytest.mark.parametrize("vendor_key", DEMO_VENDORS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_customer_page_is_translated(language, vendor_key, client, settings, monkeypatch):
    recorder = GettextRecorder()
    with recorder.active():
        seed_demo_in(language, monkeypatch, only=vendor_key)
        vendor = Vendor.objects.get(slug=vendor_key)
        walk = Walk(client, vendor, language, recorder)
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
    assert not walk.problems, report([walk])
    assert walk.pages >= 15, walk.pages  # it did walk: the demo gives every vendor cases


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.xfail(
    strict=True,
    reason="Known, open (issue 16): the demo no longer holds an approved return waiting to be "
    "shipped, so the ship reminder is never walked. Remove this mark when it is.",
)
def test_every_customer_email_kind_is_translated(language, monkeypatch):
    recorder = GettextRecorder()
    walks = []
    with recorder.active():
        seed_demo_in(language, monkeypatch)
        for vendor in Vendor.objects.order_by("slug"):
            walk = Walk(None, vendor, language, recorder)
            move_on(vendor, with_access_links=True)
            walk.check_misses("emails queued")
            walk.refresh_data()
            walk_emails(walk)
            walks.append(walk)
    assert not [p for w in walks for p in w.problems], report(walks)
    seen = set().union(*(w.seen_kinds for w in walks))
    assert seen >= CUSTOMER_KINDS, f"never walked: {sorted(CUSTOMER_KINDS - seen)}"
