"""``{{ amount|money }}``: an amount of money in the reader's language (rma.formatting)."""

from __future__ import annotations

from django import template

from rma.formatting import amount_text

register = template.Library()


@register.filter
def money(value) -> str:
    """``15.00`` in English, ``15,00`` in German: amounts stored as text (refund and resolution
    lines, email contexts) print like the decimals beside them, always with cents."""
    return amount_text(value)
