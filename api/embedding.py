"""Stable entry links into a vendor's portal, and the "Warranty Service" button for emails.

Links are absolute (an email has no page to be relative to) and plain GET links, so they work
from web and desktop mail clients alike. A vendor with a host name marked ``use_in_links``
gets links on that host, where the portal is mounted at the root (see ``api.middleware``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import URLResolver, include, path, register_converter, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from rma.models import WarrantySolution
from tenancy.models import Vendor

from .models import VendorDomain

VENDOR_PREFIX = "v/<slug:vendor_slug>/"


@dataclass(frozen=True)
class VendorLinks:
    home: str
    start_return: str
    find_solution: str


def link_host(vendor: Vendor) -> str | None:
    """The vendor's own host name for links, if it has one marked ``use_in_links``."""
    with scopes_disabled():
        return (
            VendorDomain.objects.filter(vendor_id=vendor.pk, use_in_links=True)
            .values_list("host", flat=True)
            .first()
        )


_LOOK_UP = object()


def portal_link(
    vendor: Vendor, name: str, *, host: str | object | None = _LOOK_UP, **kwargs
) -> str:
    """An absolute link to the portal page ``name`` of ``vendor``, on its own host if it has one.

    ``host`` is ``link_host(vendor)`` when the caller already knows it (a list of one vendor's
    rows looks it up once, not once a row).
    """
    if host is _LOOK_UP:
        host = link_host(vendor)
    if host is None:
        return settings.PUBLIC_BASE_URL + reverse(
            f"portal:{name}", kwargs={"vendor_slug": vendor.slug, **kwargs}
        )
    scheme = urlsplit(settings.PUBLIC_BASE_URL).scheme or "https"
    relative = reverse(
        f"portal:{name}",
        kwargs={"vendor_slug": vendor.slug, **kwargs},
        urlconf=host_urlconf(vendor.slug),
    )
    return f"{scheme}://{host}{relative}"


def vendor_links(vendor: Vendor) -> VendorLinks:
    """The vendor's stable entry links: its portal home, starting a return, finding a solution."""
    home = portal_link(vendor, "vendor_home")
    return VendorLinks(
        home=home,
        start_return=portal_link(vendor, "return_start"),
        # The portal home is where a customer pastes a solution's password.
        find_solution=home,
    )


def solution_url(solution: WarrantySolution, *, host: str | object | None = _LOOK_UP) -> str:
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


# -- the portal under a vendor's own host name ---------------------------------------------------


class HostVendorConverter:
    """``vendor_slug`` on a vendor's own host: matches an empty path segment, means that vendor.

    The portal's pages reverse their links with the vendor's slug; on the vendor's host this
    converter writes it as nothing, so links stay at the root, and refuses any other vendor.
    """

    regex = ""

    def __init__(self, vendor_slug: str) -> None:
        self.vendor_slug = vendor_slug

    def to_python(self, value: str) -> str:
        return self.vendor_slug

    def to_url(self, value: str) -> str:
        if str(value) != self.vendor_slug:
            raise ValueError("Another vendor's pages are not on this host.")
        return ""


class HostURLConf:
    """A urlconf object for one vendor's host: its portal at ``/``, then the site's other
    routes (admin, API); other vendors' ``/v/<slug>/`` pages are not served there."""

    def __init__(self, vendor_slug: str) -> None:
        from django.urls import get_resolver

        self.vendor_slug = vendor_slug
        converter = f"host-vendor-{vendor_slug}"
        register_converter(lambda: HostVendorConverter(vendor_slug), converter)
        root = get_resolver(settings.ROOT_URLCONF)
        portal = next(
            (
                e
                for e in root.url_patterns
                if isinstance(e, URLResolver) and e.namespace == "portal"
            ),
            None,
        )
        if portal is None:
            raise LookupError("The portal's URLs (namespace 'portal') are not in ROOT_URLCONF.")
        portal_patterns = [
            path(f"<{converter}:vendor_slug>", include(child.url_patterns))
            if isinstance(child, URLResolver)
            and getattr(child.pattern, "_route", None) == VENDOR_PREFIX
            else child
            for child in portal.url_patterns
        ]
        self.urlpatterns = [
            path("", include((portal_patterns, "portal"), namespace="portal")),
            *(entry for entry in root.url_patterns if entry is not portal),
        ]


_HOST_URLCONFS: dict[str, HostURLConf] = {}


def host_urlconf(vendor_slug: str) -> HostURLConf:
    """One urlconf object per vendor, kept so Django's resolver cache is keyed stably."""
    urlconf = _HOST_URLCONFS.get(vendor_slug)
    if urlconf is None:
        urlconf = _HOST_URLCONFS[vendor_slug] = HostURLConf(vendor_slug)
    return urlconf
