"""Links into the vendor's portal, for the domain's emails and access links.

URLs live where the pages are, above the domain: the portal registers the function that
builds them when the apps start (``portal.apps``), and the domain asks for a link by page
name here without importing the pages, the API or their URL machinery.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tenancy.models import Vendor

LinkBuilder = Callable[..., str]
_builder: list[LinkBuilder] = []


def register_link_builder(builder: LinkBuilder) -> None:
    """``builder(vendor, page_name, **url_kwargs)`` returns an absolute link; the last wins."""
    _builder[:] = [builder]


def portal_link(vendor: Vendor, name: str, **kwargs: Any) -> str:
    """An absolute link to the portal page ``name`` of ``vendor``."""
    if not _builder:
        raise LookupError("No portal link builder is registered (portal.apps registers it).")
    return _builder[0](vendor, name, **kwargs)
