"""Where the walk goes: the demo's cases (every scenario of each vendor's policy, in every state
the demo seeds), seen anonymously and signed in to each case, then moved on by the agents and
the deadline sweeps into the states the demo does not seed, and seen again."""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.emails import KINDS, render
from notifications.models import OutboxMessage
from notifications.outbox import decode_context
from rma import services, tasks
from rma.models import (
    Order,
    OrderChangeRequest,
    ReturnAccess,
    ReturnRequest,
    Unit,
    WarrantySolution,
)
from rma.services import Actor, DomainError
from rma.services.access import return_access_request
from rma.services.messages import message_to_customer
from tenancy.models import Vendor

from .walk import Walk

SECRETS = {"password": "Kq7m-2xPa-93Lw"}  # what the sealed password of an email stands for
CUSTOMER_KINDS = frozenset(kind for kind in KINDS if not kind.endswith("_agent"))
# Typed by the walk's agent: no words, so they read the same in every language.
AGENT_TEXT = "#4711 / 2026-12-02"


def url(name: str, vendor: Vendor, *args) -> str:
    return reverse(f"portal:{name}", args=[vendor.slug, *args])


def agent_of(vendor: Vendor) -> Actor:
    user = get_user_model().objects.get(username=f"agent-{vendor.slug}")
    return Actor.agent(user)


# -- the portal, anonymously and signed in to each case --------------------------------------


def walk_anonymous(walk: Walk) -> None:
    vendor = walk.vendor
    walk.submit_forms(walk.crawl(url("vendor_home", vendor)))
    for name in ("return_start", "warranty_lookup"):  # a 404 where the vendor has none
        walk.page(url(name, vendor))
    walk.page(url("solution_login", vendor, uuid.uuid4()))  # no such solution: 404
    walk.page(url("return_detail", vendor, uuid.uuid4()))  # signed out
    walk.page(url("order_overview", vendor))  # signed out
    walk.page(url("access_login", vendor, "no-such-link"))  # 404
    with scope(vendor=vendor):
        order = Order.objects.select_related("customer").first()
        units = list(Unit.objects.values_list("serial", flat=True))
        expired = ReturnAccess.objects.create(
            vendor=vendor,
            order=order,
            email=order.customer.email,
            token=uuid.uuid4().hex,
            password_hash="-",
            language=walk.language,
            created_at=timezone.now() - timedelta(days=60),
            expires_at=timezone.now() - timedelta(days=30),
        )
    walk.page(url("access_login", vendor, expired.token))  # expired: 410
    walk.send(
        url("return_start", vendor),
        {"order_number": order.number, "email": order.customer.email},
    )
    for serial in [*units, "NO-SUCH-SERIAL"]:
        walk.send(url("warranty_lookup", vendor), {"serial": serial})


def walk_solutions(walk: Walk, *, forms: bool) -> None:
    vendor = walk.vendor
    with scope(vendor=vendor):
        solutions = list(WarrantySolution.objects.select_related("order__customer"))
    for index, solution in enumerate(solutions):
        with scope(vendor=vendor):
            # A new password (no email) to sign in with; a closed solution keeps its old one.
            password = (
                services.solution_issue_password(
                    solution=solution, actor=agent_of(vendor), notify=False
                )
                if solution.is_open
                else None
            )
        login = url("solution_login", vendor, solution.public_id)
        if index == 0:  # the sign-in page, and a wrong password on it
            walk.page(login)
            walk.send(login, {"password": "not-the-password"})
        if password is None:
            continue
        walk.send(login, {"password": password})
        found = walk.crawl(url("solution_content", vendor, solution.public_id))
        if forms:
            walk.submit_forms(found, email=solution.order.customer.email)


def walk_orders(walk: Walk, *, forms: bool) -> None:
    vendor = walk.vendor
    with scope(vendor=vendor):
        orders = list(Order.objects.select_related("customer"))
    for index, order in enumerate(orders):
        with scope(vendor=vendor):
            access, password = return_access_request(
                vendor=vendor,
                order_number=order.number,
                email=order.customer.email,
                language=walk.language,
            )
        login = url("access_login", vendor, access.token)
        if index == 0:
            walk.page(login)
            walk.send(login, {"password": "not-the-password"})
        walk.send(login, {"password": password})
        found = walk.crawl(url("order_overview", vendor))
        if forms:
            walk.submit_forms(found, email=order.customer.email)


def walk_lockout(walk: Walk, settings) -> None:
    """The page that pauses signing in after wrong passwords."""
    settings.PORTAL_LOGIN_MAX_FAILURES = 2
    with scope(vendor=walk.vendor):
        solution = WarrantySolution.objects.first()
        order = Order.objects.select_related("customer").first()
    logins = []
    if solution is not None:
        logins.append(url("solution_login", walk.vendor, solution.public_id))
    if order is not None:
        with scope(vendor=walk.vendor):
            access, _password = return_access_request(
                vendor=walk.vendor,
                order_number=order.number,
                email=order.customer.email,
                language=walk.language,
            )
        logins.append(url("access_login", walk.vendor, access.token))
    for login in logins:
        for _attempt in range(3):
            walk.send(login, {"password": "not-the-password"})


# -- the states the demo does not seed ----------------------------------------------------


def move_on(vendor: Vendor, *, with_access_links: bool = False) -> None:
    """What agents and then the deadline sweeps do next, so that the walk meets those states."""
    act_as_agents(vendor, with_access_links=with_access_links)
    run_sweeps()


def act_as_agents(vendor: Vendor, *, with_access_links: bool = False) -> None:
    """What one vendor's agents do next (and, for the emails alone, a customer asking for a
    link to an order's returns)."""
    agent = agent_of(vendor)
    with scope(vendor=vendor):
        order = Order.objects.select_related("customer").first()
        if with_access_links and order is not None:
            return_access_request(
                vendor=vendor,
                order_number=order.number,
                email=order.customer.email,
                language=order.customer.language,
            )
        for rr in ReturnRequest.objects.all():
            message_to_customer(case=rr, actor=agent, body=AGENT_TEXT)
        for solution in WarrantySolution.objects.all():
            message_to_customer(case=solution, actor=agent, body=AGENT_TEXT)
        for change in OrderChangeRequest.objects.all():
            if change.can_resolve():
                services.order_change_resolve(
                    change_request=change, actor=agent, done=False, note=AGENT_TEXT
                )
        open_requests = [rr for rr in ReturnRequest.objects.order_by("pk") if rr.can_reject()]
        for rr in open_requests[:1]:
            services.return_reject(return_request=rr, actor=agent, reason=AGENT_TEXT)
        # A return under review is approved where its evidence allows, so that more returns
        # wait to be shipped (and are reminded by the sweep below).
        for rr in ReturnRequest.objects.filter(status="under_review", return_required=True):
            with contextlib.suppress(DomainError):
                services.return_approve(return_request=rr, actor=agent)


def run_sweeps() -> None:
    """The beat's deadline sweeps, every vendor at once, as beat runs them: first the
    reminders (each approved return not yet shipped is reminded before its ship-by date),
    then what lapses (unshipped returns waived, unanswered solutions expired)."""
    now = timezone.now()
    with scopes_disabled():
        tasks.sweep_solution_reminders(now=now + timedelta(days=30))
        tasks.sweep_ship_reminders(now=now + timedelta(days=60))
        tasks.sweep_unshipped_returns(now=now + timedelta(days=60))
        tasks.sweep_solution_expiry(now=now + timedelta(days=60))


# -- emails -----------------------------------------------------------------------------


def walk_emails(walk: Walk) -> None:
    """Every customer email queued for this vendor, rendered as it is sent, in the walk's
    language (an email is rendered in its language when it is sent, so whichever language its
    customer chose, it reads the same as one queued in this language)."""
    with scopes_disabled():
        queued = list(
            OutboxMessage.objects.filter(vendor=walk.vendor, kind__in=CUSTOMER_KINDS).order_by("pk")
        )
    for message in queued:
        context = {**decode_context(message.context), **SECRETS}
        english = render(vendor=walk.vendor, kind=message.kind, context=context, language="en")
        walk.recorder.take_misses()
        subject, text, html = render(
            vendor=walk.vendor, kind=message.kind, context=context, language=walk.language
        )
        walk.seen_kinds.add(message.kind)
        walk.email(f"email {message.kind} #{message.pk}", subject, text, html, english)


def unwalked_kinds(walks: list[Walk]) -> list[str]:
    """The customer email kinds none of ``walks`` read."""
    seen = set().union(*(w.seen_kinds for w in walks))
    return sorted(CUSTOMER_KINDS - seen)
