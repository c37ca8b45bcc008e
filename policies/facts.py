"""The facts a policy decides on: enums and the order and request as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from policies.calendar import require_aware

CENT = Decimal("0.01")
ZERO = Decimal("0")
IMAGE_FORMATS = ("jpg", "jpeg", "png", "webp")
VIDEO_FORMATS = ("mp4", "mov", "webm")
DOCUMENT_FORMATS = ("pdf", "jpg", "jpeg", "png")
MEBIBYTE = 1024 * 1024


class Scenario(StrEnum):
    NON_QUALITY = "non_quality"
    WRONG_ITEM = "wrong_item"
    QUALITY_DEFECT = "quality_defect"
    WARRANTY_CLAIM = "warranty_claim"


class RequestKind(StrEnum):
    RETURN = "return"  # a ReturnRequest with a Scenario
    CANCELLATION = "cancellation"
    ADDRESS_CHANGE = "address_change"
    SOLUTION_REJECT = "solution_reject"


class EvidenceKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    POSTAGE_RECEIPT = "postage_receipt"
    PAYMENT_SCREENSHOT = "payment_screenshot"
    FAULT_STATEMENT = "fault_statement"
    COMPARISON_SCREENSHOT = "comparison_screenshot"
    PACKAGING_PHOTO = "packaging_photo"
    PROOF_OF_PURCHASE = "proof_of_purchase"  # a unit's registration, not a case's evidence


class Attestation(StrEnum):
    UNUSED = "unused"
    UNTESTED = "untested"
    UNPROGRAMMED = "unprogrammed"
    PACKAGING_INTACT = "packaging_intact"
    ACCESSORIES_COMPLETE = "accessories_complete"
    GIFTS_INCLUDED = "gifts_included"
    ORIGINAL_PACKAGING = "original_packaging"  # AQA-6: included, not necessarily pristine
    UNDAMAGED = "undamaged"  # AQA-4


@dataclass(frozen=True)
class LineFacts:
    """One order line; `purchase_cost` and `export_postage` are per unit, like `unit_price`."""

    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    purchase_cost: Decimal = ZERO
    export_postage: Decimal = ZERO
    warranty_months: int | None = None
    # Units of this line in other return requests that still hold them: open ones, and closed
    # ones that refunded or waived them (a replacement or a rejection gives them back).
    already_claimed: int = 0


@dataclass(frozen=True)
class OrderFacts:
    number: str
    currency: str
    placed_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    country_of_purchase: str
    purchase_channel: str
    is_corporate: bool
    lines: tuple[LineFacts, ...]
    has_tracking_number: bool = False

    def __post_init__(self) -> None:
        for name in ("placed_at", "shipped_at", "delivered_at"):
            if (value := getattr(self, name)) is not None:
                require_aware(value, f"OrderFacts.{name}")


@dataclass(frozen=True)
class UnitFacts:
    """One unit a claim names, with its own history (warranty end through replacements)."""

    serial: str
    sku: str
    market: str = ""  # the country it was sold for; empty: the order's country of purchase
    warranty_end: datetime | None = None  # set by the policy when sold or replaced (AQA-7/10)
    fully_refunded: bool = False  # AQA-11
    replaced_at: datetime | None = None  # when this unit was sent as a replacement (AQA-10)

    def __post_init__(self) -> None:
        for name in ("warranty_end", "replaced_at"):
            if (value := getattr(self, name)) is not None:
                require_aware(value, f"UnitFacts.{name}")


@dataclass(frozen=True)
class PurchaseFacts:
    """A customer's registration of a unit bought outside the vendor's store."""

    seller: str
    country: str
    purchased_at: datetime
    at: datetime
    has_proof: bool = False
    warranty_months: int | None = None

    def __post_init__(self) -> None:
        require_aware(self.purchased_at, "PurchaseFacts.purchased_at")
        require_aware(self.at, "PurchaseFacts.at")


@dataclass(frozen=True)
class RequestFacts:
    kind: RequestKind
    at: datetime
    scenario: Scenario | None = None
    lines: tuple[tuple[str, int], ...] = ()
    evidence: Mapping[EvidenceKind, int] = field(default_factory=dict)
    attestations: frozenset[Attestation] = frozenset()
    current_country: str | None = None
    solution_status: str | None = None
    comment: str = ""
    replaced_at: datetime | None = None
    original_warranty_end: datetime | None = None
    fully_refunded: bool = False
    complex_case: bool = False
    received_item_price: Decimal | None = None
    # True when a request is opened before its evidence is uploaded (the portal's checklist);
    # missing evidence is then reported as still to come rather than refused.
    evidence_due_later: bool = False
    # The units the claim names; when given, the policy judges each unit's own history.
    units: tuple[UnitFacts, ...] = ()

    def __post_init__(self) -> None:
        require_aware(self.at, "RequestFacts.at")
        for name in ("replaced_at", "original_warranty_end"):
            if (value := getattr(self, name)) is not None:
                require_aware(value, f"RequestFacts.{name}")


@dataclass(frozen=True)
class ResolutionFacts:
    """What a policy plans a case's resolutions from, at one ``stage`` of the case.

    ``solution_kind`` and the amounts are those of a warranty solution the agent proposed;
    ``return_freight`` is the return postage the customer paid, from their receipt.
    """

    stage: str
    order: OrderFacts
    request: RequestFacts | None = None
    wrong_item_option: str | None = None
    ratio: Decimal | None = None
    return_freight: Decimal | None = None
    solution_kind: str | None = None
    refund_amount: Decimal = ZERO
    makeup_amount: Decimal = ZERO
    original_warranty_end: datetime | None = None
    received_on: datetime | None = None
    at: datetime | None = None  # when the stage happens (a replacement's dispatch)
    lines: tuple[tuple[str, int], ...] = ()  # (sku, quantity) a solution covers
    store_credit: bool = False  # the customer chose store credit instead of money back
    # Money refunded on this case before its refund step (an exchange's price difference paid
    # and the exchange then cancelled), as negative lines the refund deducts.
    refunded: tuple = ()
