"""Per-vendor policy settings: the README's readings as typed, validated defaults."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from policies.facts import MEBIBYTE

COMPENSATION_METHODS = ("refund", "coupon", "store_credit")


@dataclass(frozen=True)
class BaseSettings:
    """Settings every policy has; a vendor subclass adds its own, each with the README default."""

    max_upload_bytes: int = 10 * MEBIBYTE
    video_max_bytes: int = 200 * MEBIBYTE
    reminder_hours_before: int = 24
    # The emailed self-service link signs the customer in by itself: the link is a 256-bit
    # secret sent to the order's own address, the same mailbox a password would go to, so a
    # password beside it adds a step, not a factor. False: the link asks for the password
    # printed in the same email (docs/portal.md).
    access_link_signs_in: bool = True
    # Email subjects in the customer's language (the default), or in the vendor's own English
    # wording for every customer: for a vendor whose published guide tells customers to look
    # for an email by its English title (the body stays in the customer's language).
    english_email_subjects: bool = False
    # Claim integrity: more claims than this by one customer within the days is flagged
    # (0: never); the checks listed (comma-separated IntegrityCheck names) refuse a claim.
    claims_flag_count: int = 3
    claims_flag_days: int = 90
    integrity_refuses: str = ""
    # How a compensation is paid: "refund", "coupon" or "store_credit".
    compensation_method: str = "refund"
    # The customer of a non-quality return may choose store credit instead of money back; the
    # refund is then planned as a store credit resolution of the same amount.
    store_credit_refunds: bool = False
    # How a customer pays a make-up payment: a payment link and/or bank transfer text, shown
    # on the case page while the payment is owed.
    makeup_payment_link: str = ""
    makeup_payment_instructions: str = ""

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object], *, policy_key: str) -> BaseSettings:
        defaults = cls()
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(mapping) - known)
        if unknown:
            raise ValueError(
                f"Unknown setting(s) for the {policy_key!r} policy: {', '.join(unknown)}. "
                f"Known settings: {', '.join(sorted(known))}."
            )
        values = {
            name: _coerce_setting(policy_key, name, value, getattr(defaults, name))
            for name, value in mapping.items()
        }
        if "integrity_refuses" in values:
            from policies.integrity import parse_checks  # settings stay importable alone

            try:
                parse_checks(str(values["integrity_refuses"]))
            except ValueError as exc:
                where = f"Setting 'integrity_refuses' of the {policy_key!r} policy"
                raise ValueError(f"{where}: {exc}") from None
        method = values.get("compensation_method", defaults.compensation_method)
        if method not in COMPENSATION_METHODS:
            raise ValueError(
                f"Setting 'compensation_method' of the {policy_key!r} policy must be one of "
                f"{', '.join(COMPENSATION_METHODS)}, got {method!r}"
            )
        return dataclasses.replace(defaults, **values)

    def to_dict(self) -> dict[str, object]:
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in vars(self).items()}


def _coerce_setting(policy_key: str, name: str, value: object, default: object) -> object:
    where = f"Setting {name!r} of the {policy_key!r} policy"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{where} must be a whole number >= 0, got {value!r}")
        return value
    if isinstance(default, Decimal):
        # Floats are refused: 0.1 as a float is not the 0.1 a vendor typed.
        if not isinstance(value, Decimal | int | str) or isinstance(value, bool):
            raise ValueError(f"{where} must be a decimal string, got {value!r}")
        try:
            number = Decimal(value)
        except ArithmeticError as exc:
            raise ValueError(f"{where} must be a decimal string, got {value!r}") from exc
        if not number.is_finite() or number < 0:
            raise ValueError(f"{where} must be a finite number >= 0, got {value!r}")
        return number
    if not isinstance(value, str):
        raise ValueError(f"{where} must be text, got {value!r}")
    return value
