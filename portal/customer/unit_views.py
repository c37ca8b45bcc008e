"""Public warranty lookup by serial: start, end, replaced by or for; nothing personal."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.selectors.units import unit_warranty_status
from tenancy.models import Vendor

from .access import within_limit
from .branding import vendor_view

LOOKUP_LIMIT_PER_IP = 30
LOOKUP_WINDOW_SECONDS = 60 * 60


class WarrantyLookupForm(forms.Form):
    serial = forms.CharField(
        label=gettext_lazy("Serial number"),
        max_length=64,
        help_text=gettext_lazy("On the label on the device or its box."),
    )


def _lookup_allowed(request: HttpRequest) -> bool:
    """Serials are guessable, so one network may not walk through them."""
    return within_limit(request, "warranty-lookup", LOOKUP_LIMIT_PER_IP, LOOKUP_WINDOW_SECONDS)


@vendor_view
def warranty_lookup(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    form = WarrantyLookupForm(request.POST if request.method == "POST" else None)
    context: dict = {"vendor": vendor, "form": form, "status": None, "searched": False}
    code = 200
    if request.method == "POST" and form.is_valid():
        if not _lookup_allowed(request):
            form.add_error(None, _("Too many lookups from your network. Please try again later."))
            code = 429
        else:
            context["searched"] = True
            context["status"] = unit_warranty_status(
                vendor=vendor, serial=form.cleaned_data["serial"]
            )
    return TemplateResponse(request, "portal/units/warranty.html", context, status=code)
