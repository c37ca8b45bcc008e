"""Resolutions: what a decided case owes the customer, and the steps a vendor reports back."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rma.models import Resolution, ResolutionStep
from rma.services.resolutions import STEP_FIELDS

from .common import EventSerializer


class ResolutionLineSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The line in English (pages show it translated).")
    amount = serializers.CharField(help_text="Signed amount as a string, such as -5.00.")
    rule_id = serializers.CharField(allow_blank=True)


class ResolutionCaseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["return_request", "warranty_solution"])
    id = serializers.UUIDField()


class ResolutionSerializer(serializers.ModelSerializer):
    """One resolution: its kind, state, money, shipment and the steps that may follow."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    sku = serializers.CharField(source="order_line.sku", read_only=True, allow_null=True)
    next_steps = serializers.SerializerMethodField(
        help_text="The steps a report may give now (`step` of POST .../report/)."
    )

    class Meta:
        model = Resolution
        fields = (
            "id",
            "case",
            "kind",
            "state",
            "amount",
            "currency",
            "lines",
            "method",
            "coupon_code",
            "carrier",
            "tracking_number",
            "provider_reference",
            "warranty_end",
            "sku",
            "quantity",
            "makeup_amount",
            "makeup_transaction_id",
            "makeup_verified_at",
            "rule_ids",
            "next_steps",
            "created_at",
            "shipped_at",
            "done_at",
            "cancelled_at",
        )
        read_only_fields = fields

    @extend_schema_field(ResolutionCaseSerializer)
    def get_case(self, obj: Resolution) -> dict:
        if obj.return_request_id:
            return {"type": "return_request", "id": obj.return_request.public_id}
        return {"type": "warranty_solution", "id": obj.solution.public_id}

    @extend_schema_field(ResolutionLineSerializer(many=True))
    def get_lines(self, obj: Resolution) -> list[dict]:
        return [
            {"label": line.get("label", ""), "amount": line["amount"], "rule_id": line["rule_id"]}
            for line in obj.lines
        ]

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ResolutionStep.choices))
    )
    def get_next_steps(self, obj: Resolution) -> list[str]:
        return [str(step) for step in obj.legal_steps()]


class NestedResolutionSerializer(ResolutionSerializer):
    """A case's resolutions, inside the case (without the case again)."""

    class Meta(ResolutionSerializer.Meta):
        fields = tuple(f for f in ResolutionSerializer.Meta.fields if f != "case")
        read_only_fields = fields


class ResolutionDetailSerializer(ResolutionSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(ResolutionSerializer.Meta):
        fields = (*ResolutionSerializer.Meta.fields, "events")
        read_only_fields = fields


def _step_help() -> str:
    needs = "; ".join(
        f"`{step}`: {', '.join(f'`{f}`' for f in fields) or 'nothing'}"
        for step, fields in STEP_FIELDS.items()
    )
    return f"The step that happened. What each reads: {needs}."


class ResolutionReportSerializer(serializers.Serializer):
    """A step the vendor's systems report for a resolution."""

    step = serializers.ChoiceField(choices=ResolutionStep.choices, help_text=_step_help())
    provider_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="`paid`: the payment's id."
    )
    coupon_code = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="`coupon_issued` (required) and `credit_issued`: the code.",
    )
    carrier = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="`shipped` (required)."
    )
    tracking_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text="`shipped` (required)."
    )
    transaction_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="`payment_verified`: the payment's transaction id (empty: the customer's).",
    )
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, help_text="`cancelled`: why."
    )
