"""The catalogue in the admin: what the vendor's shop sent, read-only (the API is its source)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.models import CatalogProduct, CatalogVariant, ReturnExchange, ReturnRequest
from rma.models.exchanges import ExchangeSettlement

from .base import TenantAdmin


class VariantInline(admin.TabularInline):
    model = CatalogVariant
    extra = 0
    can_delete = False
    fields = ("sku", "options", "price", "currency", "in_stock")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CatalogProduct)
class CatalogProductAdmin(TenantAdmin):
    list_display = ("name", "handle", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("handle", "name", "variants__sku")
    readonly_fields = (
        "vendor",
        "handle",
        "name",
        "image_url",
        "active",
        "created_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = (VariantInline,)


SETTLEMENT_WORDS = {
    ExchangeSettlement.MAKE_UP_PAYMENT: gettext_lazy("the customer pays"),
    ExchangeSettlement.REFUND: gettext_lazy("refund the customer"),
    ExchangeSettlement.NONE: gettext_lazy("same price"),
}


def exchange_fact(rr: ReturnRequest) -> str | None:
    """The exchange a return asks for, as the case page's header reads it; None without one."""
    exchange = (
        ReturnExchange.objects.filter(return_request=rr)
        .select_related("order_line", "variant__product")
        .first()
    )
    if exchange is None:
        return None
    words = SETTLEMENT_WORDS[ExchangeSettlement(exchange.settlement)]
    difference = f"{exchange.difference} {exchange.currency}"
    rule = exchange.decision.get("rule_id", "")
    return _(
        "%(quantity)s × %(sku)s for %(new_sku)s (%(name)s): %(settlement)s %(difference)s "
        "(%(rule)s)"
    ) % {
        "quantity": exchange.quantity,
        "sku": exchange.order_line.sku,
        "new_sku": exchange.variant.sku,
        "name": exchange.variant.display_name,
        "settlement": words,
        "difference": difference,
        "rule": rule,
    }
