"""Tenant-aware ModelAdmin: permissions by vendor membership, vendor choices limited to them.

Row scoping itself comes from django-scopes (every tenant model's manager is scoped and the
middleware opens the request's scope), so querysets, inlines, foreign-key choices,
autocomplete and object URLs all see only the user's vendors without per-admin code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from rma.messages import error_text, finding_text, refund_line_label
from rma.services import DomainError
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


NOTE = ActionInput("note", "Note", placeholder="Optional; goes into the audit trail")
SERIALS = ActionInput(
    "replacement_serials",
    "Replacement serials",
    kind="textarea",
    help="One per line: the replaced unit's serial = the new unit's serial.",
    placeholder="OLD-SERIAL = NEW-SERIAL",
)


def parse_serials(raw: str) -> dict[str, str]:
    """``OLD = NEW`` lines into a mapping; a malformed line is a clear error."""
    from rma.services import DomainError

    pairs: dict[str, str] = {}
    for number, line in enumerate((raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        old, sep, new = line.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise DomainError(f"Line {number} of the serials is not OLD = NEW: {line.strip()!r}.")
        pairs[old.strip()] = new.strip()
    return pairs


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
        self.message_user(request, f"{label}: done.", messages.SUCCESS)
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
        return obj.events.all()

    def action_context(self, request: HttpRequest, obj, action: CaseAction) -> dict:
        """Extra words for one action's form (e.g. the refund it would pay)."""
        return {}

    def perform_case_action(self, request: HttpRequest, obj, name: str, data) -> str:
        """Run the service behind ``name``; returns an optional line to show the agent."""
        raise DomainError(f"Unknown action {name!r}.")

    # -- machinery ------------------------------------------------------------------------------
    def _action_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_action"

    def get_urls(self):
        return [
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
                title=self.case_title(obj),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def case_title(self, obj) -> str:
        return f"{self.opts.verbose_name.capitalize()} {obj}"

    def get_inlines(self, request, obj):
        # The page shows evidence and the timeline itself; no formsets are built.
        return []


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
        "<table class='breakdown'>{}<tr><th>Total</th><th style='text-align:right'>{} {}</th>"
        "<th></th></tr></table>",
        rows,
        breakdown.get("total", ""),
        breakdown.get("currency", ""),
    )
