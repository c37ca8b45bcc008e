"""Admin for return requests: read-only case pages whose buttons offer only legal transitions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpRequest
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.vocabulary import DeadlineName
from rma import services
from rma.messages import deadline_label, error_text, wrong_item_choice
from rma.models import ReturnRequest, ReturnStatus
from rma.services import Actor, DomainError
from rma.services.return_handling import payable_refund, refund_to_pay

from .base import (
    NOTE,
    SERIALS,
    ActionInput,
    CaseAction,
    CaseAdmin,
    breakdown_html,
    findings_html,
    parse_amount,
    parse_serials,
)
from .catalogue import exchange_fact
from .columns import vendor_time_column
from .dashboard import dashboard_view
from .evidence import evidence_items
from .export import ExportAdminMixin
from .integrity import IntegrityFlagFilter, integrity_section, unit_facts
from .presentation import (
    CaseHeader,
    customer_and_order_facts,
    deadline_line,
    quantity_line,
    status_label,
    vendor_time,
)
from .queues import QueueAdminMixin, QueueFilter
from .search import IndexedSearchMixin
from .simulator import simulator_view
from .workspace import WorkspaceAdminMixin

RETURN_ACTIONS: tuple[CaseAction, ...] = (
    CaseAction("start_review", gettext_lazy("Start review"), "can_start_review", style="default"),
    CaseAction(
        "approve", gettext_lazy("Approve and issue RMA number"), "can_approve", style="default"
    ),
    CaseAction("flag_complex", gettext_lazy("Flag as complex case"), "can_flag_complex"),
    CaseAction(
        "reject",
        gettext_lazy("Reject"),
        "can_reject",
        inputs=(
            ActionInput(
                "reason", gettext_lazy("Reason (the customer reads it)"), "textarea", required=True
            ),
            ActionInput(
                "rule_ids",
                gettext_lazy("Rule ids"),
                placeholder="PREFIX-N",
                help=gettext_lazy("Comma-separated, optional."),
            ),
        ),
        style="danger",
    ),
    CaseAction(
        "mark_shipped",
        gettext_lazy("Record return tracking"),
        "can_mark_shipped",
        inputs=(
            ActionInput("carrier", gettext_lazy("Carrier"), "select", required=True),
            ActionInput("tracking_number", gettext_lazy("Tracking number"), required=True),
        ),
    ),
    CaseAction(
        "mark_received",
        gettext_lazy("Mark parcel received"),
        "can_mark_received",
        inputs=(NOTE,),
        style="default",
    ),
    CaseAction(
        "inspect",
        gettext_lazy("Record inspection"),
        "can_inspect",
        inputs=(
            ActionInput(
                "ratio",
                gettext_lazy("Refund ratio"),
                "number",
                placeholder="1",
                help=gettext_lazy("Leave empty for a full refund; 0.8 pays 80%."),
            ),
            ActionInput("note", gettext_lazy("Inspection note"), "textarea"),
            ActionInput(
                "return_freight",
                gettext_lazy("Return freight paid"),
                placeholder="12.50",
                help=gettext_lazy(
                    "From the customer's postage receipt; reimbursed where the policy covers it."
                ),
            ),
        ),
        style="default",
    ),
    CaseAction(
        "refund",
        gettext_lazy("Issue refund"),
        "can_refund",
        inputs=(
            ActionInput(
                "provider_reference",
                gettext_lazy("Provider reference"),
                placeholder=gettext_lazy("Optional; the payment provider's id"),
            ),
        ),
        style="default",
    ),
    CaseAction(
        "replace",
        gettext_lazy("Replacement sent"),
        "can_replace",
        inputs=(
            NOTE,
            SERIALS,
            ActionInput(
                "carrier",
                gettext_lazy("Replacement carrier"),
                placeholder=gettext_lazy("Optional, e.g. DHL"),
            ),
            ActionInput("tracking_number", gettext_lazy("Replacement tracking number")),
        ),
        style="default",
    ),
    CaseAction("close", gettext_lazy("Close"), "can_close", inputs=(NOTE,)),
    CaseAction(
        "cancel", gettext_lazy("Cancel request"), "can_cancel", inputs=(NOTE,), style="danger"
    ),
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
            raise DomainError(
                _("“%(raw)s” is not a number; enter a ratio such as 0.8.") % {"raw": raw}
            ) from exc
        services.return_record_inspection(
            return_request=rr,
            actor=actor,
            ratio=ratio,
            note=note,
            return_freight=parse_amount(data.get("return_freight"), _("return freight")),
        )
    elif name == "refund":
        services.return_refund(
            return_request=rr,
            actor=actor,
            provider_reference=data.get("provider_reference") or "",
        )
    elif name == "replace":
        services.return_replace(
            return_request=rr,
            actor=actor,
            note=note,
            replacement_serials=parse_serials(data.get("replacement_serials") or ""),
            carrier=data.get("carrier") or "",
            tracking_number=data.get("tracking_number") or "",
        )
    elif name == "close":
        services.return_close(return_request=rr, actor=actor, note=note)
    elif name == "cancel":
        services.return_cancel(return_request=rr, actor=actor, note=note)
    else:
        raise DomainError(_("Unknown action “%(name)s”.") % {"name": name})


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("review", _("Review overdue")),
            ("shipping", _("Not shipped by ship-by date")),
        ]

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


def _inspection_text(rr: ReturnRequest) -> str:
    """The inspection's refund share and note, e.g. ``80% refund: scratched``."""
    share = _("%(share)s refund") % {"share": f"{rr.inspection_ratio:.0%}"}
    return f"{share}: {rr.inspection_note}" if rr.inspection_note else share


def _parse_instant(value):
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _bulk(service_name: str, label, guard: str):
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
                modeladmin.message_user(request, f"{rr}: {error_text(exc)}", messages.WARNING)
        modeladmin.message_user(
            request,
            _("%(action)s: %(done)d done, %(skipped)d skipped (not allowed in their status).")
            % {"action": label, "done": done, "skipped": skipped},
        )

    action.short_description = label
    action.__name__ = f"bulk_{service_name}"
    return action


@admin.register(ReturnRequest)
class ReturnRequestAdmin(
    IndexedSearchMixin, WorkspaceAdminMixin, QueueAdminMixin, ExportAdminMixin, CaseAdmin
):
    list_display = (
        "__str__",
        "status",
        "scenario",
        "order_number",
        "customer_email",
        "requested_at_local",
        "review_due_local",
        "ship_by_local",
        "overdue",
        "assignee",
    )
    requested_at_local = vendor_time_column("requested_at", gettext_lazy("Requested"))
    review_due_local = vendor_time_column("review_due", gettext_lazy("Review due"))
    ship_by_local = vendor_time_column("ship_by", gettext_lazy("Ship by"))
    list_filter = (QueueFilter, "status", "scenario", OverdueFilter, IntegrityFlagFilter)
    search_fields = ("rma_number", "order__number", "customer__email", "tracking_number")
    list_select_related = ("order", "customer", "assignee")
    actions = (
        _bulk(
            "start_review",
            gettext_lazy("Start review of selected requests"),
            "can_start_review",
        ),
        _bulk("approve", gettext_lazy("Approve selected requests"), "can_approve"),
        _bulk(
            "mark_received",
            gettext_lazy("Mark selected parcels received"),
            "can_mark_received",
        ),
        _bulk("close", gettext_lazy("Close selected cases"), "can_close"),
    )
    case_actions = RETURN_ACTIONS
    change_list_template = "admin/rma/returnrequest_change_list.html"
    # The case page is ours (CaseAdmin); Django's change form is never shown or saved.
    fields = readonly_fields = ("status",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order", "customer", "vendor")

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_number(self, obj: ReturnRequest) -> str:
        return obj.order.number

    @admin.display(description=gettext_lazy("customer"), ordering="customer__email")
    def customer_email(self, obj: ReturnRequest) -> str:
        return obj.customer.email

    @admin.display(description=gettext_lazy("overdue"), boolean=True)
    def overdue(self, obj: ReturnRequest) -> bool:
        now = timezone.now()
        if obj.status in (ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW):
            return bool(obj.review_due and obj.review_due < now)
        return bool(obj.status == ReturnStatus.APPROVED and obj.ship_by and obj.ship_by < now)

    # -- the case page ----------------------------------------------------------------------
    def case_title(self, obj: ReturnRequest) -> str:
        if obj.rma_number:
            return _("Return %(number)s") % {"number": obj.rma_number}
        return _("Return request %(id)s") % {"id": obj.public_id.hex[:8]}

    def case_header(self, request, obj: ReturnRequest, now) -> CaseHeader:
        tz = obj.vendor.time_zone
        lines = ", ".join(
            quantity_line(line.quantity, line.order_line.name) for line in obj.lines.all()
        )
        facts = [
            (_("Scenario"), obj.get_scenario_display()),
            *customer_and_order_facts(obj.customer, obj.order),
            (_("RMA number"), obj.rma_number or _("not issued yet")),
            (_("Items"), lines or "—"),
            (_("Requested"), vendor_time(obj.requested_at, tz, with_zone=False)),
            *unit_facts(obj),
        ]
        if obj.wrong_item_option:
            facts.append((_("Customer's choice"), wrong_item_choice(obj)))
        if (exchange := exchange_fact(obj)) is not None:
            facts.append((_("Exchange asked for"), exchange))
        if obj.tracking_number:
            facts.append((_("Return tracking"), f"{obj.carrier.upper()} {obj.tracking_number}"))
        if obj.refund_amount is not None:
            facts.append((_("Refunded"), f"{obj.refund_amount} {obj.order.currency}"))
        reviewing = obj.status in (ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW)
        deadlines = []
        if obj.review_due:
            left = None
            if reviewing and obj.review_due > now:
                left = obj.vendor.get_policy().calendar.working_days_between(now, obj.review_due)
            deadlines.append(
                deadline_line(
                    _("Review due"),
                    obj.review_due,
                    tz,
                    now=now,
                    met_at=obj.approved_at if not reviewing else None,
                    active=reviewing or obj.approved_at is not None,
                    breached_at=obj.sla_breached_at if reviewing else None,
                    working_days_left=left,
                )
            )
        if obj.ship_by:
            deadlines.append(
                deadline_line(
                    _("Customer ships by"),
                    obj.ship_by,
                    tz,
                    now=now,
                    met_at=obj.shipped_at or obj.received_at,
                    active=obj.status == ReturnStatus.APPROVED,
                )
            )
        for d in obj.decision.get("deadlines", []):
            if d.get("name") in (DeadlineName.REVIEW_DUE, DeadlineName.SHIP_BY):
                continue
            deadlines.append(
                deadline_line(
                    deadline_label(d) or str(d.get("name", "")),
                    _parse_instant(d.get("at")),
                    tz,
                    now=now,
                    active=obj.is_open,
                    rule_id=d.get("rule_id", ""),
                )
            )
        return CaseHeader(
            title=self.case_title(obj),
            status=status_label("returnrequest", obj.status, dict(ReturnStatus.choices)),
            status_key=obj.status,
            facts=facts,
            deadlines=deadlines,
            zone_note=_("in %(vendor)s's time") % {"vendor": obj.vendor.name},
        )

    def case_decision(self, request, obj: ReturnRequest) -> str:
        allowed = obj.decision.get("allowed")
        verdict = (
            _("The policy allows this request.")
            if allowed
            else _("The policy refuses this request.")
            if allowed is False
            else ""
        )
        refund = ""
        if obj.refund_breakdown:
            refund = format_html(
                "<h3>{}</h3>{}", _("Refund paid"), breakdown_html(obj.refund_breakdown)
            )
        elif obj.can_refund():
            refund = format_html(
                "<h3>{}</h3>{}",
                _("Refund the policy would pay now"),
                breakdown_html(payable_refund(obj)),
            )
        return format_html(
            "<p><strong>{}</strong>{}</p>{}{}",
            verdict,
            format_html(" <span class='quiet'>{}</span>", _("Marked complex: longer review."))
            if obj.complex_case
            else "",
            findings_html(obj.decision.get("findings", [])),
            refund,
        )

    def case_evidence(self, request, obj: ReturnRequest) -> list:
        return evidence_items(obj.evidence.all(), obj.vendor.time_zone)

    def case_sections(self, request, obj: ReturnRequest):
        tz = obj.vendor.time_zone
        sections = [
            (
                _("Request"),
                [
                    (_("Reason given"), obj.reason or "—"),
                    (_("Customer is now in"), obj.current_country or "—"),
                    (_("Price of the item received"), obj.received_item_price or "—"),
                    (_("Follows claim"), str(obj.follows) if obj.follows_id else "—"),
                    (_("Return required"), _("yes") if obj.return_required else _("no")),
                    (
                        _("Money back as"),
                        _("store credit") if obj.store_credit else _("refund"),
                    ),
                    (_("Policy version"), obj.policy_version),
                ],
            ),
            (
                _("Handling"),
                [
                    (_("Approved"), vendor_time(obj.approved_at, tz)),
                    (_("Shipped"), vendor_time(obj.shipped_at, tz)),
                    (_("Received"), vendor_time(obj.received_at, tz)),
                    (_("Inspected"), vendor_time(obj.inspected_at, tz)),
                    (
                        _("Inspection"),
                        _inspection_text(obj)
                        if obj.inspection_ratio is not None
                        else obj.inspection_note or "—",
                    ),
                    (_("Refunded"), vendor_time(obj.refunded_at, tz)),
                    (_("Closed"), vendor_time(obj.closed_at, tz)),
                ],
            ),
        ]
        if (flags := integrity_section(obj)) is not None:
            sections.insert(0, flags)
        return sections

    def action_context(self, request, obj: ReturnRequest, action) -> dict:
        if action.name == "mark_shipped":
            carriers = obj.vendor.get_policy().carriers()
            return {"choices": [(c.code, c.name) for c in carriers]}
        if action.name == "refund":
            total, currency = refund_to_pay(obj)
            return {
                "button_label": _("Issue refund of %(amount)s %(currency)s")
                % {"amount": total, "currency": currency}
            }
        return {}

    def get_urls(self):
        return [
            path(
                "simulator/",
                self.admin_site.admin_view(lambda request: simulator_view(self, request)),
                name="rma_policy_simulator",
            ),
            path(
                "dashboard/",
                self.admin_site.admin_view(lambda request: dashboard_view(self, request)),
                name="rma_dashboard",
            ),
            *super().get_urls(),
        ]

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        run_return_action(obj, name, Actor.agent(request.user), data)
        return ""
