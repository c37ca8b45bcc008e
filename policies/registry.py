"""The vendor policies the portal knows, by key; a new vendor is one more entry here."""

from __future__ import annotations

import functools
import json
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


# Vendors times their distinct readings; a process serves a few hundred vendors at most.
POLICY_CACHE_SIZE = 512


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
    """The policy for these readings, built once per process and shared.

    A policy is immutable once built, and building one parses its settings and loads a
    public-holiday calendar, so the same (key, settings, time zone, country) returns the same
    object. The settings' content is part of the key: a vendor whose settings change gets a
    new policy on its next lookup, without anything to invalidate.
    """
    try:
        policy_class = POLICIES[key]
    except KeyError:
        known = ", ".join(sorted(POLICIES))
        raise KeyError(f"Unknown policy {key!r}; known policies: {known}") from None
    try:
        readings = json.dumps(settings or {}, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        # Not stored settings (a caller passed Python objects): build this one unshared.
        return policy_class(settings, timezone=timezone, country=country)
    return _shared_policy(key, readings, timezone, country)


@functools.lru_cache(maxsize=POLICY_CACHE_SIZE)
def _shared_policy(key: str, readings: str, timezone: str, country: str) -> Policy:
    # A refused reading raises, and lru_cache keeps no entry for a call that raised.
    return POLICIES[key](json.loads(readings), timezone=timezone, country=country)
