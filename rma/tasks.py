"""Deadline sweeps run by Celery beat: each claims due rows in batches through a partial index
with SKIP LOCKED, and moves each batch through its domain service's batch form (``*_many``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from celery import shared_task
from django.db import models, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from rma import services
from rma.models import ReturnRequest, ReturnStatus, SolutionStatus, WarrantySolution
from rma.services import Actor, DomainError
from rma.services.base import BatchResult

logger = logging.getLogger(__name__)

BATCH_LIMIT = 500
# Rows claimed and moved in one transaction: large enough that a due row costs a fraction of a
# transaction, small enough that a batch's locks and its emails' delay stay short.
BATCH_SIZE = 100


def sweep(
    model: type[models.Model],
    due: models.Q,
    order_by: str,
    move: Callable[[models.Model, datetime], object],
    *,
    now: datetime | None = None,
    limit: int = BATCH_LIMIT,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Move every due row once; returns how many moved.

    Each batch claims up to ``batch_size`` due rows with one ``SELECT ... FOR UPDATE SKIP
    LOCKED`` and moves them in one transaction, each row in a savepoint of its own, so one
    refusal undoes only that row; the batch's emails leave when it commits. Rows another sweep
    holds are skipped, and a row it has moved no longer matches ``due``: two sweeps at once
    never move a row twice.
    """
    now = now or timezone.now()
    moved = 0
    refused: list[int] = []
    while moved + len(refused) < limit:
        size = min(batch_size, limit - moved - len(refused))
        # A beat sweep serves every vendor; each row is then moved under its own vendor's scope.
        with scopes_disabled(), transaction.atomic():
            batch = list(
                model.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(due)
                .exclude(pk__in=refused)
                .order_by(order_by)[:size]
            )
            for row in batch:
                try:
                    with transaction.atomic(), scope(vendor=row.vendor_id):
                        move(row, now)
                except DomainError as exc:
                    logger.warning("%s %s not moved by the sweep: %s", model.__name__, row.pk, exc)
                    refused.append(row.pk)
                    continue
                moved += 1
        if len(batch) < size:
            break
    return moved


def sweep_batches(
    model: type[models.Model],
    due: models.Q,
    order_by: str,
    move_many: Callable[[list[models.Model], datetime], BatchResult],
    *,
    now: datetime | None = None,
    limit: int = BATCH_LIMIT,
    batch_size: int = BATCH_SIZE,
) -> int:
    """``sweep`` for a domain service that moves a whole batch at once; returns how many moved.

    Each batch claims up to ``batch_size`` due rows with one ``SELECT ... FOR UPDATE SKIP
    LOCKED`` and hands each vendor's share of them, under its scope, to ``move_many``, which
    moves them in a few statements (one update, one insert of events, one of emails); the rows
    it refuses are left alone and not claimed again by this run. Two sweeps at once never
    move a row twice: one skips the rows the other holds, which no longer match ``due`` once
    that one commits.
    """
    now = now or timezone.now()
    moved = 0
    refused: list[int] = []
    while moved + len(refused) < limit:
        size = min(batch_size, limit - moved - len(refused))
        with scopes_disabled(), transaction.atomic():
            batch = list(
                model.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(due)
                .exclude(pk__in=refused)
                .order_by(order_by)
                .only("pk", "vendor_id")[:size]
            )
            by_vendor: dict[int, list[models.Model]] = {}
            for row in batch:
                by_vendor.setdefault(row.vendor_id, []).append(row)
            for vendor_id in sorted(by_vendor):
                with scope(vendor=vendor_id):
                    result = move_many(by_vendor[vendor_id], now)
                moved += len(result.moved)
                for pk, reason in result.refused.items():
                    logger.warning("%s %s not moved by the sweep: %s", model.__name__, pk, reason)
                    refused.append(pk)
        if len(batch) < size:
            break
    return moved


SYSTEM = Actor.system()


def solution_reminders_due(now: datetime) -> models.Q:
    # The conditions repeat the partial index's (solution_remind_due), so it serves the query.
    return models.Q(
        status=SolutionStatus.PENDING_CONFIRM, reminded_at__isnull=True, remind_at__lte=now
    )


def solution_expiry_due(now: datetime) -> models.Q:
    return models.Q(status=SolutionStatus.PENDING_CONFIRM, expires_at__lt=now)


def ship_reminders_due(now: datetime) -> models.Q:
    return models.Q(
        status=ReturnStatus.APPROVED, ship_reminded_at__isnull=True, ship_remind_at__lte=now
    )


def unshipped_returns_due(now: datetime) -> models.Q:
    return models.Q(status=ReturnStatus.APPROVED, ship_by__lt=now)


def review_sla_due(now: datetime) -> models.Q:
    return models.Q(
        status__in=[ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW],
        sla_breached_at__isnull=True,
        review_due__lt=now,
    )


@shared_task(name="rma.sweep_solution_reminders")
def sweep_solution_reminders(now: datetime | None = None) -> int:
    """Remind customers of proposals still unanswered (vendor setting, default 3 days)."""
    now = now or timezone.now()
    return sweep_batches(
        WarrantySolution,
        solution_reminders_due(now),
        "remind_at",
        lambda rows, at: services.solution_remind_many(solutions=rows, actor=SYSTEM, at=at),
        now=now,
    )


@shared_task(name="rma.sweep_solution_expiry")
def sweep_solution_expiry(now: datetime | None = None) -> int:
    """Expire proposals never answered (vendor setting, default 14 days)."""
    now = now or timezone.now()
    return sweep_batches(
        WarrantySolution,
        solution_expiry_due(now),
        "expires_at",
        lambda rows, at: services.solution_expire_many(solutions=rows, actor=SYSTEM, at=at),
        now=now,
    )


@shared_task(name="rma.sweep_ship_reminders")
def sweep_ship_reminders(now: datetime | None = None) -> int:
    """Remind customers before an approved return's ship-by date, when the policy says so."""
    now = now or timezone.now()
    return sweep_batches(
        ReturnRequest,
        ship_reminders_due(now),
        "ship_remind_at",
        lambda rows, at: services.return_ship_reminder_many(
            return_requests=rows, actor=SYSTEM, at=at
        ),
        now=now,
    )


@shared_task(name="rma.sweep_unshipped_returns")
def sweep_unshipped_returns(now: datetime | None = None) -> int:
    """Waive approved returns not shipped by their ship-by date."""
    now = now or timezone.now()
    return sweep_batches(
        ReturnRequest,
        unshipped_returns_due(now),
        "ship_by",
        lambda rows, at: services.return_waive_many(return_requests=rows, actor=SYSTEM, at=at),
        now=now,
    )


@shared_task(name="rma.sweep_review_sla")
def sweep_review_sla(now: datetime | None = None) -> int:
    """Flag reviews past their due time and tell the agents."""
    now = now or timezone.now()
    return sweep_batches(
        ReturnRequest,
        review_sla_due(now),
        "review_due",
        lambda rows, at: services.return_review_sla_breach_many(
            return_requests=rows, actor=SYSTEM, at=at
        ),
        now=now,
    )
