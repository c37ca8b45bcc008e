"""Catalogue products: upsert by handle, list, retrieve."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from rma.services.catalogue import product_upsert

from .. import selectors
from ..serializers.products import ProductSerializer
from .base import VendorAPIMixin
from .filters import PAGINATION_HELP, ProductFilters, read_filters

PRODUCT_EXAMPLE = {
    "handle": "hub-m3",
    "name": "Hub M3",
    "image_url": "https://cdn.example.com/hub-m3.png",
    "active": True,
    "variants": [
        {"sku": "HUB-M3-W", "options": {"colour": "white"}, "price": "99.99", "currency": "USD"},
        {
            "sku": "HUB-M3-B",
            "options": {"colour": "black"},
            "price": "109.99",
            "currency": "USD",
            "in_stock": False,
        },
    ],
}


@extend_schema_view(
    list=extend_schema(
        summary="List catalogue products",
        description=PAGINATION_HELP,
        parameters=[ProductFilters],
        tags=["products"],
    ),
    retrieve=extend_schema(summary="Get a product by its handle", tags=["products"]),
)
class ProductViewSet(
    VendorAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The products and variants you offer; customers pick from them when exchanging."""

    serializer_class = ProductSerializer
    lookup_field = "handle"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.product_list(vendor=self.vendor, filters=getattr(self, "filters", {}))

    def list(self, request, *args, **kwargs):
        self.filters = read_filters(ProductFilters, request.query_params)
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Create or update a product (upsert by handle)",
        description=(
            "Sends the product as the shop knows it. An unknown handle creates it (201); a "
            "known one is brought up to date (200): fields are replaced, variants are matched "
            "by SKU. A variant an exchange refers to cannot be removed (422 variant_in_use); "
            "a SKU of another product is refused (422 sku_taken). An unchanged resend changes "
            "nothing, `updated_at` included."
        ),
        responses={201: ProductSerializer, 200: ProductSerializer},
        examples=[
            OpenApiExample("Product", value=PRODUCT_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created",
                value={
                    **PRODUCT_EXAMPLE,
                    "created_at": "2026-11-02T09:31:02Z",
                    "updated_at": "2026-11-02T09:31:02Z",
                },
                response_only=True,
                status_codes=["201", "200"],
            ),
        ],
        tags=["products"],
    )
    def create(self, request, *args, **kwargs):
        return self._upsert(request.data)

    @extend_schema(
        summary="Create or update the product at this handle (PUT, idempotent)",
        description=(
            "The same upsert as POST, addressed by the handle in the path; a `handle` in the "
            "body must be the same (400 otherwise). Sending it again changes nothing."
        ),
        request=ProductSerializer,
        responses={201: ProductSerializer, 200: ProductSerializer},
        examples=[OpenApiExample("Product", value=PRODUCT_EXAMPLE, request_only=True)],
        tags=["products"],
    )
    def update(self, request, *args, **kwargs):
        handle = kwargs[self.lookup_field]
        data = request.data if isinstance(request.data, dict) else {}
        if "handle" in data and data["handle"] != handle:
            raise ValidationError({"handle": [f"Must be the handle in the path, {handle}."]})
        return self._upsert({**data, "handle": handle})

    def _upsert(self, data):
        serializer = ProductSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        product, created = product_upsert(vendor=self.vendor, data=serializer.to_product_data())
        product = selectors.product_list(vendor=self.vendor).get(pk=product.pk)
        return Response(
            ProductSerializer(product, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
