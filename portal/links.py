"""Absolute links to a vendor's portal pages, for emails, access links, the API and the admin.

Links are built here, where the URLs are: on the shared host under ``/v/<slug>/``, or on the
vendor's own host name when it has one marked ``use_in_links`` (where the portal is mounted at
the root, see ``portal.hosts``). The domain asks for them through ``rma.links``, which this app
registers when it starts (``portal.apps``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django_scopes import scopes_disabled

from tenancy.models import Vendor

from .hosts import host_urlconf
from .models import VendorDomain


def link_host(vendor: Vendor) -> str | None:
    """The vendor's own host name for links, if it has one marked ``use_in_links``."""
    with scopes_disabled():
        return (
            VendorDomain.objects.filter(vendor_id=vendor.pk, use_in_links=True)
            .values_list("host", flat=True)
            .first()
        )


def link_host_column():
    """``link_host`` as a subquery on the row's ``vendor_id``, for a list to annotate its rows
    with (one query for the page, not one per row)."""
    with scopes_disabled():
        hosts = VendorDomain.objects.filter(vendor_id=OuterRef("vendor_id"), use_in_links=True)
    return Subquery(hosts.order_by("pk").values("host")[:1])


LOOK_UP = object()


def portal_link(vendor: Vendor, name: str, *, host: str | object | None = LOOK_UP, **kwargs) -> str:
    """An absolute link to the portal page ``name`` of ``vendor``, on its own host if it has one.

    ``host`` is ``link_host(vendor)`` when the caller already knows it (a list of one vendor's
    rows looks it up once, not once a row).
    """
    if host is LOOK_UP:
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
