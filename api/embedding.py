"""Stable entry links into a vendor's portal, and the "Warranty Service" button for emails.

Links are absolute (an email has no page to be relative to) and plain GET links, so they work
from web and desktop mail clients alike. A vendor with a host name marked ``use_in_links``
gets links on that host, where the portal is mounted at the root (``portal.links`` builds
them, ``portal.hosts`` serves them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from portal.links import LOOK_UP, link_host, link_host_column, portal_link
from rma.models import WarrantySolution
from tenancy.models import Vendor

__all__ = [
    "LOOK_UP",
    "link_host",
    "link_host_column",
    "portal_link",
    "solution_url",
    "vendor_links",
]


@dataclass(frozen=True)
class VendorLinks:
    home: str
    start_return: str
    find_solution: str


def vendor_links(vendor: Vendor) -> VendorLinks:
    """The vendor's stable entry links: its portal home, starting a return, finding a solution."""
    home = portal_link(vendor, "vendor_home")
    return VendorLinks(
        home=home,
        start_return=portal_link(vendor, "return_start"),
        # The portal home is where a customer pastes a solution's password.
        find_solution=home,
    )


def solution_url(solution: WarrantySolution, *, host: str | object | None = LOOK_UP) -> str:
    """The login page of one warranty solution, where its email's button leads."""
    return portal_link(solution.vendor, "solution_login", host=host, public_id=solution.public_id)


def _text_colour(background: str) -> str:
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return "#ffffff" if luminance < 160 else "#111111"


def button_html(url: str, *, label: str, colour: str = "#0a5fb4") -> SafeString:
    """A button for emails: a one-cell table with inline styles and no JavaScript.

    The colour sits on the cell (``bgcolor``) as well as the link, because Outlook's Word engine
    ignores padding and background on links; every client then shows at least a coloured cell
    with a working link.
    """
    text = _text_colour(colour)
    return format_html(
        '<table role="presentation" border="0" cellpadding="0" cellspacing="0" '
        'style="border-collapse:separate;margin:16px 0;">'
        "<tr>"
        '<td align="center" bgcolor="{colour}" '
        'style="border-radius:6px;background-color:{colour};">'
        '<a href="{url}" target="_blank" rel="noopener" style="display:inline-block;'
        "padding:12px 28px;font-family:Arial,Helvetica,sans-serif;font-size:16px;"
        "font-weight:bold;line-height:20px;color:{text};text-decoration:none;"
        'border:1px solid {colour};border-radius:6px;background-color:{colour};">{label}</a>'
        "</td>"
        "</tr>"
        "</table>",
        colour=colour,
        url=url,
        text=text,
        label=label,
    )


def vendor_button_html(vendor: Vendor) -> SafeString:
    """The vendor's "Warranty Service" button, to the page where customers find their case."""
    return button_html(
        vendor_links(vendor).find_solution, label=_("Warranty Service"), colour=vendor.accent_colour
    )


def start_return_button_html(vendor: Vendor) -> SafeString:
    return button_html(
        vendor_links(vendor).start_return, label=_("Start a return"), colour=vendor.accent_colour
    )


def solution_button_html(solution: WarrantySolution) -> SafeString:
    """The "Warranty Service" button for one solution, for a vendor's own email."""
    return button_html(
        solution_url(solution), label=_("Warranty Service"), colour=solution.vendor.accent_colour
    )
