"""Customers and orders in the admin, and proposing a warranty solution for an order."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.vocabulary import SolutionStep
from rma import services
from rma.models import Customer, Order, OrderLine, SolutionKind
from rma.services import Actor
from rma.services.solutions import ProposedLine

from .base import TenantAdmin, TenantInline
from .search import IndexedSearchMixin


@admin.register(Customer)
class CustomerAdmin(TenantAdmin):
    allow_add = True
    list_display = ("email", "name", "language", "created_at")
    search_fields = ("email", "name")
    fields = ("vendor", "email", "name", "phone", "language")


class OrderLineInline(TenantInline):
    model = OrderLine
    fields = (
        "sku",
        "name",
        "quantity",
        "unit_price",
        "purchase_cost",
        "export_postage",
        "warranty_months",
    )


@admin.register(Order)
class OrderAdmin(IndexedSearchMixin, TenantAdmin):
    allow_add = True
    list_display = (
        "number",
        "customer",
        "placed_at",
        "delivered_at",
        "purchase_channel",
        "country_of_purchase",
        "currency",
    )
    list_filter = ("purchase_channel", "is_corporate", "currency")
    search_fields = ("number", "customer__email", "tracking_number")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    inlines = (OrderLineInline,)
    readonly_fields = ("cases",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "vendor",
                    "number",
                    "customer",
                    "purchase_channel",
                    "country_of_purchase",
                    "currency",
                    "is_corporate",
                    "cases",
                )
            },
        ),
        (
            gettext_lazy("Dates"),
            {"fields": ("placed_at", "shipped_at", "delivered_at", "tracking_number")},
        ),
        (
            gettext_lazy("Shipping address"),
            {
                "fields": (
                    "ship_name",
                    "ship_line1",
                    "ship_line2",
                    "ship_city",
                    "ship_postal_code",
                    "ship_region",
                    "ship_country",
                    "ship_phone",
                )
            },
        ),
    )
    change_form_template = "admin/rma/order_change_form.html"

    def save_formset(self, request, form, formset, change):
        # Inline lines belong to the order's vendor, which the agent chose on the order form.
        for line in formset.save(commit=False):
            line.vendor_id = form.instance.vendor_id
            line.save()
        formset.save_m2m()

    @admin.display(description=gettext_lazy("cases"))
    def cases(self, obj: Order) -> str:
        if obj.pk is None:
            return "—"
        links = [
            (
                reverse("admin:rma_returnrequest_change", args=[rr.pk]),
                str(rr),
                rr.get_status_display(),
            )
            for rr in obj.returns.all()
        ] + [
            (
                reverse("admin:rma_warrantysolution_change", args=[s.pk]),
                str(s),
                s.get_status_display(),
            )
            for s in obj.solutions.all()
        ]
        if not links:
            return _("none yet")
        return format_html_join(mark_safe("<br>"), "<a href='{}'>{}</a> ({})", links)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "offers_solutions": order is not None
            and order.vendor.get_policy().offers_warranty_solutions,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/propose-solution/",
                self.admin_site.admin_view(self.propose_solution_view),
                name="rma_order_propose_solution",
            ),
            *super().get_urls(),
        ]

    def propose_solution_view(self, request: HttpRequest, object_id: str):
        order = self.get_object(request, object_id)
        if order is None or not self.has_change_permission(request, order):
            raise Http404("No such order.")
        form = ProposeSolutionForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            holder: dict = {}

            def propose() -> None:
                # The password goes only into the customer's email, never to the screen.
                holder["solution"], _password = services.solution_create(
                    order=order,
                    kind=data["kind"],
                    lines=[
                        ProposedLine(line, line.sku, line.name, line.quantity)
                        for line in data["lines"]
                    ],
                    actor=Actor.agent(request.user),
                    refund_amount=data["refund_amount"] or Decimal("0"),
                    makeup_amount=data["makeup_amount"] or Decimal("0"),
                    return_required=data["return_required"],
                    makeup_payment_required=data["makeup_payment_required"],
                    message=data["message"],
                )

            if self.run_service(request, _("Propose warranty solution"), propose):
                solution = holder["solution"]
                rules = ", ".join(order.vendor.get_policy().solution_rule_ids(SolutionStep.PROPOSE))
                sent = (
                    _(
                        "%(reference)s: the confirmation email with its password is on its way "
                        "to %(email)s (%(rules)s)."
                    )
                    if rules
                    else _(
                        "%(reference)s: the confirmation email with its password is on its way "
                        "to %(email)s."
                    )
                )
                self.message_user(
                    request,
                    sent
                    % {
                        "reference": solution.reference,
                        "email": order.customer.email,
                        "rules": rules,
                    },
                )
                return HttpResponseRedirect(
                    reverse("admin:rma_warrantysolution_change", args=[solution.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": order,
            "form": form,
            "title": _("Propose a warranty solution for order %(number)s")
            % {"number": order.number},
        }
        return TemplateResponse(request, "admin/rma/propose_solution.html", context)


RULED_FIELDS = {
    "makeup_amount": SolutionStep.PAY,
    "return_required": SolutionStep.RETURN,
    "makeup_payment_required": SolutionStep.PAY,
}


class ProposeSolutionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SolutionKind.choices)
    lines = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Lines"),
        queryset=OrderLine.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    refund_amount = forms.DecimalField(
        label=gettext_lazy("Refund amount"), min_value=0, decimal_places=2, required=False
    )
    makeup_amount = forms.DecimalField(
        label=gettext_lazy("Make-up amount"),
        min_value=0,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("Owed by the customer."),
    )
    return_required = forms.BooleanField(
        label=gettext_lazy("Return required"),
        required=False,
        help_text=gettext_lazy("The customer sends the item back."),
    )
    makeup_payment_required = forms.BooleanField(
        label=gettext_lazy("Make-up payment required"),
        required=False,
        help_text=gettext_lazy("The customer pays a balance."),
    )
    message = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, order: Order, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = order.lines.all()
        # The vendor's rule for each step, for the agent who wants to know why it is asked.
        policy = order.vendor.get_policy()
        for name, step in RULED_FIELDS.items():
            rules = ", ".join(policy.solution_rule_ids(step))
            if rules:
                text = str(self.fields[name].help_text).removesuffix(".")
                self.fields[name].help_text = f"{text} ({rules})."
