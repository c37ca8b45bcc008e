"""Warranty solutions (REO rules): the proposal a vendor sends, and what the customer did."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rma.models import SolutionKind, SolutionLine, WarrantySolution

from .common import (
    AddressSerializer,
    EventSerializer,
    EvidenceSerializer,
    ShippingAddressField,
    money,
)
from .resolutions import NestedResolutionSerializer

NOTIFY_CHOICES = (
    ("portal", "The portal emails the customer the password and the button."),
    ("vendor", "No email; the password is in this response once, for the vendor's own email."),
)


class SolutionLineInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64, help_text="A SKU of the order's lines.")
    quantity = serializers.IntegerField(min_value=1, max_value=100_000, default=1)
    amount = money(
        required=False, default=Decimal("0"), help_text="This line's share of the refund."
    )


class SolutionCreateSerializer(serializers.Serializer):
    """A proposal for an order; the customer confirms it in the portal."""

    order = serializers.CharField(max_length=64, help_text="The order's number.")
    kind = serializers.ChoiceField(choices=SolutionKind.choices)
    lines = SolutionLineInputSerializer(many=True, min_length=1, max_length=100)
    refund_amount = money(required=False, default=Decimal("0"), help_text="Paid to the customer.")
    makeup_amount = money(
        required=False,
        default=Decimal("0"),
        help_text="Owed by the customer: shipping, fees.",
    )
    return_required = serializers.BooleanField(
        required=False, default=False, help_text="The customer sends the item back."
    )
    makeup_payment_required = serializers.BooleanField(
        required=False, default=False, help_text="The customer pays a balance."
    )
    message = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", help_text="Shown with it."
    )
    shipping_address = AddressSerializer(
        required=False, help_text="Left out: the order's shipping address."
    )
    notify = serializers.ChoiceField(choices=NOTIFY_CHOICES, default="portal")

    def validate_lines(self, lines: list[dict]) -> list[dict]:
        skus = [line["sku"] for line in lines]
        duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
        if duplicates:
            raise serializers.ValidationError(
                f"SKU {', '.join(duplicates)} appears twice; send each SKU once."
            )
        return lines


class SolutionLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = SolutionLine
        fields = ("sku", "name", "quantity", "amount")
        read_only_fields = fields


class SolutionSerializer(serializers.ModelSerializer):
    """A warranty solution; ``portal_url`` is the customer's login page for it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    order = serializers.CharField(source="order.number", read_only=True)
    customer_email = serializers.EmailField(source="order.customer.email", read_only=True)
    shipping_address = ShippingAddressField(read_only=True)
    lines = SolutionLineSerializer(many=True, read_only=True)
    portal_url = serializers.SerializerMethodField()

    resolutions = NestedResolutionSerializer(
        many=True,
        read_only=True,
        help_text="What the decided case owes: refunds, compensation, shipments, credit.",
    )

    class Meta:
        model = WarrantySolution
        fields = (
            "id",
            "reference",
            "order",
            "customer_email",
            "kind",
            "status",
            "currency",
            "refund_amount",
            "makeup_amount",
            "return_required",
            "makeup_payment_required",
            "message",
            "shipping_address",
            "lines",
            "sent_at",
            "expires_at",
            "confirmed_at",
            "rejected_at",
            "rejection_comment",
            "return_tracking_number",
            "makeup_transaction_id",
            "submitted_at",
            "completed_at",
            "closed_at",
            "created_at",
            "updated_at",
            "portal_url",
            "resolutions",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_portal_url(self, obj: WarrantySolution) -> str:
        from api.embedding import link_host, solution_url

        # A page of solutions is one vendor's: look its link host up once for the page.
        hosts = self.context.setdefault("_link_hosts", {})
        if obj.vendor_id not in hosts:
            hosts[obj.vendor_id] = link_host(obj.vendor)
        return solution_url(obj, host=hosts[obj.vendor_id])


class SolutionDetailSerializer(SolutionSerializer):
    events = EventSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(SolutionSerializer.Meta):
        fields = (*SolutionSerializer.Meta.fields, "events", "evidence")
        read_only_fields = fields


class SolutionCreatedSerializer(SolutionDetailSerializer):
    """The new solution; ``password`` is set only with ``notify: "vendor"``, and only here."""

    notify = serializers.ChoiceField(choices=NOTIFY_CHOICES, read_only=True)
    password = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The customer's password, shown once; null when the portal sent it.",
    )

    class Meta(SolutionDetailSerializer.Meta):
        fields = (*SolutionDetailSerializer.Meta.fields, "notify", "password")
        read_only_fields = fields


class SolutionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SolutionReissueSerializer(serializers.Serializer):
    notify = serializers.ChoiceField(choices=NOTIFY_CHOICES, default="portal")


class PasswordReissuedSerializer(serializers.Serializer):
    solution = SolutionSerializer()
    notify = serializers.ChoiceField(choices=NOTIFY_CHOICES)
    password = serializers.CharField(
        allow_null=True, help_text="The new password, shown once; null when the portal sent it."
    )
