"""Agents' saved views over the cases of their vendors: "My cases", "Unassigned", "Due today",
"Overdue", "Waiting for customer", as query conditions per case model, and their bounded counts.

Counts stop at ``COUNT_LIMIT`` (a LIMIT subquery), so a queue bar costs the same at a million
cases as at a thousand; the page shows "99+" beyond.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rma.models import (
    ChangeStatus,
    OrderChangeRequest,
    ReturnRequest,
    ReturnStatus,
    SolutionStatus,
    WarrantySolution,
)
from rma.models.returns import RETURN_OPEN
from rma.models.solutions import SOLUTION_OPEN

COUNT_LIMIT = 100


@dataclass(frozen=True)
class Queue:
    key: str
    label: str | Promise  # in the agent's language once rendered


QUEUES = (
    Queue("mine", _("My cases")),
    Queue("unassigned", _("Unassigned")),
    Queue("due_today", _("Due today")),
    Queue("overdue", _("Overdue")),
    Queue("waiting", _("Waiting for customer")),
)
R, S = ReturnStatus, SolutionStatus


def _open(model: type[Model]) -> Q:
    if model is ReturnRequest:
        return Q(status__in=sorted(RETURN_OPEN))
    if model is WarrantySolution:
        return Q(status__in=sorted(SOLUTION_OPEN))
    return Q(status=ChangeStatus.REQUESTED)


def _due_between(model: type[Model], start: datetime | None, end: datetime) -> Q | None:
    """The support deadline of each case kind: the review deadline for returns, the
    proposal's expiry for solutions. Order changes carry no deadline column."""
    if model is ReturnRequest:
        q = Q(status__in=[R.REQUESTED, R.UNDER_REVIEW], review_due__lt=end)
        return q & Q(review_due__gte=start) if start else q
    if model is WarrantySolution:
        q = Q(status=S.PENDING_CONFIRM, expires_at__lt=end)
        return q & Q(expires_at__gte=start) if start else q
    return None


def _waiting(model: type[Model]) -> Q:
    asked = Q(awaiting_customer_since__isnull=False)
    if model is ReturnRequest:
        # Approved with a return: the customer ships next.
        return _open(model) & (asked | Q(status=R.APPROVED, return_required=True))
    if model is WarrantySolution:
        return _open(model) & (asked | Q(status__in=[S.PENDING_CONFIRM, S.CONFIRMED]))
    return _open(model) & asked


def queues_for(model: type[Model]) -> tuple[Queue, ...]:
    """The saved views that mean something for ``model``."""
    if _due_between(model, None, timezone.now()) is None:
        return tuple(q for q in QUEUES if q.key not in ("due_today", "overdue"))
    return QUEUES


def queue_condition(
    model: type[Model], key: str, *, user, tz: ZoneInfo, now: datetime | None = None
) -> Q:
    """The filter of one queue; raises KeyError for an unknown key."""
    now = now or timezone.now()
    if key == "mine":
        return _open(model) & Q(assignee=user)
    if key == "unassigned":
        return _open(model) & Q(assignee__isnull=True)
    if key == "waiting":
        return _waiting(model)
    if key in ("due_today", "overdue"):
        if key == "overdue":
            q = _due_between(model, None, now)
        else:
            start = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
            q = _due_between(model, start, start + timedelta(days=1))
        if q is None:
            raise KeyError(key)
        return q
    raise KeyError(key)


def bounded_count(queryset: QuerySet) -> int:
    """At most COUNT_LIMIT: SELECT COUNT(*) FROM (SELECT ... LIMIT 100)."""
    return queryset[:COUNT_LIMIT].count()


def count_label(count: int) -> str:
    return f"{COUNT_LIMIT - 1}+" if count >= COUNT_LIMIT else str(count)


CASE_MODELS = (ReturnRequest, WarrantySolution, OrderChangeRequest)
