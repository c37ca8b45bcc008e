"""Per-route security headers: customer pages give other sites no referrer; only embed routes
may be framed.

Everything else is global (settings): HTTPS-only cookies, HSTS, a nonce-based
Content-Security-Policy with ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.clickjacking import xframe_options_exempt

# Customer pages carry secrets in their URLs (access tokens, solution ids); a link followed
# from them must not hand the URL to another site.
PORTAL_PATH_PREFIX = "/v/"
# The session key portal.customer.access signs a customer in with (one case).
CUSTOMER_SESSION_KEY = "portal_case"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _trusted(address: str, networks: tuple[ipaddress._BaseNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(remote_addr: str, forwarded_for: str, proxies: tuple[str, ...]) -> str:
    """The client's address: REMOTE_ADDR, unless it is a trusted proxy; then the right-most
    X-Forwarded-For entry that is not itself a trusted proxy (entries further left are
    whatever the client wrote and are never believed)."""
    networks = _networks(proxies)
    if not networks or not _trusted(remote_addr, networks):
        return remote_addr
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote_addr  # a garbled header from our own proxy: keep its address
    return remote_addr


class TrustedProxyMiddleware:
    """Set REMOTE_ADDR to the client's address when the request came through a proxy listed in
    ``TRUSTED_PROXIES`` (addresses or networks), so per-address limits count clients, not the
    load balancer. With no trusted proxies, X-Forwarded-For is ignored.

    Written here rather than taken from django-ipware: ipware trusts the left-most entry by
    default (which any client can forge) and matches proxies by string prefix, not network.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()))
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if proxies and forwarded:
            request.META["REMOTE_ADDR"] = forwarded_client(
                request.META.get("REMOTE_ADDR", ""), forwarded, proxies
            )
        return self.get_response(request)


# Where files are uploaded: customers' evidence (up to a vendor's video limit) and the admin.
UPLOAD_PATHS = re.compile(r"(/evidence/|/returns/new/|/warranty/register/)$")
ADMIN_PATH_PREFIX = "/admin/"


def request_limit(path: str) -> int:
    """The most bytes a request to ``path`` may announce."""
    if UPLOAD_PATHS.search(path):
        return settings.UPLOAD_REQUEST_MAX_BYTES
    if path.startswith(ADMIN_PATH_PREFIX):
        return settings.ADMIN_REQUEST_MAX_BYTES
    return settings.REQUEST_MAX_BYTES


class RequestSizeLimitMiddleware:
    """Refuse a body larger than its path allows (413) before anything reads it: before the
    session, the CSRF check or a multipart parser writes a byte to disk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        limit = request_limit(request.path_info)
        if length < 0 or length > limit:
            message = (
                f"The request is too large: at most {limit // (1024 * 1024)} MB may be sent here."
                if length > 0
                else "The request's Content-Length is not a number."
            )
            if request.path_info.startswith("/api/"):
                code = "request_too_large" if length > 0 else "malformed_request"
                body = {"error": {"code": code, "message": message}}
                return JsonResponse(body, status=413 if length > 0 else 400)
            return HttpResponse(
                message, status=413 if length > 0 else 400, content_type="text/plain"
            )
        return self.get_response(request)


def admin_lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs):
    """django-axes' answer to a locked-out admin sign-in: a plain 429 that says when to retry."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return HttpResponse(
        f"Too many failed sign-ins for this account from your address. Try again in {minutes} "
        "minutes, or ask another administrator to unlock it (Axes -> Access attempts).",
        status=429,
        content_type="text/plain; charset=utf-8",
    )


STAFF_SIGNED_IN_AT = "staff_signed_in_at"


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after ``ADMIN_IDLE_SECONDS`` without a request (every request
    restarts the clock) and ``ADMIN_SESSION_MAX_AGE_SECONDS`` after signing in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.contrib.auth import logout

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            now = time.time()
            since = request.session.setdefault(STAFF_SIGNED_IN_AT, now)
            if now - float(since) > settings.ADMIN_SESSION_MAX_AGE_SECONDS:
                logout(request)
            else:
                request.session.set_expiry(settings.ADMIN_IDLE_SECONDS)
        return self.get_response(request)


class PortalHeadersMiddleware:
    """``Referrer-Policy: same-origin`` on the customer portal's pages: no other site ever
    receives their URLs. (``no-referrer`` would make browsers send ``Origin: null`` on the
    portal's own form posts, which Django's CSRF protection rightly refuses.)

    Those are ``/v/...`` on the shared host, and everything on a vendor's own host name
    (``portal.hosts.VendorHostMiddleware`` marks such requests with ``host_vendor_slug``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path_info.startswith(PORTAL_PATH_PREFIX) or getattr(
            request, "host_vendor_slug", None
        ):
            response["Referrer-Policy"] = "same-origin"
            session = getattr(request, "session", None)
            if session is not None and CUSTOMER_SESSION_KEY in session:
                # A signed-in customer's pages (addresses, amounts) never go to a shared cache
                # or the browser's disk cache, where the next user of the computer finds them.
                patch_cache_control(response, no_store=True, private=True)
        return response


def frame_ancestors(request: HttpRequest, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Who may frame an embeddable page: this site, the configured origins and ``extra``."""
    return ["'self'", *settings.EMBED_FRAME_ANCESTORS, *extra]


def embeddable(
    view: Callable[..., HttpResponse] | None = None,
    *,
    ancestors: Callable[..., list[str]] | None = None,
):
    """Let a view be shown in another site's frame.

    Lifts X-Frame-Options and replaces the CSP ``frame-ancestors 'none'`` with this site, the
    origins in ``EMBED_FRAME_ANCESTORS``, and what ``ancestors(request, *args, **kwargs)``
    returns (for example a vendor's own shop origin). Use as ``@embeddable`` or
    ``@embeddable(ancestors=vendor_shop_origins)``.
    """

    def decorator(func: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = func(request, *args, **kwargs)
            extra = ancestors(request, *args, **kwargs) if ancestors else ()
            replace = dict(getattr(response, "_csp_replace", None) or {})
            replace["frame-ancestors"] = frame_ancestors(request, extra)
            response._csp_replace = replace
            return response

        return xframe_options_exempt(wrapped)

    return decorator(view) if view is not None else decorator
