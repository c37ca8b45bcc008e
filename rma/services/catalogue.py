"""The vendor's catalogue as its shop sends it: an upsert by product handle, variants by SKU."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from rma.models import CatalogProduct, CatalogVariant, ReturnExchange
from tenancy.models import Vendor

from .base import DomainError

PRODUCT_FIELDS = ("name", "image_url", "active")
VARIANT_FIELDS = ("options", "price", "currency", "in_stock")


@dataclass(frozen=True)
class VariantData:
    sku: str
    price: Decimal
    currency: str
    options: Mapping[str, str] = field(default_factory=dict)
    in_stock: bool = True


@dataclass(frozen=True)
class ProductData:
    handle: str
    name: str
    variants: Sequence[VariantData]
    image_url: str = ""
    active: bool = True


def product_upsert(*, vendor: Vendor, data: ProductData) -> tuple[CatalogProduct, bool]:
    """Create the product or bring it up to date; returns it and whether it was created.

    Variants are matched by SKU. A variant the shop no longer sends is removed unless an
    exchange refers to it; then nothing is saved and the error names the SKU. A SKU that
    belongs to another of the vendor's products is refused. Two requests creating the same new
    handle at once: the loser meets the unique constraint and runs once more as an update.
    """
    try:
        return _product_upsert(vendor=vendor, data=data)
    except IntegrityError:
        return _product_upsert(vendor=vendor, data=data)


@transaction.atomic
def _product_upsert(*, vendor: Vendor, data: ProductData) -> tuple[CatalogProduct, bool]:
    skus = [v.sku for v in data.variants]
    if not skus:
        raise DomainError("A product needs at least one variant.", code="invalid")
    duplicates = sorted({sku for sku in skus if skus.count(sku) > 1})
    if duplicates:
        raise DomainError(
            f"SKU {', '.join(duplicates)} appears on more than one variant; send each once.",
            code="invalid",
        )
    product = (
        CatalogProduct.objects.select_for_update(of=("self",))
        .filter(vendor=vendor, handle=data.handle)
        .first()
    )
    elsewhere = sorted(
        CatalogVariant.objects.filter(vendor=vendor, sku__in=skus)
        .exclude(product=product)
        .values_list("sku", flat=True)
    )
    if elsewhere:
        raise DomainError(
            f"SKU {', '.join(elsewhere)} already belongs to another product; a SKU names one "
            "variant of one product.",
            code="sku_taken",
        )
    created = product is None
    if product is None:
        product = CatalogProduct(vendor=vendor, handle=data.handle)
    dirty = created
    for name in PRODUCT_FIELDS:
        value = getattr(data, name)
        dirty = dirty or getattr(product, name) != value
        setattr(product, name, value)
    changed = _sync_variants(vendor, product, data.variants, save_product=dirty)
    if (changed or dirty) and not created:
        product.save()  # an unchanged resend keeps updated_at, so "updated since" stays small
    return product, created


def _sync_variants(
    vendor: Vendor, product: CatalogProduct, variants: Sequence[VariantData], *, save_product: bool
) -> bool:
    if save_product and product.pk is None:
        product.save()
    existing = {v.sku: v for v in product.variants.all()}
    wanted = {v.sku for v in variants}
    gone = [v for sku, v in existing.items() if sku not in wanted]
    if gone:
        used = set(
            ReturnExchange.objects.filter(variant__in=gone).values_list("variant__sku", flat=True)
        )
        if used:
            raise DomainError(
                f"SKU {', '.join(sorted(used))} cannot be removed from product {product.handle}: "
                "an exchange refers to it. Send it again, with in_stock false to stop offering it.",
                code="variant_in_use",
            )
        CatalogVariant.objects.filter(pk__in=[v.pk for v in gone]).delete()
    changed = bool(gone)
    for data in variants:
        variant = existing.get(data.sku) or CatalogVariant(
            vendor=vendor, product=product, sku=data.sku
        )
        dirty = variant.pk is None
        for name in VARIANT_FIELDS:
            value = dict(data.options) if name == "options" else getattr(data, name)
            dirty = dirty or getattr(variant, name) != value
            setattr(variant, name, value)
        if dirty:
            variant.save()
            changed = True
    return changed


def exchange_variants(
    *, vendor: Vendor, currency: str, product_handle: str | None = None
) -> QuerySet[CatalogVariant]:
    """What a customer may pick as a replacement: in-stock variants of active products in the
    order's currency; only one product's when ``product_handle`` is given."""
    qs = CatalogVariant.objects.filter(
        vendor=vendor, product__active=True, in_stock=True, currency=currency
    ).select_related("product")
    if product_handle is not None:
        qs = qs.filter(product__handle=product_handle)
    return qs.order_by("product__name", "product_id", "price", "id")
