"""Units: one physical device by its serial number, the order line it was sold on, its warranty."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .base import TenantModel
from .orders import OrderLine


class Unit(TenantModel):
    """A device the vendor sold (or registered), known by a serial number unique per vendor."""

    class Source(models.TextChoices):
        SHOP = "shop", _("Sent by the shop")
        UPLOAD = "upload", _("Uploaded by an agent")
        REPLACEMENT = "replacement", _("Sent as a replacement")
        REGISTRATION = "registration", _("Registered by the customer")

    serial = models.CharField(_("serial number"), max_length=64)
    sku = models.CharField(max_length=64, blank=True)
    batch = models.CharField(_("production batch"), max_length=64, blank=True)
    market = CountryField(_("market"), blank=True, help_text=_("The country it was sold for."))
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_("The order line it was sold on; empty for a unit bought elsewhere."),
    )
    warranty_start = models.DateTimeField(null=True, blank=True)
    warranty_end = models.DateTimeField(null=True, blank=True)
    warranty_rule_id = models.CharField(max_length=16, blank=True, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text=_("The unit this one replaced (AQA-10)."),
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SHOP)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["serial"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "serial"], name="unit_unique_serial"),
            models.CheckConstraint(condition=~models.Q(serial=""), name="unit_serial_not_empty"),
        ]
        indexes = [models.Index(fields=["vendor", "sku", "batch"], name="unit_vendor_sku_batch")]

    def __str__(self) -> str:
        return self.serial


class ReturnUnit(TenantModel):
    """A unit a return or warranty claim names, typed or picked from the order."""

    request = models.ForeignKey(
        "rma.ReturnRequest", on_delete=models.CASCADE, related_name="claim_units"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="claims")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "unit"], name="returnunit_unique_unit")
        ]

    def __str__(self) -> str:
        return self.unit.serial if self.unit_id else ""
