"""Admin for warranty solutions (REO rules): read-only pages with the legal agent actions."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from rma import services
from rma.models import Event, SolutionLine, WarrantySolution
from rma.services import Actor

from .base import CaseAction, ReadOnlyInline, TenantAdmin
from .evidence import SolutionEvidenceInline


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
ACTIONS_BY_NAME = {a.name: a for a in SOLUTION_ACTIONS}


@admin.register(WarrantySolution)
class WarrantySolutionAdmin(TenantAdmin):
    list_display = (
        "__str__",
        "status",
        "order_number",
        "customer_email",
        "kind",
        "sent_at",
        "expires_at",
    )
    list_filter = ("status", "kind", "return_required", "makeup_payment_required")
    search_fields = (
        "order__number",
        "order__customer__email",
        "return_tracking_number",
        "makeup_transaction_id",
    )
    list_select_related = ("order", "order__customer")
    inlines = (SolutionLineInline, SolutionEvidenceInline, SolutionEventInline)
    change_form_template = "admin/rma/case_change_form.html"
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

    def get_urls(self):
        return [
            path(
                "<path:object_id>/action/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name="rma_warrantysolution_action",
            ),
            *super().get_urls(),
        ]

    def action_view(self, request: HttpRequest, object_id: str, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        solution = self.get_object(request, object_id)
        labels = {name: a.label for name, a in ACTIONS_BY_NAME.items()}
        if solution is None or action not in labels:
            raise Http404("No such solution or action.")
        actor = Actor.agent(request.user)
        note = (request.POST.get("note") or "").strip()
        if action == "reissue_password":
            # The new password is emailed to the customer; the old one stops working at once.
            if self.run_service(
                request,
                labels[action],
                lambda: services.solution_issue_password(solution=solution, actor=actor),
            ):
                self.message_user(
                    request, f"A new password was emailed to {solution.order.customer.email}."
                )
        elif action == "complete":
            self.run_service(
                request,
                labels[action],
                lambda: services.solution_complete(solution=solution, actor=actor, note=note),
            )
        else:
            self.run_service(
                request,
                labels[action],
                lambda: services.solution_cancel(solution=solution, actor=actor, note=note),
            )
        return HttpResponseRedirect(
            reverse("admin:rma_warrantysolution_change", args=[solution.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        solution = self.get_object(request, object_id)
        if solution is not None:
            extra_context["case_actions"] = [
                (a, reverse("admin:rma_warrantysolution_action", args=[solution.pk, a.name]))
                for a in SOLUTION_ACTIONS
                if getattr(solution, a.guard)()
            ]
        return super().change_view(request, object_id, form_url, extra_context)
