"""How a case reads to an agent: vendor-time dates with their zone, statuses and the timeline
in words, deadlines with their SLA state. Pure formatting; no queries of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.formatting import vendor_time, zone_label
from rma.messages import event_note

__all__ = ["vendor_time", "zone_label"]

# Agents read a case's status in their own words, not the customer's ("Waiting for your
# confirmation" is what the customer reads on the portal).
AGENT_STATUS_LABELS = {
    ("warrantysolution", "pending_confirm"): gettext_lazy("Waiting for the customer to confirm"),
    ("warrantysolution", "confirmed"): gettext_lazy("Agreed by the customer"),
    ("warrantysolution", "rejected"): gettext_lazy("Disagreed by the customer"),
    ("warrantysolution", "submitted"): gettext_lazy("Details submitted: ready to complete"),
}

# Event actions in words (the subject is the actor).
EVENT_VERBS = {
    "requested": gettext_lazy("opened the request"),
    "review_started": gettext_lazy("started the review"),
    "flagged_complex": gettext_lazy("flagged the case as complex"),
    "approved": gettext_lazy("approved the request"),
    "rejected": gettext_lazy("rejected the request"),
    "shipped": gettext_lazy("recorded the return shipment"),
    "received": gettext_lazy("marked the parcel received"),
    "inspected": gettext_lazy("recorded the inspection"),
    "refunded": gettext_lazy("issued the refund"),
    "replaced": gettext_lazy("sent the replacement"),
    "closed": gettext_lazy("closed the case"),
    "cancelled": gettext_lazy("cancelled the case"),
    "waived": gettext_lazy("waived the return (not shipped in time)"),
    "review_overdue": gettext_lazy("noted that the review is overdue"),
    "ship_reminder_sent": gettext_lazy("reminded the customer to ship"),
    "evidence_added": gettext_lazy("added evidence"),
    "evidence_removed": gettext_lazy("removed evidence"),
    "proposed": gettext_lazy("proposed the solution"),
    "password_reissued": gettext_lazy("emailed a new password"),
    "reminder_sent": gettext_lazy("reminded the customer to confirm"),
    "agreed": gettext_lazy("agreed to the solution"),
    "disagreed": gettext_lazy("disagreed with the solution"),
    "details_saved": gettext_lazy("saved their details"),
    "submitted": gettext_lazy("submitted their details"),
    "completed": gettext_lazy("completed the solution"),
    "expired": gettext_lazy("let the solution expire"),
    "resolved": gettext_lazy("resolved the request"),
    "assigned": gettext_lazy("assigned the case"),
    "unassigned": gettext_lazy("put the case back in the queue"),
}
# A resolution's steps share some action names with the case's own ("shipped", "cancelled"),
# so they have their own words.
RESOLUTION_VERBS = {
    "created": gettext_lazy("planned a resolution"),
    "paid": gettext_lazy("recorded the refund as paid"),
    "coupon_issued": gettext_lazy("issued a coupon"),
    "credit_issued": gettext_lazy("issued store credit"),
    "shipped": gettext_lazy("recorded a shipment to the customer"),
    "delivered": gettext_lazy("recorded the delivery to the customer"),
    "payment_verified": gettext_lazy("verified the make-up payment"),
    "cancelled": gettext_lazy("cancelled a resolution"),
}


def event_verb(event) -> str:
    """What the event's actor did, in words (a resolution's step in its own words)."""
    verbs = RESOLUTION_VERBS if getattr(event, "resolution_id", None) else EVENT_VERBS
    verb = verbs.get(event.action)
    return str(verb) if verb else event.action.replace("_", " ")


def relative(moment: datetime, now: datetime) -> str:
    """``in 3 hours`` / ``2 days ago``, rounded the way a person says it."""
    seconds = (moment - now).total_seconds()
    future, seconds = seconds >= 0, abs(seconds)
    if seconds < 90:
        amount = _("a minute")
    elif seconds < 90 * 60:
        amount = _("%(n)d minutes") % {"n": round(seconds / 60)}
    elif seconds < 36 * 3600:
        amount = _("%(n)d hours") % {"n": round(seconds / 3600)}
    else:
        amount = _("%(n)d days") % {"n": round(seconds / 86400)}
    return (_("in %(amount)s") if future else _("%(amount)s ago")) % {"amount": amount}


@dataclass
class DeadlineLine:
    """One deadline on a case header: what, when (vendor time), and whether it is met."""

    label: str
    at: datetime | None
    when: str
    state: str  # "done", "due", "soon", "breached"
    state_text: str
    rule_id: str = ""


def deadline_line(
    label: str,
    at: datetime | None,
    tz_name: str,
    *,
    now: datetime,
    met_at: datetime | None = None,
    active: bool = True,
    breached_at: datetime | None = None,
    working_days_left: int | None = None,
    rule_id: str = "",
) -> DeadlineLine:
    when = vendor_time(at, tz_name)
    if met_at is not None:
        return DeadlineLine(
            label, at, when, "done", _("met %(when)s") % {"when": vendor_time(met_at, tz_name)}
        )
    if not active or at is None:
        return DeadlineLine(label, at, when, "done", _("no longer applies"), rule_id)
    if breached_at is not None or at < now:
        return DeadlineLine(
            label, at, when, "breached", _("breached, %(ago)s") % {"ago": relative(at, now)}
        )
    text = relative(at, now)
    if working_days_left is not None:
        text = _("%(relative)s (%(n)d working days left)") % {
            "relative": text,
            "n": working_days_left,
        }
    soon = (at - now).total_seconds() < 86400
    return DeadlineLine(label, at, when, "soon" if soon else "due", text, rule_id)


@dataclass
class CaseHeader:
    """The top of a case page: what it is, where it stands, who and what it concerns."""

    title: str
    status: str
    status_key: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, html-safe text)
    deadlines: list[DeadlineLine] = field(default_factory=list)
    zone_note: str = ""


@dataclass
class TimelineEntry:
    when: str
    actor: str
    sentence: str
    status_change: str
    note: str
    rule_ids: list[str]


def customer_and_order_facts(customer, order) -> list[tuple[str, str]]:
    """The two facts every case header starts from: who, and which order (linked)."""
    from django.urls import reverse
    from django.utils.html import format_html

    url = reverse("admin:rma_order_change", args=[order.pk])
    return [
        (
            _("Customer"),
            format_html(
                "{}<br><span class='quiet'>{}</span>", customer.name or "—", customer.email
            ),
        ),
        (_("Order"), format_html("<a href='{}'>{}</a>", url, order.number)),
    ]


def status_label(model_name: str, status: str, choices: dict[str, str]) -> str:
    return str(AGENT_STATUS_LABELS.get((model_name, status), choices.get(status, status)))


def actor_text(event) -> str:
    if event.actor_kind == "customer":
        return _("The customer")
    if event.actor_kind == "system":
        return _("The portal")
    if event.actor_kind == "vendor_api":
        return event.actor_label or _("The vendor's system")
    return event.actor_label or _("An agent")


def timeline(events, tz_name: str, status_choices: dict[str, str]) -> list[TimelineEntry]:
    """The audit trail as sentences, oldest first, in vendor time."""
    entries = []
    for event in events:
        sentence = event_verb(event)
        states = status_choices
        resolution = getattr(event, "resolution", None) if event.resolution_id else None
        if resolution is not None:
            # A resolution's step names what it moved, in the resolution's own states.
            sentence = f"{sentence}: {resolution.get_kind_display()}"
            states = dict(type(resolution)._meta.get_field("state").choices)
        change = ""
        if event.to_status and event.to_status != event.from_status:
            change = _("%(old)s → %(new)s") % {
                "old": states.get(event.from_status, event.from_status) or "—",
                "new": states.get(event.to_status, event.to_status),
            }
        entries.append(
            TimelineEntry(
                when=vendor_time(event.created_at, tz_name, with_zone=False),
                actor=actor_text(event),
                sentence=sentence,
                status_change=change,
                note=event_note(event),
                rule_ids=list(event.rule_ids or []),
            )
        )
    return entries


def quantity_line(quantity: int, name: str) -> str:
    """The name alone for one item, ``2 × name`` for more (never "1 x")."""  # noqa: RUF002
    return name if quantity == 1 else f"{quantity} × {name}"
