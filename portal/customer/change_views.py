"""Asking to cancel an order or change its shipping address, window shown."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from rma.models import ChangeKind
from rma.services import Actor, DomainError
from rma.services.changes import order_change_request, order_change_window
from tenancy.models import Vendor

from .access import access_for, case_view
from .branding import vendor_view
from .forms import OrderChangeForm
from .home_views import self_service_offers


@vendor_view
@case_view
def order_change(request: HttpRequest, vendor: Vendor, kind: str) -> HttpResponse:
    access = access_for(request, vendor)
    if kind not in ChangeKind.values or not self_service_offers(vendor).get(kind):
        raise Http404("This vendor takes no such request here.")
    order = access.order
    decision, deadlines = order_change_window(order, kind)
    form = OrderChangeForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        order=order,
        initial=order.address_dict(),
    )
    refusal = None
    status = 200
    if request.method == "POST" and form.is_valid():
        address = form.address() if kind == ChangeKind.ADDRESS_CHANGE else None
        try:
            order_change_request(
                order=order,
                kind=kind,
                actor=Actor.customer(access.email),
                address=address,
                reason=form.cleaned_data.get("reason", ""),
            )
        except DomainError as exc:
            refusal = exc
            status = 409
        else:
            messages.success(
                request, _("Your request is with support; they will answer you by email.")
            )
            return redirect("portal:order_overview", vendor.slug)
    elif request.method == "POST":
        status = 400
    return TemplateResponse(
        request,
        "portal/returns/change.html",
        {
            "vendor": vendor,
            "order": order,
            "kind": kind,
            "kind_label": ChangeKind(kind).label,
            "decision": decision,
            "deadlines": deadlines,
            "form": form,
            "refusal": refusal,
        },
        status=status,
    )
