"""Self-service returns (MKT, AQA): start by email, choose items and reason, upload evidence,
then the RMA, the return slip, tracking, and the timeline with the dates to expect."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policies.base import Scenario as PolicyScenario
from rma.messages import error_text
from rma.messages import render as render_message
from rma.models import (
    Evidence,
    ResolutionKind,
    ReturnExchange,
    ReturnRequest,
    ReturnStatus,
    Scenario,
)
from rma.services import Actor, DomainError, return_create, return_mark_shipped
from rma.services.access import return_access_request
from rma.services.evidence import evidence_remove
from rma.services.return_options import (
    expected_dates,
    refund_estimate,
    required_attestations,
    return_eligibility,
    standing_findings,
    wrong_item_amounts,
)
from tenancy.models import Vendor

from .access import access_for, case_view, of_vendor, within_limit
from .branding import vendor_view
from .evidence_views import checklist_for, evidence_file_response, upload_response
from .exchange_forms import exchange_form_for
from .forms import ReturnChooseForm, ReturnConfirmForm, ReturnStartForm, TrackingForm
from .home_views import self_service_offers
from .progress import return_progress
from .slip import slip_context, slip_key_matches, slip_pdf
from .timeline import customer_events

START_LIMIT_PER_IP = 10
START_WINDOW_SECONDS = 60 * 60


def _actor(access) -> Actor:
    return Actor.customer(access.email)


def _start_allowed(request: HttpRequest) -> bool:
    """Each start may send an email, so one address may not send many."""
    return within_limit(request, "return-start", START_LIMIT_PER_IP, START_WINDOW_SECONDS)


@vendor_view
def return_start(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """Order number and email; the same answer whether or not they match an order."""
    if not self_service_offers(vendor)["any"]:
        raise Http404("No self-service returns for this vendor.")
    form = ReturnStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not _start_allowed(request):
            form.add_error(
                None, _("Too many requests from your network. Please try again in an hour.")
            )
            return TemplateResponse(
                request, "portal/returns/start.html", {"vendor": vendor, "form": form}, status=429
            )
        return_access_request(
            vendor=vendor,
            order_number=form.cleaned_data["order_number"],
            email=form.cleaned_data["email"],
            language=get_language() or "en",
        )
        return TemplateResponse(
            request,
            "portal/returns/start_sent.html",
            {"vendor": vendor, "email": form.cleaned_data["email"]},
        )
    return TemplateResponse(request, "portal/returns/start.html", {"vendor": vendor, "form": form})


@vendor_view
@case_view
def order_overview(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    access = access_for(request, vendor)
    order = access.order
    return TemplateResponse(
        request,
        "portal/returns/order.html",
        {
            "vendor": vendor,
            "order": order,
            "lines": order.lines.all(),
            "returns": order.returns.all(),
            "changes": order.change_requests.all(),
            "offers": self_service_offers(vendor),
            "notices": vendor.get_policy().return_notice(),
        },
    )


def _received_price(raw: str | None) -> Decimal | None:
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


@vendor_view
@case_view
def return_new(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    """Step 1 picks items and reason and hears the policy at once; step 2 confirms and sends."""
    access = access_for(request, vendor)
    order = access.order
    policy = vendor.get_policy()
    if not policy.scenarios:
        raise Http404("This vendor takes no return requests here.")
    step = request.POST.get("step", "") if request.method == "POST" else ""
    choose = ReturnChooseForm(
        request.POST if request.method == "POST" else None, order=order, scenarios=policy.scenarios
    )
    context = {"vendor": vendor, "order": order, "choose": choose}
    if not step or not choose.is_valid():
        return TemplateResponse(
            request, "portal/returns/new.html", context, status=400 if step else 200
        )
    scenario, lines = choose.cleaned_data["scenario"], choose.cleaned_data["lines"]
    eligibility = return_eligibility(order=order, scenario=scenario, lines=lines)
    if not eligibility.allowed:
        context["refusals"] = eligibility.refusals
        return TemplateResponse(request, "portal/returns/new.html", context, status=409)
    asked = required_attestations(order=order, scenario=scenario, lines=lines)
    confirm = ReturnConfirmForm(
        request.POST if step in ("amounts", "submit") else None,
        asked=asked,
        scenario=scenario,
        order=order,
        reason_required=policy.reason_required(PolicyScenario(scenario)),
        keep_label=render_message(keep) if (keep := policy.keep_option_label()) else "",
        lines=lines,
        store_credit_offered=policy.offers_store_credit(PolicyScenario(scenario)),
    )
    context.update(
        scenario=scenario,
        scenario_label=Scenario(scenario).label,
        lines=lines,
        confirm=confirm,
        findings=standing_findings(order=order, scenario=scenario, lines=lines),
        requirements=policy.evidence_requirements(PolicyScenario(scenario)),
    )
    if scenario != "wrong_item":
        context["estimate"] = refund_estimate(order=order, scenario=scenario, lines=lines)
    exchange = exchange_form_for(
        request.POST if step in ("amounts", "submit") else None,
        order=order,
        scenario=scenario,
        lines=list(lines),
    )
    if exchange is not None:
        exchange_ok = not exchange.is_bound or exchange.is_valid()
        context.update(exchange=exchange, quote=exchange.quote)
        context.update(makeup=_makeup_payment(policy) if exchange.quote else None)
    else:
        exchange_ok = True
    if scenario == "wrong_item":
        context["amounts"] = wrong_item_amounts(
            order=order,
            lines=lines,
            received_item_price=_received_price(request.POST.get("received_item_price")),
        )
    if step == "submit" and confirm.is_valid() and exchange_ok:
        data = confirm.cleaned_data
        try:
            rr = return_create(
                order=order,
                scenario=scenario,
                lines=lines,
                actor=_actor(access),
                reason=data.get("reason", ""),
                attestations=confirm.attestations(),
                current_country=data.get("current_country", ""),
                wrong_item_option=data.get("wrong_item_option", ""),
                received_item_price=data.get("received_item_price"),
                serials=confirm.picker.serials(data),
                exchange=exchange.quote if exchange and exchange.wants_exchange else None,
                store_credit=confirm.wants_store_credit()
                and not (exchange and exchange.wants_exchange),
            )
        except DomainError as exc:
            context["refusals_dicts"] = exc.findings or [{"message": exc.message, "rule_id": ""}]
            return TemplateResponse(request, "portal/returns/confirm.html", context, status=409)
        messages.success(
            request, _("Your request is in. Now upload the files the checklist asks for.")
        )
        return redirect("portal:return_detail", vendor.slug, rr.public_id)
    status = 400 if step == "submit" else 200
    return TemplateResponse(request, "portal/returns/confirm.html", context, status=status)


def _makeup_payment(policy) -> dict[str, str]:
    """How the vendor asks a customer to pay a difference (its payment link and bank text)."""
    return {
        "link": policy.settings.makeup_payment_link,
        "instructions": policy.settings.makeup_payment_instructions,
    }


def _own_return(request: HttpRequest, vendor: Vendor, public_id) -> tuple:
    """The signed-in order's return of this URL, in one query: its order and customer are the
    access link's (already read), its vendor the request's. Only a return that asked for an
    exchange (its decision says so) reads its exchange, in a second query: joining the three
    exchange tables into every return's read costs more than that query does."""
    access = access_for(request, vendor)
    order = access.order
    rr = get_object_or_404(ReturnRequest.objects.all(), public_id=public_id, order_id=order.pk)
    exchange = None
    if "exchange" in rr.decision:
        exchange = (
            ReturnExchange.objects.select_related("order_line", "variant")
            .filter(return_request_id=rr.pk)
            .first()
        )
    ReturnRequest.exchange.related.set_cached_value(rr, exchange)
    of_vendor(rr, vendor)
    rr.order = order
    if rr.customer_id == order.customer_id:
        rr.customer = order.customer
    return access, rr


def _detail_context(request, vendor: Vendor, rr: ReturnRequest, **extra) -> dict:
    policy = vendor.get_policy()
    uploads_open = rr.status in (ReturnStatus.REQUESTED, ReturnStatus.UNDER_REVIEW)
    events = list(rr.events.all())
    resolutions = list(rr.resolutions.all())
    if any(r.order_line_id or r.kind == ResolutionKind.EXCHANGE for r in resolutions):
        # What the cards name (the item shipped, the exchange's products), read only when a
        # card names it: most returns' resolutions are money and name no item.
        prefetch_related_objects(
            resolutions, "order_line", "exchange__variant__product", "exchange__order_line"
        )
    rejection = next((e for e in reversed(events) if e.action == "rejected"), None)
    return {
        "vendor": vendor,
        "rr": rr,
        "lines": rr.lines.select_related("order_line"),
        # Read here, in the vendor's scope: the template renders after the view returns.
        "resolutions": resolutions,
        "findings": [f for f in rr.decision.get("findings", [])],
        "checklist": checklist_for(vendor.slug, rr),
        "uploads_open": uploads_open,
        "carriers": list(policy.named_carriers()),
        "tracking_form": extra.pop("tracking_form", None)
        or (TrackingForm(carriers=policy.carriers()) if rr.can_mark_shipped() else None),
        "dates": expected_dates(rr, resolutions=resolutions),
        "events": customer_events(events),
        # The vendor's sending rules, only while the customer may still send the package.
        "notices": policy.return_notice() if rr.still_to_send() else (),
        "rejection": rejection,
        "stepper": return_progress(rr),
        **extra,
    }


@vendor_view
@case_view
def return_detail(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    _access, rr = _own_return(request, vendor, public_id)
    return TemplateResponse(
        request, "portal/returns/detail.html", _detail_context(request, vendor, rr)
    )


@require_POST
@vendor_view
@case_view
def return_tracking(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """Only the allowed carriers' formats are accepted."""
    access, rr = _own_return(request, vendor, public_id)
    form = TrackingForm(request.POST, carriers=vendor.get_policy().carriers())
    if form.is_valid() and rr.can_mark_shipped():
        try:
            return_mark_shipped(
                return_request=rr,
                actor=_actor(access),
                carrier=form.cleaned_data.get("carrier", ""),
                tracking_number=form.cleaned_data["tracking_number"],
            )
        except DomainError as exc:
            form.add_error("tracking_number", error_text(exc))
        else:
            messages.success(request, _("Thank you; the tracking number is recorded."))
            return redirect("portal:return_detail", vendor.slug, public_id)
    elif form.is_valid():
        form.add_error(None, _("This return does not take a tracking number now."))
    context = _detail_context(request, vendor, rr, tracking_form=form)
    return TemplateResponse(request, "portal/returns/detail.html", context, status=400)


def _slip_return(request: HttpRequest, vendor: Vendor, public_id) -> ReturnRequest:
    """The return of a slip link: by the email's signed key, or by the signed-in session."""
    key = request.GET.get("key", "")
    if key:
        rr = get_object_or_404(
            ReturnRequest.objects.select_related("order", "customer", "vendor"),
            public_id=public_id,
        )
        if not slip_key_matches(rr, key):
            raise Http404("This slip link is not valid.")
    else:
        _access, rr = _own_return(request, vendor, public_id)
    if not rr.rma_number:
        raise Http404("No RMA number yet.")
    return rr


def _nothing_to_send(request: HttpRequest, vendor: Vendor, rr: ReturnRequest) -> HttpResponse:
    """A return whose item the customer keeps has no parcel, so no slip: its page says so."""
    messages.info(request, _("This return has no slip: you keep the item and send nothing back."))
    return redirect("portal:return_detail", vendor.slug, rr.public_id)


@vendor_view
@case_view
def return_slip(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """The RMA number, large, for the parcel's recipient block, and the return address."""
    rr = _slip_return(request, vendor, public_id)
    if not rr.return_required:
        return _nothing_to_send(request, vendor, rr)
    context = slip_context(rr)
    context["pdf_url"] = reverse("portal:return_slip_pdf", args=[vendor.slug, rr.public_id])
    if request.GET.get("key"):
        context["pdf_url"] += f"?{urlencode({'key': request.GET['key']})}"
    response = TemplateResponse(request, "portal/returns/slip.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@vendor_view
@case_view
def return_slip_pdf(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    """The same slip as a PDF to print: barcode and QR code of the RMA number."""
    rr = _slip_return(request, vendor, public_id)
    if not rr.return_required:
        return _nothing_to_send(request, vendor, rr)
    response = HttpResponse(slip_pdf(rr), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="return-slip-{rr.rma_number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@vendor_view
@case_view
def return_evidence_upload(request: HttpRequest, vendor: Vendor, public_id) -> HttpResponse:
    access, rr = _own_return(request, vendor, public_id)

    def back() -> HttpResponse:
        return redirect("portal:return_detail", vendor.slug, public_id)

    def failed(errors: list[str]) -> HttpResponse:
        context = _detail_context(request, vendor, rr, upload_errors=errors)
        return TemplateResponse(request, "portal/returns/detail.html", context, status=400)

    return upload_response(request, rr, _actor(access), back, failed)


@vendor_view
@case_view
def return_evidence_file(request: HttpRequest, vendor: Vendor, public_id, pk: int):
    _access, rr = _own_return(request, vendor, public_id)
    return evidence_file_response(get_object_or_404(Evidence, pk=pk, return_request=rr))


@require_POST
@vendor_view
@case_view
def return_evidence_remove(request: HttpRequest, vendor: Vendor, public_id, pk: int):
    access, rr = _own_return(request, vendor, public_id)
    evidence = get_object_or_404(Evidence, pk=pk, return_request=rr)
    try:
        evidence_remove(evidence=evidence, actor=_actor(access))
    except DomainError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("portal:return_detail", vendor.slug, public_id)
