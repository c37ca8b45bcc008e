"""Self-service access: email an order's customer a link (by default the link alone signs
in; a vendor may ask for a password from the same email as well), and check it.

The customer proves they own the order by reading their mailbox, as with a warranty solution
password; nothing on the page says whether an order number exists.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from rma.models import Order, ReturnAccess
from tenancy.models import Vendor

from .passwords import generate_password, hash_password, password_matches

ACCESS_LINK_DAYS = 14


def access_link_days() -> int:
    return int(getattr(settings, "PORTAL_ACCESS_LINK_DAYS", ACCESS_LINK_DAYS))


def access_url(access: ReturnAccess) -> str:
    # Imported here: the embedding module reads the API app's host names, which build on rma.
    from api.embedding import portal_link

    return portal_link(access.vendor, "access_login", token=access.token)


def link_signs_in_for(vendor: Vendor) -> bool:
    """Whether this vendor's emailed link signs in by itself (policy setting)."""
    return bool(getattr(vendor.get_policy().settings, "access_link_signs_in", True))


def return_access_open(*, access: ReturnAccess, at: datetime | None = None) -> bool:
    """True when the link alone may sign in (the vendor's setting) and has not expired."""
    at = at or timezone.now()
    if access.is_expired(at) or not link_signs_in_for(access.vendor):
        return False
    ReturnAccess.objects.filter(pk=access.pk).update(used_at=at)
    return True


@transaction.atomic
def return_access_request(
    *,
    vendor: Vendor,
    order_number: str,
    email: str,
    language: str = "en",
    at: datetime | None = None,
) -> tuple[ReturnAccess, str] | None:
    """Mail a password-protected link when the order and email match; otherwise do nothing.

    Returns the access and its clear password (for the caller's tests; pages never show it),
    or None. Both outcomes do the same expensive work, so timing tells nothing either.
    """
    at = at or timezone.now()
    number, email = order_number.strip(), email.strip()
    order = (
        Order.objects.filter(vendor=vendor, number__iexact=number, customer__email__iexact=email)
        .select_related("customer")
        .first()
        if number and email
        else None
    )
    password = generate_password()
    password_hash = hash_password(password)
    if order is None:
        return None
    access = ReturnAccess.objects.create(
        vendor=vendor,
        order=order,
        email=order.customer.email,
        token=secrets.token_urlsafe(32),
        password_hash=password_hash,
        language=language,
        created_at=at,
        expires_at=at + timedelta(days=access_link_days()),
    )
    from notifications.outbox import queue_email

    link_signs_in = link_signs_in_for(vendor)
    queue_email(
        vendor=vendor,
        kind="return_access",
        to=access.email,
        context={
            "access_url": access_url(access),
            # A link that signs in by itself needs no password in the email at all.
            "password": "" if link_signs_in else password,
            "link_signs_in": link_signs_in,
            "order_number": order.number,
        },
        key=f"return_access:{access.pk}",
        language=language,
    )
    return access, password


@transaction.atomic
def return_access_sign_in(
    *, access: ReturnAccess, password: str, at: datetime | None = None
) -> bool:
    """True when the password is this link's and the link has not expired."""
    at = at or timezone.now()
    if access.is_expired(at) or not password_matches(password, access.password_hash):
        return False
    ReturnAccess.objects.filter(pk=access.pk).update(used_at=at)
    return True


# The return slip's link in the approval and reminder emails: a signed key for that one
# return's slip (its own salt, an expiry), so the link works without a session.
SLIP_SALT = "portal.return-slip"
SLIP_KEY_MAX_AGE = timedelta(days=90)


def slip_key(rr) -> str:
    """A key for this return's slip alone; the approval and reminder emails carry it."""
    return signing.dumps(rr.public_id.hex, salt=SLIP_SALT, compress=False)


def slip_key_matches(rr, key: str) -> bool:
    if not key or len(key) > 200:
        return False
    try:
        value = signing.loads(key, salt=SLIP_SALT, max_age=SLIP_KEY_MAX_AGE)
    except signing.BadSignature:
        return False
    return value == rr.public_id.hex
