"""The emails the domain sends: which kinds exist, what each carries, and who gets it. Each
kind is one small function that records its message in the outbox (``notifications``
renders and delivers it); links into the portal come through ``rma.links``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from notifications.emails import language_for, register_kind
from notifications.models import OutboxMessage
from notifications.outbox import queue_email
from policies.vocabulary import DeadlineName
from rma import links
from rma.models import WarrantySolution
from tenancy.models import Membership, Vendor

KINDS: dict[str, Any] = {
    "solution_confirmation": _("Confirm your warranty solution, with the password"),
    "solution_reminder": _("Reminder: a warranty solution waits for your confirmation"),
    "solution_disagreed_agent": _("To agents: a customer disagreed with a solution"),
    "return_access": _("Self-service link with its password"),
    "return_received_ack": _("We received your return request"),
    "return_approved": _("Return approved: RMA number, ship-by date, carriers, slip"),
    "return_rejected": _("Return request rejected, with the reasons and rule ids"),
    "ship_reminder": _("Reminder: ship your approved return before the ship-by date"),
    "return_received": _("Your returned parcel arrived"),
    "return_inspected": _("Your return was inspected"),
    "refund_issued": _("Refund issued, with the window in which the funds arrive"),
    "return_waived": _("Return right waived: not shipped by the ship-by date"),
    "review_sla_breached_agent": _("To agents: a review is overdue"),
    "case_message_customer": _("A message from customer service about your case"),
    "case_message_agent": _("To agents: the customer answered on the portal"),
    "case_closed": _("A case closed: how it ended, and where to see it"),
    "reshipment_shipped": _("The correct item was shipped, with the tracking number"),
    "replacement_shipped": _("A replacement, repair or exchange was shipped, with tracking"),
    "coupon_issued": _("A coupon or store credit was issued, with its code"),
}
# A reminder quotes the subject of the email it reminds of, so the customer can search for it.
QUOTES = {"solution_reminder": "solution_confirmation"}


def _confirmation_obsolete(message: OutboxMessage, secrets: dict[str, str]) -> str:
    """Why a queued confirmation should no longer go out (its password was replaced), or ''."""
    from rma.services.passwords import password_matches  # the services record these emails

    solution = WarrantySolution.objects.filter(pk=message.context.get("solution_id")).first()
    if solution is None or not solution.is_open:
        return "The solution is closed; its password no longer opens it."
    if not password_matches(secrets.get("password", ""), solution.password_hash):
        return "A newer password was issued; this one no longer works."
    return ""


# -- shared pieces of context ----------------------------------------------------------------


_shared = threading.local()


@contextmanager
def shared_lookups() -> Iterator[None]:
    """Inside the block (a sweep's batch of emails), what is the same for every email of a
    vendor (its agents' addresses, a link to one of its pages) is looked up once."""
    if getattr(_shared, "memo", None) is not None:
        yield
        return
    _shared.memo = {}
    try:
        yield
    finally:
        _shared.memo = None


def absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL + path


def portal_url(vendor: Vendor, name: str, **kwargs: Any) -> str:
    """A link into the vendor's portal; on the vendor's own host name when it has one."""
    memo = getattr(_shared, "memo", None)
    if memo is None:
        return links.portal_link(vendor, name, **kwargs)
    host = ("host", vendor.pk)
    if host not in memo:
        memo[host] = links.link_host(vendor)
    return links.portal_link(vendor, name, **memo[host], **kwargs)


def agent_addresses(vendor: Vendor) -> list[str]:
    """The vendor's active staff members, or its support address when none has an email."""
    memo = getattr(_shared, "memo", None)
    if memo is None:
        return _agent_addresses(vendor)
    key = ("agents", vendor.pk)
    if key not in memo:
        memo[key] = _agent_addresses(vendor)
    return list(memo[key])


def _agent_addresses(vendor: Vendor) -> list[str]:
    emails = (
        Membership.objects.filter(vendor=vendor, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails)) or [vendor.support_email]


def _key(event, kind: str, to: str) -> str:
    return f"event:{event.pk}:{kind}:{to}"


def _solution_context(solution) -> dict[str, Any]:
    order = solution.order
    return {
        "solution_id": solution.pk,
        "reference": solution.reference,
        "order_number": order.number,
        "customer_name": order.customer.name,
        "solution_kind": str(solution.get_kind_display()),
        "items": [{"name": x.name, "quantity": x.quantity} for x in solution.lines.all()],
        "currency": solution.currency,
        # Zero amounts are left out: the email names only money that moves.
        "refund_amount": solution.refund_amount or "",
        "makeup_amount": solution.makeup_amount or "",
        "return_required": solution.return_required,
        "makeup_payment_required": solution.makeup_payment_required,
        "expires_at": solution.expires_at,
        "login_url": portal_url(solution.vendor, "solution_login", public_id=solution.public_id),
    }


def _return_context(rr) -> dict[str, Any]:
    policy = rr.vendor.get_policy()
    if "lines" in getattr(rr, "_prefetched_objects_cache", {}):
        lines = rr.lines.all()  # a batch fetched them with their order lines
    else:
        lines = rr.lines.select_related("order_line")
    return {
        "return_id": rr.pk,
        "reference": rr.rma_number or rr.public_id.hex[:8].upper(),
        "rma_number": rr.rma_number or "",
        "order_number": rr.order.number,
        "customer_name": rr.customer.name,
        "scenario": str(rr.get_scenario_display()),
        "items": [{"name": x.order_line.name, "quantity": x.quantity} for x in lines],
        "carriers": [c.name for c in policy.carriers()],
        "portal_home_url": portal_url(rr.vendor, "vendor_home"),
    }


def _base_context(subject) -> dict[str, Any]:
    if isinstance(subject, WarrantySolution):
        return _solution_context(subject)
    return _return_context(subject)


def _customer_email(subject, kind: str, event, extra: dict[str, Any]) -> OutboxMessage:
    customer = subject.customer if hasattr(subject, "customer") else subject.order.customer
    language = language_for(customer.language)
    with translation.override(language):
        base = _base_context(subject)
    return queue_email(
        vendor=subject.vendor,
        kind=kind,
        to=customer.email,
        context={**base, **extra},
        key=_key(event, kind, customer.email),
        language=language,
        event_id=event.pk if event is not None else None,
    )


def _agent_emails(subject, kind: str, event, extra: dict[str, Any]) -> list[OutboxMessage]:
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        base = _base_context(subject)
    return [
        queue_email(
            vendor=subject.vendor,
            kind=kind,
            to=to,
            context={**base, **extra},
            key=_key(event, kind, to),
            language=language,
            event_id=event.pk if event is not None else None,
        )
        for to in agent_addresses(subject.vendor)
    ]


# -- one function per kind -------------------------------------------------------------------


def solution_confirmation(solution, password: str, *, event) -> OutboxMessage:
    """The password, highlighted, and the "Warranty Service" button to the login page."""
    return _customer_email(solution, "solution_confirmation", event, {"password": password})


def solution_reminder(solution, *, event) -> OutboxMessage:
    return _customer_email(solution, "solution_reminder", event, {"sent_at": solution.sent_at})


def solution_disagreed_agent(solution, *, event) -> list[OutboxMessage]:
    """An agent reviews what the customer wants instead."""
    admin_url = absolute(reverse("admin:rma_warrantysolution_change", args=[solution.pk]))
    extra = {
        "comment": solution.rejection_comment,
        "customer_email": solution.order.customer.email,
        "admin_url": admin_url,
        "rule_ids": list(event.rule_ids),
    }
    return _agent_emails(solution, "solution_disagreed_agent", event, extra)


def return_received_ack(rr, *, event) -> OutboxMessage:
    review = rr.vendor.get_policy().review_due(rr.requested_at, complex_case=rr.complex_case)
    extra = {
        "review_due": rr.review_due,
        "review_rule": review.rule_id if review else "",
    }
    return _customer_email(rr, "return_received_ack", event, extra)


def slip_url(rr) -> str:
    """The slip opens from the email without signing in: the link carries a signed key."""
    from rma.services.access import slip_key  # the services record these emails

    return portal_url(rr.vendor, "return_slip", public_id=rr.public_id) + f"?key={slip_key(rr)}"


def return_approved(rr, *, event) -> OutboxMessage:
    extra = {
        "return_required": rr.return_required,
        "ship_by": rr.ship_by,
        "ship_by_rule": _rule_of(rr, DeadlineName.SHIP_BY),
        "return_address": rr.vendor.return_address,
        "slip_url": slip_url(rr),
    }
    return _customer_email(rr, "return_approved", event, extra)


def return_rejected(rr, *, event) -> OutboxMessage:
    return _customer_email(
        rr, "return_rejected", event, {"reason": event.note, "rule_ids": list(event.rule_ids)}
    )


def ship_reminder(rr, *, event) -> OutboxMessage:
    extra = {
        "ship_by": rr.ship_by,
        "ship_by_rule": _rule_of(rr, DeadlineName.SHIP_BY),
        "return_address": rr.vendor.return_address,
        "slip_url": slip_url(rr),
    }
    return _customer_email(rr, "ship_reminder", event, extra)


def return_received(rr, *, event) -> OutboxMessage:
    return _customer_email(rr, "return_received", event, {"received_at": rr.received_at})


def return_inspected(rr, *, event) -> OutboxMessage:
    refund_due = rr.vendor.get_policy().refund_due(rr.inspected_at)
    extra = {
        "inspected_at": rr.inspected_at,
        "inspection_note": rr.inspection_note,
        "refund_due": refund_due.at if refund_due else None,
        "refund_rule": refund_due.rule_id if refund_due else "",
    }
    return _customer_email(rr, "return_inspected", event, extra)


def refund_issued(rr, *, event) -> OutboxMessage | None:
    """The amount itemised by rule id, and when the funds arrive. A return settled by the
    store credit its customer chose sends no refund email: the credit's email, with its code,
    tells the outcome. A refund resolution paid on its own step sends the same email, for
    its own amount (``_resolution_refund``)."""
    from rma.models import Resolution

    if isinstance(rr, Resolution):
        return _resolution_refund(rr, event=event)
    if rr.resolutions.filter(kind="store_credit").exclude(state="cancelled").exists():
        return None
    policy = rr.vendor.get_policy()
    window = policy.funds_window(rr.refunded_at)
    timing = policy.refund_due(rr.inspected_at or rr.refunded_at)
    extra = {
        "refund_amount": rr.refund_amount,
        "currency": rr.order.currency,
        "refund_lines": rr.refund_breakdown.get("lines", []),
        "refunded_at": rr.refunded_at,
        "funds_from": window[0] if window else None,
        "funds_until": window[1] if window else None,
        "funds_rule": timing.rule_id if timing else "",
    }
    return _customer_email(rr, "refund_issued", event, extra)


def return_waived(rr, *, event) -> OutboxMessage:
    extra = {"ship_by": rr.ship_by, "rule_ids": list(event.rule_ids)}
    return _customer_email(rr, "return_waived", event, extra)


def review_sla_breached_agent(rr, *, event) -> list[OutboxMessage]:
    """The review is overdue; agents are told and the case is flagged in the admin."""
    extra = {
        "review_due": rr.review_due,
        "rule_ids": list(event.rule_ids),
        "complex_case": rr.complex_case,
        "admin_url": absolute(reverse("admin:rma_returnrequest_change", args=[rr.pk])),
    }
    return _agent_emails(rr, "review_sla_breached_agent", event, extra)


# A return closed after these has told its customer its outcome already (the refund email
# says the return is complete): one email per state change a customer cares about.
TOLD_BEFORE_CLOSING = frozenset({"refunded"})


def case_closed(subject, *, event) -> OutboxMessage | None:
    """Every case that closes says so: how it ended, the agent's note, where to see it; once
    (a refunded return's refund email was its closing email)."""
    from rma.effects import effects_of  # the effects list this function among an event's emails
    from rma.models import OrderChangeRequest, ReturnRequest

    note = event.note if effects_of(event).note_shown else ""
    if isinstance(subject, ReturnRequest) and event.from_status in TOLD_BEFORE_CLOSING and not note:
        return None

    if isinstance(subject, OrderChangeRequest):
        return _order_change_closed(subject, event=event, note=note)
    if isinstance(subject, WarrantySolution):
        case_url = portal_url(subject.vendor, "solution_login", public_id=subject.public_id)
        case_kind = "solution"
    else:
        case_url = portal_url(subject.vendor, "return_start")
        case_kind = "return"
    extra = {
        "case_kind": case_kind,
        "status": subject.status,
        "status_label": str(subject.get_status_display()),
        "note": note,
        "case_url": case_url,
    }
    return _customer_email(subject, "case_closed", event, extra)


def _resolution_email(resolution, kind: str, event) -> OutboxMessage:
    case = resolution.case
    if isinstance(case, WarrantySolution):
        case_url = portal_url(case.vendor, "solution_login", public_id=case.public_id)
    else:
        case_url = portal_url(case.vendor, "return_detail", public_id=case.public_id)
    extra = {
        "resolution_id": str(resolution.public_id),
        "resolution_kind": resolution.kind,
        "carrier": resolution.carrier,
        "tracking_number": resolution.tracking_number,
        "coupon_code": resolution.coupon_code,
        "amount": resolution.amount or "",
        "currency": resolution.currency,
        "warranty_end": resolution.warranty_end,
        "case_url": case_url,
    }
    return _customer_email(case, kind, event, extra)


def reshipment_shipped(resolution, *, event) -> OutboxMessage | None:
    """The correct item is on its way, with its carrier and tracking number."""
    from rma.models import ResolutionKind

    if resolution.kind != ResolutionKind.RESHIPMENT:
        return None  # a replacement, repair or exchange has its own email
    return _resolution_email(resolution, "reshipment_shipped", event)


def replacement_shipped(resolution, *, event) -> OutboxMessage | None:
    """A replacement unit, a repaired unit or an exchange is on its way, with tracking."""
    from rma.models import ResolutionKind

    if resolution.kind == ResolutionKind.RESHIPMENT:
        return None
    return _resolution_email(resolution, "replacement_shipped", event)


def _resolution_refund(resolution, *, event) -> OutboxMessage | None:
    """A refund paid on its own step (an exchange's difference, a warranty solution's refund,
    a compensation paid as money): the refund email, itemised, with the funds window. The
    refund a return's Refund step pays is told by that step's email, not twice."""
    from rma.models import ResolutionKind
    from rma.models.resolutions import OWN_STEP

    if not (event.data or {}).get(OWN_STEP):
        return None
    if resolution.kind not in (ResolutionKind.REFUND, ResolutionKind.COMPENSATION):
        return None
    case = resolution.case
    policy = case.vendor.get_policy()
    paid_at = resolution.done_at or event.created_at
    window = policy.funds_window(paid_at)
    timing = policy.refund_due(paid_at)
    extra = {
        "refund_amount": resolution.amount,
        "currency": resolution.currency,
        "refund_lines": list(resolution.lines or []),
        "refunded_at": paid_at,
        "funds_from": window[0] if window else None,
        "funds_until": window[1] if window else None,
        "funds_rule": timing.rule_id if timing else "",
        # The case goes on (an exchange still ships, a solution still completes).
        "more_to_come": True,
    }
    return _customer_email(case, "refund_issued", event, extra)


def coupon_issued(resolution, *, event) -> OutboxMessage:
    """The coupon code or store credit the customer now holds."""
    return _resolution_email(resolution, "coupon_issued", event)


def _order_change_closed(change, *, event, note: str) -> OutboxMessage:
    customer = change.customer
    language = language_for(customer.language)
    with translation.override(language):
        context = {
            "case_kind": "order_change",
            "reference": change.order.number,
            "order_number": change.order.number,
            "customer_name": customer.name,
            "change_label": str(change.get_kind_display()),
            "status": change.status,
            "status_label": str(change.get_status_display()),
            "note": note,
            "case_url": portal_url(change.vendor, "return_start"),
        }
    return queue_email(
        vendor=change.vendor,
        kind="case_closed",
        to=customer.email,
        context=context,
        key=_key(event, "case_closed", customer.email),
        language=language,
        event_id=event.pk if event is not None else None,
    )


def _rule_of(rr, deadline_name: str) -> str:
    deadline = rr.vendor.get_policy().ship_by(rr.approved_at) if rr.approved_at else None
    return deadline.rule_id if deadline and deadline.name == deadline_name else ""


# -- the case message thread (agents <-> customer) -------------------------------------------


def _thread_case_context(message) -> tuple[Any, dict[str, Any]]:
    """The case a message belongs to, and what both thread emails say about it."""
    case = message.case
    if message.solution_id:
        base = _solution_context(case)
        base["case_url"] = base["login_url"]
        base["admin_url"] = absolute(reverse("admin:rma_warrantysolution_change", args=[case.pk]))
    else:
        base = _return_context(case)
        base["case_url"] = portal_url(case.vendor, "return_detail", public_id=case.public_id)
        base["admin_url"] = absolute(reverse("admin:rma_returnrequest_change", args=[case.pk]))
    base["message_body"] = message.body
    base["attachment_names"] = [
        a.original_name or a.content_type for a in message.attachments.all()
    ]
    base["author"] = message.author_label
    return case, base


def case_message_customer(message) -> OutboxMessage:
    """An agent's message, in the customer's language, with the link to answer on the portal."""
    case, _unused = _thread_case_context(message)
    customer = case.customer if hasattr(case, "customer") else case.order.customer
    language = language_for(customer.language)
    with translation.override(language):
        _case, context = _thread_case_context(message)
    context.pop("admin_url", None)
    return queue_email(
        vendor=case.vendor,
        kind="case_message_customer",
        to=customer.email,
        context=context,
        key=f"message:{message.pk}:case_message_customer:{customer.email}",
        language=language,
    )


def case_message_agent(message) -> list[OutboxMessage]:
    """The customer's answer: to the case's agent, or to every agent while nobody owns it."""
    case, context = _thread_case_context(message)
    assignee = case.assignee
    recipients = (
        [assignee.email]
        if assignee is not None and assignee.email
        else agent_addresses(case.vendor)
    )
    customer = case.customer if hasattr(case, "customer") else case.order.customer
    context["customer_email"] = customer.email
    return [
        queue_email(
            vendor=case.vendor,
            kind="case_message_agent",
            to=to,
            context=context,
            key=f"message:{message.pk}:case_message_agent:{to}",
            language=settings.LANGUAGE_CODE,
        )
        for to in recipients
    ]


for _kind, _label in KINDS.items():
    register_kind(
        _kind,
        _label,
        obsolete=_confirmation_obsolete if _kind == "solution_confirmation" else None,
        quotes=QUOTES.get(_kind),
    )
