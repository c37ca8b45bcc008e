"""The one email renderer, and the register of email kinds the outbox may send.

The domain declares its kinds (``register_kind``) and records them with the outbox; this
module renders any of them: templates live in ``templates/emails/<kind>-subject.txt``,
``<kind>.txt`` and ``<kind>.html``, and a vendor overrides any of them with
``templates/emails/<vendor slug>/<kind>...``. It knows nothing of what a kind is about.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from email.mime.image import MIMEImage
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tenancy.models import Vendor

from .context import decode_context
from .mime import OutboxEmail
from .models import OutboxMessage

# kind -> what it is, in words for agents; filled by the domain at start-up.
KINDS: dict[str, Any] = {}
# kind -> why a queued message of that kind should no longer go out ('' if it should).
ObsoleteCheck = Callable[[OutboxMessage, dict[str, str]], str]
_OBSOLETE: dict[str, ObsoleteCheck] = {}
# kind -> the kind of an earlier email whose subject it quotes, so the customer can search for it.
QUOTED_SUBJECTS: dict[str, str] = {}


def register_kind(
    kind: str, label: Any, *, obsolete: ObsoleteCheck | None = None, quotes: str | None = None
) -> None:
    """Declare an email kind; ``obsolete`` is asked just before sending one of them, and
    ``quotes`` names the kind whose subject its templates get as ``quoted_subject``."""
    KINDS[kind] = label
    if obsolete is not None:
        _OBSOLETE[kind] = obsolete
    if quotes is not None:
        QUOTED_SUBJECTS[kind] = quotes


def language_for(code: str) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# -- rendering -------------------------------------------------------------------------------


def _templates(vendor: Vendor, kind: str, suffix: str) -> list[str]:
    return [f"emails/{vendor.slug}/{kind}{suffix}", f"emails/{kind}{suffix}"]


def subject_language(vendor: Vendor, language: str) -> str:
    """The customer's language, or English where the vendor's policy setting keeps its own
    English subjects verbatim (``english_email_subjects``)."""
    if vendor.get_policy().settings.english_email_subjects:
        return settings.LANGUAGE_CODE
    return language_for(language)


def _subject(vendor: Vendor, kind: str, context: dict[str, Any], language: str) -> str:
    with translation.override(subject_language(vendor, language)):
        subject = render_to_string(_templates(vendor, kind, "-subject.txt"), context)
    return " ".join(subject.split())


def render(
    *, vendor: Vendor, kind: str, context: dict[str, Any], language: str
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one email, in the language and the vendor's time zone."""
    logo_cid = f"logo.{vendor.slug}@rma-portal" if vendor.logo else ""
    full = {
        **context,
        "vendor": vendor,
        "accent": vendor.accent_colour,
        "logo_cid": logo_cid,
        "kind": kind,
    }
    with timezone.override(vendor.time_zone):
        subject = _subject(vendor, kind, full, language)
        if kind in QUOTED_SUBJECTS:
            full["quoted_subject"] = _subject(vendor, QUOTED_SUBJECTS[kind], full, language)
        with translation.override(language_for(language)):
            text = render_to_string(_templates(vendor, kind, ".txt"), full)
            html = render_to_string(_templates(vendor, kind, ".html"), full)
    # Template tags leave blank lines behind; a plain-text reader wants at most one.
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text).strip() + "\n"
    return subject, text, html


def build_email(message: OutboxMessage, secrets: dict[str, str]) -> OutboxEmail:
    vendor = message.vendor
    context = {**decode_context(message.context), **secrets}
    subject, text, html = render(
        vendor=vendor, kind=message.kind, context=context, language=message.language
    )
    email = OutboxEmail(
        subject=subject,
        body=text,
        from_email=formataddr((vendor.name, vendor.sender_email)),
        to=[message.to],
        reply_to=[vendor.support_email],
        headers={
            "Message-ID": message_id_for(message),
            "Auto-Submitted": "auto-generated",
            "X-RMA-Email-Kind": message.kind,
        },
    )
    email.attach_alternative(html, "text/html")
    if vendor.logo:
        # The logo travels inside the email: media is private and never served publicly.
        with vendor.logo.open("rb") as logo:
            image = MIMEImage(logo.read())
        image.add_header("Content-ID", f"<logo.{vendor.slug}@rma-portal>")
        image.add_header("Content-Disposition", "inline", filename="logo")
        email.mixed_subtype = "related"
        email.attach(image)
    # Written once here, in the claim step: the SMTP step then only hands over bytes.
    email.prepare(sender=(vendor.name, vendor.sender_email))
    return email


def obsolete_reason(message: OutboxMessage, secrets: dict[str, str]) -> str:
    """Why a queued message should no longer go out (its kind's own check), or ''."""
    check = _OBSOLETE.get(message.kind)
    return check(message, secrets) if check else ""


def message_id_for(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt, so a receiving server can drop a duplicate."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:24]
    domain = message.vendor.sender_email.rsplit("@", 1)[-1] or "localhost"
    return f"<{digest}.{message.pk}@{domain}>"
