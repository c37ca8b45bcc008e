"""Uploading, listing and handing out a case's evidence files, for solutions and returns alike.

Files are reached only through these views, after the session's case was checked; storage
never hands out a public URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from rma.messages import render
from rma.models import Evidence, ReturnRequest, WarrantySolution
from rma.services import Actor, DomainError
from rma.services.evidence import ChecklistItem, evidence_add, evidence_checklist
from rma.storage import evidence_response

Parent = WarrantySolution | ReturnRequest


def evidence_url(vendor_slug: str, parent: Parent, evidence: Evidence) -> str:
    if isinstance(parent, WarrantySolution):
        return reverse(
            "portal:solution_evidence_file", args=[vendor_slug, parent.public_id, evidence.pk]
        )
    return reverse("portal:return_evidence_file", args=[vendor_slug, parent.public_id, evidence.pk])


def remove_url(vendor_slug: str, parent: Parent, evidence: Evidence) -> str:
    if isinstance(parent, WarrantySolution):
        return reverse(
            "portal:solution_evidence_remove", args=[vendor_slug, parent.public_id, evidence.pk]
        )
    return reverse(
        "portal:return_evidence_remove", args=[vendor_slug, parent.public_id, evidence.pk]
    )


def _parent_kwargs(parent: Parent) -> dict:
    key = "solution" if isinstance(parent, WarrantySolution) else "return_request"
    return {key: parent}


def store_uploads(
    request: HttpRequest, parent: Parent, kinds: Iterable[str], actor: Actor
) -> tuple[list[Evidence], list[str]]:
    """Each file is its own transaction: a refused file leaves the others (and older) stored."""
    added: list[Evidence] = []
    errors: list[str] = []
    for kind in kinds:
        for upload in request.FILES.getlist(kind):
            try:
                added.append(
                    evidence_add(**_parent_kwargs(parent), kind=kind, upload=upload, actor=actor)
                )
            except DomainError as exc:
                errors.append(exc.message)
    return added, errors


def checklist_for(vendor_slug: str, parent: Parent) -> list[ChecklistItem]:
    """The checklist, each upload carrying the portal URL it is served from."""
    items = evidence_checklist(parent)
    for item in items:
        for evidence in item.uploaded:
            evidence.portal_url = evidence_url(vendor_slug, parent, evidence)
    return items


def checklist_json(vendor_slug: str, parent: Parent, items: list[ChecklistItem]) -> list[dict]:
    return [
        {
            "kind": item.kind,
            "counted": item.counted,
            "minimum": item.requirement.min_count,
            "maximum": item.maximum,
            "done": item.done,
            "files": [
                {
                    "id": ev.pk,
                    "url": ev.portal_url,
                    "remove_url": remove_url(vendor_slug, parent, ev),
                    "is_image": ev.is_image,
                    "name": ev.original_name,
                }
                for ev in item.uploaded
            ],
        }
        for item in items
    ]


def upload_response(
    request: HttpRequest,
    parent: Parent,
    actor: Actor,
    redirect_to: Callable[[], HttpResponse],
    on_error: Callable[[list[str]], HttpResponse],
    missing: Callable[[], list[tuple[str, Any]]] | None = None,
) -> HttpResponse:
    """One upload from the page's script (JSON back) or a plain form post (a redirect).

    ``missing`` gives what the case still needs before it can be sent (rule id, message): the
    script redraws the page's "still needed" list from it, rendered in the page's language."""
    kind = request.POST.get("kind", "")
    wants_json = "application/json" in request.headers.get("Accept", "")
    files = request.FILES.getlist("file") or request.FILES.getlist(kind)
    errors: list[str] = []
    added: list[Evidence] = []
    for upload in files:
        try:
            added.append(
                evidence_add(**_parent_kwargs(parent), kind=kind, upload=upload, actor=actor)
            )
        except DomainError as exc:
            errors.append(exc.message)
    if not files:
        errors.append(_("Choose a file to upload."))
    if wants_json:
        items = checklist_for(request.vendor.slug, parent)
        return JsonResponse(
            {
                "ok": not errors,
                "errors": errors,
                "added": [ev.pk for ev in added],
                "checklist": checklist_json(request.vendor.slug, parent, items),
                **(
                    {"missing": [{"rule": r, "text": render(m)} for r, m in missing()]}
                    if missing is not None
                    else {}
                ),
            },
            status=200 if not errors else 400,
        )
    return on_error(errors) if errors else redirect_to()


def evidence_file_response(evidence: Evidence) -> HttpResponse:
    """The file itself, for this session's case only (the caller has checked): the bytes, or
    a short-lived presigned link when evidence lives in S3."""
    return evidence_response(evidence)
