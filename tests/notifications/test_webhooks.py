"""Signed webhooks: a local receiver checks each signature; failures are retried with backoff
for a day and every attempt is logged; private targets are refused unless allowed."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications import webhooks
from notifications.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from notifications.webhooks import endpoint_create, sign, verify
from rma import services
from rma.services import Actor

from .conftest import wait_for
from .factories import WebhookEndpointFactory, propose, reolink

SECRET = "whsec_test-secret"
BODY = b'{"type":"return.approved","id":"evt_1"}'


def test_signature_round_trip():
    now = int(time.time())
    signature = sign(SECRET, now, BODY)
    assert signature.startswith("v1=") and len(signature) == 3 + 64
    assert verify(SECRET, now, BODY, signature)
    assert verify(SECRET, str(now), BODY, signature)


@pytest.mark.parametrize(
    "tampered",
    [
        {"body": BODY.replace(b"approved", b"refunded")},
        {"body": BODY + b" "},
        {"secret": "whsec_someone-else"},
        {"timestamp_shift": 1},
    ],
    ids=["changed-body", "extra-byte", "wrong-secret", "other-timestamp"],
)
def test_tampered_request_fails_verification(tampered):
    now = int(time.time())
    signature = sign(SECRET, now, BODY)
    assert not verify(
        tampered.get("secret", SECRET),
        now + tampered.get("timestamp_shift", 0),
        tampered.get("body", BODY),
        signature,
    )


def test_replayed_request_is_refused_after_the_tolerance():
    then = int(time.time()) - 301
    assert not verify(SECRET, then, BODY, sign(SECRET, then, BODY))
    assert verify(SECRET, then, BODY, sign(SECRET, then, BODY), tolerance=600)
    assert not verify(SECRET, "not-a-number", BODY, sign(SECRET, 0, BODY))


@pytest.fixture
def endpoint(receiver, db):
    vendor = reolink()
    with scope(vendor=vendor):
        endpoint = endpoint_create(vendor=vendor, url=receiver.url, description="ERP")
    receiver.secret = endpoint.secret
    return endpoint


def deliveries() -> list[WebhookDelivery]:
    with scopes_disabled():
        return list(WebhookDelivery.objects.select_related("endpoint").order_by("id"))


def deliver(delivery: WebhookDelivery, **kwargs) -> str:
    with scope(vendor=delivery.vendor_id):
        return webhooks.deliver(delivery.pk, **kwargs)


@pytest.mark.django_db
def test_every_state_change_posts_a_signed_event(endpoint, receiver):
    solution, password = propose(endpoint.vendor)
    with scope(vendor=endpoint.vendor):
        services.solution_reject(
            solution=solution, actor=Actor.customer("c@x.example"), comment="Refund instead"
        )
    proposed, disagreed = deliveries()
    assert (proposed.event_type, disagreed.event_type) == (
        "solution.proposed",
        "solution.disagreed",
    )
    assert deliver(proposed) == "delivered" and deliver(disagreed) == "delivered"

    first, second = receiver.requests
    assert first["verified"] and second["verified"]
    assert first["path"] == "/hooks/rma?src=portal"
    assert first["headers"]["Content-Type"] == "application/json"
    assert first["headers"]["X-RMA-Event"] == "solution.proposed"
    assert first["headers"]["X-RMA-Delivery"] == str(proposed.pk)
    payload = json.loads(second["body"])
    assert payload["type"] == "solution.disagreed" and payload["vendor"] == "reolink"
    assert payload["case"] == {
        "type": "warranty_solution",
        "id": str(solution.public_id),
        "reference": solution.reference,
        "order_number": solution.order.number,
        "status": "rejected",
    }
    assert payload["event"]["rule_ids"] == ["REO-4", "REO-5"]
    assert payload["event"]["note"] == "Refund instead"
    assert password not in first["body"].decode() + second["body"].decode()
    [delivered, _] = deliveries()
    assert delivered.state == DeliveryState.DELIVERED and delivered.last_status_code == 200


@pytest.mark.django_db
def test_tampered_body_is_refused_by_the_receiver(endpoint, receiver):
    propose(endpoint.vendor)
    [delivery] = deliveries()
    deliver(delivery)
    [request] = receiver.requests
    headers = request["headers"]
    assert verify(
        endpoint.secret, headers["X-RMA-Timestamp"], request["body"], headers["X-RMA-Signature"]
    )
    forged = request["body"].replace(b"pending_confirm", b"completed")
    assert forged != request["body"]
    assert not verify(
        endpoint.secret, headers["X-RMA-Timestamp"], forged, headers["X-RMA-Signature"]
    )


@pytest.mark.django_db
def test_failing_receiver_gets_retries_with_backoff_and_each_attempt_is_logged(endpoint, receiver):
    receiver.fail_next = 2
    propose(endpoint.vendor)
    [delivery] = deliveries()
    start = timezone.now()
    assert deliver(delivery, now=start) == "retry"
    [delivery] = deliveries()
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    assert deliver(delivery, now=start + timedelta(seconds=29)) == "not due"
    assert deliver(delivery, now=start + timedelta(seconds=30)) == "retry"
    [delivery] = deliveries()
    assert delivery.next_attempt_at == start + timedelta(seconds=90)  # 30 s, then 60 s
    assert delivery.last_status_code == 503 and "503" in delivery.last_error
    assert deliver(delivery, now=start + timedelta(seconds=90)) == "delivered"

    with scopes_disabled():
        log = list(delivery.attempt_log.order_by("number"))
    assert [a.status_code for a in log] == [503, 503, 200]
    assert [a.number for a in log] == [1, 2, 3]
    assert "busy" in log[0].response_excerpt and log[2].ok
    assert len(receiver.requests) == 3
    assert all(r["verified"] for r in receiver.requests)


@pytest.mark.django_db
def test_retries_stop_after_a_day(endpoint, receiver, settings):
    receiver.fail_next = 1000
    propose(endpoint.vendor)
    [delivery] = deliveries()
    now = delivery.created_at
    results = []
    while True:
        result = deliver(delivery, now=now)
        results.append(result)
        [delivery] = deliveries()
        if result != "retry":
            break
        now = delivery.next_attempt_at
    assert results[-1] == "failed" and delivery.state == DeliveryState.FAILED
    assert now <= delivery.created_at + timedelta(hours=settings.WEBHOOK_RETRY_HOURS)
    assert 10 < len(results) < 40  # exponential, capped at two hours between attempts


@pytest.mark.django_db
def test_resend_by_hand_posts_again_and_is_logged(endpoint, receiver):
    propose(endpoint.vendor)
    [delivery] = deliveries()
    deliver(delivery)
    with scope(vendor=endpoint.vendor):
        webhooks.resend(delivery)
    [delivery] = deliveries()
    assert delivery.state == DeliveryState.QUEUED
    assert deliver(delivery, by_hand=True) == "delivered"
    with scopes_disabled():
        assert [a.by_hand for a in delivery.attempt_log.order_by("number")] == [False, True]
    assert len(receiver.requests) == 2


@pytest.mark.django_db
def test_rotated_secret_signs_from_then_on(endpoint, receiver):
    old = endpoint.secret
    with scope(vendor=endpoint.vendor):
        new = webhooks.rotate_secret(endpoint)
    assert new != old and new.startswith("whsec_")
    receiver.secret = old
    propose(endpoint.vendor)
    [delivery] = deliveries()
    assert deliver(delivery) == "retry"  # the receiver still holds the old secret: 401
    assert receiver.requests[0]["verified"] is False


@pytest.mark.django_db
def test_inactive_endpoints_get_nothing(endpoint):
    with scopes_disabled():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    propose(endpoint.vendor)
    assert deliveries() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::127.0.0.1]/hook",
        "https://[fec0::1]/hook",
        "https://[2002:7f00:1::1]/hook",
        "https://[64:ff9b::7f00:1]/hook",
        "https://[64:ff9b::a9fe:a9fe]/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hook",
        "https://0.0.0.0/hook",
        "ftp://93.184.216.34/hook",
        "https://user:pw@93.184.216.34/hook",
    ],
)
def test_private_loopback_and_odd_targets_are_refused(url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    endpoint = WebhookEndpoint(vendor=reolink(), url=url)
    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert "url" in refused.value.message_dict


@pytest.mark.django_db
def test_public_targets_are_accepted_and_the_setting_allows_loopback(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    vendor = reolink()
    WebhookEndpoint(vendor=vendor, url="https://93.184.216.34/hook").full_clean()
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    WebhookEndpoint(vendor=vendor, url="http://127.0.0.1:8080/hook").full_clean()
    with pytest.raises(ValidationError):  # link-local (cloud metadata) stays refused
        WebhookEndpoint(vendor=vendor, url="http://169.254.169.254/").full_clean()
    settings.WEBHOOK_REQUIRE_HTTPS = True
    with pytest.raises(ValidationError, match="https"):
        WebhookEndpoint(vendor=vendor, url="http://93.184.216.34/hook").full_clean()


@pytest.mark.django_db
def test_target_is_checked_again_when_posting(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    vendor = reolink()
    WebhookEndpointFactory(vendor=vendor, url="http://127.0.0.1:9/hook")  # saved unchecked
    propose(vendor)
    [delivery] = deliveries()
    assert deliver(delivery) == "retry"
    with scopes_disabled():
        [attempt] = delivery.attempt_log.all()
    assert attempt.status_code is None and "private, loopback" in attempt.error


@pytest.mark.django_db(transaction=True)
def test_worker_posts_each_step_as_it_happens(celery_worker, receiver, smtp):
    vendor = reolink()
    endpoint = WebhookEndpointFactory(vendor=vendor, url=receiver.url)
    receiver.secret = endpoint.secret
    solution, _ = propose(vendor)
    with scope(vendor=vendor):
        services.solution_agree(solution=solution, actor=Actor.customer("c@x.example"))

    def received():
        return sorted(json.loads(r["body"])["type"] for r in receiver.requests)

    wait_for(
        lambda: len(receiver.requests) >= 2,
        what=lambda: (
            f"two signed webhooks (received {received()}, deliveries "
            f"{[(d.event_type, d.state, d.attempts) for d in deliveries()]})"
        ),
    )
    assert received() == ["solution.agreed", "solution.proposed"]
    assert all(r["verified"] for r in receiver.requests)
    wait_for(
        lambda: all(d.state == DeliveryState.DELIVERED for d in deliveries()),
        what="deliveries marked delivered",
    )


@pytest.mark.django_db
def test_sweep_hands_over_due_retries_only(endpoint, receiver, celery_app, settings):
    settings.OUTBOX_REQUEUE_AFTER_SECONDS = 0
    receiver.fail_next = 1
    propose(endpoint.vendor)
    [delivery] = deliveries()
    start = timezone.now()
    assert deliver(delivery, now=start) == "retry"
    assert webhooks.requeue_due(now=start + timedelta(seconds=29)) == 0
    assert webhooks.requeue_due(now=start + timedelta(seconds=30)) == 1
    [delivery] = deliveries()
    assert delivery.enqueued_at == start + timedelta(seconds=30)
