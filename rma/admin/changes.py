"""Self-service in the admin: emailed access links (read-only) and order change requests."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from rma.models import Event, OrderChangeRequest, ReturnAccess
from rma.services import Actor
from rma.services.changes import order_change_resolve

from .base import CaseAction, CaseAdmin, ReadOnlyInline, TenantAdmin, findings_html


@admin.register(ReturnAccess)
class ReturnAccessAdmin(TenantAdmin):
    """Who asked for a link and when; the token and password hash are never shown."""

    list_display = ("order", "email", "created_at", "expires_at", "used_at")
    search_fields = ("order__number", "email")
    list_select_related = ("order",)
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
class OrderChangeRequestAdmin(CaseAdmin):
    inlines = (ChangeEventInline,)
    list_display = ("__str__", "kind", "status", "best_effort", "requested_at", "resolved_at")
    list_filter = ("kind", "status", "best_effort")
    search_fields = ("order__number", "customer__email")
    list_select_related = ("order", "customer")
    case_actions = CHANGE_ACTIONS
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

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        order_change_resolve(
            change_request=obj,
            actor=Actor.agent(request.user),
            done=name == "done",
            note=(data.get("note") or "").strip(),
        )
        return ""
