"""Vendors, memberships and the portal's host names in the admin: staff see their own vendors;
managers edit them; superusers set up host names."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from rma.admin.base import TenantAdmin
from tenancy.models import Membership, Vendor

from .models import VendorDomain


def _is_manager(request: HttpRequest, vendor: Vendor | None) -> bool:
    if request.user.is_superuser:
        return True
    roles = Membership.objects.filter(user=request.user, role=Membership.Role.MANAGER)
    if vendor is None:
        return roles.exists()
    return roles.filter(vendor=vendor).exists()


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "policy_key", "time_zone", "operating_country", "support_email")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "policy_key",
                    "policy_settings",
                    "time_zone",
                    "operating_country",
                )
            },
        ),
        (
            gettext_lazy("Branding and contact"),
            {
                "fields": (
                    "logo",
                    "accent_colour",
                    "support_email",
                    "sender_email",
                    "return_address",
                )
            },
        ),
        (
            gettext_lazy("Portal links and Warranty Service button"),
            {"fields": ("portal_links",)},
        ),
    )
    readonly_fields = ("portal_links",)

    @admin.display(description=gettext_lazy("links and buttons"))
    def portal_links(self, obj: Vendor) -> str:
        from api.admin import vendor_embed_panel

        return vendor_embed_panel(obj) if obj.pk else "—"

    def get_queryset(self, request: HttpRequest):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=getattr(request, "vendor_ids", []) or [])

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(getattr(request, "vendor_ids", None))

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return _is_manager(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "vendor", "role")
    list_filter = ("role", "vendor")
    search_fields = ("user__username", "user__email", "vendor__name")
    list_select_related = ("user", "vendor")
    autocomplete_fields = ("user",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(VendorDomain)
class VendorDomainAdmin(TenantAdmin):
    """Host names need DNS, TLS and ALLOWED_HOSTS, which operators set up: superusers edit."""

    list_display = ("host", "use_in_links", "created_at")
    search_fields = ("host",)
    fields = ("vendor", "host", "use_in_links")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser
