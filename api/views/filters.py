"""Query parameters of the list endpoints, validated like any other input."""

from __future__ import annotations

from rest_framework import serializers

from rma.models import ReturnStatus, Scenario, SolutionStatus

from ..selectors import ORDER_STATUSES


class CommonFilters(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only rows changed at or after this time (ISO 8601)."
    )
    customer_email = serializers.CharField(
        required=False, max_length=254, help_text="The customer's email, any letter case."
    )


class OrderFilters(CommonFilters):
    status = serializers.ChoiceField(
        choices=ORDER_STATUSES, required=False, help_text="From the order's dates."
    )


class SolutionFilters(CommonFilters):
    status = serializers.ChoiceField(choices=SolutionStatus.choices, required=False)
    order = serializers.CharField(required=False, max_length=64, help_text="An order number.")


class ReturnFilters(CommonFilters):
    status = serializers.ChoiceField(choices=ReturnStatus.choices, required=False)
    scenario = serializers.ChoiceField(choices=Scenario.choices, required=False)
    order = serializers.CharField(required=False, max_length=64, help_text="An order number.")
    rma_number = serializers.CharField(required=False, max_length=12)


class ProductFilters(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only products changed at or after this time (ISO 8601)."
    )
    active = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only active or inactive ones."
    )


def read_filters(filters_class: type[serializers.Serializer], query_params) -> dict:
    """The validated filters; bad ones answer 400 with the field named."""
    known = {name: query_params[name] for name in filters_class().fields if name in query_params}
    filters = filters_class(data=known)
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


PAGINATION_HELP = (
    "Lists are newest-changed first, in pages of `limit` (default 50, at most 200); follow "
    "`next` for the following page."
)

UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
