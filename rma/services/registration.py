"""A customer registers a unit by serial: bought in the vendor's store (matched to its order
and email) or elsewhere (with a proof of purchase, where the vendor's policy accepts it).

A unit bought elsewhere becomes a purchase record of its own (an order of the retailer
channel with one line and the unit), so the same portal, claim form and policy serve it.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.base import PurchaseFacts
from rma.models import Customer, Order, OrderLine, Unit, UnitRegistration
from tenancy.models import Vendor

from .base import DomainError, PolicyRefusal
from .units import _clean_serial
from .uploads import check_upload_content

REGISTRATION_PREFIX = "REG-"


@dataclass(frozen=True)
class Purchase:
    """What the customer says of a purchase outside the vendor's store."""

    seller: str
    country: str
    purchased_on: date
    product: str
    price: Decimal
    currency: str


def _already_registered(vendor: Vendor) -> DomainError:
    # The same words whoever registered it: the page tells nobody who owns a serial.
    return DomainError(
        _(
            "This serial number is already registered. If the product is yours, write to "
            "%(support_email)s."
        )
        % {"support_email": vendor.support_email},
        code="already_registered",
    )


def _existing(unit: Unit, email: str) -> UnitRegistration | None:
    registration = UnitRegistration.objects.filter(unit=unit).select_related("customer").first()
    if registration is None:
        return None
    if registration.customer.email.lower() == email.lower():
        return registration
    raise _already_registered(unit.vendor)


@transaction.atomic
def unit_register_from_order(
    *, vendor: Vendor, serial: str, email: str, order_number: str
) -> UnitRegistration:
    """Register a unit the vendor sold: serial, order number and email must belong together.

    A second registration by the same customer returns the first; any mismatch gets the same
    answer, so the form reveals nothing about other people's orders.
    """
    serial, email = _clean_serial(serial), email.strip()
    unit = (
        Unit.objects.select_for_update(of=("self",))
        .select_related("order_line__order__customer", "vendor")
        .filter(
            vendor=vendor,
            serial=serial,
            order_line__order__number__iexact=order_number.strip(),
            order_line__order__customer__email__iexact=email,
        )
        .first()
    )
    if unit is None:
        raise DomainError(
            _(
                "We found no product with this serial number on that order for this email "
                "address. Check the serial on the label, the order number and the email used "
                "for the order."
            ),
            code="not_found",
        )
    if (found := _existing(unit, email)) is not None:
        return found
    order = unit.order_line.order
    local = timezone.localtime(order.placed_at, ZoneInfo(vendor.time_zone))
    return UnitRegistration.objects.create(
        vendor=vendor,
        unit=unit,
        customer=order.customer,
        order=order,
        purchased_on=local.date(),
        decision={},
    )


@transaction.atomic
def unit_register_bought_elsewhere(
    *,
    vendor: Vendor,
    serial: str,
    email: str,
    purchase: Purchase,
    proof: IO[bytes] | None,
    at: datetime | None = None,
) -> UnitRegistration:
    """Register a unit bought from another seller, if the vendor's policy accepts it.

    The proof of purchase goes through the same content checks as evidence; a refusal (by the
    policy, with its rule ids, or of the file) saves nothing.
    """
    at = at or timezone.now()
    serial, email = _clean_serial(serial), email.strip()
    if not email:
        raise DomainError(_("Enter your email address."))
    policy = vendor.get_policy()
    purchased_at = datetime.combine(purchase.purchased_on, time(12), ZoneInfo(vendor.time_zone))
    facts = PurchaseFacts(
        seller=purchase.seller.strip(),
        country=purchase.country.upper(),
        purchased_at=purchased_at,
        at=at,
        has_proof=proof is not None,
    )
    decision = policy.accepts_unit_bought_elsewhere(facts)
    if not decision.allowed:
        raise PolicyRefusal(decision)
    known = (
        Unit.objects.select_for_update(of=("self",)).filter(vendor=vendor, serial=serial).first()
    )
    if known is not None:
        if (found := _existing(known, email)) is not None:
            return found
        raise DomainError(
            _(
                "This serial number belongs to a product sold in our store; register it with "
                "its order number instead."
            ),
            code="sold_here",
        )
    requirement = policy.proof_of_purchase()
    if requirement is None or proof is None:  # the policy accepted without one: refuse anyway
        raise DomainError(_("Add the proof of purchase (invoice or receipt)."), code="invalid")
    name = os.path.basename(getattr(proof, "name", "") or "proof")[:200]
    size = getattr(proof, "size", None)
    if size is None:
        proof.seek(0, os.SEEK_END)
        size = proof.tell()
    checked = check_upload_content(
        proof, name=name, size=size, requirement=requirement, policy=policy
    )
    customer, _created = Customer.objects.get_or_create(
        vendor=vendor, email__iexact=email, defaults={"email": email}
    )
    order = Order.objects.create(
        vendor=vendor,
        number=f"{REGISTRATION_PREFIX}{secrets.token_hex(4).upper()}",
        customer=customer,
        placed_at=purchased_at,
        # Registered by the customer who holds it, so it was delivered.
        shipped_at=purchased_at,
        delivered_at=purchased_at,
        purchase_channel=Order.Channel.RETAILER,
        country_of_purchase=facts.country,
        currency=purchase.currency.upper(),
    )
    product = purchase.product.strip()
    line = OrderLine.objects.create(
        vendor=vendor,
        order=order,
        sku=product[:64],
        name=product[:200],
        quantity=1,
        unit_price=purchase.price,
    )
    deadline = policy.unit_warranty_end(purchased_at, None)
    try:
        with transaction.atomic():
            unit = Unit.objects.create(
                vendor=vendor,
                serial=serial,
                sku=line.sku,
                market=facts.country,
                order_line=line,
                warranty_start=purchased_at,
                warranty_end=deadline.at if deadline else None,
                warranty_rule_id=deadline.rule_id if deadline else "",
                source=Unit.Source.REGISTRATION,
            )
    except IntegrityError:
        raise _already_registered(vendor) from None
    registration = UnitRegistration(
        vendor=vendor,
        unit=unit,
        customer=customer,
        order=order,
        bought_elsewhere=True,
        seller=facts.seller[:120],
        purchased_on=purchase.purchased_on,
        proof_content_type=checked.content_type,
        proof_size=checked.size,
        proof_sha256=checked.sha256,
        decision=decision.to_dict(),
    )
    registration.proof.save(checked.storage_name, checked.content, save=False)
    try:
        registration.save()
    except BaseException:
        registration.proof.delete(save=False)
        raise
    return registration
