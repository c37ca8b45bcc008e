"""A vendor's portal under its own host name: ``/`` there is the vendor's portal home.

A request whose host is a registered ``VendorDomain`` gets a per-vendor urlconf that mounts the
portal's vendor pages at the root with the vendor fixed (``host_urlconf``); the shared host
keeps serving every vendor under ``/v/<slug>/``. The host must also be listed in
ALLOWED_HOSTS, which Django checks first.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.urls import URLResolver, include, path, register_converter
from django_scopes import scopes_disabled

from .models import HOST_RE, VendorDomain

VENDOR_PREFIX = "v/<slug:vendor_slug>/"


class HostVendorConverter:
    """``vendor_slug`` on a vendor's own host: matches an empty path segment, means that vendor.

    The portal's pages reverse their links with the vendor's slug; on the vendor's host this
    converter writes it as nothing, so links stay at the root, and refuses any other vendor.
    """

    regex = ""

    def __init__(self, vendor_slug: str) -> None:
        self.vendor_slug = vendor_slug

    def to_python(self, value: str) -> str:
        return self.vendor_slug

    def to_url(self, value: str) -> str:
        if str(value) != self.vendor_slug:
            raise ValueError("Another vendor's pages are not on this host.")
        return ""


class HostURLConf:
    """A urlconf object for one vendor's host: its portal at ``/``, then the site's other
    routes (admin, API); other vendors' ``/v/<slug>/`` pages are not served there."""

    def __init__(self, vendor_slug: str) -> None:
        from django.urls import get_resolver

        self.vendor_slug = vendor_slug
        converter = f"host-vendor-{vendor_slug}"
        register_converter(lambda: HostVendorConverter(vendor_slug), converter)
        root = get_resolver(settings.ROOT_URLCONF)
        portal = next(
            (
                e
                for e in root.url_patterns
                if isinstance(e, URLResolver) and e.namespace == "portal"
            ),
            None,
        )
        if portal is None:
            raise LookupError("The portal's URLs (namespace 'portal') are not in ROOT_URLCONF.")
        portal_patterns = [
            path(f"<{converter}:vendor_slug>", include(child.url_patterns))
            if isinstance(child, URLResolver)
            and getattr(child.pattern, "_route", None) == VENDOR_PREFIX
            else child
            for child in portal.url_patterns
        ]
        self.urlpatterns = [
            path("", include((portal_patterns, "portal"), namespace="portal")),
            *(entry for entry in root.url_patterns if entry is not portal),
        ]


_HOST_URLCONFS: dict[str, HostURLConf] = {}


def host_urlconf(vendor_slug: str) -> HostURLConf:
    """One urlconf object per vendor, kept so Django's resolver cache is keyed stably."""
    urlconf = _HOST_URLCONFS.get(vendor_slug)
    if urlconf is None:
        urlconf = _HOST_URLCONFS[vendor_slug] = HostURLConf(vendor_slug)
    return urlconf


class VendorHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.shared_host = (urlsplit(settings.PUBLIC_BASE_URL).hostname or "").lower()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        slug = self.vendor_slug_for(request)
        if slug is None:
            return self.get_response(request)
        request.urlconf = host_urlconf(slug)
        request.host_vendor_slug = slug
        response = self.get_response(request)
        # Customer pages carry secrets in their URLs (solution ids, access tokens); on the shared
        # host their /v/ prefix earns them this policy, here every page is a customer page
        # (same-origin, as portal.security.PortalHeadersMiddleware explains).
        response["Referrer-Policy"] = "same-origin"
        return response

    def vendor_slug_for(self, request: HttpRequest) -> str | None:
        host, _port = split_domain_port(request.get_host())
        host = host.lower()
        # Only dotted names can be registered (models.embedding.HOST_RE): "localhost", IP
        # literals and the shared host never cost a query.
        if not HOST_RE.match(host) or host == self.shared_host:
            return None
        # The host is all there is to go on before anyone is known, so no vendor scope yet.
        with scopes_disabled():
            return (
                VendorDomain.objects.filter(host=host)
                .values_list("vendor__slug", flat=True)
                .first()
            )
