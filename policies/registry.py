"""The vendor policies the portal knows, by key; a new vendor is one more entry here."""

from __future__ import annotations

from collections.abc import Mapping

from policies.aqara import AqaraPolicy
from policies.base import Policy
from policies.marketplace import MarketplacePolicy
from policies.reolink import ReolinkPolicy

POLICIES: dict[str, type[Policy]] = {
    ReolinkPolicy.key: ReolinkPolicy,
    MarketplacePolicy.key: MarketplacePolicy,
    AqaraPolicy.key: AqaraPolicy,
}


def register(policy_class: type[Policy]) -> type[Policy]:
    """Add a policy under its key (a real vendor is one more entry in ``POLICIES`` above; the
    test suite registers its own test-only vendor with this)."""
    existing = POLICIES.get(policy_class.key)
    if existing is not None and existing is not policy_class:
        raise KeyError(f"Policy key {policy_class.key!r} is already taken by {existing.__name__}")
    POLICIES[policy_class.key] = policy_class
    return policy_class


def policy_keys() -> tuple[str, ...]:
    return tuple(POLICIES)


def get_policy(
    key: str,
    settings: Mapping[str, object] | None = None,
    *,
    timezone: str = "UTC",
    country: str = "US",
) -> Policy:
    try:
        policy_class = POLICIES[key]
    except KeyError:
        known = ", ".join(sorted(POLICIES))
        raise KeyError(f"Unknown policy {key!r}; known policies: {known}") from None
    return policy_class(settings, timezone=timezone, country=country)
