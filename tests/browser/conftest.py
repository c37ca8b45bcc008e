"""A real headless Chromium (Debian's package, never a downloaded build) against live_server.

Screenshots land in test-artifacts/screenshots/. A missing Chromium fails the tests with the
command that installs it: these tests are part of `make test`, never skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium is not installed; the browser tests drive Debian's package: "
            "apt-get update && apt-get install -y chromium (`make test` does this through "
            "scripts/system_deps.sh).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code, so Django's async guard is lifted for these tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _no_tasks_left_in_the_broker():
    """Committed changes hand their emails to Celery; the test delivers them itself (see
    ``delivered_email``), so nothing may stay queued for another suite's worker."""
    yield
    from portal.celery import app

    app.control.purge()


@pytest.fixture
def portal_url(live_server, settings):
    """Emails link to the live server, as they link to PUBLIC_BASE_URL in production."""
    settings.PUBLIC_BASE_URL = live_server.url
    return live_server.url


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@contextmanager
def browser_page(browser, base_url: str, *, device: dict = DESKTOP, locale: str = "en-US"):
    """A page in a context of its own (a desktop or ``PHONE``, in ``locale``), closed after."""
    context = browser.new_context(locale=locale, base_url=base_url, **device)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser, portal_url):
    with browser_page(browser, portal_url) as page:
        yield page


@pytest.fixture
def phone(browser, portal_url):
    with browser_page(browser, portal_url, device=PHONE) as page:
        yield page


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def delivered_email(kind: str):
    """Send the newest queued email of ``kind`` the way the worker does; return the message."""
    from django.core import mail
    from django_scopes import scopes_disabled

    from notifications.models import OutboxMessage
    from notifications.outbox import send_message

    with scopes_disabled():
        message = OutboxMessage.objects.filter(kind=kind).latest("created_at")
        assert send_message(message.pk) == "sent"
    return mail.outbox[-1]


def link_and_password(email) -> tuple[str, str]:
    """The link and password of an email; a self-service link that signs in by itself
    comes without a password ("")."""
    body = email.body
    link = re.search(r"https?://\S+/(?:solutions|access)/\S+/", body)
    password = re.search(r"\b[2-9A-Z]{4}(?:-[2-9A-Z]{4}){3}\b", body)
    assert link, body
    assert password or "/access/" in link.group(0), body
    return link.group(0), password.group(0) if password else ""
