"""Customers, their orders and order lines, as the vendor's shop knows them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from policies.vocabulary import PurchaseChannel

from .base import TenantModel, money_field


class ShippingAddress(models.Model):
    """Address columns shared by orders and warranty solutions."""

    ship_name = models.CharField(_("name"), max_length=120, blank=True)
    ship_line1 = models.CharField(_("address line 1"), max_length=200, blank=True)
    ship_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    ship_city = models.CharField(_("city"), max_length=120, blank=True)
    ship_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    ship_region = models.CharField(_("state or region"), max_length=120, blank=True)
    ship_country = CountryField(_("country"), blank=True)
    ship_phone = models.CharField(_("phone"), max_length=40, blank=True)

    ADDRESS_FIELDS = (
        "ship_name",
        "ship_line1",
        "ship_line2",
        "ship_city",
        "ship_postal_code",
        "ship_region",
        "ship_country",
        "ship_phone",
    )

    class Meta:
        abstract = True

    def address_dict(self) -> dict[str, str]:
        return {f: str(getattr(self, f) or "") for f in self.ADDRESS_FIELDS}

    @property
    def address_lines(self) -> list[str]:
        if str(self.ship_country) in CITY_STATE_POSTCODE:
            # "Austin, TX 78701": where the state is part of the city line, as the post reads it.
            place = ", ".join(p for p in (self.ship_city, self.ship_region) if p)
            city = " ".join(p for p in (place, self.ship_postal_code) if p)
            parts = [self.ship_name, self.ship_line1, self.ship_line2, city]
        else:
            city = " ".join(p for p in (self.ship_postal_code, self.ship_city) if p)
            parts = [self.ship_name, self.ship_line1, self.ship_line2, city, self.ship_region]
        lines = [p for p in parts if p]
        if self.ship_country:
            lines.append(str(self.ship_country.name))
        return lines


# Countries whose addresses put the state after the city and the postal code last.
CITY_STATE_POSTCODE = frozenset({"US", "CA", "AU"})


class Customer(TenantModel):
    email = models.EmailField(verbose_name=_("email"))
    name = models.CharField(max_length=120, blank=True, verbose_name=_("name"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    language = models.CharField(
        max_length=8,
        default="en",
        choices=settings.LANGUAGES,
        help_text=_("The language of the emails the portal sends to this customer."),
        verbose_name=_("language"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "email"], name="customer_unique_email")
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class Order(TenantModel, ShippingAddress):
    class Channel(models.TextChoices):
        # The values policies read, declared once in the shared vocabulary.
        OWN_STORE = PurchaseChannel.OWN_STORE.value, _("Vendor's own online store")
        MARKETPLACE = PurchaseChannel.MARKETPLACE.value, _("Marketplace")
        RETAILER = PurchaseChannel.RETAILER.value, _("Retailer")

    number = models.CharField(max_length=64, verbose_name=_("number"))
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    placed_at = models.DateTimeField(verbose_name=_("placed at"))
    shipped_at = models.DateTimeField(null=True, blank=True, verbose_name=_("shipped at"))
    delivered_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("From the logistics tracking."),
        verbose_name=_("delivered at"),
    )
    tracking_number = models.CharField(max_length=64, blank=True, verbose_name=_("tracking number"))
    purchase_channel = models.CharField(
        max_length=20,
        choices=Channel.choices,
        default=Channel.OWN_STORE,
        verbose_name=_("purchase channel"),
    )
    country_of_purchase = CountryField(verbose_name=_("country of purchase"))
    currency = models.CharField(max_length=3, default="USD", verbose_name=_("currency"))
    is_corporate = models.BooleanField(
        default=False,
        help_text=_("Some policies exclude corporate purchases from money-back."),
        verbose_name=_("is corporate"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]
        # The changelist's (and the API's) orderings within one vendor.
        indexes = [
            models.Index(fields=["vendor", "-placed_at", "-id"], name="order_vendor_placed"),
            models.Index(fields=["vendor", "-updated_at", "-id"], name="order_vendor_updated"),
            # A customer signs in with the order number as they typed it (``number__iexact``).
            models.Index("vendor", Upper("number"), name="order_vendor_number_ci"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "number"], name="order_unique_number"),
            models.CheckConstraint(
                condition=models.Q(delivered_at__isnull=True) | models.Q(shipped_at__isnull=False),
                name="order_delivered_after_shipped",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total_paid(self) -> Decimal:
        return sum((line.line_total for line in self.lines.all()), Decimal("0"))


class OrderLine(TenantModel):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    sku = models.CharField(max_length=64, verbose_name=_("SKU"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], verbose_name=_("quantity")
    )
    unit_price = money_field(
        help_text=_("What the customer paid for one unit."), verbose_name=_("unit price")
    )
    purchase_cost = money_field(
        default=Decimal("0"),
        help_text=_("Deducted from a refund where the policy says so."),
        verbose_name=_("purchase cost"),
    )
    export_postage = money_field(
        default=Decimal("0"),
        help_text=_("Deducted from a refund where the policy says so."),
        verbose_name=_("export postage"),
    )
    warranty_months = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Empty: the policy's default."),
        verbose_name=_("warranty months"),
    )
    # Shown beside the product's name to the customer, loaded from the vendor's own CDN.
    image_url = models.URLField(
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https"])],
        help_text=_("A picture of the product on the vendor's CDN (https)."),
        verbose_name=_("image URL"),
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="orderline_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="orderline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name} ({self.sku})"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity
