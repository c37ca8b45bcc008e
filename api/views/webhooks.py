"""Webhook endpoints: list, create, rotate the secret, and each endpoint's deliveries."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications import webhooks
from notifications.models import WebhookDelivery, WebhookEndpoint

from ..serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWithSecretSerializer,
)
from .base import VendorAPIMixin


class NewestFirst(VendorAPIMixin.pagination_class):
    ordering = ("-created_at", "-id")


@extend_schema_view(
    list=extend_schema(summary="List webhook endpoints"),
    retrieve=extend_schema(summary="Get a webhook endpoint"),
)
@extend_schema(tags=["webhooks"])
class WebhookEndpointViewSet(
    VendorAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Where the portal POSTs your case events, signed (see docs/webhooks.md)."""

    serializer_class = WebhookEndpointSerializer
    pagination_class = NewestFirst
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(vendor=self.vendor)

    @extend_schema(
        summary="Add a webhook endpoint",
        description="The response holds the signing secret, once; keep it with the receiver.",
        request=WebhookEndpointSerializer,
        responses={201: WebhookEndpointWithSecretSerializer},
        examples=[
            OpenApiExample(
                "Endpoint",
                value={"url": "https://erp.example.com/hooks/rma", "description": "ERP"},
                request_only=True,
            ),
            OpenApiExample(
                "Created",
                value={
                    "id": 7,
                    "url": "https://erp.example.com/hooks/rma",
                    "description": "ERP",
                    "is_active": True,
                    "created_at": "2025-03-01T09:30:00Z",
                    "secret_rotated_at": None,
                    "secret": "whsec_0d6Zt3Jc1F2pQ8mXyK4vR9sL5bN7wA1eH3uG6iO2kT0",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def create(self, request, *args, **kwargs):
        serializer = WebhookEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = webhooks.endpoint_create(vendor=self.vendor, **serializer.validated_data)
        return Response(
            WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Rotate the signing secret",
        description="The old secret stops signing at once; the new one is in this response, once.",
        request=None,
        responses=WebhookEndpointWithSecretSerializer,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, *args, **kwargs):
        endpoint = self.get_object()
        webhooks.rotate_secret(endpoint)
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(
        summary="List the endpoint's deliveries, newest first",
        responses=WebhookDeliverySerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, *args, **kwargs):
        endpoint = self.get_object()
        deliveries = WebhookDelivery.objects.filter(vendor=self.vendor, endpoint=endpoint)
        page = self.paginate_queryset(deliveries)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
