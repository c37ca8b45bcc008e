"""Catalogue products with their variants: what customers may pick in an exchange."""

from __future__ import annotations

from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rma.models import CatalogProduct, CatalogVariant
from rma.services.catalogue import ProductData, VariantData

from .common import CurrencyField, money

HANDLE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class OptionsField(serializers.DictField):
    """Option name to value, such as {"colour": "white", "size": "M"}."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("child", serializers.CharField(max_length=60))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > 5:
            raise serializers.ValidationError(_("At most 5 options per variant."))
        for name in value:
            if not 1 <= len(name) <= 30:
                raise serializers.ValidationError(_("Option names have 1 to 30 characters."))
        return value


class VariantSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(max_length=64, help_text="Unique per vendor.")
    options = OptionsField(
        required=False, default=dict, help_text='Such as {"colour": "white", "size": "M"}.'
    )
    price = money(help_text="What one unit costs now.")
    currency = CurrencyField(help_text="ISO 4217 code; offered for orders in this currency.")
    in_stock = serializers.BooleanField(
        required=False, default=True, help_text="Out of stock: not offered for exchanges."
    )

    class Meta:
        model = CatalogVariant
        fields = ("sku", "options", "price", "currency", "in_stock")


class ProductSerializer(serializers.ModelSerializer):
    """A product; POSTing one with a known handle updates it (an upsert)."""

    handle = serializers.RegexField(
        HANDLE, max_length=64, help_text="The shop's product id; unique per vendor."
    )
    name = serializers.CharField(max_length=200)
    image_url = serializers.URLField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        validators=[URLValidator(schemes=["https"], message="Use an https:// address.")],
        help_text="A picture on your CDN (https). Empty: no picture.",
    )
    active = serializers.BooleanField(
        required=False, default=True, help_text="Inactive: not offered for exchanges."
    )
    variants = VariantSerializer(many=True, min_length=1, max_length=200)

    class Meta:
        model = CatalogProduct
        fields = (
            "handle",
            "name",
            "image_url",
            "active",
            "variants",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("created_at", "updated_at")

    def validate_variants(self, variants: list[dict]) -> list[dict]:
        skus = [v["sku"] for v in variants]
        duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
        if duplicates:
            raise serializers.ValidationError(
                _("SKU %(skus)s appears on more than one variant; send each once.")
                % {"skus": ", ".join(duplicates)}
            )
        return variants

    def to_product_data(self) -> ProductData:
        attrs = self.validated_data
        return ProductData(
            handle=attrs["handle"],
            name=attrs["name"],
            image_url=attrs["image_url"],
            active=attrs["active"],
            variants=[VariantData(**v) for v in attrs["variants"]],
        )
