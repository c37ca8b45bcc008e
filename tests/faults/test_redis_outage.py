"""Redis killed (SIGKILL) and frozen (SIGSTOP) while customers and the vendor API change state:
no 5xx, no request over 2 s, and every email those changes recorded arrives once Redis is back.

Redis here is cache, rate limits and Celery broker at once, as the README's single-Redis
deployment runs it.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from notifications import outbox
from notifications.models import OutboxMessage, OutboxState
from tests.api.factories import client_with, key_for, order_payload
from tests.factories import MembershipFactory
from tests.notifications.conftest import running_worker, wait_for
from tests.notifications.factories import propose, reolink

from .conftest import timed

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
SLOW_SECONDS = 2.0


def customer_and_api_changes(client, api, vendor, solution, password, tag: str) -> list:
    """A customer signs in and disagrees (an agent email); the shop sends an order and
    proposes a solution for it (a REO-1 email). Returns (what, status, seconds) per request."""
    login = reverse(
        "portal:solution_login",
        kwargs={"vendor_slug": vendor.slug, "public_id": solution.public_id},
    )
    disagree = reverse(
        "portal:solution_disagree",
        kwargs={"vendor_slug": vendor.slug, "public_id": solution.public_id},
    )
    number = f"SO-{tag}"
    calls = [
        ("wrong password", client.post, login, {"password": "WRONG-WRONG"}, {}),
        ("sign in", client.post, login, {"password": password}, {}),
        ("content page", client.get, login.rstrip("/") + "/content/", None, {}),
        ("disagree", client.post, disagree, {"comment": "A refund, please."}, {}),
        ("api order", api.post, "/api/v1/orders/", order_payload(number), {"format": "json"}),
        (
            "api proposal",
            api.post,
            "/api/v1/solutions/",
            {"order": number, "kind": "replacement", "lines": [{"sku": "CAM-4K"}]},
            {"format": "json"},
        ),
        ("api list", api.get, "/api/v1/orders/", None, {}),
    ]
    results = []
    for what, method, path, data, extra in calls:
        args = (path,) if data is None else (path, data)
        response, seconds = timed(method, *args, **extra)
        results.append((what, response.status_code, round(seconds, 3)))
    return results


def assert_served(results: list, phase: str) -> None:
    errors = [r for r in results if r[1] >= 500]
    slow = [r for r in results if r[2] > SLOW_SECONDS]
    assert not errors and not slow, f"{phase}: 5xx {errors}, over {SLOW_SECONDS}s {slow}"
    assert dict((r[0], r[1]) for r in results)["sign in"] == 302, results
    assert dict((r[0], r[1]) for r in results)["api proposal"] == 201, results


def test_redis_killed_and_frozen_customers_and_api_keep_working_and_emails_follow(
    portal_on_own_redis, celery_app, smtp, settings, client
):
    redis_server = portal_on_own_redis
    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 1
    settings.PORTAL_THROTTLE_NAMESPACE = f"faults-{uuid.uuid4().hex}"
    vendor = reolink()
    MembershipFactory(vendor=vendor, user__username="agent", user__email="agent@vendor.example")
    api = client_with(key_for(vendor)[1])
    solutions = [propose(vendor, notify=False) for _ in range(3)]

    healthy = customer_and_api_changes(client, api, vendor, *solutions[0], tag="healthy")
    assert_served(healthy, "healthy")

    redis_server.kill()
    killed = customer_and_api_changes(client, api, vendor, *solutions[1], tag="killed")
    assert_served(killed, "Redis killed")

    redis_server.start()  # same port, empty: the queued tasks died with it
    with redis_server.frozen():
        frozen = customer_and_api_changes(client, api, vendor, *solutions[2], tag="frozen")
    assert_served(frozen, "Redis frozen")

    with scopes_disabled():
        expected = OutboxMessage.objects.count()
    # Three disagreements tell the agent, three proposals send REO-1.
    assert expected == 6
    with running_worker(celery_app):

        def all_sent() -> bool:
            outbox.requeue_due()  # what beat runs every OUTBOX_SWEEP_SECONDS
            with scopes_disabled():
                return not OutboxMessage.objects.exclude(state=OutboxState.SENT).exists()

        wait_for(all_sent, timeout=60, what="every email after Redis came back")
    with scopes_disabled():
        ids = sorted(OutboxMessage.objects.values_list("message_id", flat=True))
    received = sorted(m["Message-ID"] for m in smtp.messages)
    assert received == ids  # every email arrived, none twice
