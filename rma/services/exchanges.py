"""Exchanges on a return: what a customer may pick instead of a refund, the price difference
the vendor's policy settles, and the exchange resolution an approval creates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from policies.exchanges import ExchangeItem, ExchangeRules, ExchangeScope, PriceDifference
from policies.facts import ZERO
from policies.results import RefundLine, ResolutionPlan
from policies.vocabulary import Message, ResolutionKind
from rma.models import (
    CatalogVariant,
    Order,
    OrderLine,
    Resolution,
    ResolutionState,
    ReturnExchange,
    ReturnRequest,
)
from rma.models.exchanges import ExchangeSettlement

from .base import Actor, DomainError
from .catalogue import exchange_variants
from .facts import order_facts
from .resolutions import resolutions_create


@dataclass(frozen=True)
class ExchangeQuote:
    """A chosen variant for ``quantity`` units of an order line, priced by the policy."""

    order_line: OrderLine
    variant: CatalogVariant
    quantity: int
    difference: PriceDifference


def exchange_rules(*, order: Order, at: datetime | None = None) -> ExchangeRules:
    """Whether this order's customer may ask for an exchange now, and for which scenarios."""
    return order.vendor.get_policy().exchange_options(order_facts(order), at or timezone.now())


def _catalogue_product(order_line: OrderLine) -> str:
    """The catalogue product an order line's SKU is a variant of; empty when not listed."""
    found = (
        CatalogVariant.objects.filter(vendor_id=order_line.vendor_id, sku=order_line.sku)
        .values_list("product__handle", flat=True)
        .first()
    )
    return found or ""


def exchange_choices(
    *, order: Order, order_line: OrderLine, rules: ExchangeRules | None = None
) -> QuerySet[CatalogVariant]:
    """The variants this line may be exchanged for: in stock, active, in the order's currency,
    not the line's own SKU; only the same product's when the policy says so."""
    rules = rules or exchange_rules(order=order)
    if not rules.allowed:
        return CatalogVariant.objects.none()
    handle = None
    if rules.scope is ExchangeScope.SAME_PRODUCT:
        handle = _catalogue_product(order_line)
        if not handle:
            return CatalogVariant.objects.none()
    qs = exchange_variants(vendor=order.vendor, currency=order.currency, product_handle=handle)
    return qs.exclude(sku=order_line.sku)


def exchange_quote(
    *,
    order: Order,
    scenario: str,
    order_line: OrderLine,
    quantity: int,
    variant_id: int,
    at: datetime | None = None,
) -> ExchangeQuote:
    """The price difference of exchanging ``quantity`` units of the line for the variant; a
    refusal names the rule (an exchange the policy does not allow, a variant not offered)."""
    rules = exchange_rules(order=order, at=at)
    if not rules.allows(scenario):
        raise DomainError(
            f"{rules.text.english().rstrip('.')} ({rules.rule_id}).",
            findings=[rules.finding().to_dict()],
            code="exchange_not_allowed",
        )
    if order_line.order_id != order.pk:
        raise DomainError(f"Item {order_line.sku} is not part of order {order.number}.")
    variant = (
        exchange_choices(order=order, order_line=order_line, rules=rules)
        .filter(pk=variant_id)
        .first()
    )
    if variant is None:
        raise DomainError(
            "That product is not offered in exchange for this item; pick one from the list.",
            code="exchange_variant_unavailable",
        )
    policy = order.vendor.get_policy()
    original = ExchangeItem(
        order_line.sku,
        order_line.name,
        order_line.unit_price,
        order.currency,
        product=_catalogue_product(order_line),
    )
    replacement = ExchangeItem(
        variant.sku,
        variant.display_name,
        variant.price,
        variant.currency,
        product=variant.product.handle,
    )
    try:
        difference = policy.price_difference(original, replacement, quantity)
    except ValueError as exc:
        raise DomainError(f"{exc}.", code="exchange_not_allowed") from None
    return ExchangeQuote(order_line, variant, quantity, difference)


def exchange_record(*, return_request: ReturnRequest, quote: ExchangeQuote) -> ReturnExchange:
    """Store the customer's chosen variant with the request (called inside ``return_create``)."""
    diff = quote.difference
    return ReturnExchange.objects.create(
        vendor_id=return_request.vendor_id,
        return_request=return_request,
        order_line=quote.order_line,
        variant=quote.variant,
        quantity=quote.quantity,
        currency=diff.currency,
        original_unit_price=quote.order_line.unit_price,
        replacement_unit_price=quote.variant.price,
        settlement=ExchangeSettlement(diff.settlement.value),
        difference=diff.amount,
        decision=diff.to_dict(),
    )


def exchange_resolution_create(*, return_request: ReturnRequest, actor: Actor) -> Resolution | None:
    """On approval: the exchange resolution that ships the chosen variant, carrying the
    difference line; a make-up payment is owed first, a refund of the difference is its amount.
    None when the request asked for no exchange; a second call creates nothing more."""
    exchange = (
        ReturnExchange.objects.select_for_update(of=("self",))
        .select_related("variant", "variant__product")
        .filter(return_request=return_request)
        .first()
    )
    if exchange is None:
        return None
    if exchange.resolution_id is not None:
        return exchange.resolution
    diff = exchange.decision
    owed = exchange.settlement == ExchangeSettlement.MAKE_UP_PAYMENT
    refunded = exchange.settlement == ExchangeSettlement.REFUND
    sign = -1 if refunded else 1
    line = RefundLine(Message.from_dict(diff["text"]), exchange.difference * sign, diff["rule_id"])
    plan = ResolutionPlan(
        ResolutionKind.EXCHANGE,
        exchange.currency,
        lines=(line,),
        rule_ids=(diff["rule_id"],),
        sku=exchange.order_line.sku,
        quantity=exchange.quantity,
        makeup_amount=exchange.difference if owed else ZERO,
    )
    plans = [plan]
    if refunded:
        # The money is its own resolution, paid (and reported) like any refund; the exchange
        # ships the new item and carries the difference's line for the record.
        text = Message.from_dict(diff["text"])
        plans.append(
            ResolutionPlan(
                ResolutionKind.REFUND,
                exchange.currency,
                amount=exchange.difference,
                lines=(RefundLine(text, exchange.difference, diff["rule_id"]),),
                rule_ids=(diff["rule_id"],),
            )
        )
    resolution, *_money = resolutions_create(case=return_request, plans=plans, actor=actor)
    exchange.resolution = resolution
    exchange.save(update_fields=["resolution"])
    return resolution


def refuse_refund_of_an_exchange(rr: ReturnRequest) -> None:
    """A return whose customer asked for an exchange is settled by its exchange resolution,
    not by refunding the item; cancelling that resolution turns it back into a refund."""
    open_exchange = Resolution.objects.filter(
        return_request=rr, kind=ResolutionKind.EXCHANGE, exchange__isnull=False
    ).exclude(state=ResolutionState.CANCELLED)
    if open_exchange.exists():
        raise DomainError(
            "The customer asked for an exchange, so this return is not refunded: ship the new "
            "item from its exchange resolution, or cancel the exchange to refund instead.",
            code="exchange_requested",
        )
