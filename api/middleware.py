"""Serve a vendor's portal under its own host name: ``/`` there is the vendor's portal home.

A request whose host is a registered ``VendorDomain`` gets a per-vendor urlconf that mounts the
portal's vendor pages at the root with the vendor fixed (``api.embedding.host_urlconf``); the
shared host keeps serving every vendor under ``/v/<slug>/``. The host must also be listed in
ALLOWED_HOSTS, which Django checks first.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django_scopes import scopes_disabled

from .embedding import host_urlconf
from .models import VendorDomain
from .models.embedding import HOST_RE


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
