"""The outbox and webhooks in the admin: agent A sees and re-sends only vendor A's rows; the
outsider of vendor B gets nothing and changes nothing; secrets are shown once."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from notifications.models import (
    DeliveryState,
    OutboxMessage,
    OutboxState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from rma.effects import on_event
from tests.factories import make_case_graph
from tests.tenancy import assert_sees_only_own_row

from .factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db
MODELS = [m for m in admin.site._registry if m._meta.app_label == "notifications"]


def make_graph(vendor) -> dict:
    """One row of every notifications model for ``vendor``, recorded by the dispatcher from an
    audit event, as a state change records them."""
    WebhookEndpointFactory(vendor=vendor)
    with scopes_disabled():
        event = make_case_graph(vendor)["event"]
        on_event(event)
        delivery = WebhookDelivery.objects.get(vendor=vendor)
        WebhookAttempt.objects.create(
            vendor=vendor,
            delivery=delivery,
            number=1,
            started_at=timezone.now(),
            url=delivery.endpoint.url,
            status_code=500,
            error="The receiver answered HTTP 500.",
        )
        return {
            "outboxmessage": OutboxMessage.objects.get(vendor=vendor),
            "webhookendpoint": WebhookEndpoint.objects.get(vendor=vendor),
            "webhookdelivery": delivery,
        }


@pytest.fixture
def graphs(vendor_a, vendor_b):
    return {"a": make_graph(vendor_a), "b": make_graph(vendor_b)}


def url(model, name: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def test_every_notifications_model_is_walked():
    assert {m._meta.model_name for m in MODELS} == {
        "outboxmessage",
        "webhookendpoint",
        "webhookdelivery",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_outsider_sees_none_of_vendor_a_rows(client, agent_a, outsider_b, graphs, model):
    key = model._meta.model_name
    client.force_login(outsider_b)
    assert_sees_only_own_row(client, model, graphs["b"][key], graphs["a"][key])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_superuser_sees_all_vendors(client, superuser, graphs, model):
    key = model._meta.model_name
    client.force_login(superuser)
    response = client.get(url(model, "changelist"))
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {graphs["a"][key].pk, graphs["b"][key].pk}


def test_delivery_page_shows_each_attempt_and_only_own_attempts(client, agent_a, graphs):
    client.force_login(agent_a)
    delivery = graphs["a"]["webhookdelivery"]
    response = client.get(url(WebhookDelivery, "change", delivery.pk))
    attempts = {
        obj.pk
        for formset in response.context["inline_admin_formsets"]
        for obj in formset.formset.queryset
    }
    with scopes_disabled():
        assert attempts == set(delivery.attempt_log.values_list("pk", flat=True))
    assert b"The receiver answered HTTP 500." in response.content


def test_failed_message_shows_its_error_and_is_resent_by_hand(client, agent_a, graphs):
    message = graphs["a"]["outboxmessage"]
    with scopes_disabled():
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxState.FAILED, last_error="SMTPServerDisconnected: gone", sealed=""
        )
    client.force_login(agent_a)
    listing = client.get(url(OutboxMessage, "changelist"), {"state__exact": "failed"})
    assert b"SMTPServerDisconnected: gone" in listing.content
    page = client.get(url(OutboxMessage, "change", message.pk))
    assert url(OutboxMessage, "resend", message.pk).encode() in page.content
    assert client.post(url(OutboxMessage, "resend", message.pk)).status_code == 302
    with scopes_disabled():
        message.refresh_from_db()
    assert message.state == OutboxState.QUEUED and message.last_error == ""


def test_sent_password_email_cannot_be_resent_reissue_instead(client, agent_a, graphs):
    message = graphs["a"]["outboxmessage"]
    with scopes_disabled():
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=OutboxState.SENT, sealed="", held_secret=True
        )
    client.force_login(agent_a)
    response = client.post(url(OutboxMessage, "resend", message.pk), follow=True)
    assert "re-issue the password instead." in str(list(get_messages(response.wsgi_request)))
    with scopes_disabled():
        assert OutboxMessage.objects.count() == 2  # one per vendor, no copy


def test_sent_email_without_a_password_is_resent_as_a_copy(client, agent_a, graphs):
    message = graphs["a"]["outboxmessage"]
    with scopes_disabled():
        OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.SENT)
    client.force_login(agent_a)
    assert client.post(url(OutboxMessage, "resend", message.pk)).status_code == 302
    with scopes_disabled():
        copy = OutboxMessage.objects.get(key=f"{message.key}:resend:1")
        assert OutboxMessage.objects.get(pk=message.pk).state == OutboxState.SENT
    assert copy.state == OutboxState.QUEUED and copy.to == message.to


def test_outsider_cannot_resend_or_rotate_and_nothing_changes(client, outsider_b, graphs):
    message = graphs["a"]["outboxmessage"]
    endpoint = graphs["a"]["webhookendpoint"]
    delivery = graphs["a"]["webhookdelivery"]
    with scopes_disabled():
        OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxState.FAILED)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED)
    client.force_login(outsider_b)
    assert client.post(url(OutboxMessage, "resend", message.pk)).status_code == 404
    assert client.post(url(WebhookDelivery, "resend", delivery.pk)).status_code == 404
    assert client.post(url(WebhookEndpoint, "rotate", endpoint.pk)).status_code == 404
    response = client.post(
        url(OutboxMessage, "changelist"),
        {"action": "resend_selected", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert OutboxMessage.objects.get(pk=message.pk).state == OutboxState.FAILED
        assert WebhookDelivery.objects.get(pk=delivery.pk).state == DeliveryState.FAILED
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret


def test_agent_resends_a_delivery_by_hand(client, agent_a, graphs):
    delivery = graphs["a"]["webhookdelivery"]
    with scopes_disabled():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED)
    client.force_login(agent_a)
    response = client.post(
        url(WebhookDelivery, "changelist"),
        {"action": "resend_selected", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert WebhookDelivery.objects.get(pk=delivery.pk).state == DeliveryState.QUEUED


def test_member_adds_an_endpoint_and_sees_its_secret_once(client, agent_a, vendor_b, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    client.force_login(agent_a)
    add = url(WebhookEndpoint, "add")
    form = client.get(add).context["adminform"].form
    assert {v.slug for v in form.fields["vendor"].queryset} == {"vendor-a"}
    refused = client.post(
        add, {"vendor": agent_a.memberships.get().vendor_id, "url": "http://10.0.0.5/hook"}
    )
    assert refused.status_code == 200 and "private, loopback" in str(refused.context["errors"])
    other_vendor = client.post(add, {"vendor": vendor_b.pk, "url": "https://93.184.216.34/h"})
    assert other_vendor.status_code == 200  # not a choice for agent A

    response = client.post(
        add,
        {
            "vendor": agent_a.memberships.get().vendor_id,
            "url": "https://93.184.216.34/hook",
            "description": "ERP",
            "is_active": "on",
        },
        follow=True,
    )
    with scopes_disabled():
        endpoint = WebhookEndpoint.objects.get(url="https://93.184.216.34/hook")
    shown = str(list(get_messages(response.wsgi_request)))
    assert endpoint.secret in shown and endpoint.vendor.slug == "vendor-a"
    page = client.get(url(WebhookEndpoint, "change", endpoint.pk))
    assert endpoint.secret.encode() not in page.content
    assert endpoint.secret[-4:].encode() in page.content


def test_member_rotates_a_secret(client, colleague_a, graphs):
    endpoint = graphs["a"]["webhookendpoint"]
    client.force_login(colleague_a)
    response = client.post(url(WebhookEndpoint, "rotate", endpoint.pk), follow=True)
    with scopes_disabled():
        endpoint_after = WebhookEndpoint.objects.get(pk=endpoint.pk)
    assert endpoint_after.secret != endpoint.secret and endpoint_after.secret_rotated_at
    assert endpoint_after.secret in str(list(get_messages(response.wsgi_request)))
