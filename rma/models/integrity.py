"""Claim integrity flags: what an agent should look at twice on a claim, with reason and rule."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel


class FlagKind(models.TextChoices):
    """Declared once; the policy's integrity check and the admin's filter look these up."""

    SERIAL_CLAIMED = "serial_claimed", _("Serial already in another claim")
    SERIAL_NOT_SOLD = "serial_not_sold", _("Serial not sold by this vendor")
    OTHER_MARKET = "other_market", _("Serial sold for another market")
    TWO_CUSTOMERS = "two_customers", _("Serial on two customers' orders")
    FREQUENT_CLAIMANT = "frequent_claimant", _("Unusual number of claims by the customer")


class ClaimFlag(TenantModel):
    """One integrity flag on a claim, computed when the claim was created and kept as it was.

    ``message`` is the policy's text as data (``Message.to_dict()``), rendered in the reader's
    language; ``rule_id`` is the vendor rule it relates to.
    """

    request = models.ForeignKey(
        "rma.ReturnRequest",
        on_delete=models.CASCADE,
        related_name="integrity_flags",
        verbose_name=_("request"),
    )
    kind = models.CharField(max_length=24, choices=FlagKind.choices, verbose_name=_("kind"))
    serial = models.CharField(max_length=64, blank=True, verbose_name=_("serial"))
    rule_id = models.CharField(max_length=16, blank=True, verbose_name=_("rule ID"))
    message = models.JSONField(default=dict, verbose_name=_("message"))
    figures = models.JSONField(default=dict, blank=True, verbose_name=_("figures"))
    blocking = models.BooleanField(
        default=False,
        help_text=_("The vendor's settings make this flag refuse a claim."),
        verbose_name=_("blocking"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("claim flag")
        verbose_name_plural = _("claim flags")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "serial"], name="claimflag_unique_kind_serial"
            )
        ]
        indexes = [models.Index(fields=["vendor", "kind"], name="claimflag_vendor_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}".strip()
