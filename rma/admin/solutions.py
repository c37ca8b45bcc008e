"""Admin for warranty solutions (REO rules): read-only pages with the legal agent actions."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma import services
from rma.models import SolutionStatus, WarrantySolution
from rma.services import Actor

from .base import NOTE, SERIALS, CaseAction, CaseAdmin, parse_serials
from .columns import vendor_time_column
from .evidence import evidence_items
from .export import ExportAdminMixin
from .presentation import (
    CaseHeader,
    customer_and_order_facts,
    deadline_line,
    quantity_line,
    status_label,
    vendor_time,
)
from .queues import QueueAdminMixin, QueueFilter
from .workspace import WorkspaceAdminMixin

SOLUTION_ACTIONS = (
    CaseAction(
        "complete",
        gettext_lazy("Mark completed"),
        "can_complete",
        inputs=(NOTE, SERIALS),
        style="default",
        help=gettext_lazy("The replacement, repair or refund has been sent."),
    ),
    CaseAction(
        "reissue_password",
        gettext_lazy("Re-issue password"),
        "can_reissue_password",
        help=gettext_lazy("Emails the customer a new password; the old one stops working at once."),
    ),
    CaseAction(
        "cancel", gettext_lazy("Cancel solution"), "can_cancel", inputs=(NOTE,), style="danger"
    ),
)


@admin.register(WarrantySolution)
class WarrantySolutionAdmin(WorkspaceAdminMixin, QueueAdminMixin, ExportAdminMixin, CaseAdmin):
    list_display = (
        "__str__",
        "status",
        "order_number",
        "customer_email",
        "kind",
        "sent_at_local",
        "expires_at_local",
        "assignee",
    )
    sent_at_local = vendor_time_column("sent_at", gettext_lazy("Sent"))
    expires_at_local = vendor_time_column("expires_at", gettext_lazy("Expires"))
    list_filter = (QueueFilter, "status", "kind", "return_required", "makeup_payment_required")
    search_fields = (
        "order__number",
        "order__customer__email",
        "return_tracking_number",
        "makeup_transaction_id",
    )
    list_select_related = ("order", "order__customer", "assignee")
    case_actions = SOLUTION_ACTIONS
    # The case page is ours (CaseAdmin); Django's change form is never shown or saved.
    fields = readonly_fields = ("status",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "order__customer", "vendor")

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_number(self, obj: WarrantySolution) -> str:
        return obj.order.number

    @admin.display(description=gettext_lazy("customer"), ordering="order__customer__email")
    def customer_email(self, obj: WarrantySolution) -> str:
        return obj.order.customer.email

    # -- the case page ----------------------------------------------------------------------
    def case_title(self, obj: WarrantySolution) -> str:
        return _("Warranty solution %(reference)s") % {"reference": obj.reference}

    def case_header(self, request, obj: WarrantySolution, now) -> CaseHeader:
        tz = obj.vendor.time_zone
        customer = obj.order.customer
        money = []
        if obj.refund_amount:
            money.append(
                _("refund %(amount)s %(currency)s")
                % {"amount": obj.refund_amount, "currency": obj.currency}
            )
        if obj.makeup_amount:
            money.append(
                _("customer pays %(amount)s %(currency)s")
                % {"amount": obj.makeup_amount, "currency": obj.currency}
            )
        facts = [
            (_("Solution"), obj.get_kind_display()),
            *customer_and_order_facts(customer, obj.order),
            (_("Amounts"), ", ".join(money) or _("none")),
            (_("Return of the item"), _("required") if obj.return_required else _("not needed")),
            (_("Sent"), vendor_time(obj.sent_at, tz, with_zone=False)),
        ]
        pending = obj.status == SolutionStatus.PENDING_CONFIRM
        deadlines = [
            deadline_line(
                _("Customer confirms by"),
                obj.expires_at,
                tz,
                now=now,
                met_at=obj.confirmed_at or obj.rejected_at,
                active=pending,
            )
        ]
        if obj.remind_at:
            deadlines.append(
                deadline_line(
                    _("Reminder"),
                    obj.remind_at,
                    tz,
                    now=now,
                    met_at=obj.reminded_at,
                    active=pending,
                )
            )
        return CaseHeader(
            title=self.case_title(obj),
            status=status_label("warrantysolution", obj.status, dict(SolutionStatus.choices)),
            status_key=obj.status,
            facts=facts,
            deadlines=deadlines if obj.expires_at else [],
            zone_note=_("in %(vendor)s's time") % {"vendor": obj.vendor.name},
        )

    def case_decision(self, request, obj: WarrantySolution) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td style='text-align:right'>{}</td></tr>",
            (
                (quantity_line(line.quantity, line.name), line.sku, line.amount or "")
                for line in obj.lines.all()
            ),
        )
        message = format_html("<p>{}</p>", obj.message) if obj.message else ""
        return format_html(
            "<p><strong>{}</strong></p>{}<table class='breakdown'>"
            "<tr><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("Proposed: %(kind)s") % {"kind": obj.get_kind_display()},
            message,
            _("Item"),
            _("SKU"),
            _("Refund share"),
            rows,
        )

    def case_evidence(self, request, obj: WarrantySolution) -> list:
        return evidence_items(obj.evidence.all(), obj.vendor.time_zone)

    def case_sections(self, request, obj: WarrantySolution):
        tz = obj.vendor.time_zone
        address = (
            format_html_join(mark_safe("<br>"), "{}", ((line,) for line in obj.address_lines))
            or "—"
        )
        return [
            (
                _("Customer's answer and details"),
                [
                    (_("Agreed"), vendor_time(obj.confirmed_at, tz)),
                    (_("Disagreed"), vendor_time(obj.rejected_at, tz)),
                    (_("Customer's comment"), obj.rejection_comment or "—"),
                    (_("Shipping address"), address),
                    (_("Return tracking number"), obj.return_tracking_number or "—"),
                    (_("Make-up payment transaction"), obj.makeup_transaction_id or "—"),
                    (_("Submitted"), vendor_time(obj.submitted_at, tz)),
                    (_("Completed"), vendor_time(obj.completed_at, tz)),
                ],
            ),
            (
                _("Portal link and Warranty Service button"),
                [
                    (_("Password last issued"), vendor_time(obj.password_issued_at, tz)),
                    (_("For the vendor's own email"), self.portal_link(obj)),
                    (_("Policy version"), obj.policy_version or "—"),
                ],
            ),
        ]

    def portal_link(self, obj: WarrantySolution) -> str:
        # Imported here: the API's admin module builds on this package's admin base.
        from api.admin import solution_embed_panel

        return solution_embed_panel(obj)

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        actor = Actor.agent(request.user)
        note = (data.get("note") or "").strip()
        if name == "reissue_password":
            # The new password is emailed to the customer; the old one stops working at once.
            services.solution_issue_password(solution=obj, actor=actor)
            return _("A new password was emailed to %(email)s.") % {
                "email": obj.order.customer.email
            }
        if name == "complete":
            services.solution_complete(
                solution=obj,
                actor=actor,
                note=note,
                replacement_serials=parse_serials(data.get("replacement_serials") or ""),
            )
        else:
            services.solution_cancel(solution=obj, actor=actor, note=note)
        return ""
