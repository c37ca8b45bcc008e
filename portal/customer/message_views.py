"""The customer's side of a case's message thread: read it, answer with files, open a file.

Only messages are reached here; internal notes live in another table that no portal view reads.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.models import CaseMessage, MessageAttachment, ReturnRequest, WarrantySolution
from rma.services import Actor, DomainError
from rma.services.messages import (
    ATTACHMENT_REQUIREMENT,
    MAX_ATTACHMENTS,
    Upload,
    case_kwargs,
    message_from_customer,
)
from rma.storage import evidence_response
from tenancy.models import Vendor

from .access import access_for, case_view, solution_customer_email, solution_for
from .branding import vendor_view

Case = ReturnRequest | WarrantySolution


def _return_case(request: HttpRequest, vendor: Vendor, public_id) -> tuple[ReturnRequest, str]:
    access = access_for(request, vendor)
    rr = get_object_or_404(
        ReturnRequest.objects.select_related("order", "customer"),
        public_id=public_id,
        order=access.order,
    )
    return rr, access.email


def _solution_case(request: HttpRequest, vendor: Vendor, public_id) -> tuple[WarrantySolution, str]:
    solution = solution_for(request, vendor, public_id)
    return solution, solution_customer_email(solution)


def _page_url(vendor: Vendor, case: Case) -> str:
    if isinstance(case, ReturnRequest):
        return reverse("portal:return_detail", args=[vendor.slug, case.public_id])
    return reverse("portal:solution_content", args=[vendor.slug, case.public_id])


def thread_context(vendor: Vendor, case: Case) -> dict:
    """What ``portal/_messages.html`` shows: the thread, each file's portal URL, the form."""
    kind = "return" if isinstance(case, ReturnRequest) else "solution"
    # By the key column: filtering by the case object would normalise it on every page view.
    column = "return_request_id" if kind == "return" else "solution_id"
    thread = list(CaseMessage.objects.filter(**{column: case.pk}).prefetch_related("attachments"))
    for message in thread:
        for attachment in message.attachments.all():
            attachment.portal_url = reverse(
                f"portal:{kind}_message_file", args=[vendor.slug, case.public_id, attachment.pk]
            )
    return {
        "thread": thread,
        "post_url": reverse(f"portal:{kind}_messages", args=[vendor.slug, case.public_id]),
        **_FORM_LIMITS,
    }


# What the message form tells the browser and the customer: the same on every page.
_FORM_LIMITS = {
    "accept": ",".join(f".{f}" for f in ATTACHMENT_REQUIREMENT.formats),
    "max_files": MAX_ATTACHMENTS,
    "max_megabytes": (ATTACHMENT_REQUIREMENT.max_bytes or 0) // (1024 * 1024),
}


def _answer(request: HttpRequest, vendor: Vendor, case: Case, email: str) -> HttpResponse:
    uploads = [
        Upload(file=f, name=f.name or "file", size=f.size)
        for f in request.FILES.getlist("attachments")
    ]
    try:
        message_from_customer(
            case=case,
            actor=Actor.customer(email),
            body=request.POST.get("body", ""),
            uploads=uploads,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your message was sent to customer service."))
    return redirect(f"{_page_url(vendor, case)}#messages")


def _file(case: Case, pk: int) -> HttpResponse:
    kwargs = {f"message__{k}": v for k, v in case_kwargs(case).items()}
    attachment = MessageAttachment.objects.filter(pk=pk, **kwargs).first()
    if attachment is None:
        raise Http404("No such file.")
    return evidence_response(attachment)


@require_POST
@vendor_view
@case_view
def return_message(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    rr, email = _return_case(request, vendor, public_id)
    return _answer(request, vendor, rr, email)


@vendor_view
@case_view
def return_message_file(request: HttpRequest, vendor: Vendor, public_id, pk: int):
    rr, _email = _return_case(request, vendor, public_id)
    return _file(rr, pk)


@require_POST
@vendor_view
@case_view
def solution_message(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    solution, email = _solution_case(request, vendor, public_id)
    return _answer(request, vendor, solution, email)


@vendor_view
@case_view
def solution_message_file(request: HttpRequest, vendor: Vendor, public_id, pk: int):
    solution, _email = _solution_case(request, vendor, public_id)
    return _file(solution, pk)
