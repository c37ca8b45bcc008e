"""The warranty-solution pages: content, agree or disagree, details, status."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rma.formatting import vendor_time
from rma.messages import error_text, refusal_texts, render_all
from rma.models import Evidence, SolutionStatus, WarrantySolution
from rma.services import Actor, DomainError, solution_agree, solution_reject
from rma.services.evidence import evidence_checklist, evidence_remove
from rma.services.solutions import solution_missing, solution_save_details, solution_submit
from tenancy.models import Vendor

from .access import case_view, solution_customer_email, solution_for
from .branding import vendor_view
from .evidence_views import (
    checklist_for,
    evidence_file_response,
    store_uploads,
    upload_response,
)
from .forms import DisagreeForm, SolutionDetailsForm
from .progress import solution_progress
from .timeline import customer_events

S = SolutionStatus


def _actor(solution: WarrantySolution) -> Actor:
    return Actor.customer(solution_customer_email(solution))


def next_steps(solution: WarrantySolution) -> list[tuple[str, str]]:
    """What the customer does after agreeing, in order, as the vendor's policy lists it (the
    pages say "if you agree, you then", so the answer itself is not a step here)."""
    steps = solution.vendor.get_policy().solution_steps(
        return_needed=solution.return_required,
        payment_needed=solution.makeup_payment_required,
        awaiting_confirmation=False,
        amount=str(solution.makeup_amount),
        currency=solution.currency,
    )
    return list(zip(render_all(steps), (s.rule_id for s in steps), strict=True))


def _page(
    request, template: str, solution: WarrantySolution, status: int = 200, **context
) -> TemplateResponse:
    return TemplateResponse(
        request,
        template,
        {
            "vendor": request.vendor,
            "solution": solution,
            "lines": solution.lines.select_related("order_line"),
            "stepper": solution_progress(solution),
            **context,
        },
        status=status,
    )


@vendor_view
@case_view
def solution_content(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """Everything proposed, with Agree and Disagree."""
    solution = solution_for(request, vendor, public_id)
    lines = list(solution.lines.select_related("order_line"))
    return _page(
        request,
        "portal/solution/content.html",
        solution,
        steps=next_steps(solution),
        lines=lines,
        line_total=sum((line.amount for line in lines), 0),
    )


def what_happened(solution: WarrantySolution) -> str:
    """Why a page's action no longer applies: the solution moved on (another tab, another
    device, an agent) while the customer looked at it."""
    when = vendor_time(solution.updated_at, solution.vendor.time_zone)
    texts = {
        S.CONFIRMED: _("This solution was already agreed to, on %(date)s."),
        S.SUBMITTED: _("This solution was already agreed to and its details sent, on %(date)s."),
        S.REJECTED: _("Another solution was already asked for, on %(date)s."),
        S.COMPLETED: _("This solution was completed on %(date)s."),
        S.EXPIRED: _("This proposal expired on %(date)s without an answer."),
        S.CANCELLED: _("This solution was cancelled on %(date)s."),
    }
    stamp = {
        S.CONFIRMED: solution.confirmed_at,
        S.SUBMITTED: solution.submitted_at,
        S.REJECTED: solution.rejected_at,
        S.COMPLETED: solution.completed_at,
    }.get(solution.status)
    if stamp is not None:
        when = vendor_time(stamp, solution.vendor.time_zone)
    text = texts.get(solution.status, _("This solution changed meanwhile."))
    return text % {"date": when}


def _commitments(solution: WarrantySolution) -> list[str]:
    """What agreeing commits the customer to, in the words of the proposal."""
    found = [
        _("You accept: %(kind)s (%(reference)s).")
        % {"kind": solution.get_kind_display(), "reference": solution.reference}
    ]
    if solution.refund_amount:
        found.append(
            _("You receive a refund of %(amount)s %(currency)s.")
            % {"amount": solution.refund_amount, "currency": solution.currency}
        )
    if solution.makeup_payment_required and solution.makeup_amount:
        found.append(
            _("You pay %(amount)s %(currency)s.")
            % {"amount": solution.makeup_amount, "currency": solution.currency}
        )
    if solution.return_required:
        found.append(_("You send the item back and give us the tracking number."))
    found.append(
        _("You cannot choose Disagree afterwards; changing it means writing to customer service.")
    )
    return found


@vendor_view
@case_view
def solution_agree_view(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """Agreeing is final (the policy allows no disagreement after it), so it takes a confirm
    step that says what it commits to; the step is a page, so it works without a script."""
    solution = solution_for(request, vendor, public_id)
    if not solution.can_confirm():
        messages.info(request, what_happened(solution))
        return redirect("portal:solution_status", vendor.slug, public_id)
    if request.method != "POST" or request.POST.get("confirmed") != "yes":
        return _page(
            request,
            "portal/solution/agree.html",
            solution,
            commitments=_commitments(solution),
            steps=next_steps(solution),
        )
    try:
        solution_agree(solution=solution, actor=_actor(solution))
    except DomainError:
        solution.refresh_from_db()
        messages.info(request, what_happened(solution))
        return redirect("portal:solution_status", vendor.slug, public_id)
    messages.success(request, _("Thank you. Now fill in what the solution needs and submit."))
    return redirect("portal:solution_details", vendor.slug, public_id)


@vendor_view
@case_view
def solution_disagree(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """A disagreement needs a comment, and only while the solution awaits confirmation."""
    solution = solution_for(request, vendor, public_id)
    form = DisagreeForm(request.POST if request.method == "POST" else None)
    refusal = None
    happened = "" if solution.can_reject() else what_happened(solution)
    if request.method == "POST" and not happened and form.is_valid():
        try:
            solution_reject(
                solution=solution, actor=_actor(solution), comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            solution.refresh_from_db()
            if solution.can_reject():
                refusal = exc  # the policy refused the comment itself: show why, keep the form
            else:
                happened = what_happened(solution)  # lost a race: say what happened instead
        else:
            messages.success(
                request,
                _("We have told an agent which solution you would like; they will contact you."),
            )
            return redirect("portal:solution_status", vendor.slug, public_id)
    return _page(
        request,
        "portal/solution/disagree.html",
        solution,
        form=form,
        refusal=refusal,
        happened=happened,
        allowed=not happened,
        status=409 if (refusal is not None or (happened and request.method == "POST")) else 200,
    )


@vendor_view
@case_view
def solution_details(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """One form for the address, tracking, payment and uploads; save or submit."""
    solution = solution_for(request, vendor, public_id)
    if solution.status == S.PENDING_CONFIRM:
        return redirect("portal:solution_content", vendor.slug, public_id)
    if not solution.can_edit_details():
        return redirect("portal:solution_status", vendor.slug, public_id)
    initial = solution.address_dict()
    initial["tracking_number"] = solution.return_tracking_number
    initial["transaction_id"] = solution.makeup_transaction_id
    form = SolutionDetailsForm(
        request.POST if request.method == "POST" else None, initial=initial, solution=solution
    )
    errors: list[str] = []
    address_error = ""
    status = 200
    if request.method == "POST":
        actor = _actor(solution)
        kinds = [item.kind for item in evidence_checklist(solution)]
        _added, errors = store_uploads(request, solution, kinds, actor)
        if form.is_valid():
            try:
                solution = solution_save_details(
                    solution=solution,
                    actor=actor,
                    address=form.address(),
                    tracking_number=form.cleaned_data.get("tracking_number"),
                    transaction_id=form.cleaned_data.get("transaction_id"),
                )
            except DomainError as exc:
                # Said beside the detail it is about, not only at the top of the page.
                about = getattr(exc, "field", "")
                if about in ("tracking_number", "transaction_id") and about in form.fields:
                    form.add_error(about, error_text(exc))
                else:
                    address_error = error_text(exc)
                errors.append(_("Please correct the fields marked below."))
        else:
            errors.append(_("Please correct the fields marked below."))
        if not errors and request.POST.get("action") == "submit" and solution.can_submit():
            try:
                solution_submit(solution=solution, actor=actor)
            except DomainError as exc:
                errors.extend(refusal_texts(exc.findings) or [exc.message])
            else:
                messages.success(request, _("Submitted. We will keep you posted by email."))
                return redirect("portal:solution_status", vendor.slug, public_id)
        if not errors:
            messages.success(
                request,
                _("Saved. You can come back with the same password to add the rest."),
            )
            return redirect("portal:solution_details", vendor.slug, public_id)
        status = 400
        solution.refresh_from_db()
    return _page(
        request,
        "portal/solution/details.html",
        solution,
        form=form,
        errors=errors,
        address_error=address_error,
        # The address editor stays open while anything in it needs fixing.
        address_open=bool(address_error) or any(name.startswith("ship_") for name in form.errors),
        checklist=checklist_for(vendor.slug, solution),
        missing=solution_missing(solution, address_confirmed_on_send=True),
        notices=vendor.get_policy().return_notice(),
        status=status,
    )


@vendor_view
@case_view
def solution_status(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """Where the case stands and what happens next."""
    solution = solution_for(request, vendor, public_id)
    missing = solution_missing(solution) if solution.status == S.CONFIRMED else []
    return _page(
        request,
        "portal/solution/status.html",
        solution,
        events=customer_events(solution.events.all()),
        missing=missing,
        checklist=checklist_for(vendor.slug, solution),
        resolutions=list(solution.resolutions.select_related("order_line")),
    )


@require_POST
@vendor_view
@case_view
def solution_evidence_upload(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    solution = solution_for(request, vendor, public_id)

    def back() -> HttpResponse:
        return redirect("portal:solution_details", vendor.slug, public_id)

    def failed(errors: list[str]) -> HttpResponse:
        for error in errors:
            messages.error(request, error)
        return back()

    def still_needed():
        solution.refresh_from_db()
        if solution.status != S.CONFIRMED:
            return []
        return solution_missing(solution, address_confirmed_on_send=True)

    return upload_response(request, solution, _actor(solution), back, failed, still_needed)


def _own_evidence(solution: WarrantySolution, pk: int) -> Evidence:
    return get_object_or_404(Evidence, pk=pk, solution=solution)


@vendor_view
@case_view
def solution_evidence_file(request: HttpRequest, vendor: Vendor, public_id, pk: int):
    solution = solution_for(request, vendor, public_id)
    return evidence_file_response(_own_evidence(solution, pk))


@require_POST
@vendor_view
@case_view
def solution_evidence_remove(request: HttpRequest, vendor: Vendor, public_id, pk: int):
    solution = solution_for(request, vendor, public_id)
    try:
        evidence_remove(evidence=_own_evidence(solution, pk), actor=_actor(solution))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("portal:solution_details", vendor.slug, public_id)
