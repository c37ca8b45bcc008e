"""Warranty solutions: propose one for an order, list, retrieve, cancel, new password."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from rma import services
from rma.models import Order, WarrantySolution
from rma.services.solutions import ProposedLine

from .. import selectors
from ..serializers.common import address_fields
from ..serializers.solutions import (
    PasswordReissuedSerializer,
    SolutionCreatedSerializer,
    SolutionCreateSerializer,
    SolutionDetailSerializer,
    SolutionNoteSerializer,
    SolutionReissueSerializer,
    SolutionSerializer,
)
from .base import VendorAPIMixin
from .filters import PAGINATION_HELP, UUID_PATTERN, SolutionFilters, read_filters

SOLUTION_EXAMPLE = {
    "order": "SO-10042",
    "kind": "replacement",
    "lines": [{"sku": "CAM-4K", "quantity": 1}],
    "return_required": True,
    "message": "We send you a new camera once the old one is on its way back.",
    "notify": "vendor",
}
CREATED_EXAMPLE = {
    "id": "6f1c2f8e-3f7b-4a58-9d43-1b0f5f0d9a11",
    "reference": "WS-000042",
    "order": "SO-10042",
    "customer_email": "jane@example.com",
    "kind": "replacement",
    "status": "pending_confirm",
    "currency": "EUR",
    "refund_amount": "0.00",
    "makeup_amount": "0.00",
    "return_required": True,
    "makeup_payment_required": False,
    "portal_url": "https://portal.example.com/v/acme/solutions/6f1c2f8e-3f7b-4a58-9d43-1b0f5f0d9a11/",
    "notify": "vendor",
    "password": "K7QM-2XPA-9RTC-H4WN",
}


def proposed_lines(order: Order, lines: list[dict]) -> list[ProposedLine]:
    """The request's lines as the order's lines; an unknown SKU is a field error."""
    by_sku = {line.sku: line for line in order.lines.all()}
    errors: dict[str, dict[str, list[str]]] = {}
    proposed = []
    for index, line in enumerate(lines):
        order_line = by_sku.get(line["sku"])
        if order_line is None:
            known = ", ".join(sorted(by_sku)) or "none"
            errors[str(index)] = {
                "sku": [f"Order {order.number} has no SKU {line['sku']}; its SKUs: {known}."]
            }
            continue
        if line["quantity"] > order_line.quantity:
            errors[str(index)] = {
                "quantity": [f"The order has {order_line.quantity} of {order_line.sku}."]
            }
            continue
        proposed.append(
            ProposedLine(
                order_line, order_line.sku, order_line.name, line["quantity"], line["amount"]
            )
        )
    if errors:
        raise serializers.ValidationError({"lines": errors})
    return proposed


def order_for(vendor, number: str) -> Order:
    order = selectors.order_get(vendor=vendor, number=number)
    if order is None:
        raise serializers.ValidationError(
            {"order": [f"No order {number}; send it first with POST /api/v1/orders/."]}
        )
    return order


@extend_schema_view(
    list=extend_schema(
        summary="List warranty solutions",
        description=PAGINATION_HELP,
        parameters=[SolutionFilters],
    ),
    retrieve=extend_schema(
        summary="Get a warranty solution, with its audit trail and evidence",
        responses=SolutionDetailSerializer,
    ),
)
@extend_schema(tags=["warranty solutions"])
class SolutionViewSet(VendorAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Warranty solutions: proposals your customers confirm in the portal."""

    serializer_class = SolutionSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.solution_list(vendor=self.vendor, filters=getattr(self, "filters", {}))

    def list(self, request, *args, **kwargs):
        self.filters = read_filters(SolutionFilters, request.query_params)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        solution = self.get_object()
        return Response(SolutionDetailSerializer(solution, context=self.context()).data)

    def context(self) -> dict:
        return self.get_serializer_context()

    @extend_schema(
        summary="Propose a warranty solution",
        description=(
            'With `notify: "portal"` (the default) the portal emails the customer the '
            'password and the Warranty Service button. With `notify: "vendor"` it '
            "sends nothing and this response carries the password, once, for the vendor's own "
            "email; put `portal_url` behind its button."
        ),
        request=SolutionCreateSerializer,
        responses={201: SolutionCreatedSerializer},
        examples=[
            OpenApiExample("Vendor sends the email", value=SOLUTION_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created", value=CREATED_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def create(self, request, *args, **kwargs):
        serializer = SolutionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = order_for(self.vendor, data["order"])
        solution, password = services.solution_create(
            order=order,
            kind=data["kind"],
            lines=proposed_lines(order, data["lines"]),
            actor=self.actor,
            refund_amount=data["refund_amount"],
            makeup_amount=data["makeup_amount"],
            return_required=data["return_required"],
            makeup_payment_required=data["makeup_payment_required"],
            message=data["message"],
            address=address_fields(data["shipping_address"])
            if "shipping_address" in data
            else None,
            notify=data["notify"] == "portal",
        )
        solution.notify = data["notify"]
        solution.password = password if data["notify"] == "vendor" else None
        return Response(
            SolutionCreatedSerializer(solution, context=self.context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Cancel a warranty solution",
        request=SolutionNoteSerializer,
        responses=SolutionSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        solution = self.get_object()
        note = self._input(SolutionNoteSerializer)["note"]
        solution = services.solution_cancel(solution=solution, actor=self.actor, note=note)
        return Response(SolutionSerializer(solution, context=self.context()).data)

    @extend_schema(
        summary="Re-issue the customer's password (the old one stops working)",
        description=(
            'With `notify: "portal"` the portal emails the new password; with '
            '`notify: "vendor"` it is in this response, once.'
        ),
        request=SolutionReissueSerializer,
        responses=PasswordReissuedSerializer,
    )
    @action(detail=True, methods=["post"], url_path="reissue-password")
    def reissue_password(self, request, *args, **kwargs):
        solution: WarrantySolution = self.get_object()
        notify = self._input(SolutionReissueSerializer)["notify"]
        password = services.solution_issue_password(
            solution=solution, actor=self.actor, notify=notify == "portal"
        )
        solution.refresh_from_db()
        return Response(
            PasswordReissuedSerializer(
                {
                    "solution": solution,
                    "notify": notify,
                    "password": password if notify == "vendor" else None,
                },
                context=self.context(),
            ).data
        )

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
