"""A vendor's portal home: what its customers can do here, in its colours."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from policies.base import RequestKind
from tenancy.models import Vendor

from .access import signed_in_case
from .branding import vendor_view


def self_service_offers(vendor: Vendor) -> dict[str, bool]:
    """Which self-service paths the vendor's policy handles."""
    policy = vendor.get_policy()
    kinds = policy.supported_kinds
    offers = {
        "returns": bool(policy.scenarios),
        "cancellation": RequestKind.CANCELLATION in kinds,
        "address_change": RequestKind.ADDRESS_CHANGE in kinds,
        "solutions": RequestKind.SOLUTION_REJECT in kinds,
    }
    offers["any"] = offers["returns"] or offers["cancellation"] or offers["address_change"]
    return offers


@vendor_view
def vendor_home(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    return TemplateResponse(
        request,
        "portal/home.html",
        {
            "vendor": vendor,
            "offers": self_service_offers(vendor),
            "signed_in_order": signed_in_case(request, "access", vendor) is not None,
        },
    )
