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
_host_lookup: list[Callable[[Vendor], Any]] = []


def register_link_builder(
    builder: LinkBuilder, *, host_lookup: Callable[[Vendor], Any] | None = None
) -> None:
    """``builder(vendor, page_name, **url_kwargs)`` returns an absolute link; the last wins.
    With ``host_lookup(vendor)``, a caller building many links of one vendor looks its host
    up once and passes it to the builder as ``host=``."""
    _builder[:] = [builder]
    _host_lookup[:] = [host_lookup] if host_lookup else []


def link_host(vendor: Vendor) -> dict[str, Any]:
    """What to pass to ``portal_link`` for every link of ``vendor`` (its host, looked up once),
    or nothing when the builder looks it up itself."""
    return {"host": _host_lookup[0](vendor)} if _host_lookup else {}


def portal_link(vendor: Vendor, name: str, **kwargs: Any) -> str:
    """An absolute link to the portal page ``name`` of ``vendor``."""
    if not _builder:
        raise LookupError("No portal link builder is registered (portal.apps registers it).")
    return _builder[0](vendor, name, **kwargs)
