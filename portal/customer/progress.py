"""Where a case stands, as a row of steps (done, current, to come) for the page's stepper."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rma.models import ReturnRequest, ReturnStatus, SolutionStatus, WarrantySolution

S, R = SolutionStatus, ReturnStatus


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current", "todo", or "ended" (the case stopped here)


def _steps(labels: list[str], current: int, *, ended: bool = False) -> list[Step]:
    """Steps before ``current`` are done; ``current`` is where the case waits (or ended)."""
    steps = []
    for index, label in enumerate(labels):
        if index < current:
            state = "done"
        elif index == current:
            state = "ended" if ended else "current"
        else:
            state = "todo"
        steps.append(Step(label, state))
    return steps


def solution_progress(solution: WarrantySolution) -> list[Step]:
    proposed = _("Proposal")
    status = solution.status
    if status == S.REJECTED:
        return _steps([proposed, _("You asked for another"), _("An agent answers")], 2)
    if status in (S.EXPIRED, S.CANCELLED):
        return _steps([proposed, solution.get_status_display()], 1, ended=True)
    labels = [proposed, _("Your answer"), _("Your details"), _("Our check"), _("Done")]
    current = {S.PENDING_CONFIRM: 1, S.CONFIRMED: 2, S.SUBMITTED: 3, S.COMPLETED: 5}[status]
    return _steps(labels, current)


def return_progress(rr: ReturnRequest) -> list[Step]:
    labels = [_("Request"), _("Review"), _("Approved")]
    if rr.return_required:
        labels += [_("Sent back"), _("Received"), _("Inspected")]
    final = {R.REFUNDED: _("Refunded"), R.REPLACED: _("Replaced")}
    labels.append(final.get(rr.status, _("Done")))
    status = rr.status
    if status in (R.REJECTED, R.CANCELLED, R.WAIVED):
        # The case stopped: keep the steps it reached, then the way it ended.
        reached = 1 if rr.approved_at is None else 3
        kept = [*labels[:reached], rr.get_status_display()]
        return _steps(kept, reached, ended=True)
    if status in (R.REFUNDED, R.REPLACED, R.CLOSED):
        return _steps(labels, len(labels))
    # The step the case waits for: review while requested, the parcel once approved, ...
    waiting = {R.REQUESTED: 1, R.UNDER_REVIEW: 1, R.APPROVED: 3, R.SHIPPED: 4, R.RECEIVED: 5}
    return _steps(labels, waiting.get(status, 6))
