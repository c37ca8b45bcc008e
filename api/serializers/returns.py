"""Return requests and RMAs: creating one for a customer, and the agents' transitions."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.base import Attestation
from rma.models import ReturnLine, ReturnRequest, Scenario

from .common import (
    CountryCodeField,
    EventSerializer,
    EvidenceSerializer,
    FindingSerializer,
    MessageSerializer,
    money,
)
from .resolutions import NestedResolutionSerializer

RULE_ID = r"^[A-Z]{2,5}-[0-9]{1,3}$"


class ReturnLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="A SKU of the order's lines.")
    quantity = serializers.IntegerField(min_value=1, max_value=100_000, default=1)


class ReturnCreateSerializer(serializers.Serializer):
    """A return request on a customer's behalf; the vendor's policy decides, as in the portal."""

    order = serializers.CharField(max_length=64, help_text="The order's number.")
    scenario = serializers.ChoiceField(choices=Scenario.choices)
    lines = ReturnLineInputSerializer(many=True, min_length=1, max_length=100)
    units = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        default=list,
        max_length=100,
        help_text="Serial numbers of the units claimed, each sold on one of the lines.",
    )
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    attestations = serializers.ListField(
        child=serializers.ChoiceField(choices=[a.value for a in Attestation]),
        required=False,
        default=list,
        max_length=len(Attestation),
        help_text="What the customer confirms about the item's condition, as the policy asks.",
    )
    current_country = CountryCodeField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Where the item is now (some warranties hold in one country only).",
    )
    wrong_item_option = serializers.ChoiceField(
        choices=ReturnRequest.WrongItemOption.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a wrong item: keep it with compensation, or return it, where offered.",
    )
    received_item_price = money(
        required=False, allow_null=True, default=None, help_text="The wrong item's price."
    )
    store_credit = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Store credit instead of money back, where the vendor offers it for the scenario "
            "(refused with 422 store_credit_not_offered otherwise)."
        ),
    )
    follows = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The earlier return whose replacement this claim is about.",
    )

    def validate_lines(self, lines: list[dict]) -> list[dict]:
        skus = [line["sku"] for line in lines]
        duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
        if duplicates:
            raise serializers.ValidationError(
                f"SKU {', '.join(duplicates)} appears twice; send each SKU once."
            )
        return lines


class ReturnLineSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="order_line.sku")
    name = serializers.CharField(source="order_line.name")

    class Meta:
        model = ReturnLine
        fields = ("sku", "name", "quantity")
        read_only_fields = fields


class DeadlineSerializer(serializers.Serializer):
    name = serializers.CharField()
    at = serializers.DateTimeField()
    rule_id = serializers.CharField()
    label = serializers.CharField(help_text="In English.")
    text = MessageSerializer(required=False, help_text="The label as data.")


class DecisionSerializer(serializers.Serializer):
    """What the vendor's policy decided when the request was made."""

    allowed = serializers.BooleanField()
    policy_key = serializers.CharField()
    policy_version = serializers.CharField()
    findings = FindingSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)

    def to_representation(self, instance: dict) -> dict:
        return super().to_representation(
            {
                "allowed": instance.get("allowed", False),
                "policy_key": instance.get("policy_key", ""),
                "policy_version": instance.get("policy_version", ""),
                "findings": instance.get("findings", []),
                "deadlines": instance.get("deadlines", []),
            }
        )


class RefundLineSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="In English.")
    text = MessageSerializer(required=False, help_text="The label as data.")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    rule_id = serializers.CharField()


class RefundSerializer(serializers.Serializer):
    """The itemised refund by rule id; ``final`` is false for a preview before it is paid."""

    final = serializers.BooleanField()
    currency = serializers.CharField()
    lines = RefundLineSerializer(many=True)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    paid = serializers.DecimalField(
        max_digits=12, decimal_places=2, help_text="What the customer paid for these items."
    )


class ExchangeSerializer(serializers.Serializer):
    """The variant the customer asked for instead of a refund, priced when they asked."""

    sku = serializers.CharField(source="order_line.sku", help_text="The item sent back.")
    variant_sku = serializers.CharField(source="variant.sku", help_text="The item they get.")
    product = serializers.CharField(source="variant.product.handle")
    quantity = serializers.IntegerField()
    original_unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    replacement_unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    settlement = serializers.ChoiceField(
        choices=["none", "make_up_payment", "refund"],
        help_text="make_up_payment: the customer pays `difference`; refund: it is refunded.",
    )
    difference = serializers.DecimalField(max_digits=12, decimal_places=2)
    rule_id = serializers.CharField(source="decision.rule_id")


class ReturnSerializer(serializers.ModelSerializer):
    """A return request; once approved it has an RMA number in the policy's format."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    order = serializers.CharField(source="order.number", read_only=True)
    customer_email = serializers.EmailField(source="customer.email", read_only=True)
    follows = serializers.UUIDField(source="follows.public_id", read_only=True, allow_null=True)
    attestations = serializers.ListField(child=serializers.CharField(), read_only=True)
    wrong_item_option = serializers.ChoiceField(
        choices=ReturnRequest.WrongItemOption.choices, allow_blank=True, read_only=True
    )
    lines = ReturnLineSerializer(many=True, read_only=True)
    decision = DecisionSerializer(read_only=True)
    refund = serializers.SerializerMethodField()
    exchange = serializers.SerializerMethodField()

    resolutions = NestedResolutionSerializer(
        many=True,
        read_only=True,
        help_text="What the decided case owes: refunds, compensation, shipments, credit.",
    )

    class Meta:
        model = ReturnRequest
        fields = (
            "id",
            "rma_number",
            "status",
            "scenario",
            "order",
            "customer_email",
            "follows",
            "reason",
            "attestations",
            "current_country",
            "wrong_item_option",
            "received_item_price",
            "complex_case",
            "return_required",
            "store_credit",
            "lines",
            "decision",
            "requested_at",
            "review_due",
            "approved_at",
            "ship_by",
            "carrier",
            "tracking_number",
            "shipped_at",
            "received_at",
            "inspected_at",
            "inspection_ratio",
            "inspection_note",
            "refund",
            "exchange",
            "refunded_at",
            "replaced_at",
            "closed_at",
            "updated_at",
            "resolutions",
        )
        read_only_fields = fields

    @extend_schema_field(ExchangeSerializer(allow_null=True))
    def get_exchange(self, obj: ReturnRequest) -> dict | None:
        exchange = getattr(obj, "exchange", None)
        return ExchangeSerializer(exchange).data if exchange is not None else None

    @extend_schema_field(RefundSerializer(allow_null=True))
    def get_refund(self, obj: ReturnRequest) -> dict | None:
        if obj.refund_breakdown:
            return RefundSerializer({**obj.refund_breakdown, "final": True}).data
        return None


class ReturnDetailSerializer(ReturnSerializer):
    """A return with its audit trail, evidence, and the refund preview while one can be paid."""

    events = EventSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    units = serializers.SerializerMethodField(help_text="Serial numbers of the claimed units.")
    integrity_flags = serializers.SerializerMethodField(
        help_text="Claim integrity flags computed when the claim was made: kind, serial, "
        "rule id, message. They inform; they refuse a claim only where the policy settings say."
    )

    class Meta(ReturnSerializer.Meta):
        fields = (*ReturnSerializer.Meta.fields, "units", "integrity_flags", "events", "evidence")
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_integrity_flags(self, obj: ReturnRequest) -> list[dict]:
        from rma.messages import render

        return [
            {
                "kind": flag.kind,
                "serial": flag.serial,
                "rule_id": flag.rule_id,
                "blocking": flag.blocking,
                "message": render(flag.message) if flag.message else "",
                "text": flag.message,
            }
            for flag in obj.integrity_flags.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_units(self, obj: ReturnRequest) -> list[str]:
        return [cu.serial for cu in obj.claim_units.all()]

    @extend_schema_field(RefundSerializer(allow_null=True))
    def get_refund(self, obj: ReturnRequest) -> dict | None:
        final = super().get_refund(obj)
        if final is not None or not obj.can_refund():
            return final
        from rma.services.return_handling import payable_refund

        try:
            preview = payable_refund(obj)
        except ValueError:  # the vendor's policy computes no refund for this case
            return None
        return RefundSerializer({**preview, "final": False}).data


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Sent to the customer.")
    rule_ids = serializers.ListField(
        child=serializers.RegexField(RULE_ID),
        required=False,
        default=list,
        max_length=20,
        help_text="The ids of the policy rules the rejection rests on (PREFIX-N).",
    )


class MarkShippedSerializer(serializers.Serializer):
    carrier = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="e.g. dhl, fedex."
    )
    tracking_number = serializers.CharField(max_length=64)


class InspectionSerializer(serializers.Serializer):
    ratio = serializers.DecimalField(
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        required=False,
        allow_null=True,
        default=None,
        help_text="Share of the refund to pay after inspection, e.g. 0.8 where the policy "
        "deducts for improper packaging.",
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    return_freight = money(
        required=False,
        allow_null=True,
        default=None,
        help_text="The return postage on the customer's receipt; the refund reimburses it as "
        "a line of its own where the vendor's policy covers return freight.",
    )


class RefundInputSerializer(serializers.Serializer):
    provider_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Your payment provider's id for the refund; kept on its resolution.",
    )


class ReplaceSerializer(NoteSerializer):
    carrier = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
