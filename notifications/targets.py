"""Where webhooks may post: public addresses only, checked when an endpoint is saved and again
for every delivery (a host name may resolve elsewhere later)."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

# -- where we may post -----------------------------------------------------------------------


class UnsafeTarget(ValidationError):
    pass


# IPv6 ranges that carry an IPv4 address or are not routed on the internet, which Python's
# is_global does not (all of them) treat as non-global: IPv4-compatible (::a.b.c.d, deprecated),
# site-local (fec0::/10, deprecated), 6to4 (2002::/16), NAT64 (64:ff9b::/96 and /48).
_IPV6_NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in ("::/96", "fec0::/10", "2002::/16", "64:ff9b::/96", "64:ff9b:1::/48")
)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, compatible, 6to4, NAT64), if any."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    packed = int(ip)
    if ip in _IPV6_NOT_PUBLIC[0] or ip in _IPV6_NOT_PUBLIC[3]:
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    return None


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and not (ip.is_loopback or ip.is_unspecified):  # ::1 and :: as they are
        embedded = _embedded_ipv4(ip)
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif embedded is not None or any(ip in net for net in _IPV6_NOT_PUBLIC):
            # An IPv4 address in IPv6 clothing, or a range that is not the public internet:
            # judged only as what it carries when private targets are allowed (tests).
            if not settings.WEBHOOK_ALLOW_PRIVATE_TARGETS or embedded is None:
                return False
            ip = embedded
    if ip.is_multicast or ip.is_link_local or ip.is_unspecified:
        return False  # never: link-local holds cloud metadata services
    if ip.is_global:
        return True
    return settings.WEBHOOK_ALLOW_PRIVATE_TARGETS and (ip.is_loopback or ip.is_private)


def resolve_target(url: str) -> tuple[str, int, str]:
    """The (host, port, address) to connect to; refuses private, loopback, link-local and
    reserved addresses unless WEBHOOK_ALLOW_PRIVATE_TARGETS is on, for every address the name
    resolves to, so a receiver cannot point a name at the portal's own network."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise UnsafeTarget("A webhook URL starts with https://.")
    if parts.scheme == "http" and settings.WEBHOOK_REQUIRE_HTTPS:
        raise UnsafeTarget("Use an https:// URL; events carry customer data.")
    if not parts.hostname:
        raise UnsafeTarget("The webhook URL has no host name.")
    if parts.username or parts.password:
        raise UnsafeTarget("Put no user name or password in the URL; requests are signed.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"The host {parts.hostname} cannot be resolved ({exc}).") from exc
    addresses = sorted({info[4][0] for info in infos})
    refused = [a for a in addresses if not _address_allowed(a)]
    if refused or not addresses:
        raise UnsafeTarget(
            f"{parts.hostname} resolves to a private, loopback or reserved address "
            f"({', '.join(refused)}); webhooks go only to public internet addresses."
        )
    return parts.hostname, port, addresses[0]


def validate_target(url: str) -> None:
    try:
        resolve_target(url)
    except UnsafeTarget as exc:
        raise ValidationError({"url": exc.messages}) from exc
