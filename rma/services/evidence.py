"""Evidence on a case: add a content-checked upload, remove one, and read the checklist.

What a case asks for (kinds, counts, formats, sizes) comes from the vendor's policy, for a
warranty solution as for a return request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from policies.base import EvidenceKind as PolicyEvidenceKind
from policies.base import EvidenceRequirement, Finding, Scenario
from rma.messages import render
from rma.models import (
    ActorKind,
    Evidence,
    ReturnRequest,
    ReturnStatus,
    WarrantySolution,
)

from .base import Actor, DomainError, lock, record_event
from .uploads import UploadRefused, check_upload_content

# Where a policy sets no maximum for a kind,
# the portal still bounds what one case can store.
DEFAULT_MAX_PER_KIND = 20
Parent = WarrantySolution | ReturnRequest


@dataclass
class ChecklistItem:
    """One line of the evidence checklist: what is asked, and what has arrived."""

    requirement: EvidenceRequirement
    uploaded: list[Evidence] = field(default_factory=list)
    counted: int = 0

    @property
    def kind(self) -> str:
        return self.requirement.kind.value

    @property
    def done(self) -> bool:
        """Ticked once what it asks for is there; an optional item with no file is not a tick
        ("0 received" next to a green check reads as done)."""
        return self.counted >= max(self.requirement.min_count, 1)

    @property
    def maximum(self) -> int:
        return self.requirement.max_count or DEFAULT_MAX_PER_KIND

    @property
    def max_megabytes(self) -> int:
        return (self.requirement.max_bytes or 0) // (1024 * 1024)

    @property
    def accepts(self) -> str:
        """For the file input's accept attribute."""
        return ",".join(f".{f}" for f in self.requirement.formats)


def _parent_of(solution: WarrantySolution | None, return_request: ReturnRequest | None) -> Parent:
    if (solution is None) == (return_request is None):
        raise DomainError("Evidence belongs to exactly one solution or return request.")
    return solution or return_request  # type: ignore[return-value]


def requirements_for(parent: Parent) -> tuple[EvidenceRequirement, ...]:
    """The policy's evidence requirements for this case."""
    policy = parent.vendor.get_policy()
    if isinstance(parent, WarrantySolution):
        return policy.solution_evidence_requirements(
            return_needed=parent.return_required,
            payment_needed=parent.makeup_payment_required,
        )
    return policy.evidence_requirements(Scenario(parent.scenario))


def evidence_counts(parent: Parent) -> dict[PolicyEvidenceKind, int]:
    counts: dict[PolicyEvidenceKind, int] = {}
    for kind in parent.evidence.values_list("kind", flat=True):
        counts[PolicyEvidenceKind(kind)] = counts.get(PolicyEvidenceKind(kind), 0) + 1
    return counts


def check_counts(parent: Parent, counts: Mapping[PolicyEvidenceKind, int]) -> tuple[Finding, ...]:
    """The policy's findings on these counts (presence and maxima)."""
    policy = parent.vendor.get_policy()
    if isinstance(parent, WarrantySolution):
        return policy.check_solution_evidence(
            counts,
            return_needed=parent.return_required,
            payment_needed=parent.makeup_payment_required,
        )
    return policy.check_evidence(Scenario(parent.scenario), counts)


def evidence_checklist(parent: Parent) -> list[ChecklistItem]:
    """Each requirement with its uploads; alternatives count towards the minimum."""
    items = {req.kind: ChecklistItem(req) for req in requirements_for(parent)}
    for evidence in parent.evidence.all():
        item = items.get(PolicyEvidenceKind(evidence.kind))
        if item is not None:
            item.uploaded.append(evidence)
    for item in items.values():
        own = len(item.uploaded)
        alternatives = sum(
            len(items[alt].uploaded) for alt in item.requirement.alternatives if alt in items
        )
        item.counted = own + alternatives
    return list(items.values())


def _editable(parent: Parent) -> bool:
    if isinstance(parent, WarrantySolution):
        return parent.can_edit_details()
    return parent.status in (ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW)


def _locked(parent: Parent) -> Parent:
    return lock(type(parent), parent.pk)


def _refuse_count(requirement: EvidenceRequirement, limit: int) -> UploadRefused:
    message = _(
        "%(label)s: at most %(limit)s files; remove one before adding another (%(rule)s)."
    ) % {"label": render(requirement.label), "limit": limit, "rule": requirement.rule_id}
    return UploadRefused(
        message, findings=[{"rule_id": requirement.rule_id, "ok": False, "message": message}]
    )


@transaction.atomic
def evidence_add(
    *,
    solution: WarrantySolution | None = None,
    return_request: ReturnRequest | None = None,
    kind: str,
    upload: IO[bytes],
    actor: Actor,
) -> Evidence:
    """Store one upload if its content, size and count are what the case asks for.

    ``upload`` is a Django UploadedFile or any binary file object with ``name`` and ``size``.
    A refused file raises UploadRefused and leaves the case's earlier evidence untouched.
    """
    parent = _locked(_parent_of(solution, return_request))
    if not _editable(parent):
        raise DomainError(
            _("This case no longer takes uploads; contact %(email)s if something is missing.")
            % {"email": parent.vendor.support_email},
            code="illegal_transition",
        )
    requirements = {req.kind.value: req for req in requirements_for(parent)}
    requirement = requirements.get(kind)
    if requirement is None:
        raise UploadRefused(_("This case does not ask for that kind of file."))
    name = os.path.basename(getattr(upload, "name", "") or "upload")[:200]
    counts = evidence_counts(parent)
    own = counts.get(requirement.kind, 0) + 1
    counts[requirement.kind] = own
    limit = requirement.max_count or DEFAULT_MAX_PER_KIND
    if own > limit:
        raise _refuse_count(requirement, limit)
    for finding in check_counts(parent, counts):
        if not finding.ok and "maximum" in finding.figures:
            raise UploadRefused(finding.message, findings=[finding.to_dict()])
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    checked = check_upload_content(
        upload,
        name=name,
        size=size,
        requirement=requirement,
        policy=parent.vendor.get_policy(),
    )
    evidence = Evidence(
        vendor_id=parent.vendor_id,
        kind=kind,
        original_name=name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        width=checked.width,
        height=checked.height,
        uploaded_by_agent=actor.kind == ActorKind.AGENT,
        **{_parent_field(parent): parent},
    )
    evidence.file.save(checked.storage_name, checked.content, save=False)
    try:
        evidence.save()
        record_event(
            subject=parent,
            action="evidence_added",
            actor=actor,
            rule_ids=[requirement.rule_id],
            data=_event_data(evidence),
        )
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: Actor) -> None:
    """Take back an upload while the case still takes uploads; the file is deleted."""
    parent = _locked(evidence.solution or evidence.return_request)
    evidence = Evidence.objects.select_for_update(of=("self",)).get(pk=evidence.pk)
    if not _editable(parent):
        raise DomainError(
            _("This case is past the stage where files can be removed."),
            code="illegal_transition",
        )
    data = _event_data(evidence)
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    record_event(subject=parent, action="evidence_removed", actor=actor, data=data)
    transaction.on_commit(lambda: storage.delete(name))


def _parent_field(parent: Parent) -> str:
    return "solution" if isinstance(parent, WarrantySolution) else "return_request"


def _event_data(evidence: Evidence) -> dict[str, Any]:
    return {
        "evidence_id": evidence.pk,
        "kind": evidence.kind,
        "name": evidence.original_name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
    }
