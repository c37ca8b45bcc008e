"""Webhook endpoints and their deliveries, as the vendor API shows them."""

from __future__ import annotations

import json

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.models import WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """A URL that receives every case event as a signed POST (see docs/webhooks.md)."""

    class Meta:
        model = WebhookEndpoint
        fields = ("id", "url", "description", "is_active", "created_at", "secret_rotated_at")
        read_only_fields = ("id", "created_at", "secret_rotated_at")
        extra_kwargs = {
            "url": {"help_text": "Where events are POSTed; https:// in production."},
            "description": {"required": False, "default": ""},
            "is_active": {"required": False, "default": True},
        }


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The endpoint and its signing secret, which is shown here once and never again."""

    secret = serializers.CharField(read_only=True, help_text="Verify X-RMA-Signature with it.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = (*WebhookEndpointSerializer.Meta.fields, "secret")
        read_only_fields = (*WebhookEndpointSerializer.Meta.read_only_fields, "secret")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event for one endpoint: what was sent, and how the receiver answered."""

    payload = serializers.SerializerMethodField()

    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "event_type",
            "state",
            "attempts",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "last_status_code",
            "last_error",
            "payload",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.DictField())
    def get_payload(self, obj: WebhookDelivery) -> dict:
        """The exact JSON the receiver got (its signature covers these bytes)."""
        return json.loads(obj.body)
