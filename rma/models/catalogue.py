"""The products and variants a vendor offers for exchanges, as the vendor's shop sends them."""

from __future__ import annotations

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel, money_field


class CatalogProduct(TenantModel):
    """A product the vendor offers; its variants are what a customer can exchange for."""

    handle = models.CharField(
        max_length=64,
        help_text=_("The shop's product id; unique per vendor."),
        verbose_name=_("handle"),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    image_url = models.URLField(
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("A picture of the product on the vendor's CDN (https)."),
        verbose_name=_("image URL"),
    )
    active = models.BooleanField(
        default=True,
        help_text=_("Inactive products are not offered for exchanges."),
        verbose_name=_("active"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("catalog product")
        verbose_name_plural = _("catalog products")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "handle"], name="catalogproduct_unique_handle"
            )
        ]
        indexes = [
            models.Index(fields=["vendor", "-updated_at", "-id"], name="catalogproduct_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.handle})"


class CatalogVariant(TenantModel):
    """One buyable variant of a product (a colour, a size), priced in one currency."""

    product = models.ForeignKey(
        CatalogProduct, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    sku = models.CharField(
        max_length=64,
        help_text=_("Unique per vendor, like an order line's."),
        verbose_name=_("SKU"),
    )
    # {"colour": "white", "size": "M"}: option name to value, in the order the shop lists them.
    options = models.JSONField(default=dict, blank=True, verbose_name=_("options"))
    price = money_field(verbose_name=_("price"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    in_stock = models.BooleanField(default=True, verbose_name=_("in stock"))

    class Meta:
        verbose_name = _("catalog variant")
        verbose_name_plural = _("catalog variants")
        ordering = ["product_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "sku"], name="catalogvariant_unique_sku"),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="catalogvariant_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.options_label} ({self.sku})".replace("  ", " ")

    @property
    def options_label(self) -> str:
        """The options as a customer reads them: ``white / M``."""
        return " / ".join(str(v) for v in self.options.values())

    @property
    def display_name(self) -> str:
        label = self.options_label
        return f"{self.product.name} ({label})" if label else self.product.name
