"""Units: one physical device by its serial number, the order line it was sold on, its warranty."""

from __future__ import annotations

import secrets

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
    sku = models.CharField(max_length=64, blank=True, verbose_name=_("SKU"))
    batch = models.CharField(_("production batch"), max_length=64, blank=True)
    market = CountryField(_("market"), blank=True, help_text=_("The country it was sold for."))
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        help_text=_("The order line it was sold on; empty for a unit bought elsewhere."),
        verbose_name=_("order line"),
    )
    warranty_start = models.DateTimeField(null=True, blank=True, verbose_name=_("warranty start"))
    warranty_end = models.DateTimeField(null=True, blank=True, verbose_name=_("warranty end"))
    warranty_rule_id = models.CharField(
        max_length=16, blank=True, editable=False, verbose_name=_("warranty rule ID")
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        help_text=_("The unit this one replaced."),
        verbose_name=_("replaces"),
    )
    source = models.CharField(
        max_length=16, choices=Source.choices, default=Source.SHOP, verbose_name=_("source")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["serial"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "serial"], name="unit_unique_serial"),
            models.CheckConstraint(condition=~models.Q(serial=""), name="unit_serial_not_empty"),
        ]
        indexes = [models.Index(fields=["vendor", "sku", "batch"], name="unit_vendor_sku_batch")]

    def __str__(self) -> str:
        return self.serial


class ReturnUnit(TenantModel):
    """A unit a return or warranty claim names, typed or picked from the order.

    A typed serial the vendor does not know is kept as typed (``unit`` empty): the claim is
    not refused for it, and the integrity check flags it for the agent.
    """

    request = models.ForeignKey(
        "rma.ReturnRequest",
        on_delete=models.CASCADE,
        related_name="claim_units",
        verbose_name=_("request"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="claims",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )
    serial = models.CharField(_("serial number"), max_length=64)

    class Meta:
        verbose_name = _("return unit")
        verbose_name_plural = _("return units")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "serial"], name="returnunit_unique_serial")
        ]
        indexes = [models.Index(fields=["vendor", "serial"], name="returnunit_vendor_serial")]

    def __str__(self) -> str:
        return self.serial


def proof_path(instance: UnitRegistration, filename: str) -> str:
    # Random names, like evidence: the customer's filename never reaches storage.
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"registrations/{instance.vendor_id}/{secrets.token_urlsafe(24)}.{ext}"


class UnitRegistration(TenantModel):
    """A customer's registration of a unit by serial: bought in the vendor's store (matched to
    the order) or elsewhere (with a proof of purchase, where the vendor's policy accepts it)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="registration", verbose_name=_("unit")
    )
    customer = models.ForeignKey(
        "rma.Customer",
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("customer"),
    )
    order = models.ForeignKey(
        "rma.Order",
        on_delete=models.PROTECT,
        related_name="registrations",
        help_text=_("The order it was bought on, or the purchase the registration recorded."),
        verbose_name=_("order"),
    )
    bought_elsewhere = models.BooleanField(default=False, verbose_name=_("bought elsewhere"))
    seller = models.CharField(_("seller"), max_length=120, blank=True)
    purchased_on = models.DateField(_("date of purchase"))
    proof = models.FileField(
        upload_to=proof_path, max_length=200, blank=True, verbose_name=_("proof")
    )
    proof_content_type = models.CharField(
        max_length=100, blank=True, verbose_name=_("proof content type")
    )
    proof_size = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("proof size"))
    proof_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("proof SHA-256"))
    decision = models.JSONField(
        default=dict, blank=True, editable=False, verbose_name=_("decision")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("unit registration")
        verbose_name_plural = _("unit registrations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["vendor", "-created_at", "-id"], name="unitreg_vendor_created")
        ]

    def __str__(self) -> str:
        return self.unit.serial if self.unit_id else ""
