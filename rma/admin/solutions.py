"""Admin for warranty solutions (REO rules): read-only pages with the legal agent actions."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from rma import services
from rma.models import Event, SolutionLine, WarrantySolution
from rma.services import Actor

from .base import CaseAction, CaseAdmin, ReadOnlyInline
from .evidence import SolutionEvidenceInline
from .export import ExportAdminMixin
from .queues import QueueAdminMixin, QueueFilter
from .workspace import WorkspaceAdminMixin


class SolutionLineInline(ReadOnlyInline):
    model = SolutionLine
    fields = ("sku", "name", "quantity", "amount")


class SolutionEventInline(ReadOnlyInline):
    model = Event
    fk_name = "solution"
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


SOLUTION_ACTIONS = (
    CaseAction("reissue_password", "Re-issue password", "can_reissue_password"),
    CaseAction(
        "complete", "Mark completed (replacement or refund sent)", "can_complete", inputs=("note",)
    ),
    CaseAction("cancel", "Cancel solution", "can_cancel", inputs=("note",)),
)


@admin.register(WarrantySolution)
class WarrantySolutionAdmin(WorkspaceAdminMixin, QueueAdminMixin, ExportAdminMixin, CaseAdmin):
    list_display = (
        "__str__",
        "status",
        "order_number",
        "customer_email",
        "kind",
        "sent_at",
        "expires_at",
        "assignee",
    )
    list_filter = (QueueFilter, "status", "kind", "return_required", "makeup_payment_required")
    search_fields = (
        "order__number",
        "order__customer__email",
        "return_tracking_number",
        "makeup_transaction_id",
    )
    list_select_related = ("order", "order__customer", "assignee")
    inlines = (SolutionLineInline, SolutionEvidenceInline, SolutionEventInline)
    case_actions = SOLUTION_ACTIONS
    readonly_fields = (
        "reference",
        "status",
        "order_link",
        "kind",
        "currency",
        "refund_amount",
        "makeup_amount",
        "return_required",
        "makeup_payment_required",
        "message",
        "address",
        "sent_at",
        "remind_at",
        "reminded_at",
        "expires_at",
        "password_issued_at",
        "confirmed_at",
        "rejected_at",
        "rejection_comment",
        "return_tracking_number",
        "makeup_transaction_id",
        "submitted_at",
        "completed_at",
        "policy_version",
        "portal_link",
    )
    fieldsets = (
        (
            "Proposal",
            {
                "fields": (
                    "reference",
                    "status",
                    "order_link",
                    "kind",
                    "currency",
                    "refund_amount",
                    "makeup_amount",
                    "return_required",
                    "makeup_payment_required",
                    "message",
                    "address",
                )
            },
        ),
        ("Portal link and Warranty Service button", {"fields": ("portal_link",)}),
        (
            "Confirmation (REO-1..REO-5)",
            {
                "fields": (
                    "sent_at",
                    "password_issued_at",
                    "remind_at",
                    "reminded_at",
                    "expires_at",
                    "confirmed_at",
                    "rejected_at",
                    "rejection_comment",
                )
            },
        ),
        (
            "Customer's details (REO-6..REO-12)",
            {
                "fields": (
                    "return_tracking_number",
                    "makeup_transaction_id",
                    "submitted_at",
                    "completed_at",
                    "policy_version",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "order__customer", "vendor")

    @admin.display(description="order", ordering="order__number")
    def order_number(self, obj: WarrantySolution) -> str:
        return obj.order.number

    @admin.display(description="customer", ordering="order__customer__email")
    def customer_email(self, obj: WarrantySolution) -> str:
        return obj.order.customer.email

    @admin.display(description="order")
    def order_link(self, obj: WarrantySolution) -> str:
        url = reverse("admin:rma_order_change", args=[obj.order_id])
        return format_html("<a href='{}'>{}</a>", url, obj.order.number)

    @admin.display(description="for the vendor's own email")
    def portal_link(self, obj: WarrantySolution) -> str:
        # Imported here: the API's admin module builds on this package's admin base.
        from api.admin import solution_embed_panel

        return solution_embed_panel(obj)

    @admin.display(description="shipping address")
    def address(self, obj: WarrantySolution) -> str:
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in obj.address_lines))

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        actor = Actor.agent(request.user)
        note = (data.get("note") or "").strip()
        if name == "reissue_password":
            # The new password is emailed to the customer; the old one stops working at once.
            services.solution_issue_password(solution=obj, actor=actor)
            return f"A new password was emailed to {obj.order.customer.email}."
        if name == "complete":
            services.solution_complete(solution=obj, actor=actor, note=note)
        else:
            services.solution_cancel(solution=obj, actor=actor, note=note)
        return ""
