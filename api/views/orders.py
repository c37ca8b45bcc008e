"""Orders: upsert by number, list with filters, retrieve."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from rma.services.order_sync import order_upsert

from .. import selectors
from ..serializers.orders import OrderSerializer
from .base import VendorAPIMixin
from .filters import PAGINATION_HELP, OrderFilters, read_filters

ORDER_EXAMPLE = {
    "number": "SO-10042",
    "customer": {"email": "jane@example.com", "name": "Jane Doe", "language": "en"},
    "placed_at": "2025-03-01T09:30:00Z",
    "shipped_at": "2025-03-02T15:00:00Z",
    "delivered_at": "2025-03-04T11:20:00Z",
    "tracking_number": "1Z999AA10123456784",
    "purchase_channel": "own_store",
    "country_of_purchase": "DE",
    "currency": "EUR",
    "shipping_address": {
        "name": "Jane Doe",
        "line1": "Hauptstraße 5",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
    },
    "lines": [
        {"sku": "CAM-4K", "name": "4K camera", "quantity": 1, "unit_price": "129.00"},
    ],
}


@extend_schema_view(
    list=extend_schema(
        summary="List orders",
        description=PAGINATION_HELP,
        parameters=[OrderFilters],
        tags=["orders"],
    ),
    retrieve=extend_schema(summary="Get an order by its number", tags=["orders"]),
)
class OrderViewSet(VendorAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your orders as your shop sends them; returns and solutions refer to them by number."""

    serializer_class = OrderSerializer
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        filters = getattr(self, "filters", {})
        return selectors.order_list(
            vendor=self.vendor, filters=filters, with_lines=self.action != "list"
        )

    def list(self, request, *args, **kwargs):
        self.filters = read_filters(OrderFilters, request.query_params)
        return super().list(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else selectors.attach_lines(page)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Create or update an order (upsert by number)",
        description=(
            "Sends the order as the shop knows it. An unknown number creates it (201); a known "
            "one is brought up to date (200): fields are replaced, lines are matched by SKU. "
            "A line that a return or solution refers to cannot be removed (422 line_in_use)."
        ),
        responses={201: OrderSerializer, 200: OrderSerializer},
        examples=[
            OpenApiExample("Order", value=ORDER_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created",
                value={
                    **ORDER_EXAMPLE,
                    "status": "delivered",
                    "created_at": "2025-03-01T09:31:02Z",
                    "updated_at": "2025-03-04T11:21:00Z",
                },
                response_only=True,
                status_codes=["201", "200"],
            ),
        ],
        tags=["orders"],
    )
    def create(self, request, *args, **kwargs):
        serializer = OrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The order comes back with the lines and units it was written with: nothing is read back.
        order, created = order_upsert(vendor=self.vendor, data=serializer.to_order_data())
        return Response(
            OrderSerializer(order, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
