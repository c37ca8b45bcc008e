"""A demo catalogue for vendors whose policy offers exchanges: each product the demo orders
sold becomes a catalogue product with its own SKU and two more variants, one dearer and one
cheaper, so an exchange shows both a make-up payment and a refunded difference."""

from __future__ import annotations

from decimal import Decimal

from policies.base import Policy
from rma.models import OrderLine
from rma.services.catalogue import ProductData, VariantData, product_upsert
from tenancy.models import Vendor

# (option value, price change): the line's own SKU keeps its price.
VARIANTS = (("white", Decimal("0")), ("black", Decimal("10.00")), ("mini", Decimal("-10.00")))


def offers_exchanges(policy: Policy) -> bool:
    return type(policy).exchange_options is not Policy.exchange_options


def seed_catalogue(vendor: Vendor) -> int:
    """Upsert one product per SKU sold in the vendor's orders; returns how many."""
    if not offers_exchanges(vendor.get_policy()):
        return 0
    seen: dict[str, OrderLine] = {}
    for line in OrderLine.objects.filter(vendor=vendor).select_related("order").order_by("id"):
        seen.setdefault(line.sku, line)
    for sku, line in seen.items():
        variants = []
        for option, change in VARIANTS:
            price = max(line.unit_price + change, Decimal("1.00"))
            own = change == 0
            variants.append(
                VariantData(
                    sku=sku if own else f"{sku}-{option.upper()}",
                    price=price,
                    currency=line.order.currency,
                    options={"colour": option} if option != "mini" else {"size": option},
                )
            )
        data = ProductData(
            handle=sku.lower(), name=line.name, variants=variants, image_url=line.image_url
        )
        product_upsert(vendor=vendor, data=data)
    return len(seen)
