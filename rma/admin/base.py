"""Tenant-aware ModelAdmin: permissions by vendor membership, vendor choices limited to them.

Row scoping itself comes from django-scopes (every tenant model's manager is scoped and the
middleware opens the request's scope), so querysets, inlines, foreign-key choices,
autocomplete and object URLs all see only the user's vendors without per-admin code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.formatting import vendor_time
from rma.messages import error_text, finding_text, refund_line_label
from rma.models import ResolutionKind, ResolutionStep
from rma.services import Actor, DomainError, resolution_report
from tenancy.models import Vendor

from .paging import NextPagePaginator, page_number
from .presentation import CaseHeader, timeline


def vendor_queryset(request: HttpRequest):
    if request.user.is_superuser:
        return Vendor.objects.all()
    return Vendor.objects.filter(pk__in=getattr(request, "vendor_ids", []) or [])


def is_member(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(getattr(request, "vendor_ids", None))


@dataclass(frozen=True)
class ActionInput:
    """One field a next step needs (a ratio, a note, a reason), rendered inside its own form."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, number, select
    required: bool = False
    help: str = ""
    placeholder: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CaseAction:
    """One button on a case page: the model's guard method and the inputs the service needs."""

    name: str
    label: str
    guard: str
    inputs: tuple[ActionInput, ...] = ()
    style: str = ""
    help: str = ""
    confirm: str = ""


NOTE = ActionInput(
    "note", gettext_lazy("Note"), placeholder=gettext_lazy("Optional; goes into the audit trail")
)
SERIALS = ActionInput(
    "replacement_serials",
    gettext_lazy("Replacement serials"),
    kind="textarea",
    help=gettext_lazy("One per line: the replaced unit's serial = the new unit's serial."),
    placeholder=gettext_lazy("OLD-SERIAL = NEW-SERIAL"),
)
OPTIONAL = gettext_lazy("Optional")


Step = ResolutionStep
# Each resolution step's button on the case page, and the fields its form asks.
RESOLUTION_BUTTONS = {
    Step.PAID: gettext_lazy("Mark refund paid"),
    Step.COUPON_ISSUED: gettext_lazy("Coupon issued"),
    Step.CREDIT_ISSUED: gettext_lazy("Store credit issued"),
    Step.SHIPPED: gettext_lazy("Mark shipped"),
    Step.DELIVERED: gettext_lazy("Mark delivered"),
    Step.PAYMENT_VERIFIED: gettext_lazy("Payment verified"),
    Step.CANCELLED: gettext_lazy("Cancel resolution"),
}
RESOLUTION_INPUTS: dict[str, tuple[ActionInput, ...]] = {
    Step.PAID: (
        ActionInput(
            "provider_reference",
            gettext_lazy("Provider reference"),
            placeholder=gettext_lazy("Optional; e.g. re_3PqX…"),
        ),
    ),
    Step.COUPON_ISSUED: (ActionInput("coupon_code", gettext_lazy("Coupon code"), required=True),),
    Step.CREDIT_ISSUED: (
        ActionInput("coupon_code", gettext_lazy("Credit code"), placeholder=OPTIONAL),
    ),
    Step.SHIPPED: (
        ActionInput(
            "carrier",
            gettext_lazy("Shipment carrier"),
            required=True,
            placeholder=gettext_lazy("e.g. DHL"),
        ),
        ActionInput("tracking_number", gettext_lazy("Shipment tracking number"), required=True),
    ),
    Step.PAYMENT_VERIFIED: (
        ActionInput(
            "transaction_id",
            gettext_lazy("Payment transaction ID"),
            help=gettext_lazy(
                "Check it against the payment received; empty: the ID the customer gave."
            ),
        ),
    ),
    Step.CANCELLED: (ActionInput("note", gettext_lazy("Why cancelled"), placeholder=OPTIONAL),),
}


def parse_serials(raw: str) -> dict[str, str]:
    """``OLD = NEW`` lines into a mapping; a malformed line is a clear error."""
    from rma.services import DomainError

    pairs: dict[str, str] = {}
    for number, line in enumerate((raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        old, sep, new = line.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise DomainError(
                _("Line %(number)s of the serials is not OLD = NEW: “%(line)s”.")
                % {"number": number, "line": line.strip()}
            )
        pairs[old.strip()] = new.strip()
    return pairs


def parse_amount(raw: str | None, what: str) -> Decimal | None:
    """An optional money amount typed by an agent; a malformed one is a clear error.

    ``what`` names the amount in the reader's words ("return freight"), already translated.
    """
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise DomainError(
            _("“%(raw)s” is not an amount; enter the %(what)s such as 12.50.")
            % {"raw": raw, "what": what}
        )
    return amount


class TenantAdmin(admin.ModelAdmin):
    """Cases are created and moved by domain services, so add and delete are off by default."""

    show_full_result_count = False
    list_per_page = 50
    # "Show all" would read every row of the vendor.
    list_max_show_all = 0
    # Pages without COUNT(*): see paging.py.
    paginator = NextPagePaginator
    allow_add = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, page=page_number(request)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_member(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_member(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_member(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.allow_add and is_member(request)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_list_filter(self, request: HttpRequest):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser:
            filters.append("vendor")
        return filters

    def get_list_display(self, request: HttpRequest):
        display = list(super().get_list_display(request))
        if request.user.is_superuser or len(getattr(request, "vendor_ids", []) or []) > 1:
            display.append("vendor")
        return display

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Vendor:
            kwargs["queryset"] = vendor_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def run_service(self, request: HttpRequest, label: str, call) -> bool:
        """Run one domain service; report success or its refusal (with rule ids) to the agent."""
        try:
            call()
        except DomainError as exc:
            rules = sorted({f["rule_id"] for f in exc.findings if f.get("rule_id")})
            text = error_text(exc)
            suffix = f" ({', '.join(rules)})" if rules and not all(r in text for r in rules) else ""
            self.message_user(request, f"{label}: {text}{suffix}", messages.ERROR)
            return False
        self.message_user(request, _("%(action)s: done.") % {"action": label}, messages.SUCCESS)
        return True


class TenantInline(admin.TabularInline):
    """Inline permissions follow vendor membership, like the parent admin."""

    extra = 0

    def has_view_permission(self, request, obj=None) -> bool:
        return is_member(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_member(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_member(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CaseAdmin(TenantAdmin):
    """A case page (return request, warranty solution, order change) that an agent works from.

    The page is ours, not Django's change form: a header (status, deadlines in vendor time, SLA
    state, customer, order), the legal next steps right under it, each a ``<form>`` of its own
    that POSTs to ``<id>/action/<name>/`` and runs one domain service, then the policy's
    decision, the evidence, the timeline in words and the case's details. Nothing on it is
    edited in place, so the change form itself is never rendered or accepted.
    """

    change_form_template = "admin/rma/case_change_form.html"
    case_actions: tuple[CaseAction, ...] = ()

    # -- what a concrete case admin provides --------------------------------------------------
    def case_header(self, request: HttpRequest, obj, now) -> CaseHeader:
        """What the case is and where it stands; concrete admins add facts and deadlines."""
        return CaseHeader(
            title=self.case_title(obj), status=obj.get_status_display(), status_key=obj.status
        )

    def case_sections(self, request: HttpRequest, obj) -> list[tuple[str, list[tuple[str, str]]]]:
        """The details below the timeline: (section title, [(label, html)])."""
        return []

    def case_decision(self, request: HttpRequest, obj) -> str:
        return ""

    def case_evidence(self, request: HttpRequest, obj) -> list:
        return []

    def case_events(self, request: HttpRequest, obj):
        """The case's own events and its resolutions' steps, oldest first: one timeline, so
        every step an agent takes on the case page shows there."""
        if not hasattr(obj, "resolutions"):
            return obj.events.all()
        case_field = obj.events.field.name  # "return_request" or "solution"
        return (
            obj.events.model.objects.filter(
                Q(**{case_field: obj}) | Q(**{f"resolution__{case_field}": obj})
            )
            .select_related("resolution")
            .order_by("created_at", "id")
        )

    def action_context(self, request: HttpRequest, obj, action: CaseAction) -> dict:
        """Extra words for one action's form (e.g. the refund it would pay)."""
        return {}

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        """Run the service behind ``name``; returns an optional line to show the agent."""
        raise DomainError(_("Unknown action “%(name)s”.") % {"name": name})

    # -- machinery ------------------------------------------------------------------------------
    def _action_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_action"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/resolution/<uuid:resolution_id>/<str:step>/",
                self.admin_site.admin_view(self.resolution_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_resolution",
            ),
            path(
                "<path:object_id>/action/<str:action>/",
                self.admin_site.admin_view(self.action_view),
                name=self._action_url_name(),
            ),
            *super().get_urls(),
        ]

    def change_url(self, obj) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def action_view(self, request: HttpRequest, object_id: str, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        case_action = {a.name: a for a in self.case_actions}.get(action)
        if obj is None or case_action is None or not self.has_change_permission(request, obj):
            raise Http404("No such case or action.")
        said: list[str] = []
        if (
            self.run_service(
                request,
                case_action.label,
                lambda: said.append(self.perform_case_action(request, obj, action, request.POST)),
            )
            and said[0]
        ):
            self.message_user(request, said[0])
        return HttpResponseRedirect(self.change_url(obj))

    def resolution_view(self, request: HttpRequest, object_id: str, resolution_id, step: str):
        """One resolution step from the case page's Resolutions section."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None or not hasattr(obj, "resolutions") or step not in RESOLUTION_BUTTONS:
            raise Http404("No such case or step.")
        if not self.has_change_permission(request, obj):
            raise Http404("No such case or step.")
        resolution = obj.resolutions.filter(public_id=resolution_id).first()
        if resolution is None:
            raise Http404("No such resolution on this case.")
        label = f"{resolution.get_kind_display()}: {RESOLUTION_BUTTONS[step]}"
        self.run_service(
            request,
            label,
            lambda: resolution_report(
                resolution=resolution,
                step=step,
                actor=Actor.agent(request.user),
                data=request.POST,
            ),
        )
        return HttpResponseRedirect(self.change_url(obj) + "#resolutions-title")

    def case_resolutions(self, request: HttpRequest, obj) -> list[dict]:
        """Each resolution with its facts and one form per legal next step."""
        if not hasattr(obj, "resolutions"):
            return []
        url_name = f"admin:{self.opts.app_label}_{self.opts.model_name}_resolution"
        tz = obj.vendor.time_zone
        out = []
        from .presentation import actor_text

        resolutions = obj.resolutions.select_related(
            "order_line", "exchange__variant__product", "exchange__order_line"
        ).prefetch_related("events")
        for resolution in resolutions.order_by("id"):
            steps = [
                {
                    "name": step,
                    "label": RESOLUTION_BUTTONS[step],
                    "inputs": RESOLUTION_INPUTS.get(step, ()),
                    "url": reverse(url_name, args=[obj.pk, resolution.public_id, step]),
                    "danger": step == Step.CANCELLED,
                }
                for step in resolution.legal_steps()
            ]
            out.append(
                {
                    "resolution": resolution,
                    "lines": [
                        (refund_line_label(line), line["amount"], line.get("rule_id", ""))
                        for line in resolution.lines
                    ],
                    "facts": _resolution_facts(resolution, tz),
                    "steps": steps,
                    # Its own audit trail: who did each step, when (vendor time).
                    "history": [
                        (
                            vendor_time(event.created_at, tz, with_zone=False),
                            actor_text(event),
                            str(Step(event.action).label)
                            if event.action in Step.values
                            else _("Planned"),
                        )
                        for event in resolution.events.all()
                    ],
                }
            )
        return out

    def offered_actions(self, request: HttpRequest, obj) -> list[dict]:
        return [
            {
                "action": a,
                "url": reverse(f"admin:{self._action_url_name()}", args=[obj.pk, a.name]),
                **self.action_context(request, obj, a),
            }
            for a in self.case_actions
            if getattr(obj, a.guard)()
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None and request.method == "POST":
            # Case pages have nothing to save: every change is a next step with its own URL.
            return HttpResponseNotAllowed(["GET"])
        return super().changeform_view(request, object_id, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            now = timezone.now()
            offered = self.offered_actions(request, obj)
            extra_context.update(
                case=obj,
                case_header=self.case_header(request, obj, now),
                case_actions=[(entry["action"], entry["url"]) for entry in offered],
                case_action_forms=offered,
                case_decision=self.case_decision(request, obj),
                case_evidence=self.case_evidence(request, obj),
                case_timeline=timeline(
                    self.case_events(request, obj),
                    obj.vendor.time_zone,
                    dict(type(obj)._meta.get_field("status").choices),
                ),
                case_sections=self.case_sections(request, obj),
                case_resolutions=self.case_resolutions(request, obj),
                title=self.case_title(obj),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def case_title(self, obj) -> str:
        return f"{self.opts.verbose_name.capitalize()} {obj}"

    def get_inlines(self, request, obj):
        # The page shows evidence and the timeline itself; no formsets are built.
        return []


def _exchange_of(resolution):
    """The customer's chosen exchange behind an exchange resolution, or None."""
    if resolution.kind != ResolutionKind.EXCHANGE:
        return None
    try:
        return resolution.exchange
    except ObjectDoesNotExist:
        return None


def _resolution_facts(resolution, tz: str) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = []
    swap = _exchange_of(resolution)
    if resolution.amount and swap is None:  # an exchange's amount is its settled difference
        facts.append((_("Amount"), f"{resolution.amount} {resolution.currency}"))
    if resolution.method:
        facts.append((_("Paid as"), resolution.get_method_display()))
    if swap is not None:
        # An exchange ships the chosen variant; its order line is what comes back.
        new = swap.variant
        facts.append((_("Item"), f"{swap.quantity} × {new.display_name} ({new.sku})"))
        line = swap.order_line
        facts.append((_("Goes back"), f"{swap.quantity} × {line.name} ({line.sku})"))
        facts.append((str(swap.get_settlement_display()), f"{swap.difference} {swap.currency}"))
    elif resolution.order_line_id:
        line = resolution.order_line
        facts.append((_("Item"), f"{resolution.quantity} × {line.name} ({line.sku})"))
    if resolution.makeup_amount:
        owed = f"{resolution.makeup_amount} {resolution.currency}"
        typed = resolution.makeup_transaction_id or (
            resolution.solution.makeup_transaction_id if resolution.solution_id else ""
        )
        if resolution.makeup_verified_at:
            owed = _("%(amount)s, verified %(when)s") % {
                "amount": owed,
                "when": vendor_time(resolution.makeup_verified_at, tz),
            }
        facts.append((_("Make-up payment"), owed))
        facts.append((_("Transaction ID"), typed or _("not given yet")))
    if resolution.carrier or resolution.tracking_number:
        facts.append((_("Tracking"), f"{resolution.carrier} {resolution.tracking_number}".strip()))
    for label, value in (
        (_("Coupon code"), resolution.coupon_code),
        (_("Provider reference"), resolution.provider_reference),
    ):
        if value:
            facts.append((label, value))
    if resolution.warranty_end:
        facts.append((_("Warranty until"), vendor_time(resolution.warranty_end, tz)))
    if resolution.done_at:
        facts.append((_("Done"), vendor_time(resolution.done_at, tz)))
    if resolution.rule_ids:
        facts.append((_("Rules"), ", ".join(resolution.rule_ids)))
    return facts


class ReadOnlyInline(TenantInline):
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.fields or []]


def findings_html(findings) -> str:
    """A decision's findings as a list: ✔/✘, the sentence, the rule id."""
    if not findings:
        return "—"
    return format_html(
        "<ul class='findings'>{}</ul>",
        format_html_join(
            "",
            "<li>{} {} <code>{}</code></li>",
            (
                ("✔" if f.get("ok") else "✘", finding_text(f), f.get("rule_id", ""))
                for f in findings
            ),
        ),
    )


def breakdown_html(breakdown: dict) -> str:
    if not breakdown:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td style='text-align:right'>{}</td><td><code>{}</code></td></tr>",
        (
            (refund_line_label(line), line["amount"], line["rule_id"])
            for line in breakdown.get("lines", [])
        ),
    )
    return format_html(
        "<table class='breakdown'>{}<tr><th>{}</th><th style='text-align:right'>{} {}</th>"
        "<th></th></tr></table>",
        rows,
        _("Total"),
        breakdown.get("total", ""),
        breakdown.get("currency", ""),
    )
