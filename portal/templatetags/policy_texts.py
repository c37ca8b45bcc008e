"""What a vendor's policy says to the customer, rendered in the page's language."""

from __future__ import annotations

from django import template

from rma import messages as texts
from rma.messages import render, render_all

register = template.Library()


@register.simple_tag
def solution_email_notice(vendor) -> list[str]:
    """Where the customer finds the warranty-solution email and its password."""
    return render_all(vendor.get_policy().solution_email_notice())


@register.simple_tag
def approved_return_notice(vendor) -> list[str]:
    """What the customer does with the RMA number of an approved return."""
    return render_all(vendor.get_policy().approved_return_notice())


@register.simple_tag
def solution_rule(vendor, step: str) -> str:
    """The vendor's rule id for one warranty-solution step, for a quiet "why"; may be empty."""
    return ", ".join(vendor.get_policy().solution_rule_ids(step))


@register.simple_tag
def wrong_item_rule(vendor) -> str:
    return vendor.get_policy().wrong_item_rule or ""


@register.simple_tag
def makeup_payment(vendor) -> dict[str, str]:
    """How the vendor takes a make-up payment: a payment link and/or bank transfer text."""
    settings = vendor.get_policy().settings
    return {
        "link": settings.makeup_payment_link,
        "instructions": settings.makeup_payment_instructions,
    }


@register.filter
def message(stored) -> str:
    """One message (a ``Message`` or a stored ``{"id": ..., "params": ...}``) in the page's
    language; a plain string (a row stored before texts were data) is shown as it is."""
    if isinstance(stored, str):
        return stored
    return render(stored)


@register.filter
def finding(stored) -> str:
    """A stored finding's sentence in the page's language (English for an old row)."""
    return texts.finding_text(stored)


@register.filter
def refund_label(stored) -> str:
    """A stored refund line's label in the page's language (English for an old row)."""
    if hasattr(stored, "label") and not isinstance(stored, dict):
        return render(stored.label)  # a RefundLine not yet stored (simulator, preview)
    return texts.refund_line_label(stored)


@register.filter
def deadline_label(stored) -> str:
    """A stored deadline's label in the page's language (English for an old row)."""
    if hasattr(stored, "label") and not isinstance(stored, dict):
        return render(stored.label)
    return texts.deadline_label(stored)


@register.filter
def wrong_item_choice(return_request) -> str:
    """The wrong-item option the customer chose, as it was worded when they chose it."""
    return texts.wrong_item_choice(return_request)


@register.simple_tag
def rule_ids_of(entries) -> list[str]:
    """The rule ids a list of timeline entries cites, once each, in order of first mention."""
    seen: dict[str, None] = {}
    for entry in entries or ():
        for rule_id in getattr(entry, "rule_ids", ()):
            seen.setdefault(rule_id, None)
    return list(seen)
