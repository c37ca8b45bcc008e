"""Each vendor's look on its pages: name, logo, accent colour (with a readable text colour)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import get_urlconf, reverse
from django_scopes import scope

from tenancy.models import Vendor


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str) -> str:
    """Black or white, whichever reads better on the vendor's colour."""
    return max(("#ffffff", "#111111"), key=lambda text: contrast_ratio(background, text))


@dataclass(frozen=True)
class Brand:
    name: str
    slug: str
    accent: str
    on_accent: str
    support_email: str
    logo_url: str

    @classmethod
    def of(cls, vendor: Vendor) -> Brand:
        accent = vendor.accent_colour or "#0a5fb4"
        return cls(
            name=vendor.name,
            slug=vendor.slug,
            accent=accent,
            on_accent=text_on(accent),
            support_email=vendor.support_email,
            logo_url=reverse("portal:vendor_logo", args=[vendor.slug]) if vendor.logo else "",
        )


# Vendors by (slug, urlconf) in this process: (valid until, vendor, brand). Every customer page
# starts with its vendor; a vendor's name, colours and policy settings change rarely, so each
# process reads a vendor at most once every PORTAL_VENDOR_CACHE_SECONDS. A vendor saved in this
# process is re-read at once (the signal below); other processes see the change within the TTL.
_vendors: dict[tuple[str, str | None], tuple[float, Vendor, Brand]] = {}


def forget_vendors(**_kwargs) -> None:
    _vendors.clear()


post_save.connect(forget_vendors, sender=Vendor, dispatch_uid="portal-vendor-cache-save")
post_delete.connect(forget_vendors, sender=Vendor, dispatch_uid="portal-vendor-cache-delete")


def vendor_and_brand(slug: str) -> tuple[Vendor, Brand]:
    """The vendor of this slug (a copy each request's own) and its brand, or 404."""
    key = (slug, get_urlconf())
    now = time.monotonic()
    found = _vendors.get(key)
    if found is None or found[0] <= now:
        vendor = Vendor.objects.filter(slug=slug).first()
        if vendor is None:
            raise Http404("No such vendor.")
        found = (now + settings.PORTAL_VENDOR_CACHE_SECONDS, vendor, Brand.of(vendor))
        if settings.PORTAL_VENDOR_CACHE_SECONDS > 0:
            _vendors[key] = found
    return copy.copy(found[1]), found[2]


def vendor_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Resolve /v/<vendor_slug>/ and run the view inside that vendor's scope only."""

    @wraps(view)
    def wrapper(request: HttpRequest, vendor_slug: str, *args, **kwargs) -> HttpResponse:
        vendor, brand = vendor_and_brand(vendor_slug)
        request.vendor = vendor
        request.brand = brand
        with scope(vendor=vendor):
            return view(request, vendor, *args, **kwargs)

    return wrapper


@vendor_view
def vendor_logo(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """The logo is the one vendor file meant for everyone's eyes, so it has a public URL."""
    if not vendor.logo:
        raise Http404("No logo.")
    response = FileResponse(vendor.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
