"""The policy simulator: an agent tries an order (or typed facts), a request and a date, and
sees the vendor policy's decision, deadlines and refund before acting. Nothing is saved."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.base import (
    Attestation,
    EvidenceKind,
    LineFacts,
    OrderFacts,
    RequestFacts,
    RequestKind,
    Scenario,
)
from rma.messages import render
from rma.models import Order
from rma.models.returns import Scenario as ReturnScenario
from rma.services.facts import order_facts

from .base import vendor_queryset

REQUEST_LABELS = {
    RequestKind.CANCELLATION: gettext_lazy("Order cancellation"),
    RequestKind.ADDRESS_CHANGE: gettext_lazy("Shipping address change"),
}
# Facts only some policies read, shown only for a vendor whose policy has the scenario.
WRONG_ITEM_FIELDS = ("received_item_price", "wrong_item_option")
WARRANTY_FIELDS = ("current_country", "warranty_months")
RETURN_FIELDS = ("ratio", "evidence_complete", "attestations", "purchase_cost", "export_postage")


def request_choices(policy) -> list[tuple[str, str]]:
    # A return's scenario by the name the rest of the admin gives it, translated with it.
    choices = [(f"return:{s.value}", str(ReturnScenario(s).label)) for s in policy.scenarios]
    choices += [
        (k.value, str(label)) for k, label in REQUEST_LABELS.items() if k in policy.supported_kinds
    ]
    return choices


def attestation_choices(policy) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for scenario in policy.scenarios:
        for need in policy.required_attestations(scenario):
            seen.setdefault(need.attestation.value, f"{render(need.label)} ({need.rule_id})")
    return list(seen.items())


class SimulatorForm(forms.Form):
    vendor = forms.ModelChoiceField(label=gettext_lazy("Vendor"), queryset=None)
    order_number = forms.CharField(
        label=gettext_lazy("Order number"),
        required=False,
        help_text=gettext_lazy("Use a real order, or leave empty and type the facts below."),
    )
    request = forms.ChoiceField(label=gettext_lazy("Request"), choices=())
    at = forms.DateTimeField(
        label=gettext_lazy("Requested at"),
        required=False,
        help_text=gettext_lazy("Empty: now. Vendor-local time unless an offset is given."),
    )
    attestations = forms.MultipleChoiceField(
        label=gettext_lazy("Attestations"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence_complete = forms.BooleanField(
        label=gettext_lazy("Evidence complete"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Assume every required photo and video is there."),
    )
    current_country = forms.CharField(
        label=gettext_lazy("Current country"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("Where the product is now (two letters)."),
    )
    received_item_price = forms.DecimalField(
        required=False, label=gettext_lazy("Wrong item's price")
    )
    wrong_item_option = forms.ChoiceField(
        label=gettext_lazy("Wrong item option"),
        choices=[
            ("", "—"),
            ("keep", gettext_lazy("Keep with compensation")),
            ("return", gettext_lazy("Return")),
        ],
        required=False,
    )
    ratio = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=1,
        label=gettext_lazy("Refund ratio"),
        help_text=gettext_lazy("Empty: full."),
    )
    # Typed facts, used when no order number is given.
    placed_at = forms.DateTimeField(required=False, label=gettext_lazy("Order placed at"))
    delivered_at = forms.DateTimeField(required=False, label=gettext_lazy("Delivered at"))
    unit_price = forms.DecimalField(
        label=gettext_lazy("Unit price"), required=False, initial=Decimal("100.00")
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("Quantity"), required=False, min_value=1, initial=1
    )
    purchase_cost = forms.DecimalField(
        label=gettext_lazy("Purchase cost"), required=False, initial=Decimal("0")
    )
    export_postage = forms.DecimalField(
        label=gettext_lazy("Export postage"), required=False, initial=Decimal("0")
    )
    warranty_months = forms.IntegerField(
        label=gettext_lazy("Warranty months"), required=False, min_value=1
    )
    country_of_purchase = forms.CharField(
        label=gettext_lazy("Country of purchase"), max_length=2, required=False, initial="US"
    )
    purchase_channel = forms.ChoiceField(
        label=gettext_lazy("Purchase channel"), choices=Order.Channel.choices, initial="own_store"
    )
    is_corporate = forms.BooleanField(label=gettext_lazy("Is corporate"), required=False)
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, initial="USD")

    REQUEST_FIELDS = (
        "request",
        "at",
        "attestations",
        "evidence_complete",
        "current_country",
        "received_item_price",
        "wrong_item_option",
        "ratio",
    )

    def __init__(self, *args, request: HttpRequest, vendor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        vendors = vendor_queryset(request)
        self.fields["vendor"].queryset = vendors
        self.fields["vendor"].initial = vendor.pk if vendor else None
        if vendor is not None and vendors.count() == 1:
            self.fields["vendor"].widget = forms.HiddenInput()
        self.vendor = vendor
        if vendor is None:
            return
        policy = vendor.get_policy()
        self.tz_name = vendor.time_zone
        self.fields["request"].choices = request_choices(policy)
        self.fields["attestations"].choices = attestation_choices(policy)
        self.fields["country_of_purchase"].initial = str(vendor.operating_country)
        drop: set[str] = set()
        if Scenario.WRONG_ITEM not in policy.scenarios:
            drop.update(WRONG_ITEM_FIELDS)
        if Scenario.WARRANTY_CLAIM not in policy.scenarios:
            drop.update(WARRANTY_FIELDS)
        if not policy.scenarios:
            drop.update(RETURN_FIELDS)
        if not self.fields["attestations"].choices:
            drop.add("attestations")
        for name in drop:
            self.fields.pop(name, None)
        fmt = _("Format 2026-03-01 14:00, in %(zone)s.") % {"zone": vendor.time_zone}
        for name in ("at", "placed_at", "delivered_at"):
            help_text = str(self.fields[name].help_text or "")
            self.fields[name].help_text = f"{help_text} {fmt}" if help_text else fmt

    @property
    def request_fields(self):
        return [self[n] for n in self.REQUEST_FIELDS if n in self.fields]

    @property
    def fact_fields(self):
        skip = {"vendor", "order_number", *self.REQUEST_FIELDS}
        return [self[n] for n in self.fields if n not in skip]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        vendor = data.get("vendor")
        if vendor is None:
            return data
        number = (data.get("order_number") or "").strip()
        if number:
            order = Order.objects.filter(vendor=vendor, number=number).first()
            if order is None:
                self.add_error(
                    "order_number",
                    _("%(vendor)s has no order %(number)s.")
                    % {"vendor": vendor.name, "number": number},
                )
            data["order"] = order
        elif not data.get("placed_at") or data.get("unit_price") is None:
            self.add_error(
                "placed_at", _("Give an order number, or at least the order date and price.")
            )
        return data


def _aware(value: datetime | None, tz) -> datetime | None:
    if value is None:
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value, tz)


def simulate(data: dict[str, Any]) -> dict[str, Any]:
    """Ask the vendor's policy; returns what the template shows."""
    vendor = data["vendor"]
    policy = vendor.get_policy()
    tz = policy.calendar.tz
    at = _aware(data.get("at"), tz) or timezone.now()
    if data.get("order") is not None:
        ofacts = order_facts(data["order"])
    else:
        placed = _aware(data["placed_at"], tz)
        delivered = _aware(data.get("delivered_at"), tz)
        ofacts = OrderFacts(
            number="SIMULATED",
            currency=data.get("currency") or "USD",
            placed_at=placed,
            shipped_at=placed if delivered else None,
            delivered_at=delivered,
            country_of_purchase=(data.get("country_of_purchase") or "US").upper(),
            purchase_channel=data.get("purchase_channel") or "own_store",
            is_corporate=bool(data.get("is_corporate")),
            lines=(
                LineFacts(
                    sku="SKU",
                    name="Product",
                    quantity=data.get("quantity") or 1,
                    unit_price=data["unit_price"],
                    purchase_cost=data.get("purchase_cost") or Decimal("0"),
                    export_postage=data.get("export_postage") or Decimal("0"),
                    warranty_months=data.get("warranty_months"),
                ),
            ),
        )
    kind_value = data["request"]
    scenario = None
    if kind_value.startswith("return:"):
        kind, scenario = RequestKind.RETURN, Scenario(kind_value.split(":", 1)[1])
    else:
        kind = RequestKind(kind_value)
    evidence: dict[EvidenceKind, int] = {}
    if data.get("evidence_complete") and scenario is not None:
        for requirement in policy.evidence_requirements(scenario):
            evidence[requirement.kind] = requirement.min_count
    facts = RequestFacts(
        kind=kind,
        at=at,
        scenario=scenario,
        evidence=evidence,
        attestations=frozenset(Attestation(a) for a in data.get("attestations") or ()),
        current_country=(data.get("current_country") or "").upper() or None,
        received_item_price=data.get("received_item_price"),
    )
    result: dict[str, Any] = {
        "policy": policy,
        "at": at,
        "decision": policy.decide(ofacts, facts),
        "deadlines": policy.deadlines(ofacts, facts),
        "requirements": policy.evidence_requirements(scenario) if scenario else (),
        "carriers": policy.carriers(),
    }
    if kind is RequestKind.RETURN and result["decision"].allowed:
        try:
            result["refund"] = policy.refund(
                ofacts,
                facts,
                ratio=data.get("ratio"),
                wrong_item_option=data.get("wrong_item_option") or None,
            )
        except ValueError as exc:
            result["refund_error"] = str(exc)
    return result


def _chosen_vendor(request: HttpRequest):
    vendors = list(vendor_queryset(request))
    wanted = request.GET.get("vendor", "")
    return next((v for v in vendors if str(v.pk) == wanted), vendors[0] if vendors else None)


def simulator_view(model_admin, request: HttpRequest) -> TemplateResponse:
    vendor = _chosen_vendor(request)
    asked = bool(request.GET.get("request")) and not request.GET.get("switch")
    form = SimulatorForm(request.GET if asked else None, request=request, vendor=vendor)
    result = None
    # Typed times without an offset are the vendor's local time, also while parsing.
    with timezone.override(vendor.time_zone if vendor else "UTC"):
        if asked and form.is_valid():
            result = simulate(form.cleaned_data)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Policy simulator"),
        "form": form,
        "result": result,
        "vendor": vendor,
        "tz_name": vendor.time_zone if vendor else "UTC",
    }
    return TemplateResponse(request, "admin/rma/policy_simulator.html", context)
