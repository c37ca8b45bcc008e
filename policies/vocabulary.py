"""The names every layer shares, declared once: deadlines, carriers, figures and event types.

Pure Python (no Django): pages, services, emails and webhooks look these up instead of
spelling the strings themselves, so a typo is an ``AttributeError`` instead of a silently
dropped email or reminder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from policies.calendar import zone_label


def msg(template: str) -> str:
    """Mark a message template for extraction (``makemessages --keyword=msg``).

    The template is stored with its parameters and translated where it is read, so this
    marker returns it unchanged.
    """
    return template


@dataclass(frozen=True)
class Message:
    """A text as data: a marked template (``%(name)s`` placeholders), its parameters and, for a
    count, the plural template. Stored as it is and rendered in the reader's language at the
    edge (``rma.messages.render``), so a later settings change never relabels it.

    A parameter may itself be a ``Message`` (an evidence requirement's label inside a finding);
    it is rendered in the same language before it fills the template.
    """

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: str | None = None  # the parameter that picks the plural form
    rule_id: str = ""  # the rule a page may cite quietly beside the text (a "why")

    def to_dict(self) -> dict[str, Any]:
        params = {k: v.to_dict() if isinstance(v, Message) else v for k, v in self.params.items()}
        out: dict[str, Any] = {"id": self.id, "params": params}
        if self.plural:
            out.update(plural=self.plural, count=self.count)
        if self.rule_id:
            out["rule_id"] = self.rule_id
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        params = {
            k: cls.from_dict(v) if is_message_dict(v) else v
            for k, v in data.get("params", {}).items()
        }
        return cls(
            data["id"],
            params,
            data.get("plural"),
            data.get("count"),
            data.get("rule_id", ""),
        )

    def template(self) -> str:
        """The English template this message's count picks."""
        if self.plural and self.count and self.params.get(self.count) != 1:
            return self.plural
        return self.id

    def english(self) -> str:
        """The text untranslated (logs, tests, the API's ``message`` beside its id)."""
        return fill(self.template(), self.params, Message.english)


def is_message_dict(value: object) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("id"), str) and "params" in value


class ParamKind(StrEnum):
    """Parameters a reader's language and the vendor's clock print differently: stored as data
    (``typed``), spelled out at the edge (``rma.messages``)."""

    DAY = "day"  # a calendar day, ISO (2026-11-29)
    MOMENT = "moment"  # an instant, ISO with its offset, and the vendor's zone that names it
    COUNTRY = "country"  # an ISO 3166 country code
    AMOUNT = "amount"  # an amount of money, a decimal with a point (15.00)


def typed(kind: ParamKind, value: str, **extra: str) -> dict[str, str]:
    """A typed parameter: ``{"type": kind, "value": value}`` (a moment adds its ``zone``)."""
    return {"type": str(kind), "value": value, **extra}


def is_typed(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and value.get("type") in set(ParamKind)
        and isinstance(value.get("value"), str)
    )


def english_typed(value: Mapping[str, str]) -> str:
    """A typed parameter as logs, the API and tests read it: a day and a country as stored, an
    instant as the vendor's clock prints it in English."""
    if value["type"] == ParamKind.MOMENT:
        zone = value.get("zone") or "UTC"
        local = datetime.fromisoformat(value["value"]).astimezone(ZoneInfo(zone))
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({zone_label(local, zone)})"
    return value["value"]


def fill(template: str, params: Mapping[str, Any], render: Any, show: Any = english_typed) -> str:
    """``template`` with its parameters, nested messages rendered by ``render`` and typed
    parameters (days, instants, countries) spelled out by ``show``."""
    if not params:
        return template
    values = {
        k: render(v) if isinstance(v, Message) else show(v) if is_typed(v) else v
        for k, v in params.items()
    }
    return template % values


def plural_msg(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular and plural template pair (``makemessages --keyword=plural_msg:1,2``)."""
    return singular, plural


def counted(forms: tuple[str, str], params: Mapping[str, Any], count: str, **kw: Any) -> Message:
    """A message whose wording follows the number in ``params[count]`` (plural forms)."""
    return Message(forms[0], params, plural=forms[1], count=count, **kw)


class DeadlineName(StrEnum):
    """Every deadline a policy can give; each is stored by this name in a case's decision."""

    CONFIRM_REMIND_AT = "confirm_remind_at"
    CONFIRM_EXPIRES_AT = "confirm_expires_at"
    REPORT_BY = "report_by"
    RETURN_BY = "return_by"
    REVIEW_DUE = "review_due"
    SHIP_BY = "ship_by"
    REFUND_DUE = "refund_due"
    WARRANTY_END = "warranty_end"
    CANCEL_UNTIL = "cancel_until"
    CHANGE_CLOSES_AT = "change_closes_at"
    MONEY_BACK_UNTIL = "money_back_until"


class CarrierCode(StrEnum):
    """Carrier codes with a meaning of their own; a vendor's named carriers add their own codes."""

    ANY = "any"  # the vendor takes any carrier; pages list no carrier choice for it


class Figure(StrEnum):
    """Figure keys that other layers read back from a finding."""

    BEST_EFFORT = "best_effort"  # FLAG_TRUE: the vendor only promises to try


# How a yes/no figure is stored (figures are strings, as the API and the audit trail show them).
FLAG_TRUE = "true"


class FreightPayer(StrEnum):
    """Who pays a return's freight (the ``freight_paid_by`` figure)."""

    CUSTOMER = "customer"
    VENDOR = "vendor"


class WrongItemOption(StrEnum):
    """What a customer chooses when they received the wrong item."""

    KEEP = "keep"
    RETURN = "return"


class SolutionStep(StrEnum):
    """The steps of a warranty solution whose audit events cite the vendor's rule for them."""

    PROPOSE = "propose"
    AGREE = "agree"
    DISAGREE = "disagree"
    FILL_IN = "fill_in"
    RETURN = "return"
    PAY = "pay"
    UPLOAD = "upload"
    ADDRESS = "address"
    SUBMIT = "submit"
    COMPLETE = "complete"
    EXPIRE = "expire"


class ResolutionKind(StrEnum):
    """What a decided case owes the customer; each is tracked to done on its own."""

    REFUND = "refund"
    COMPENSATION = "compensation"
    RESHIPMENT = "reshipment"
    REPLACEMENT = "replacement"
    REPAIR = "repair"
    EXCHANGE = "exchange"
    STORE_CREDIT = "store_credit"


class CompensationMethod(StrEnum):
    """How a compensation is paid (the ``compensation_method`` setting)."""

    REFUND = "refund"
    COUPON = "coupon"
    STORE_CREDIT = "store_credit"


class ResolutionStage(StrEnum):
    """When a policy is asked which resolutions a case gets."""

    APPROVED = "approved"  # a return was approved
    REFUND = "refund"  # an agent pays a return's money
    REPLACE = "replace"  # a return is answered with a replacement unit
    SOLUTION = "solution"  # the customer agreed to a warranty solution


class EventSubject(StrEnum):
    SOLUTION = "solution"
    RETURN = "return"
    ORDER_CHANGE = "order_change"
    RESOLUTION = "resolution"


class EventType(StrEnum):
    """Every audit event; the value is also the webhook's ``type``. What each one causes (its
    label, emails and webhooks) is listed once in ``rma.effects.EVENT_EFFECTS``."""

    SOLUTION_PROPOSED = "solution.proposed"
    SOLUTION_PASSWORD_REISSUED = "solution.password_reissued"
    SOLUTION_REMINDER_SENT = "solution.reminder_sent"
    SOLUTION_AGREED = "solution.agreed"
    SOLUTION_DISAGREED = "solution.disagreed"
    SOLUTION_DETAILS_SAVED = "solution.details_saved"
    SOLUTION_SUBMITTED = "solution.submitted"
    SOLUTION_COMPLETED = "solution.completed"
    SOLUTION_EXPIRED = "solution.expired"
    SOLUTION_CANCELLED = "solution.cancelled"
    SOLUTION_EVIDENCE_ADDED = "solution.evidence_added"
    SOLUTION_EVIDENCE_REMOVED = "solution.evidence_removed"
    SOLUTION_ASSIGNED = "solution.assigned"
    SOLUTION_UNASSIGNED = "solution.unassigned"
    RETURN_REQUESTED = "return.requested"
    RETURN_REVIEW_STARTED = "return.review_started"
    RETURN_FLAGGED_COMPLEX = "return.flagged_complex"
    RETURN_REVIEW_OVERDUE = "return.review_overdue"
    RETURN_APPROVED = "return.approved"
    RETURN_REJECTED = "return.rejected"
    RETURN_SHIP_REMINDER_SENT = "return.ship_reminder_sent"
    RETURN_SHIPPED = "return.shipped"
    RETURN_RECEIVED = "return.received"
    RETURN_INSPECTED = "return.inspected"
    RETURN_REFUNDED = "return.refunded"
    RETURN_REPLACED = "return.replaced"
    RETURN_CLOSED = "return.closed"
    RETURN_WAIVED = "return.waived"
    RETURN_CANCELLED = "return.cancelled"
    RETURN_EVIDENCE_ADDED = "return.evidence_added"
    RETURN_EVIDENCE_REMOVED = "return.evidence_removed"
    RETURN_ASSIGNED = "return.assigned"
    RETURN_UNASSIGNED = "return.unassigned"
    ORDER_CHANGE_REQUESTED = "order_change.requested"
    ORDER_CHANGE_RESOLVED = "order_change.resolved"
    ORDER_CHANGE_ASSIGNED = "order_change.assigned"
    ORDER_CHANGE_UNASSIGNED = "order_change.unassigned"
    RESOLUTION_CREATED = "resolution.created"
    RESOLUTION_PAID = "resolution.paid"
    RESOLUTION_COUPON_ISSUED = "resolution.coupon_issued"
    RESOLUTION_CREDIT_ISSUED = "resolution.credit_issued"
    RESOLUTION_SHIPPED = "resolution.shipped"
    RESOLUTION_DELIVERED = "resolution.delivered"
    RESOLUTION_PAYMENT_VERIFIED = "resolution.payment_verified"
    RESOLUTION_CANCELLED = "resolution.cancelled"

    @property
    def subject(self) -> EventSubject:
        return EventSubject(self.value.split(".", 1)[0])

    @property
    def action(self) -> str:
        return self.value.split(".", 1)[1]

    @classmethod
    def of(cls, subject: EventSubject | str, action: str) -> EventType:
        """The event type for ``action`` on a subject; an unknown pair is a programming error."""
        try:
            return cls(f"{EventSubject(subject)}.{action}")
        except ValueError:
            raise ValueError(f"Unknown event {action!r} for a {subject}") from None


class PurchaseChannel(StrEnum):
    """Where an order was bought: policies read it from ``OrderFacts.purchase_channel``."""

    OWN_STORE = "own_store"
    MARKETPLACE = "marketplace"
    RETAILER = "retailer"
