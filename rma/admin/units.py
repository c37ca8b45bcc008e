"""Units in the admin: the registry by serial, and a bulk CSV upload for one vendor."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from rma.models import Unit, UnitRegistration
from rma.services import DomainError
from rma.services.units import CSV_COLUMNS, units_upload_csv
from rma.storage import evidence_response

from .base import TenantAdmin, vendor_queryset

MAX_CSV_BYTES = 5 * 1024 * 1024


class UnitUploadForm(forms.Form):
    vendor = forms.ModelChoiceField(label=gettext_lazy("Vendor"), queryset=None, empty_label=None)
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendor_queryset(request)
        # The column names are the file's format: they stay as they are in any language.
        self.fields["file"].help_text = _(
            "UTF-8, a header row with %(columns)s (batch and market optional). "
            "A serial already known is updated."
        ) % {"columns": ", ".join(CSV_COLUMNS)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it.")
                % {"mb": MAX_CSV_BYTES // (1024 * 1024)}
            )
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
                    _("Units for %(vendor)s: %(created)s new, %(updated)s updated.")
                    % {"vendor": vendor, "created": result.created, "updated": result.updated},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:rma_unit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Upload units (CSV)"),
        }
        return TemplateResponse(request, "admin/rma/unit_upload.html", context)


@admin.register(UnitRegistration)
class UnitRegistrationAdmin(TenantAdmin):
    """Customers' registrations, read-only: who registered which serial, from which purchase,
    with the proof of purchase and the policy's decision on it."""

    list_display = (
        "serial",
        "customer_email",
        "order",
        "bought_elsewhere",
        "seller",
        "purchased_on",
        "created_at",
    )
    list_filter = ("bought_elsewhere",)
    search_fields = ("unit__serial", "customer__email", "order__number", "seller")
    list_select_related = ("unit", "customer", "order")
    fields = readonly_fields = (
        "unit",
        "customer",
        "order",
        "bought_elsewhere",
        "seller",
        "purchased_on",
        "proof_link",
        "decision_rules",
        "created_at",
    )

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a record of what the customer said; nothing to edit

    @admin.display(description=gettext_lazy("serial"), ordering="unit__serial")
    def serial(self, obj: UnitRegistration) -> str:
        return obj.unit.serial

    @admin.display(description=gettext_lazy("customer"), ordering="customer__email")
    def customer_email(self, obj: UnitRegistration) -> str:
        return obj.customer.email

    @admin.display(description=gettext_lazy("proof of purchase"))
    def proof_link(self, obj: UnitRegistration) -> str:
        if not obj.proof:
            return "—"
        url = reverse("admin:rma_unitregistration_proof", args=[obj.pk])
        return format_html(
            "<a href='{}'>{}</a>",
            url,
            _("%(type)s (%(size)s bytes)")
            % {"type": obj.proof_content_type, "size": obj.proof_size},
        )

    @admin.display(description=gettext_lazy("decision"))
    def decision_rules(self, obj: UnitRegistration) -> str:
        from .base import findings_html

        return findings_html(obj.decision.get("findings", []))

    def get_urls(self):
        return [
            path(
                "<int:pk>/proof/",
                self.admin_site.admin_view(self.proof_view),
                name="rma_unitregistration_proof",
            ),
            *super().get_urls(),
        ]

    def proof_view(self, request: HttpRequest, pk: int):
        obj = self.get_object(request, str(pk))
        if obj is None or not obj.proof or not self.has_view_permission(request, obj):
            raise Http404("No such file.")
        file = SimpleNamespace(pk=obj.pk, file=obj.proof, content_type=obj.proof_content_type)
        return evidence_response(file)
