"""Units on the vendor's portal: the public warranty lookup by serial (start, end, replaced by
or for; nothing personal) and a customer's registration of a product by serial."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from rma.selectors.units import unit_warranty_status
from rma.services import DomainError
from rma.services.access import return_access_request
from rma.services.registration import (
    Purchase,
    unit_register_bought_elsewhere,
    unit_register_from_order,
)
from tenancy.models import Vendor

from .access import within_limit
from .branding import vendor_view
from .unit_forms import RegistrationForm

LOOKUP_LIMIT_PER_IP = 30
LOOKUP_WINDOW_SECONDS = 60 * 60
REGISTER_LIMIT_PER_IP = 10
REGISTER_WINDOW_SECONDS = 60 * 60


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


@vendor_view
def unit_register(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """Register a product by serial; a link to follow it and claim warranty goes by email."""
    policy = vendor.get_policy()
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        accepts_elsewhere=policy.proof_of_purchase() is not None,
        vendor_name=vendor.name,
    )
    context: dict = {"vendor": vendor, "form": form}
    if request.method != "POST" or not form.is_valid():
        code = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "portal/units/register.html", context, status=code)
    if not within_limit(request, "unit-register", REGISTER_LIMIT_PER_IP, REGISTER_WINDOW_SECONDS):
        form.add_error(None, _("Too many registrations from your network. Please try again later."))
        return TemplateResponse(request, "portal/units/register.html", context, status=429)
    data = form.cleaned_data
    try:
        if form.elsewhere:
            registration = unit_register_bought_elsewhere(
                vendor=vendor,
                serial=data["serial"],
                email=data["email"],
                purchase=Purchase(
                    seller=data["seller"],
                    country=data["country"],
                    purchased_on=data["purchased_on"],
                    product=data["product"],
                    price=data["price"],
                    currency=data["currency"],
                ),
                proof=data["proof"],
            )
        else:
            registration = unit_register_from_order(
                vendor=vendor,
                serial=data["serial"],
                email=data["email"],
                order_number=data["order_number"],
            )
    except DomainError as exc:
        context["refusals_dicts"] = exc.findings or [{"message": exc.message, "rule_id": ""}]
        return TemplateResponse(request, "portal/units/register.html", context, status=409)
    return_access_request(
        vendor=vendor,
        order_number=registration.order.number,
        email=registration.customer.email,
        language=get_language() or "en",
    )
    context.update(registration=registration, unit=registration.unit)
    return TemplateResponse(request, "portal/units/registered.html", context)
