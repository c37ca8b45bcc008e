"""Every step a vendor reports over the API, replayed with the same Idempotency-Key: the replay
answers the same body, changes nothing, writes no second event, and each subscribed endpoint
gets exactly one signed webhook carrying the resolution in its new state."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.models import WebhookDelivery
from notifications.webhooks import deliver_webhook, endpoint_create
from rma import services
from rma.models import Event, Resolution, ReturnRequest, ReturnStatus
from tests.factories import VendorFactory, make_case_graph
from tests.notifications.conftest import Receiver
from tests.portal.factories import propose_solution
from tests.rma.resolution_cases import AGENT, keep_case

pytestmark = pytest.mark.django_db

# The fields a receiver reads to follow a resolution; the API's answer shows the same values.
SHARED_FIELDS = (
    "id",
    "kind",
    "state",
    "amount",
    "currency",
    "method",
    "coupon_code",
    "carrier",
    "tracking_number",
    "provider_reference",
    "makeup_transaction_id",
    "quantity",
    "rule_ids",
    "next_steps",
)


@pytest.fixture
def receivers(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    started = [Receiver(), Receiver()]
    for receiver in started:
        receiver.thread.start()
    yield started
    for receiver in started:
        receiver.server.shutdown()
        receiver.server.server_close()


def subscribe(vendor, receivers) -> None:
    """Two live endpoints, and a switched-off one that must hear nothing."""
    with scope(vendor=vendor):
        for receiver in receivers:
            receiver.secret = endpoint_create(vendor=vendor, url=receiver.url).secret
        endpoint_create(vendor=vendor, url="http://127.0.0.1:9/off", is_active=False)


def report(api, rid, body, key):
    return api.post(
        f"/api/v1/resolutions/{rid}/report/", body, format="json", HTTP_IDEMPOTENCY_KEY=key
    )


def replayed(api, vendor, receivers, rid, body, *, state: str) -> dict:
    """Report ``body`` twice with one key; returns the payload the receivers got."""
    step = body["step"]
    key = f"{step}-{rid}"
    with scopes_disabled():
        before = set(Event.objects.filter(resolution__public_id=rid).values_list("pk", flat=True))
        deliveries_before = WebhookDelivery.objects.count()
    first = report(api, rid, body, key)
    assert first.status_code == 200, first.content
    assert first.json()["state"] == state
    with scopes_disabled():
        snapshot = Resolution.objects.filter(public_id=rid).values().get()
    again = report(api, rid, body, key)
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    with scopes_disabled():
        assert Resolution.objects.filter(public_id=rid).values().get() == snapshot
        new = list(Event.objects.filter(resolution__public_id=rid).exclude(pk__in=before))
        assert [(e.action, e.actor_kind) for e in new] == [(step, "vendor_api")]
        deliveries = list(WebhookDelivery.objects.filter(event_id=new[0].pk))
        assert WebhookDelivery.objects.count() == deliveries_before + len(receivers)
    assert len(deliveries) == len(receivers)
    assert {d.event_type for d in deliveries} == {f"resolution.{step}"}
    for receiver in receivers:
        receiver.requests.clear()
    for delivery in deliveries:
        assert deliver_webhook(vendor.pk, delivery.pk) == "delivered"
    payloads = []
    for receiver in receivers:
        (posted,) = receiver.requests
        assert posted["verified"], "the signature checks out with the endpoint's secret"
        assert posted["headers"]["X-RMA-Event"] == f"resolution.{step}"
        payloads.append(json.loads(posted["body"]))
    assert payloads[0] == payloads[1]
    payload = payloads[0]
    assert payload["type"] == f"resolution.{step}"
    assert payload["event"]["action"] == step and payload["event"]["to_status"] == state
    shown = first.json()
    assert {f: payload["resolution"][f] for f in SHARED_FIELDS} == {
        f: shown[f] for f in SHARED_FIELDS
    }
    return payload


def resolution_of(case, kind: str) -> str:
    with scopes_disabled():
        return str(case.resolutions.get(kind=kind).public_id)


# -- money -------------------------------------------------------------------------------------


def test_mkt7_compensation_paid_with_the_providers_reference(api_a, vendor_a, receivers):
    subscribe(vendor_a, receivers)
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
    rid = resolution_of(rr, "compensation")
    body = {"step": "paid", "provider_reference": "re_3PxT9"}
    payload = replayed(api_a, vendor_a, receivers, rid, body, state="done")
    assert payload["resolution"]["provider_reference"] == "re_3PxT9"
    assert payload["resolution"]["done_at"]
    assert payload["case"]["id"] == str(rr.public_id)


def test_reo12_solution_refund_paid_with_the_providers_reference(api_r, reolink, receivers):
    subscribe(reolink, receivers)
    with scope(vendor=reolink):
        solution, _password = propose_solution(
            reolink, kind="refund", refund_amount=Decimal("40.00"), return_required=False
        )
        services.solution_agree(solution=solution, actor=AGENT)
    rid = resolution_of(solution, "refund")
    body = {"step": "paid", "provider_reference": "pi_77"}
    payload = replayed(api_r, reolink, receivers, rid, body, state="done")
    assert (payload["resolution"]["amount"], payload["resolution"]["kind"]) == ("40.00", "refund")
    assert payload["case"]["type"] == "warranty_solution"


def test_mkt7_coupon_issued_with_its_code(api_a, vendor_a, receivers):
    vendor_a.policy_settings = {"compensation_method": "coupon"}
    vendor_a.save()
    subscribe(vendor_a, receivers)
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
    rid = resolution_of(rr, "compensation")
    body = {"step": "coupon_issued", "coupon_code": "SORRY-15"}
    payload = replayed(api_a, vendor_a, receivers, rid, body, state="done")
    assert (payload["resolution"]["method"], payload["resolution"]["coupon_code"]) == (
        "coupon",
        "SORRY-15",
    )


def test_mkt7_compensation_as_store_credit_issued(api_a, vendor_a, receivers):
    vendor_a.policy_settings = {"compensation_method": "store_credit"}
    vendor_a.save()
    subscribe(vendor_a, receivers)
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
    rid = resolution_of(rr, "compensation")
    body = {"step": "credit_issued", "coupon_code": "CREDIT-15"}
    payload = replayed(api_a, vendor_a, receivers, rid, body, state="done")
    assert payload["resolution"]["method"] == "store_credit"
    assert payload["resolution"]["coupon_code"] == "CREDIT-15"


# -- shipments ---------------------------------------------------------------------------------


def ship_and_deliver(api, vendor, receivers, rid, tracking: str) -> None:
    body = {"step": "shipped", "carrier": "DHL", "tracking_number": tracking}
    shipped = replayed(api, vendor, receivers, rid, body, state="in_progress")
    assert (shipped["resolution"]["carrier"], shipped["resolution"]["tracking_number"]) == (
        "DHL",
        tracking,
    )
    assert shipped["resolution"]["shipped_at"] and shipped["resolution"]["next_steps"] == [
        "delivered",
        "cancelled",
    ]
    delivered = replayed(api, vendor, receivers, rid, {"step": "delivered"}, state="done")
    assert delivered["resolution"]["tracking_number"] == tracking
    assert delivered["resolution"]["next_steps"] == []


def test_mkt7_reshipment_shipped_and_delivered(api_a, vendor_a, receivers):
    subscribe(vendor_a, receivers)
    with scope(vendor=vendor_a):
        rr = keep_case(vendor_a)
    ship_and_deliver(api_a, vendor_a, receivers, resolution_of(rr, "reshipment"), "JD0146000012")


@pytest.mark.parametrize("kind", ["replacement", "repair"])
def test_reo12_solution_shipment_shipped_and_delivered(api_r, reolink, receivers, kind):
    subscribe(reolink, receivers)
    with scope(vendor=reolink):
        solution, _password = propose_solution(reolink, kind=kind, return_required=False)
        services.solution_agree(solution=solution, actor=AGENT)
    ship_and_deliver(api_r, reolink, receivers, resolution_of(solution, kind), "JD0146000099")


def test_reo8_makeup_payment_verified_then_the_replacement_ships(api_r, reolink, receivers):
    subscribe(reolink, receivers)
    with scope(vendor=reolink):
        solution, _password = propose_solution(reolink, makeup_amount=Decimal("15.00"))
        services.solution_agree(solution=solution, actor=AGENT)
    rid = resolution_of(solution, "replacement")
    body = {"step": "payment_verified", "transaction_id": "PSP-9"}
    payload = replayed(api_r, reolink, receivers, rid, body, state="pending")
    assert payload["resolution"]["makeup_transaction_id"] == "PSP-9"
    assert payload["resolution"]["makeup_verified_at"]
    assert payload["resolution"]["next_steps"] == ["shipped", "cancelled"]
    ship_and_deliver(api_r, reolink, receivers, rid, "JD0146000100")


@pytest.fixture
def aqara_api(db):
    from tests.api.factories import client_with, key_for

    aqara = VendorFactory(slug="aqara-hooks", name="Aqara Hooks", policy_key="aqara")
    return aqara, client_with(key_for(aqara)[1])


def test_aqa10_replacement_sent_with_its_tracking_then_delivered(aqara_api, receivers):
    aqara, api = aqara_api
    subscribe(aqara, receivers)
    with scope(vendor=aqara):
        rr = make_case_graph(aqara)["returnrequest"]
        # Test set-up only: a claim as the machine leaves it once the unit was inspected.
        ReturnRequest.objects.filter(pk=rr.pk).update(
            status=ReturnStatus.INSPECTED, approved_at=timezone.now() - timedelta(days=3)
        )
    body = {"carrier": "DHL", "tracking_number": "JD0146000555"}
    sent = api.post(f"/api/v1/returns/{rr.public_id}/replace/", body, format="json")
    assert sent.status_code == 200, sent.content
    (replacement,) = sent.json()["resolutions"]
    assert (replacement["kind"], replacement["state"]) == ("replacement", "in_progress")
    assert replacement["tracking_number"] == "JD0146000555"
    assert replacement["rule_ids"] == ["AQA-10"] and replacement["warranty_end"]
    payload = replayed(
        api, aqara, receivers, replacement["id"], {"step": "delivered"}, state="done"
    )
    assert payload["resolution"]["warranty_end"]


def test_aqa4_exchange_shipped_and_delivered(receivers):
    from tests.api.factories import client_with, key_for
    from tests.rma.test_exchanges import _approve, _exchange, exchange_line

    aqara = VendorFactory(slug="aqara-exchanges", policy_key="aqara")
    line = exchange_line(aqara)
    api = client_with(key_for(aqara)[1])
    subscribe(aqara, receivers)
    with scope(vendor=aqara):
        rr = _approve(_exchange(line, "HUB-M2-W", quantity=1))
    rid = resolution_of(rr, "exchange")
    shown = api.get(f"/api/v1/resolutions/{rid}/").json()
    assert (shown["kind"], shown["amount"], shown["makeup_amount"]) == ("exchange", "0.00", "0.00")
    assert shown["lines"] == [
        {"label": shown["lines"][0]["label"], "amount": "-40.49", "rule_id": "AQA-6"}
    ]
    ship_and_deliver(api, aqara, receivers, rid, "JD0146000777")
    # The cheaper variant's difference is its own refund, reported paid once.
    refund = resolution_of(rr, "refund")
    body = {"step": "paid", "provider_reference": "re_diff_4049"}
    payload = replayed(api, aqara, receivers, refund, body, state="done")
    assert (payload["resolution"]["kind"], payload["resolution"]["amount"]) == ("refund", "40.49")
    assert payload["resolution"]["provider_reference"] == "re_diff_4049"


def test_brt5_store_credit_asked_for_over_the_api_then_issued(receivers):
    from tests.api.factories import client_with, key_for, order_payload

    bright = VendorFactory(slug="bright-hooks", name="Brightline Audio", policy_key="brightline")
    api = client_with(key_for(bright)[1])
    assert api.post("/api/v1/orders/", order_payload(), format="json").status_code == 201
    body = {"order": "SO-1", "scenario": "non_quality", "lines": [{"sku": "CAM-4K"}]}
    created = api.post("/api/v1/returns/", {**body, "store_credit": True}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["store_credit"] is True
    subscribe(bright, receivers)
    with scope(vendor=bright):
        rr = ReturnRequest.objects.get(public_id=created.json()["id"])
        services.return_approve(return_request=rr, actor=AGENT)
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT)
    paid = api.post(f"/api/v1/returns/{rr.public_id}/refund/", {}, format="json")
    assert paid.status_code == 200, paid.content
    (credit,) = paid.json()["resolutions"]
    assert (credit["kind"], credit["state"], credit["next_steps"]) == (
        "store_credit",
        "pending",
        ["credit_issued", "cancelled"],
    )
    assert "BRT-5" in credit["rule_ids"]
    step = {"step": "credit_issued", "coupon_code": "SC-2026-0042"}
    payload = replayed(api, bright, receivers, credit["id"], step, state="done")
    assert payload["resolution"]["coupon_code"] == "SC-2026-0042"
    assert payload["resolution"]["amount"] == credit["amount"]


def test_store_credit_is_422_where_the_vendor_offers_none(api_a):
    from tests.api.factories import order_payload

    assert api_a.post("/api/v1/orders/", order_payload(), format="json").status_code == 201
    body = {"order": "SO-1", "scenario": "non_quality", "lines": [{"sku": "CAM-4K"}]}
    refused = api_a.post("/api/v1/returns/", {**body, "store_credit": True}, format="json")
    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["code"] == "store_credit_not_offered"
    with scopes_disabled():
        assert not ReturnRequest.objects.exists()
