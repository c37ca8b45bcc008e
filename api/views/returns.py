"""Return requests and RMAs: create for a customer, list, retrieve, and the agents' actions.

Each action calls the same domain service the admin's button calls, so the vendor's policy
and the status machine decide exactly as they do for an agent.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from rma import services
from rma.models import Order, ReturnRequest

from .. import selectors
from ..serializers.returns import (
    InspectionSerializer,
    MarkShippedSerializer,
    NoteSerializer,
    RefundInputSerializer,
    RejectSerializer,
    ReplaceSerializer,
    ReturnCreateSerializer,
    ReturnDetailSerializer,
    ReturnSerializer,
)
from .base import VendorAPIMixin
from .filters import PAGINATION_HELP, UUID_PATTERN, ReturnFilters, read_filters
from .solutions import order_for

RETURN_EXAMPLE = {
    "order": "SO-10042",
    "scenario": "quality_defect",
    "lines": [{"sku": "CAM-4K", "quantity": 1}],
    "reason": "The camera does not switch on.",
}


def return_lines(order: Order, lines: list[dict]):
    by_sku = {line.sku: line for line in order.lines.all()}
    errors = {}
    for index, line in enumerate(lines):
        if line["sku"] not in by_sku:
            known = ", ".join(sorted(by_sku)) or "none"
            errors[str(index)] = {
                "sku": [f"Order {order.number} has no SKU {line['sku']}; its SKUs: {known}."]
            }
    if errors:
        raise serializers.ValidationError({"lines": errors})
    return [(by_sku[line["sku"]], line["quantity"]) for line in lines]


def _transition(summary: str, request=None, description: str = ""):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses=ReturnDetailSerializer,
    )


@extend_schema_view(
    list=extend_schema(
        summary="List return requests", description=PAGINATION_HELP, parameters=[ReturnFilters]
    ),
    retrieve=extend_schema(
        summary="Get a return request with its events, evidence and refund breakdown",
        responses=ReturnDetailSerializer,
    ),
)
@extend_schema(tags=["returns"])
class ReturnViewSet(VendorAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Return requests and RMAs; every action runs the domain service the admin runs."""

    serializer_class = ReturnSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN

    def get_queryset(self):
        return selectors.return_list(vendor=self.vendor, filters=getattr(self, "filters", {}))

    def list(self, request, *args, **kwargs):
        self.filters = read_filters(ReturnFilters, request.query_params)
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def _detail(self, return_request: ReturnRequest, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=return_request.pk)
        return Response(
            ReturnDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code
        )

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Request a return on a customer's behalf",
        description=(
            "The vendor's policy decides as it does in the portal: a refusal answers 422 with "
            "the findings and their rule ids, and nothing is saved."
        ),
        request=ReturnCreateSerializer,
        responses={201: ReturnDetailSerializer},
        examples=[OpenApiExample("Quality defect", value=RETURN_EXAMPLE, request_only=True)],
    )
    def create(self, request, *args, **kwargs):
        data = self._input(ReturnCreateSerializer)
        order = order_for(self.vendor, data["order"])
        follows = None
        if data["follows"] is not None:
            follows = self.get_queryset().filter(public_id=data["follows"]).first()
            if follows is None:
                raise serializers.ValidationError({"follows": ["No such return request."]})
        return_request = services.return_create(
            order=order,
            scenario=data["scenario"],
            lines=return_lines(order, data["lines"]),
            actor=self.actor,
            reason=data["reason"],
            attestations=data["attestations"],
            current_country=data["current_country"],
            wrong_item_option=data["wrong_item_option"],
            received_item_price=data["received_item_price"],
            follows=follows,
            serials=data["units"],
            store_credit=data["store_credit"],
        )
        return self._detail(return_request, status.HTTP_201_CREATED)

    @_transition("Start the review")
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, *args, **kwargs):
        rr = services.return_start_review(return_request=self.get_object(), actor=self.actor)
        return self._detail(rr)

    @_transition(
        "Approve and issue the RMA number",
        description="The policy checks the evidence first; the RMA number and, where the "
        "policy sets one, the ship-by date are set on approval.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        rr = services.return_approve(return_request=self.get_object(), actor=self.actor)
        return self._detail(rr)

    @_transition("Reject with a reason for the customer", RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        rr = self.get_object()
        data = self._input(RejectSerializer)
        rr = services.return_reject(
            return_request=rr, actor=self.actor, reason=data["reason"], rule_ids=data["rule_ids"]
        )
        return self._detail(rr)

    @_transition(
        "Record the return parcel's tracking number",
        MarkShippedSerializer,
        "Only the policy's carriers are accepted.",
    )
    @action(detail=True, methods=["post"], url_path="mark-shipped")
    def mark_shipped(self, request, *args, **kwargs):
        rr = self.get_object()
        data = self._input(MarkShippedSerializer)
        rr = services.return_mark_shipped(
            return_request=rr,
            actor=self.actor,
            carrier=data["carrier"].strip().lower(),
            tracking_number=data["tracking_number"],
        )
        return self._detail(rr)

    @_transition("Mark the parcel received", NoteSerializer)
    @action(detail=True, methods=["post"], url_path="mark-received")
    def mark_received(self, request, *args, **kwargs):
        rr = self.get_object()
        note = self._input(NoteSerializer)["note"]
        rr = services.return_mark_received(return_request=rr, actor=self.actor, note=note)
        return self._detail(rr)

    @_transition("Record the inspection", InspectionSerializer)
    @action(detail=True, methods=["post"], url_path="record-inspection")
    def record_inspection(self, request, *args, **kwargs):
        rr = self.get_object()
        data = self._input(InspectionSerializer)
        rr = services.return_record_inspection(
            return_request=rr,
            actor=self.actor,
            ratio=data["ratio"],
            note=data["note"],
            return_freight=data["return_freight"],
        )
        return self._detail(rr)

    @_transition(
        "Pay the refund the policy computes",
        RefundInputSerializer,
        description=(
            "The breakdown, itemised by rule id, is in `refund`; its refund resolution is "
            "recorded as paid in the same step, with `provider_reference` when given."
        ),
    )
    @action(detail=True, methods=["post"])
    def refund(self, request, *args, **kwargs):
        rr = self.get_object()
        reference = self._input(RefundInputSerializer)["provider_reference"]
        rr = services.return_refund(
            return_request=rr, actor=self.actor, provider_reference=reference
        )
        return self._detail(rr)

    @_transition(
        "Record that a replacement was sent",
        ReplaceSerializer,
        description="Its replacement resolution is created shipped, with the tracking given.",
    )
    @action(detail=True, methods=["post"])
    def replace(self, request, *args, **kwargs):
        rr = self.get_object()
        data = self._input(ReplaceSerializer)
        rr = services.return_replace(
            return_request=rr,
            actor=self.actor,
            note=data["note"],
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
        )
        return self._detail(rr)

    @_transition("Close the case", NoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        rr = self.get_object()
        note = self._input(NoteSerializer)["note"]
        rr = services.return_close(return_request=rr, actor=self.actor, note=note)
        return self._detail(rr)

    @_transition("Cancel the request", NoteSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        rr = self.get_object()
        note = self._input(NoteSerializer)["note"]
        rr = services.return_cancel(return_request=rr, actor=self.actor, note=note)
        return self._detail(rr)
