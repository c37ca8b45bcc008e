"""Claim integrity: which facts about a claim's serials and customer an agent should see twice.

Pure Python. Flags inform, they do not decide: a flag refuses a claim only where the vendor's
settings list its check in ``integrity_refuses``. Each flag cites the vendor's rule for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from policies.results import Finding, finding
from policies.vocabulary import Message, ParamKind, msg, typed


class IntegrityCheck(StrEnum):
    SERIAL_CLAIMED = "serial_claimed"
    SERIAL_NOT_SOLD = "serial_not_sold"
    OTHER_MARKET = "other_market"
    TWO_CUSTOMERS = "two_customers"
    FREQUENT_CLAIMANT = "frequent_claimant"


@dataclass(frozen=True)
class UnitIntegrityFacts:
    """One serial a claim names, as the vendor's registry knows it."""

    serial: str
    known: bool  # in the vendor's registry at all
    sold_by_vendor: bool  # on one of the vendor's own orders (not only registered)
    market: str = ""  # the country it was sold for; empty: unknown
    open_claims: int = 0  # other claims naming it that are still open
    completed_claims: int = 0  # other claims naming it that were settled (refund, replacement)
    other_customer: bool = False  # sold to, or registered by, another customer


@dataclass(frozen=True)
class IntegrityFacts:
    units: tuple[UnitIntegrityFacts, ...]
    claim_country: str  # where the claim comes from: the customer's country or the order's
    claims_in_period: int  # the customer's claims in the settings' period, this one included


@dataclass(frozen=True)
class IntegrityFlag:
    check: IntegrityCheck
    serial: str
    finding: Finding  # ok=False: flagged; its rule id is the vendor's rule for the check
    blocking: bool


def parse_checks(raw: str) -> frozenset[IntegrityCheck]:
    """A comma-separated list of check names; an unknown name is a settings error."""
    names = [part.strip() for part in raw.split(",") if part.strip()]
    known = {c.value for c in IntegrityCheck}
    unknown = sorted(set(names) - known)
    if unknown:
        raise ValueError(
            f"Unknown integrity check(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}."
        )
    return frozenset(IntegrityCheck(n) for n in names)


def integrity_flags(
    facts: IntegrityFacts,
    *,
    rules: Mapping[IntegrityCheck, str],
    default_rule: str,
    claims_flag_count: int,
    claims_flag_days: int,
    refuses: frozenset[IntegrityCheck],
) -> tuple[IntegrityFlag, ...]:
    flags: list[IntegrityFlag] = []

    def flag(check: IntegrityCheck, on: str, text: Message, **figures: object) -> None:
        rule = rules.get(check, default_rule)
        found = finding(rule, False, Message(text.id, text.params, rule_id=rule), **figures)
        flags.append(IntegrityFlag(check, on, found, check in refuses))

    for unit in facts.units:
        s = unit.serial
        if unit.open_claims or unit.completed_claims:
            text = Message(
                msg(
                    "Serial %(serial)s is already in %(open)s open and %(completed)s "
                    "completed claim(s)"
                ),
                {"serial": s, "open": unit.open_claims, "completed": unit.completed_claims},
            )
            flag(
                IntegrityCheck.SERIAL_CLAIMED,
                s,
                text,
                serial=s,
                open_claims=unit.open_claims,
                completed_claims=unit.completed_claims,
            )
        if not unit.known:
            text = Message(msg("Serial %(serial)s is not in the vendor's registry"), {"serial": s})
            flag(IntegrityCheck.SERIAL_NOT_SOLD, s, text, serial=s, known=False)
        elif not unit.sold_by_vendor:
            text = Message(
                msg(
                    "Serial %(serial)s was not sold by the vendor (registered as bought elsewhere)"
                ),
                {"serial": s},
            )
            flag(IntegrityCheck.SERIAL_NOT_SOLD, s, text, serial=s, known=True)
        country = facts.claim_country.upper()
        if unit.market and country and unit.market.upper() != country:
            text = Message(
                msg("Serial %(serial)s was sold for %(market)s; the claim comes from %(country)s"),
                {
                    "serial": s,
                    "market": typed(ParamKind.COUNTRY, unit.market.upper()),
                    "country": typed(ParamKind.COUNTRY, country),
                },
            )
            flag(
                IntegrityCheck.OTHER_MARKET,
                s,
                text,
                serial=s,
                market=unit.market.upper(),
                country=country,
            )
        if unit.other_customer:
            text = Message(
                msg("Serial %(serial)s is also on another customer's order or registration"),
                {"serial": s},
            )
            flag(IntegrityCheck.TWO_CUSTOMERS, s, text, serial=s)
    if claims_flag_count and facts.claims_in_period > claims_flag_count:
        text = Message(
            msg(
                "The customer made %(claims)s claims in %(days)s days; more than %(limit)s is "
                "unusual"
            ),
            {
                "claims": facts.claims_in_period,
                "days": claims_flag_days,
                "limit": claims_flag_count,
            },
        )
        flag(
            IntegrityCheck.FREQUENT_CLAIMANT,
            "",
            text,
            claims=facts.claims_in_period,
            days=claims_flag_days,
            limit=claims_flag_count,
        )
    return tuple(flags)
