"""Self-service in the admin: emailed access links (read-only) and order change requests."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from rma.models import Event, OrderChangeRequest, ReturnAccess
from rma.services import Actor
from rma.services.changes import order_change_resolve

from .base import CaseAction, ReadOnlyInline, TenantAdmin, findings_html


@admin.register(ReturnAccess)
class ReturnAccessAdmin(TenantAdmin):
    """Who asked for a link and when; the token and password hash are never shown."""

    list_display = ("order", "email", "created_at", "expires_at", "used_at")
    search_fields = ("order__number", "email")
    list_select_related = ("order",)
    date_hierarchy = "created_at"
    fields = ("order", "email", "language", "created_at", "expires_at", "used_at")
    readonly_fields = fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False


CHANGE_ACTIONS = (
    CaseAction("done", "Done (cancelled or address changed)", "can_resolve", inputs=("note",)),
    CaseAction(
        "failed",
        "Could not be done",
        "can_resolve",
        inputs=("note",),
        help="Say why, e.g. the parcel had left: refuse it with the courier (AQA-2).",
    ),
)


class ChangeEventInline(ReadOnlyInline):
    model = Event
    fk_name = "order_change"
    fields = (
        "created_at",
        "action",
        "from_status",
        "to_status",
        "actor_kind",
        "actor_label",
        "note",
        "rule_ids",
    )
    verbose_name_plural = "audit trail"


@admin.register(OrderChangeRequest)
class OrderChangeRequestAdmin(TenantAdmin):
    inlines = (ChangeEventInline,)
    list_display = ("__str__", "kind", "status", "best_effort", "requested_at", "resolved_at")
    list_filter = ("kind", "status", "best_effort")
    search_fields = ("order__number", "customer__email")
    list_select_related = ("order", "customer")
    date_hierarchy = "requested_at"
    change_form_template = "admin/rma/case_change_form.html"
    readonly_fields = (
        "order_link",
        "customer",
        "kind",
        "status",
        "best_effort",
        "reason",
        "new_address",
        "findings",
        "policy_version",
        "requested_at",
        "requested_by",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    )
    fields = readonly_fields

    @admin.display(description="order")
    def order_link(self, obj: OrderChangeRequest) -> str:
        url = reverse("admin:rma_order_change", args=[obj.order_id])
        return format_html("<a href='{}'>{}</a>", url, obj.order.number)

    @admin.display(description="new address")
    def new_address(self, obj: OrderChangeRequest) -> str:
        return ", ".join(obj.address_lines) or "—"

    @admin.display(description="policy findings (AQA-1..AQA-3)")
    def findings(self, obj: OrderChangeRequest) -> str:
        return findings_html(obj.decision.get("findings", []))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/action/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="rma_orderchangerequest_action",
            ),
            *super().get_urls(),
        ]

    def action_view(self, request: HttpRequest, object_id: str, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change = self.get_object(request, object_id)
        if change is None or action not in ("done", "failed"):
            raise Http404("No such request or action.")
        note = (request.POST.get("note") or "").strip()
        self.run_service(
            request,
            "Done" if action == "done" else "Could not be done",
            lambda: order_change_resolve(
                change_request=change,
                actor=Actor.agent(request.user),
                done=action == "done",
                note=note,
            ),
        )
        return HttpResponseRedirect(
            reverse("admin:rma_orderchangerequest_change", args=[change.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        change = self.get_object(request, object_id)
        if change is not None:
            extra_context["case_actions"] = [
                (a, reverse("admin:rma_orderchangerequest_action", args=[change.pk, a.name]))
                for a in CHANGE_ACTIONS
                if getattr(change, a.guard)()
            ]
        return super().change_view(request, object_id, form_url, extra_context)
