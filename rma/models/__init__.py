"""The RMA domain model; each topic has its own module."""

from .access import ReturnAccess
from .catalogue import CatalogProduct, CatalogVariant
from .changes import ChangeKind, ChangeStatus, OrderChangeRequest
from .events import ActorKind, Event
from .evidence import Evidence, EvidenceKind
from .exchanges import ExchangeSettlement, ReturnExchange
from .integrity import ClaimFlag, FlagKind
from .orders import Customer, Order, OrderLine, ShippingAddress
from .resolutions import (
    RESOLUTION_STEPS,
    RESOLUTION_TRANSITIONS,
    CompensationMethod,
    Resolution,
    ResolutionKind,
    ResolutionState,
    ResolutionStep,
)
from .returns import RETURN_TRANSITIONS, ReturnLine, ReturnRequest, ReturnStatus, Scenario
from .rollups import CaseKind, ClaimDay, RefundDay, ResolutionDay, ReturnDay, SkuDay, StatusCount
from .solutions import (
    SOLUTION_TRANSITIONS,
    SolutionKind,
    SolutionLine,
    SolutionStatus,
    WarrantySolution,
)
from .units import ReturnUnit, Unit, UnitRegistration
from .workspace import CaseMessage, CaseNote, MessageAttachment, MessageDirection

__all__ = [
    "RESOLUTION_STEPS",
    "RESOLUTION_TRANSITIONS",
    "RETURN_TRANSITIONS",
    "SOLUTION_TRANSITIONS",
    "ActorKind",
    "CaseKind",
    "CaseMessage",
    "CaseNote",
    "CatalogProduct",
    "CatalogVariant",
    "ChangeKind",
    "ChangeStatus",
    "ClaimDay",
    "ClaimFlag",
    "CompensationMethod",
    "Customer",
    "Event",
    "Evidence",
    "EvidenceKind",
    "ExchangeSettlement",
    "FlagKind",
    "MessageAttachment",
    "MessageDirection",
    "Order",
    "OrderChangeRequest",
    "OrderLine",
    "RefundDay",
    "Resolution",
    "ResolutionDay",
    "ResolutionKind",
    "ResolutionState",
    "ResolutionStep",
    "ReturnAccess",
    "ReturnDay",
    "ReturnExchange",
    "ReturnLine",
    "ReturnRequest",
    "ReturnStatus",
    "ReturnUnit",
    "Scenario",
    "ShippingAddress",
    "SkuDay",
    "SolutionKind",
    "SolutionLine",
    "SolutionStatus",
    "StatusCount",
    "Unit",
    "UnitRegistration",
    "WarrantySolution",
]
