"""The support agents' admin: each vendor's staff see and act on their own vendor's cases only."""

from . import (  # noqa: F401  (registers the admins)
    catalogue,
    changes,
    events,
    orders,
    returns,
    solutions,
    units,
)
