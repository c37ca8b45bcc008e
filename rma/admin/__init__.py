"""The support agents' admin: each vendor's staff see and act on their own vendor's cases only."""

from . import changes, events, orders, returns, solutions, units  # noqa: F401  (registers the admins)
