"""What a vendor's policy says to the customer, rendered in the page's language."""

from __future__ import annotations

from django import template

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


@register.filter
def message(stored) -> str:
    """One stored message (``{"id": ..., "params": ...}``) in the page's language."""
    return render(stored)


@register.simple_tag
def rule_ids_of(entries) -> list[str]:
    """The rule ids a list of timeline entries cites, once each, in order of first mention."""
    seen: dict[str, None] = {}
    for entry in entries or ():
        for rule_id in getattr(entry, "rule_ids", ()):
            seen.setdefault(rule_id, None)
    return list(seen)
