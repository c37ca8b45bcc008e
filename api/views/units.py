from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from rma.selectors.units import unit_warranty_status

from .base import VendorAPIMixin

STATUS = inline_serializer(
    "UnitWarrantyStatus",
    {
        "serial": serializers.CharField(),
        "sku": serializers.CharField(),
        "market": serializers.CharField(help_text="ISO country the unit was sold for."),
        "warranty_start": serializers.DateTimeField(allow_null=True),
        "warranty_end": serializers.DateTimeField(allow_null=True),
        "rule_id": serializers.CharField(help_text="The policy rule that set the end."),
        "in_warranty": serializers.BooleanField(allow_null=True),
        "replaces": serializers.CharField(allow_null=True),
        "replaced_by": serializers.CharField(allow_null=True),
    },
)


class UnitViewSet(VendorAPIMixin, viewsets.ViewSet):
    """A unit's warranty status by serial number; units are sent with order lines."""

    lookup_field = "serial"
    lookup_value_regex = "[^/]{1,64}"

    @extend_schema(
        summary="Warranty status of a serial number",
        responses={200: STATUS},
        examples=[
            OpenApiExample(
                "A replacement unit",
                value={
                    "serial": "AQ-2",
                    "sku": "HUB-M3",
                    "market": "DE",
                    "warranty_start": "2026-05-04T10:00:00+00:00",
                    "warranty_end": "2027-03-31T23:59:59+00:00",
                    "rule_id": "ACME-10",
                    "in_warranty": True,
                    "replaces": "AQ-1",
                    "replaced_by": None,
                },
                response_only=True,
            )
        ],
        tags=["units"],
    )
    def retrieve(self, request, serial: str | None = None):
        found = unit_warranty_status(vendor=self.vendor, serial=serial or "")
        if found is None:
            raise NotFound("No unit with this serial number.")
        return Response(found.to_dict())
