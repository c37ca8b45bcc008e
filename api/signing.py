"""Short-lived signed links to evidence files, so a vendor's system can fetch one without a key.

The token carries the vendor and the evidence id, signed with SECRET_KEY and timestamped; it is
accepted for ``API_EVIDENCE_LINK_SECONDS`` (default 300) and names exactly one file.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from rma.models import Evidence

SALT = "api.evidence-download"


def link_lifetime() -> int:
    return int(getattr(settings, "API_EVIDENCE_LINK_SECONDS", 300))


def evidence_download_link(evidence: Evidence, *, request=None) -> tuple[str, datetime]:
    """The download URL of ``evidence`` and when it stops working."""
    token = signing.dumps({"v": evidence.vendor_id, "e": evidence.pk}, salt=SALT, compress=True)
    path = reverse("api:evidence-download", args=[evidence.pk]) + f"?token={token}"
    if request is not None:
        url = request.build_absolute_uri(path)
    else:
        url = settings.PUBLIC_BASE_URL + path
    return url, timezone.now() + timedelta(seconds=link_lifetime())


class LinkExpired(Exception):
    pass


def read_download_token(token: str, *, evidence_id: int) -> int | None:
    """The vendor id the token was issued for, or None when it is not for this file.

    Raises LinkExpired for a genuine token that is too old, so the caller can say so.
    """
    try:
        payload = signing.loads(token, salt=SALT, max_age=link_lifetime())
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("e") != evidence_id:
        return None
    vendor_id = payload.get("v")
    return vendor_id if isinstance(vendor_id, int) else None
