"""Signing customers in with an emailed password: rate limits, the session, the guards.

A session holds exactly one case (one solution, or one order's access link), set after a
password matched and the session key was rotated. It expires after some idle time and in
any case after a maximum age.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from rma.models import Customer, ReturnAccess, WarrantySolution
from rma.services.access import return_access_open, return_access_sign_in
from rma.services.passwords import password_matches
from tenancy.models import Vendor

from .branding import vendor_view
from .forms import PasswordForm

SESSION_KEY = "portal_case"
# How stale a session's idle clock may get before a request writes it again (the idle expiry
# is then up to this much earlier than "idle time after the last request").
SESSION_REFRESH_SECONDS = 60
DEFAULTS = {
    "PORTAL_LOGIN_MAX_FAILURES": 5,
    "PORTAL_LOGIN_MAX_FAILURES_PER_IP": 20,
    "PORTAL_LOGIN_LOCKOUT_SECONDS": 15 * 60,
    "PORTAL_SESSION_IDLE_SECONDS": 2 * 60 * 60,
    "PORTAL_SESSION_MAX_AGE_SECONDS": 12 * 60 * 60,
    "PORTAL_THROTTLE_NAMESPACE": "portal",
}


def setting(name: str) -> int | str:
    return getattr(settings, name, DEFAULTS[name])


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR, which portal.security.TrustedProxyMiddleware sets from X-Forwarded-For
    # when (and only when) the request came through a proxy in TRUSTED_PROXIES.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def count_in_window(key: str, window_seconds: int) -> int:
    """Add one to a counter that starts when first counted and ends after ``window_seconds``;
    returns the new count. Shared by every per-address and per-case limit of the portal."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def within_limit(request: HttpRequest, name: str, limit: int, window_seconds: int) -> bool:
    """Whether this client address may do ``name`` once more in the window (and count it)."""
    key = f"{setting('PORTAL_THROTTLE_NAMESPACE')}:{name}:{client_ip(request)}"
    return count_in_window(key, window_seconds) <= limit


class LoginThrottle:
    """Failed passwords counted per case and per address; at the limit, a timed lock.

    The address lock refuses every attempt from that address, unchecked: it bounds how fast
    one network can guess. The case lock only pauses *wrong* passwords: the right one, from
    the owner's email, still opens the case, so a stranger who knows a solution's URL cannot
    lock its customer out. (The passwords are random, about 79 bits: guessing stays out of
    reach without the case lock.)

    Counters live in Django's cache (Redis in production, a file cache on a laptop), so all
    web processes share them; while Redis is unavailable, each process counts on its own
    (portal.cache), so the limits hold per process (docs/portal.md).
    """

    def __init__(self, target: str, ip: str) -> None:
        ns = setting("PORTAL_THROTTLE_NAMESPACE")
        self.keys = {
            "target": (f"{ns}:login-fail:{target}", int(setting("PORTAL_LOGIN_MAX_FAILURES"))),
            "ip": (f"{ns}:login-fail-ip:{ip}", int(setting("PORTAL_LOGIN_MAX_FAILURES_PER_IP"))),
        }
        self.lockout = int(setting("PORTAL_LOGIN_LOCKOUT_SECONDS"))

    def locked_until(self, which: str) -> float | None:
        """When the lock on ``which`` ("target" or "ip") ends (epoch seconds), or None."""
        end = cache.get(f"{self.keys[which][0]}:lock")
        return end if end and end > time.time() else None

    def failed(self) -> None:
        for key, limit in self.keys.values():
            if count_in_window(key, self.lockout) >= limit:
                cache.set(f"{key}:lock", time.time() + self.lockout, timeout=self.lockout)
                cache.delete(key)

    def succeeded(self) -> None:
        cache.delete(self.keys["target"][0])


def sign_in(request: HttpRequest, *, kind: str, case_id: int, vendor: Vendor) -> None:
    """Rotate the session key and remember this one case only."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "kind": kind,
        "id": case_id,
        "vendor": vendor.pk,
        "at": time.time(),
    }
    request.session.set_expiry(int(setting("PORTAL_SESSION_IDLE_SECONDS")))


def signed_in_case(request: HttpRequest, kind: str, vendor: Vendor) -> int | None:
    """The id of the case this session opened, if it is of this kind and still fresh."""
    case = request.session.get(SESSION_KEY)
    if not case or case.get("kind") != kind or case.get("vendor") != vendor.pk:
        return None
    if time.time() - float(case.get("at", 0)) > int(setting("PORTAL_SESSION_MAX_AGE_SECONDS")):
        request.session.pop(SESSION_KEY, None)
        return None
    # Activity restarts the idle clock, written at most once a SESSION_REFRESH_SECONDS: a
    # session write on every page view would cost more than the page's own queries.
    now = time.time()
    if now - float(case.get("seen", case.get("at", 0))) >= SESSION_REFRESH_SECONDS:
        request.session[SESSION_KEY] = {**case, "seen": now}
        request.session.set_expiry(int(setting("PORTAL_SESSION_IDLE_SECONDS")))
    return int(case["id"])


def of_vendor(row, vendor: Vendor):
    """Give a row read in ``vendor``'s scope the request's vendor (read at most once per
    process, portal.customer.branding) instead of joining the vendor's row into every query."""
    if row.vendor_id != vendor.pk:  # the scope makes this impossible; never trust a wrong one
        raise Http404("No such case.")
    row.vendor = vendor
    return row


class SignInRequired(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def solution_for(request: HttpRequest, vendor: Vendor, public_id) -> WarrantySolution:
    """The solution of this URL, if this session opened it; otherwise the login page."""
    # No join: the pages show the solution's own copy of the address and lines; the actions
    # that need the customer's email read it with solution_customer_email().
    solution = get_object_or_404(WarrantySolution.objects.all(), public_id=public_id)
    of_vendor(solution, vendor)
    signed_in = signed_in_case(request, "solution", vendor) == solution.pk
    if signed_in and _signed_in_before_reissue(request, solution):
        request.session.pop(SESSION_KEY, None)
        signed_in = False
    if not signed_in:
        raise SignInRequired(
            redirect("portal:solution_login", vendor_slug=vendor.slug, public_id=public_id)
        )
    return solution


def solution_customer_email(solution: WarrantySolution) -> str:
    """The email of the customer the solution was proposed to, in one query (not two lazy
    reads through the order)."""
    return (
        Customer.objects.filter(orders__pk=solution.order_id).values_list("email", flat=True).get()
    )


def _signed_in_before_reissue(request: HttpRequest, solution: WarrantySolution) -> bool:
    """A session opened with a password that has since been re-issued ends."""
    issued = solution.password_issued_at
    signed_in_at = float(request.session.get(SESSION_KEY, {}).get("at", 0))
    return bool(issued) and signed_in_at < issued.timestamp()


def access_for(request: HttpRequest, vendor: Vendor) -> ReturnAccess:
    """The access link this session opened (and so its order), or a sign-in page."""
    access_id = signed_in_case(request, "access", vendor)
    access = (
        ReturnAccess.objects.select_related("order", "order__customer").filter(pk=access_id).first()
        if access_id
        else None
    )
    if access is not None:
        of_vendor(access, vendor)
    if access is None or access.is_expired():
        raise SignInRequired(
            TemplateResponse(request, "portal/signed_out.html", {"vendor": vendor}, status=403)
        )
    return access


def case_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn SignInRequired into its response; everything else passes through."""

    @wraps(view)
    def wrapper(request: HttpRequest, vendor: Vendor, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, vendor, *args, **kwargs)
        except SignInRequired as exc:
            return exc.response

    return wrapper


def _locked_message(until: float) -> str:
    lockout = max(1, round(int(setting("PORTAL_LOGIN_LOCKOUT_SECONDS")) / 60))
    remaining = max(1, math.ceil((until - time.time()) / 60))
    return ngettext(
        "Too many wrong passwords. For your security, signing in is paused for %(lockout)s "
        "minutes; please try again in %(remaining)s minute.",
        "Too many wrong passwords. For your security, signing in is paused for %(lockout)s "
        "minutes; please try again in %(remaining)s minutes.",
        remaining,
    ) % {"lockout": lockout, "remaining": remaining}


def _password_page(
    request: HttpRequest,
    vendor: Vendor,
    *,
    target: str,
    check,
    on_success,
    context: dict,
) -> HttpResponse:
    form = PasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    throttle = LoginThrottle(target, client_ip(request))
    if request.method == "POST":
        ip_until = throttle.locked_until("ip")
        if ip_until:
            form.add_error(None, _locked_message(ip_until))
            status = 429
        elif form.is_valid() and check(form.cleaned_data["password"]):
            throttle.succeeded()
            return on_success()
        elif case_until := throttle.locked_until("target"):
            form.add_error(None, _locked_message(case_until))
            status = 429
        else:
            throttle.failed()
            form.add_error(
                "password",
                _(
                    "That password is not right. Copy it from the email exactly as shown and "
                    "try again."
                ),
            )
    return TemplateResponse(
        request, "portal/login.html", {"vendor": vendor, "form": form, **context}, status=status
    )


@vendor_view
def solution_login(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """The password from the email opens this one solution."""
    # The columns a sign-in reads, not the solution's forty.
    solution = get_object_or_404(
        WarrantySolution.objects.only("id", "vendor_id", "status", "password_hash"),
        public_id=public_id,
    )

    def success() -> HttpResponse:
        sign_in(request, kind="solution", case_id=solution.pk, vendor=vendor)
        # A case past its proposal opens where it stands (a closed one shows how it ended).
        page = "portal:solution_content" if solution.is_open else "portal:solution_status"
        return redirect(page, vendor_slug=vendor.slug, public_id=public_id)

    return _password_page(
        request,
        vendor,
        target=f"solution:{solution.pk}",
        check=lambda password: password_matches(password, solution.password_hash),
        on_success=success,
        context={"purpose": "solution", "reference": solution.reference},
    )


@vendor_view
def access_login(request: HttpRequest, vendor: Vendor, token: str) -> HttpResponse:
    """The emailed self-service link: its password opens that order's returns."""
    if not token.isprintable():  # a NUL byte cannot even reach a database query
        raise Http404("No such link.")
    access = ReturnAccess.objects.filter(token=token).select_related("order").first()
    if access is None:
        raise Http404("No such link.")
    if access.is_expired():
        return TemplateResponse(request, "portal/link_expired.html", {"vendor": vendor}, status=410)

    def success() -> HttpResponse:
        sign_in(request, kind="access", case_id=access.pk, vendor=vendor)
        return redirect("portal:order_overview", vendor_slug=vendor.slug)

    # By default the link is the secret (256 bits, to the order's own mailbox): one click in.
    if return_access_open(access=access):
        return success()
    return _password_page(
        request,
        vendor,
        target=f"access:{access.pk}",
        check=lambda password: return_access_sign_in(access=access, password=password),
        on_success=success,
        context={"purpose": "access", "reference": access.order.number},
    )


@require_POST
@vendor_view
def sign_out(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    return redirect(reverse("portal:vendor_home", args=[vendor.slug]))
