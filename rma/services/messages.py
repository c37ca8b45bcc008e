"""Internal notes and the message thread with the customer on a case.

Notes stay with the agents. Each message is recorded with the email that tells the other side
(through the outbox, in the same transaction); its attachments pass the same content checks
as evidence (rma.services.uploads) before anything is stored.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.base import EvidenceKind
from policies.results import EvidenceRequirement
from rma.models import (
    CaseMessage,
    CaseNote,
    MessageAttachment,
    MessageDirection,
    OrderChangeRequest,
    ReturnRequest,
    WarrantySolution,
)

from .base import Actor, DomainError, lock
from .uploads import CheckedFile, check_upload_content

Case = ReturnRequest | WarrantySolution | OrderChangeRequest
MAX_BODY = 10_000
MAX_ATTACHMENTS = 5
# The portal's own rule for files sent with a message: photos or PDF, 10 MB each.
ATTACHMENT_RULE = "MSG-1"
ATTACHMENT_REQUIREMENT = EvidenceRequirement(
    kind=EvidenceKind.PHOTO,
    min_count=0,
    max_count=MAX_ATTACHMENTS,
    formats=("jpeg", "png", "webp", "pdf"),
    max_bytes=10 * 1024 * 1024,
    rule_id=ATTACHMENT_RULE,
    label="Attachment",
)


@dataclass(frozen=True)
class Upload:
    """A file as a view received it."""

    file: IO[bytes]
    name: str
    size: int


def case_kwargs(case: Case) -> dict[str, Case]:
    if isinstance(case, ReturnRequest):
        return {"return_request": case}
    if isinstance(case, WarrantySolution):
        return {"solution": case}
    if isinstance(case, OrderChangeRequest):
        return {"order_change": case}
    raise DomainError("Notes and messages belong to a return, a solution or an order change.")


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise DomainError(_("Please write a message."), code="empty")
    if len(text) > MAX_BODY:
        raise DomainError(
            _("A message has at most %(limit)s characters.") % {"limit": MAX_BODY}, code="too_long"
        )
    return text


def _checked(case: Case, uploads: Sequence[Upload]) -> list[tuple[Upload, CheckedFile]]:
    if len(uploads) > MAX_ATTACHMENTS:
        raise DomainError(
            _("Attach at most %(limit)s files to one message (%(rule)s).")
            % {"limit": MAX_ATTACHMENTS, "rule": ATTACHMENT_RULE},
            code="upload_refused",
        )
    policy = case.vendor.get_policy()
    return [
        (
            upload,
            check_upload_content(
                upload.file,
                name=upload.name,
                size=upload.size,
                requirement=ATTACHMENT_REQUIREMENT,
                policy=policy,
            ),
        )
        for upload in uploads
    ]


@transaction.atomic
def note_add(*, case: Case, actor: Actor, body: str) -> CaseNote:
    """An internal note by an agent; nothing is emailed and customers never see it."""
    text = _clean_body(body)
    locked = lock(type(case), case.pk)
    return CaseNote.objects.create(
        vendor_id=locked.vendor_id,
        author=actor.user,
        author_label=actor.label,
        body=text,
        **case_kwargs(locked),
    )


def _message(
    *, case: Case, actor: Actor, body: str, uploads: Sequence[Upload], direction: str
) -> CaseMessage:
    if isinstance(case, OrderChangeRequest):
        raise DomainError("Order changes are answered by email; write an internal note instead.")
    text = _clean_body(body)
    checked = _checked(case, uploads)  # before any row: a refused file stores nothing
    locked = lock(type(case), case.pk)
    message = CaseMessage.objects.create(
        vendor_id=locked.vendor_id,
        direction=direction,
        author=actor.user,
        author_label=actor.label,
        body=text,
        **case_kwargs(locked),
    )
    for upload, result in checked:
        attachment = MessageAttachment(
            vendor_id=locked.vendor_id,
            message=message,
            original_name=os.path.basename(upload.name)[:200],
            content_type=result.content_type,
            extension=result.extension,
            size=result.size,
            sha256=result.sha256,
            width=result.width,
            height=result.height,
        )
        attachment.file.save(result.storage_name, result.content, save=False)
        attachment.save()
    # Waiting for the customer from an agent's message until the customer answers.
    locked.awaiting_customer_since = (
        timezone.now() if direction == MessageDirection.TO_CUSTOMER else None
    )
    locked.save(update_fields=["awaiting_customer_since", "updated_at"])
    return message


@transaction.atomic
def message_to_customer(
    *, case: Case, actor: Actor, body: str, uploads: Sequence[Upload] = ()
) -> CaseMessage:
    """An agent writes to the customer, who is emailed in their language."""
    from rma.emails import case_message_customer

    message = _message(
        case=case, actor=actor, body=body, uploads=uploads, direction=MessageDirection.TO_CUSTOMER
    )
    case_message_customer(message)
    return message


@transaction.atomic
def message_from_customer(
    *, case: Case, actor: Actor, body: str, uploads: Sequence[Upload] = ()
) -> CaseMessage:
    """The customer answers on the portal; the case's agent (or all agents) is emailed."""
    from rma.emails import case_message_agent

    message = _message(
        case=case,
        actor=actor,
        body=body,
        uploads=uploads,
        direction=MessageDirection.FROM_CUSTOMER,
    )
    case_message_agent(message)
    return message
