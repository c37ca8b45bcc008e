"""Units in the admin: the registry by serial, and a bulk CSV upload for one vendor."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django_scopes import scope

from rma.models import Unit
from rma.services import DomainError
from rma.services.units import CSV_COLUMNS, units_upload_csv

from .base import TenantAdmin, vendor_queryset

MAX_CSV_BYTES = 5 * 1024 * 1024


class UnitUploadForm(forms.Form):
    vendor = forms.ModelChoiceField(queryset=None, empty_label=None)
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8, a header row with {', '.join(CSV_COLUMNS)} (batch and market optional). "
        "A serial already known is updated.",
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendor_queryset(request)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        return upload


@admin.register(Unit)
class UnitAdmin(TenantAdmin):
    list_display = (
        "serial",
        "sku",
        "batch",
        "market",
        "order_line",
        "warranty_end",
        "warranty_rule_id",
        "replaces",
        "source",
    )
    list_filter = ("source", "market")
    search_fields = ("serial", "batch", "sku")
    list_select_related = ("order_line__order", "replaces")
    readonly_fields = (
        "vendor",
        "serial",
        "sku",
        "order_line",
        "replaces",
        "source",
        "warranty_start",
        "warranty_end",
        "warranty_rule_id",
    )
    fields = (*readonly_fields[:4], "batch", "market", *readonly_fields[4:])

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="rma_unit_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest):
        if not self.has_view_permission(request):
            raise Http404("No such page.")
        form = UnitUploadForm(request.POST or None, request.FILES or None, request=request)
        if request.method == "POST" and form.is_valid():
            vendor = form.cleaned_data["vendor"]
            try:
                with scope(vendor=vendor):
                    result = units_upload_csv(vendor=vendor, data=form.cleaned_data["file"].read())
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                self.message_user(
                    request,
                    f"Units for {vendor}: {result.created} new, {result.updated} updated.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:rma_unit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Upload units (CSV)",
        }
        return TemplateResponse(request, "admin/rma/unit_upload.html", context)
