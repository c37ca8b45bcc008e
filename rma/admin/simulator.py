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

from policies.base import (
    Attestation,
    EvidenceKind,
    LineFacts,
    OrderFacts,
    RequestFacts,
    RequestKind,
    Scenario,
)
from rma.models import Order
from rma.services.facts import order_facts

from .base import vendor_queryset

REQUEST_CHOICES = [
    *[(f"return:{s.value}", f"Return: {s.value.replace('_', ' ')}") for s in Scenario],
    ("cancellation", "Order cancellation"),
    ("address_change", "Shipping address change"),
]


class SimulatorForm(forms.Form):
    vendor = forms.ModelChoiceField(queryset=None)
    order_number = forms.CharField(
        required=False, help_text="Use a real order, or leave empty and type the facts below."
    )
    request = forms.ChoiceField(choices=REQUEST_CHOICES)
    at = forms.DateTimeField(
        label="Requested at",
        required=False,
        help_text="Empty: now. Vendor-local time unless an offset is given.",
    )
    attestations = forms.MultipleChoiceField(
        choices=[(a.value, a.value.replace("_", " ")) for a in Attestation],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    evidence_complete = forms.BooleanField(
        required=False, initial=True, help_text="Assume every required photo and video is there."
    )
    current_country = forms.CharField(max_length=2, required=False)
    received_item_price = forms.DecimalField(required=False, label="Wrong item's price (MKT-7)")
    wrong_item_option = forms.ChoiceField(
        choices=[("", "—"), ("keep", "Keep with compensation"), ("return", "Return")],
        required=False,
    )
    ratio = forms.DecimalField(required=False, min_value=0, max_value=1, label="Refund ratio")
    # Typed facts, used when no order number is given.
    placed_at = forms.DateTimeField(required=False)
    delivered_at = forms.DateTimeField(required=False)
    unit_price = forms.DecimalField(required=False, initial=Decimal("100.00"))
    quantity = forms.IntegerField(required=False, min_value=1, initial=1)
    purchase_cost = forms.DecimalField(required=False, initial=Decimal("0"))
    export_postage = forms.DecimalField(required=False, initial=Decimal("0"))
    warranty_months = forms.IntegerField(required=False, min_value=1)
    country_of_purchase = forms.CharField(max_length=2, required=False, initial="US")
    purchase_channel = forms.ChoiceField(choices=Order.Channel.choices, initial="own_store")
    is_corporate = forms.BooleanField(required=False)
    currency = forms.CharField(max_length=3, initial="USD")

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendor_queryset(request)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        vendor = data.get("vendor")
        if vendor is None:
            return data
        number = (data.get("order_number") or "").strip()
        if number:
            order = Order.objects.filter(vendor=vendor, number=number).first()
            if order is None:
                self.add_error("order_number", f"{vendor.name} has no order {number}.")
            data["order"] = order
        elif not data.get("placed_at") or data.get("unit_price") is None:
            self.add_error(
                "placed_at", "Give an order number, or at least the order date and price."
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


def simulator_view(model_admin, request: HttpRequest) -> TemplateResponse:
    form = SimulatorForm(request.GET or None, request=request)
    result = simulate(form.cleaned_data) if request.GET and form.is_valid() else None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Policy simulator",
        "form": form,
        "result": result,
    }
    return TemplateResponse(request, "admin/rma/policy_simulator.html", context)
