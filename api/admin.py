"""The API's admin: vendors' API keys (shown once, revocable) and the "Warranty Service" button
snippets for vendors' own emails."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.admin.base import TenantAdmin, is_member
from rma.models import WarrantySolution
from tenancy.models import Membership, Vendor

from .embedding import (
    LOOK_UP,
    link_host_column,
    solution_button_html,
    solution_url,
    start_return_button_html,
    vendor_button_html,
    vendor_links,
)
from .keys import api_key_revoke, issue_key
from .models import ApiKey, SolutionPortalLink


def manager_vendor_ids(request: HttpRequest) -> list[int] | None:
    """The vendors whose keys this user may manage; None means all (a superuser)."""
    if request.user.is_superuser:
        return None
    return list(
        Membership.objects.filter(user=request.user, role=Membership.Role.MANAGER).values_list(
            "vendor_id", flat=True
        )
    )


def vendor_embed_panel(vendor: Vendor) -> SafeString:
    """The vendor's entry links and its button snippets, for the Vendor page."""
    links = vendor_links(vendor)
    return render_to_string(
        "api/embed_panel.html",
        {
            "links": [
                (_("Portal home (find my solution)"), links.home),
                (_("Start a return"), links.start_return),
            ],
            "snippets": [
                (_("“Warranty Service” button"), vendor_button_html(vendor)),
                (_("“Start a return” button"), start_return_button_html(vendor)),
            ],
            "note": _(
                "Each warranty solution has its own link and button: see “Solution links and "
                "buttons”, or the portal_url the API returns."
            ),
        },
    )


def solution_embed_panel(solution: WarrantySolution) -> SafeString:
    return render_to_string(
        "api/embed_panel.html",
        {
            "links": [(_("This solution's login page"), solution_url(solution))],
            "snippets": [(_("“Warranty Service” button"), solution_button_html(solution))],
            "note": _(
                "Send the customer the password together with this button; the portal sends "
                "no email for solutions proposed with notify “vendor”."
            ),
        },
    )


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    """Managers create keys here; the key is shown once, in a message, and stored as a hash."""

    allow_add = True
    list_display = ("name", "prefix", "state", "created_at", "last_used_at", "created_by")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix")
    actions = ("revoke_keys",)
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("vendor", "name")
        return ("vendor", "name", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return ("vendor", *self.readonly_fields) if obj is not None else ()

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("vendor", "created_by")
        ids = manager_vendor_ids(request)
        return qs if ids is None else qs.filter(vendor_id__in=ids)

    def has_module_permission(self, request: HttpRequest) -> bool:
        ids = manager_vendor_ids(request) if is_member(request) else []
        return ids is None or bool(ids)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        ids = manager_vendor_ids(request)
        if db_field.name == "vendor" and ids is not None:
            field.queryset = field.queryset.filter(pk__in=ids)
        return field

    def save_model(self, request, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        raw_key = issue_key(obj)
        obj.created_by = request.user
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            _("API key “%(name)s” (copy it now; it is shown only this once): %(key)s")
            % {"name": obj.name, "key": raw_key},
            messages.WARNING,
        )

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj: ApiKey) -> str:
        return _("revoked") if obj.revoked_at else _("active")

    @admin.action(description=gettext_lazy("Revoke selected keys"))
    def revoke_keys(self, request, queryset) -> None:
        revoked = 0
        for api_key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(api_key=api_key)
            revoked += 1
        self.message_user(
            request, _("%(n)d key(s) revoked; they stop working at once.") % {"n": revoked}
        )


@admin.register(SolutionPortalLink)
class SolutionPortalLinkAdmin(TenantAdmin):
    """Each solution's customer link and "Warranty Service" button, for vendors' own emails."""

    list_display = ("reference", "order_number", "status", "link")
    list_filter = ("status",)
    search_fields = ("order__number", "order__customer__email")
    list_select_related = ("order", "vendor")
    fields = ("reference", "order_number", "status", "embed")
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest):
        # Each row's link is on the vendor's own host if it has one: read with the rows.
        return super().get_queryset(request).annotate(link_host=link_host_column())

    @admin.display(description=gettext_lazy("reference"))
    def reference(self, obj: WarrantySolution) -> str:
        return obj.reference

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_number(self, obj: WarrantySolution) -> str:
        return obj.order.number

    @admin.display(description=gettext_lazy("customer link"))
    def link(self, obj: WarrantySolution) -> str:
        url = solution_url(obj, host=getattr(obj, "link_host", LOOK_UP))
        return format_html("<a href='{}' target='_blank' rel='noopener'>{}</a>", url, url)

    @admin.display(description=gettext_lazy("link and button"))
    def embed(self, obj: WarrantySolution) -> SafeString:
        return solution_embed_panel(obj)
