"""Rows of the vendor API: keys, idempotency records and vendors' own portal host names."""

from .embedding import SolutionPortalLink
from .idempotency import IdempotencyRecord
from .keys import ApiKey

__all__ = ["ApiKey", "IdempotencyRecord", "SolutionPortalLink"]
