"""Export of a case changelist, as filtered, searched and ordered on screen, to CSV or XLSX.

django-import-export's Resource builds the table and its formats write the files; the columns
are the changelist's own (``list_display``), formatted as the agent reads them on screen. The
queryset is the admin's, so the vendor scope applies as it does to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    label_for_field,
    lookup_field,
)
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX

from .queues import agent_time_zone

FORMATS = {"csv": CSV, "xlsx": XLSX}
# A larger export is a reporting job, not a page: narrow the filters (or use the API).
EXPORT_LIMIT = 50_000


class ChangelistResource(resources.Resource):
    """One column per changelist column, valued as the changelist shows it."""

    def __init__(self, model_admin, columns: list[str]) -> None:
        super().__init__()
        self.model_admin = model_admin
        self.columns = columns
        self.fields = {}
        for name in columns:
            label = label_for_field(name, model_admin.model, model_admin)
            self.fields[name] = Field(
                column_name=str(label).capitalize(),
                dehydrate_method=lambda obj, name=name: self.cell(obj, name),
            )

    def get_export_order(self):
        return tuple(self.columns)

    def cell(self, obj, name: str) -> str:
        try:
            field, attr, value = lookup_field(name, obj, self.model_admin)
        except (AttributeError, ObjectDoesNotExist):
            return ""
        if isinstance(value, bool) or (
            field is not None and field.get_internal_type() == "BooleanField"
        ):
            return _("yes") if value else _("no")
        if field is not None and not getattr(field, "flatchoices", None) and value is not None:
            if hasattr(value, "tzinfo") and value.tzinfo is not None:
                return value.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M")
            shown = display_for_field(value, field, "")
        else:
            boolean = getattr(attr, "boolean", False)
            if boolean:
                return _("yes") if value else _("no")
            if field is not None and getattr(field, "flatchoices", None):
                value = dict(field.flatchoices).get(value, value)
            shown = display_for_value(value, "", boolean)
        return strip_tags(str(shown))


class ExportAdminMixin:
    """Adds ``export/csv/`` and ``export/xlsx/`` to a changelist, keeping its query string."""

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name=f"{info}_export",
            ),
            *super().get_urls(),
        ]

    def export_columns(self, request: HttpRequest) -> list[str]:
        return [c for c in self.get_list_display(request) if c != "action_checkbox"]

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in FORMATS or not self.has_view_permission(request):
            raise Http404("No such export.")
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        if queryset[: EXPORT_LIMIT + 1].count() > EXPORT_LIMIT:
            self.message_user(
                request,
                _("An export holds at most %(limit)s cases; narrow the filters first.")
                % {"limit": formats.number_format(EXPORT_LIMIT, force_grouping=True)},
                messages.ERROR,
            )
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(f"{url}?{request.GET.urlencode()}")
        resource = ChangelistResource(self, self.export_columns(request))
        with timezone.override(agent_time_zone(request)):
            dataset = resource.export(queryset=queryset.iterator(chunk_size=2000))
        file_format = FORMATS[fmt]()
        body = file_format.export_data(dataset)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        name = f"{self.opts.model_name}-{stamp}.{file_format.get_extension()}"
        response = HttpResponse(body, content_type=file_format.get_content_type())
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def export_links(self, request: HttpRequest) -> list[tuple[str, str]]:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        query = request.GET.urlencode()
        return [
            (label, reverse(f"admin:{info}_export", args=[fmt]) + (f"?{query}" if query else ""))
            for fmt, label in (("csv", _("Export CSV")), ("xlsx", _("Export Excel")))
        ]
