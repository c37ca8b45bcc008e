"""Self-service in the admin: emailed access links (read-only) and order change requests."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.models import ChangeStatus, OrderChangeRequest, ReturnAccess
from rma.services import Actor
from rma.services.changes import order_change_resolve

from .base import NOTE, ActionInput, CaseAction, CaseAdmin, TenantAdmin, findings_html
from .columns import vendor_time_column
from .export import ExportAdminMixin
from .presentation import CaseHeader, customer_and_order_facts, status_label, vendor_time
from .queues import QueueAdminMixin, QueueFilter
from .workspace import WorkspaceAdminMixin


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
    CaseAction(
        "done",
        gettext_lazy("Done"),
        "can_resolve",
        inputs=(NOTE,),
        style="default",
        help=gettext_lazy("The order was cancelled, or its address changed."),
    ),
    CaseAction(
        "failed",
        gettext_lazy("Could not be done"),
        "can_resolve",
        inputs=(
            ActionInput(
                "note", gettext_lazy("Why (the customer reads it)"), "textarea", required=True
            ),
        ),
        help=gettext_lazy("Say why, e.g. the parcel had left: refuse it with the courier."),
        style="danger",
    ),
)


@admin.register(OrderChangeRequest)
class OrderChangeRequestAdmin(WorkspaceAdminMixin, QueueAdminMixin, ExportAdminMixin, CaseAdmin):
    list_display = (
        "__str__",
        "kind",
        "status",
        "best_effort",
        "requested_at_local",
        "resolved_at_local",
        "assignee",
    )
    requested_at_local = vendor_time_column("requested_at", gettext_lazy("Requested"))
    resolved_at_local = vendor_time_column("resolved_at", gettext_lazy("Resolved"))
    list_filter = (QueueFilter, "kind", "status", "best_effort")
    search_fields = ("order__number", "customer__email")
    list_select_related = ("order", "customer", "assignee")
    case_actions = CHANGE_ACTIONS
    # The case page is ours (CaseAdmin); Django's change form is never shown or saved.
    fields = readonly_fields = ("status",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "customer", "vendor")

    def case_title(self, obj: OrderChangeRequest) -> str:
        return _("%(kind)s: order %(number)s") % {
            "kind": obj.get_kind_display(),
            "number": obj.order.number,
        }

    def case_header(self, request, obj: OrderChangeRequest, now) -> CaseHeader:
        tz = obj.vendor.time_zone
        facts = [
            (_("Request"), obj.get_kind_display()),
            *customer_and_order_facts(obj.customer, obj.order),
            (
                _("Order placed"),
                vendor_time(obj.order.placed_at, tz) if obj.order.placed_at else "—",
            ),
            (_("Requested"), vendor_time(obj.requested_at, tz)),
            (
                _("Handling"),
                _("best effort (after the free window)") if obj.best_effort else _("in time"),
            ),
        ]
        if obj.address_lines:
            facts.append((_("New address"), ", ".join(obj.address_lines)))
        if obj.reason:
            facts.append((_("Customer's reason"), obj.reason))
        return CaseHeader(
            title=self.case_title(obj),
            status=status_label("orderchangerequest", obj.status, dict(ChangeStatus.choices)),
            status_key=obj.status,
            facts=facts,
        )

    def case_decision(self, request, obj: OrderChangeRequest) -> str:
        return findings_html(obj.decision.get("findings", []))

    def case_evidence(self, request, obj):
        return None

    def case_sections(self, request, obj: OrderChangeRequest):
        tz = obj.vendor.time_zone
        return [
            (
                _("Resolution"),
                [
                    (_("Resolved"), vendor_time(obj.resolved_at, tz)),
                    (_("By"), obj.resolved_by or "—"),
                    (_("Note"), obj.resolution_note or "—"),
                    (_("Policy version"), obj.policy_version),
                ],
            )
        ]

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        order_change_resolve(
            change_request=obj,
            actor=Actor.agent(request.user),
            done=name == "done",
            note=(data.get("note") or "").strip(),
        )
        return ""
