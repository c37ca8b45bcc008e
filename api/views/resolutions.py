"""Resolutions: read one, and report a step (coupon issued, shipped, paid...) idempotently."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from rma import services

from .. import selectors
from ..serializers.resolutions import ResolutionDetailSerializer, ResolutionReportSerializer
from .base import VendorAPIMixin
from .filters import UUID_PATTERN

SHIPPED_EXAMPLE = {"step": "shipped", "carrier": "DHL", "tracking_number": "JD014600001234"}


@extend_schema_view(
    retrieve=extend_schema(
        summary="Get a resolution, with its audit trail", responses=ResolutionDetailSerializer
    ),
)
@extend_schema(tags=["resolutions"])
class ResolutionViewSet(VendorAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What a decided case owes the customer; your systems report each step back."""

    serializer_class = ResolutionDetailSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.resolution_list(vendor=self.vendor)

    @extend_schema(
        summary="Report a step of a resolution",
        description=(
            "One step at a time, as `next_steps` lists it. Send an `Idempotency-Key`: a "
            "replay answers the first response again and changes nothing. A step the "
            "resolution's state does not allow is refused with 409 `illegal_transition`."
        ),
        request=ResolutionReportSerializer,
        responses=ResolutionDetailSerializer,
        examples=[OpenApiExample("Shipped", value=SHIPPED_EXAMPLE, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def report(self, request, *args, **kwargs):
        resolution = self.get_object()
        serializer = ResolutionReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.resolution_report(
            resolution=resolution, step=data["step"], actor=self.actor, data=data
        )
        fresh = self.get_queryset().get(pk=resolution.pk)
        return Response(
            ResolutionDetailSerializer(fresh, context=self.get_serializer_context()).data
        )
