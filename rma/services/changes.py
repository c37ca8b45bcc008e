"""Cancelling an order or changing its shipping address, asked of the policy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.base import Deadline, Decision, Finding, RequestFacts, RequestKind
from rma.models import ChangeKind, ChangeStatus, Order, OrderChangeRequest
from rma.models.orders import ShippingAddress

from .base import Actor, DomainError, PolicyRefusal, record_event
from .facts import order_facts

REQUIRED_ADDRESS_FIELDS = ("ship_name", "ship_line1", "ship_city", "ship_postal_code")


def order_change_window(
    order: Order, kind: str, *, at: datetime | None = None
) -> tuple[Decision, tuple[Deadline, ...]]:
    """What the policy would say now, and the windows it counts."""
    policy = order.vendor.get_policy()
    facts = RequestFacts(kind=RequestKind(kind), at=at or timezone.now())
    ofacts = order_facts(order)
    return policy.decide(ofacts, facts), policy.deadlines(ofacts, facts)


def _address_finding(order: Order, address: Mapping[str, str]) -> Finding:
    missing = [f for f in REQUIRED_ADDRESS_FIELDS if not (address.get(f) or "").strip()]
    if missing:
        labels = ", ".join(
            str(ShippingAddress._meta.get_field(name).verbose_name) for name in missing
        )
        raise DomainError(_("Please fill in the new address: %(fields)s.") % {"fields": labels})
    policy = order.vendor.get_policy()
    new_country = (address.get("ship_country") or str(order.ship_country)).strip().upper()
    return policy.check_address_change(str(order.ship_country), new_country)


def _open_change_message(pending: OrderChangeRequest | None) -> str:
    if pending is None:
        return _("This request is already with support; they will answer by email.")
    return _(
        "Your request to %(what)s is still with support; they answer by email. You can ask "
        "for another change once they have answered."
    ) % {"what": pending.get_kind_display().lower()}


@transaction.atomic
def order_change_request(
    *,
    order: Order,
    kind: str,
    actor: Actor,
    address: Mapping[str, str] | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> OrderChangeRequest:
    """Record a cancellation or address change the policy allows; a refusal saves nothing."""
    at = at or timezone.now()
    if kind not in ChangeKind.values:
        raise DomainError(f"Unknown change {kind!r}; choose one of {ChangeKind.values}.")
    # Lock the order so two changes asked at once queue here; the unique index backs it.
    Order.objects.select_for_update(of=("self",)).filter(pk=order.pk).first()
    pending = OrderChangeRequest.objects.filter(order=order, status=ChangeStatus.REQUESTED).first()
    if pending is not None:
        raise DomainError(_open_change_message(pending), code="change_pending")
    decision, deadlines = order_change_window(order, kind, at=at)
    findings = list(decision.findings)
    new_address: dict[str, str] = {}
    if kind == ChangeKind.ADDRESS_CHANGE:
        address = address or {}
        finding = _address_finding(order, address)
        findings.append(finding)
        if not finding.ok:
            raise PolicyRefusal.from_finding(finding)
        new_address = {f: (address.get(f) or "").strip() for f in ShippingAddress.ADDRESS_FIELDS}
        new_address["ship_country"] = new_address["ship_country"].upper() or str(order.ship_country)
    if not decision.allowed:
        raise PolicyRefusal(decision)
    stored = decision.to_dict()
    stored["findings"] = [f.to_dict() for f in findings]
    stored["deadlines"] = [d.to_dict() for d in deadlines]
    try:
        with transaction.atomic():
            change = OrderChangeRequest.objects.create(
                vendor_id=order.vendor_id,
                order=order,
                customer=order.customer,
                kind=kind,
                reason=reason.strip(),
                best_effort=decision.best_effort,
                decision=stored,
                policy_version=decision.policy_version,
                requested_at=at,
                requested_by=actor.label,
                **new_address,
            )
    except IntegrityError as exc:
        pending = OrderChangeRequest.objects.filter(order=order, status=ChangeStatus.REQUESTED)
        raise DomainError(_open_change_message(pending.first()), code="change_pending") from exc
    record_event(
        subject=change,
        action="requested",
        actor=actor,
        to_status=ChangeStatus.REQUESTED,
        note=change.reason,
        rule_ids=[f.rule_id for f in findings],
        data={"kind": kind, "best_effort": change.best_effort},
    )
    return change


@transaction.atomic
def order_change_resolve(
    *,
    change_request: OrderChangeRequest,
    actor: Actor,
    done: bool,
    note: str = "",
    at: datetime | None = None,
) -> OrderChangeRequest:
    """Support records whether the cancellation or change happened."""
    change = OrderChangeRequest.objects.select_for_update(of=("self",)).get(pk=change_request.pk)
    if not change.can_resolve():
        raise DomainError(f"This request is already {change.get_status_display().lower()}.")
    if not done and not note.strip():
        raise DomainError("Tell the customer why it could not be done (e.g. the parcel had left).")
    from_status = change.status
    change.status = ChangeStatus.DONE if done else ChangeStatus.FAILED
    change.resolved_at = at or timezone.now()
    change.resolved_by = actor.label
    change.resolution_note = note.strip()
    change.save(
        update_fields=["status", "resolved_at", "resolved_by", "resolution_note", "updated_at"]
    )
    record_event(
        subject=change,
        action="resolved",
        actor=actor,
        from_status=from_status,
        to_status=change.status,
        note=change.resolution_note,
    )
    return change
