"""The catalogue in the admin: what the vendor's shop sent, read-only (the API is its source)."""

from __future__ import annotations

from django.contrib import admin

from rma.models import CatalogProduct, CatalogVariant

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
