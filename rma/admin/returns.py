"""Admin for return requests: read-only case pages whose buttons offer only legal transitions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from rma import services
from rma.models import Event, ReturnLine, ReturnRequest, ReturnStatus
from rma.services import Actor, DomainError
from rma.services.return_handling import refund_preview

from .base import CaseAction, CaseAdmin, ReadOnlyInline, breakdown_html, findings_html
from .evidence import EvidenceInline
from .search import IndexedSearchMixin
from .simulator import simulator_view

RETURN_ACTIONS: tuple[CaseAction, ...] = (
    CaseAction("start_review", "Start review", "can_start_review"),
    CaseAction("approve", "Approve and issue RMA number", "can_approve", style="default"),
    CaseAction("flag_complex", "Flag as complex case", "can_flag_complex"),
    CaseAction("reject", "Reject", "can_reject", inputs=("reason", "rule_ids")),
    CaseAction(
        "mark_shipped",
        "Record return tracking",
        "can_mark_shipped",
        inputs=("carrier", "tracking_number"),
    ),
    CaseAction("mark_received", "Mark parcel received", "can_mark_received", inputs=("note",)),
    CaseAction(
        "inspect",
        "Record inspection",
        "can_inspect",
        inputs=("ratio", "note"),
        help="Ratio: leave empty for a full refund; 0.8 pays 80%.",
    ),
    CaseAction("refund", "Issue refund", "can_refund", style="default"),
    CaseAction("replace", "Replacement sent", "can_replace", inputs=("note",)),
    CaseAction("close", "Close", "can_close", inputs=("note",)),
    CaseAction("cancel", "Cancel request", "can_cancel", inputs=("note",)),
)


def run_return_action(rr: ReturnRequest, name: str, actor: Actor, data) -> None:
    """Dispatch one case action to its domain service; raises DomainError on refusal."""
    note = (data.get("note") or "").strip()
    if name == "start_review":
        services.return_start_review(return_request=rr, actor=actor)
    elif name == "approve":
        services.return_approve(return_request=rr, actor=actor)
    elif name == "flag_complex":
        services.return_flag_complex(return_request=rr, actor=actor)
    elif name == "reject":
        rule_ids = [r.strip().upper() for r in (data.get("rule_ids") or "").split(",") if r.strip()]
        services.return_reject(
            return_request=rr, actor=actor, reason=data.get("reason") or "", rule_ids=rule_ids
        )
    elif name == "mark_shipped":
        services.return_mark_shipped(
            return_request=rr,
            actor=actor,
            carrier=(data.get("carrier") or "").strip().lower(),
            tracking_number=data.get("tracking_number") or "",
        )
    elif name == "mark_received":
        services.return_mark_received(return_request=rr, actor=actor, note=note)
    elif name == "inspect":
        raw = (data.get("ratio") or "").strip()
        try:
            ratio = Decimal(raw) if raw else None
        except InvalidOperation as exc:
            raise DomainError(f"“{raw}” is not a number; enter a ratio such as 0.8.") from exc
        services.return_record_inspection(return_request=rr, actor=actor, ratio=ratio, note=note)
    elif name == "refund":
        services.return_refund(return_request=rr, actor=actor)
    elif name == "replace":
        services.return_replace(return_request=rr, actor=actor, note=note)
    elif name == "close":
        services.return_close(return_request=rr, actor=actor, note=note)
    elif name == "cancel":
        services.return_cancel(return_request=rr, actor=actor, note=note)
    else:
        raise DomainError(f"Unknown action {name!r}.")


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("review", "Review overdue (MKT-9)"), ("shipping", "Not shipped by ship-by date")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "review":
            return queryset.filter(
                Q(review_due__lt=now) | Q(sla_breached_at__isnull=False),
                status__in=[ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW],
            )
        if self.value() == "shipping":
            return queryset.filter(status=ReturnStatus.APPROVED, ship_by__lt=now)
        return queryset


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ("order_line", "quantity")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line")


class ReturnEventInline(ReadOnlyInline):
    model = Event
    fk_name = "return_request"
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


def _bulk(service_name: str, label: str, guard: str):
    def action(modeladmin, request, queryset):
        actor = Actor.agent(request.user)
        done = skipped = 0
        for rr in queryset:
            if not getattr(rr, guard)():
                skipped += 1
                continue
            try:
                run_return_action(rr, service_name, actor, {})
                done += 1
            except DomainError as exc:
                skipped += 1
                modeladmin.message_user(request, f"{rr}: {exc.message}", messages.WARNING)
        modeladmin.message_user(
            request, f"{label}: {done} done, {skipped} skipped (not allowed in their status)."
        )

    action.short_description = label
    action.__name__ = f"bulk_{service_name}"
    return action


@admin.register(ReturnRequest)
class ReturnRequestAdmin(IndexedSearchMixin, CaseAdmin):
    list_display = (
        "__str__",
        "status",
        "scenario",
        "order_number",
        "customer_email",
        "requested_at",
        "review_due",
        "ship_by",
        "overdue",
    )
    list_filter = ("status", "scenario", OverdueFilter)
    search_fields = ("rma_number", "order__number", "customer__email", "tracking_number")
    list_select_related = ("order", "customer")
    inlines = (ReturnLineInline, EvidenceInline, ReturnEventInline)
    actions = (
        _bulk("start_review", "Start review of selected requests", "can_start_review"),
        _bulk("approve", "Approve selected requests", "can_approve"),
        _bulk("mark_received", "Mark selected parcels received", "can_mark_received"),
        _bulk("close", "Close selected cases", "can_close"),
    )
    case_actions = RETURN_ACTIONS
    change_list_template = "admin/rma/returnrequest_change_list.html"
    readonly_fields = (
        "rma_number",
        "status",
        "scenario",
        "order_link",
        "customer",
        "follows",
        "reason",
        "attestations",
        "current_country",
        "wrong_item_option",
        "received_item_price",
        "complex_case",
        "decision_findings",
        "policy_version",
        "deadlines",
        "requested_at",
        "review_due",
        "sla_breached_at",
        "approved_at",
        "return_required",
        "ship_by",
        "carrier",
        "tracking_number",
        "shipped_at",
        "received_at",
        "inspected_at",
        "inspection_ratio",
        "inspection_note",
        "refund",
        "refunded_at",
        "replaced_at",
        "closed_at",
    )
    fieldsets = (
        (
            "Case",
            {
                "fields": (
                    "rma_number",
                    "status",
                    "scenario",
                    "order_link",
                    "customer",
                    "follows",
                    "reason",
                    "attestations",
                    "current_country",
                    "wrong_item_option",
                    "received_item_price",
                )
            },
        ),
        (
            "Policy decision",
            {"fields": ("decision_findings", "policy_version", "deadlines", "complex_case")},
        ),
        (
            "Review and shipping",
            {
                "fields": (
                    "requested_at",
                    "review_due",
                    "sla_breached_at",
                    "approved_at",
                    "return_required",
                    "ship_by",
                    "carrier",
                    "tracking_number",
                    "shipped_at",
                )
            },
        ),
        (
            "Inspection and money",
            {
                "fields": (
                    "received_at",
                    "inspected_at",
                    "inspection_ratio",
                    "inspection_note",
                    "refund",
                    "refunded_at",
                    "replaced_at",
                    "closed_at",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "customer", "vendor")

    @admin.display(description="order", ordering="order__number")
    def order_number(self, obj: ReturnRequest) -> str:
        return obj.order.number

    @admin.display(description="customer", ordering="customer__email")
    def customer_email(self, obj: ReturnRequest) -> str:
        return obj.customer.email

    @admin.display(boolean=True)
    def overdue(self, obj: ReturnRequest) -> bool:
        now = timezone.now()
        if obj.status in (ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW):
            return bool(obj.review_due and obj.review_due < now)
        return bool(obj.status == ReturnStatus.APPROVED and obj.ship_by and obj.ship_by < now)

    @admin.display(description="order")
    def order_link(self, obj: ReturnRequest) -> str:
        url = reverse("admin:rma_order_change", args=[obj.order_id])
        return format_html("<a href='{}'>{}</a>", url, obj.order.number)

    @admin.display(description="findings")
    def decision_findings(self, obj: ReturnRequest) -> str:
        return findings_html(obj.decision.get("findings", []))

    @admin.display(description="deadlines")
    def deadlines(self, obj: ReturnRequest) -> str:
        return (
            findings_html(
                {"ok": True, "message": f"{d['label']}: {d['at']}", "rule_id": d["rule_id"]}
                for d in obj.decision.get("deadlines", [])
            )
            if obj.decision.get("deadlines")
            else "—"
        )

    @admin.display(description="refund")
    def refund(self, obj: ReturnRequest) -> str:
        if obj.refund_breakdown:
            return breakdown_html(obj.refund_breakdown)
        if obj.can_refund():
            return format_html("Preview: {}", breakdown_html(refund_preview(obj).to_dict()))
        return "—"

    def get_urls(self):
        return [
            path(
                "simulator/",
                self.admin_site.admin_view(lambda request: simulator_view(self, request)),
                name="rma_policy_simulator",
            ),
            *super().get_urls(),
        ]

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        run_return_action(obj, name, Actor.agent(request.user), data)
        return ""
