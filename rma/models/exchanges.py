"""An exchange a customer chose on a return: which variant replaces which line, and how the
price difference the policy computed is settled."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel, money_field
from .catalogue import CatalogVariant
from .orders import OrderLine
from .resolutions import Resolution
from .returns import ReturnRequest


class ExchangeSettlement(models.TextChoices):
    # The values policies.exchanges.Settlement decides.
    NONE = "none", _("Same price")
    MAKE_UP_PAYMENT = "make_up_payment", _("You pay the difference")
    REFUND = "refund", _("The difference is refunded")


class ReturnExchange(TenantModel):
    """The replacement variant a return asks for instead of a refund, priced when asked."""

    return_request = models.OneToOneField(
        ReturnRequest,
        on_delete=models.CASCADE,
        related_name="exchange",
        verbose_name=_("return request"),
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("order line")
    )
    variant = models.ForeignKey(
        CatalogVariant, on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    quantity = models.PositiveIntegerField(default=1, verbose_name=_("quantity"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    # Prices when the customer asked, so a later catalogue change never re-prices the request.
    original_unit_price = money_field(verbose_name=_("original unit price"))
    replacement_unit_price = money_field(verbose_name=_("replacement unit price"))
    settlement = models.CharField(
        max_length=20, choices=ExchangeSettlement.choices, verbose_name=_("settlement")
    )
    difference = money_field(
        help_text=_("Never negative; the settlement says who pays it."),
        verbose_name=_("difference"),
    )
    # The policy's PriceDifference.to_dict(): its rule id and its text as data.
    decision = models.JSONField(default=dict, verbose_name=_("decision"))
    resolution = models.OneToOneField(
        Resolution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchange",
        verbose_name=_("resolution"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("return exchange")
        verbose_name_plural = _("return exchanges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difference__gte=0), name="returnexchange_difference_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="returnexchange_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant.sku}"
