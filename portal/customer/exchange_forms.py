"""The return form's exchange choice: a refund, or another variant or product the vendor offers,
with the price difference shown before the request is sent."""

from __future__ import annotations

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from policies.exchanges import ExchangeRules
from rma.models import Order, OrderLine
from rma.services import DomainError
from rma.services.exchanges import ExchangeQuote, exchange_choices, exchange_quote, exchange_rules

REFUND, EXCHANGE = "refund", "exchange"


class ExchangeForm(forms.Form):
    """Refund or exchange; an exchange names its replacement and is sent only once its price
    difference has been shown for that replacement (``shown_replacement``)."""

    outcome = forms.ChoiceField(
        label=_("What would you like instead of the item?"),
        choices=[(REFUND, _("My money back")), (EXCHANGE, _("Another product in exchange"))],
        widget=forms.RadioSelect,
        initial=REFUND,
        required=False,
    )
    replacement = forms.TypedChoiceField(
        label=_("Exchange it for"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    shown_replacement = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        order: Order,
        scenario: str,
        order_line: OrderLine,
        quantity: int,
        rules: ExchangeRules,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.order, self.scenario, self.rules = order, scenario, rules
        self.order_line, self.quantity = order_line, quantity
        self.quote: ExchangeQuote | None = None
        variants = exchange_choices(order=order, order_line=order_line, rules=rules)
        self.fields["replacement"].choices = [("", _("Choose a product"))] + [
            (v.pk, f"{v.display_name} · {number_format(v.price, 2)} {v.currency}") for v in variants
        ]
        self.has_choices = bool(variants)

    @property
    def wants_exchange(self) -> bool:
        return self.is_bound and self.data.get("outcome") == EXCHANGE

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") != EXCHANGE:
            return cleaned
        variant_id = cleaned.get("replacement")
        if variant_id is None:
            self.add_error("replacement", _("Choose the product you would like instead."))
            return cleaned
        try:
            self.quote = exchange_quote(
                order=self.order,
                scenario=self.scenario,
                order_line=self.order_line,
                quantity=self.quantity,
                variant_id=variant_id,
            )
        except DomainError:
            self.add_error("replacement", _("That product is not offered in exchange; pick one."))
            return cleaned
        if self.data.get("step") == "submit" and cleaned.get("shown_replacement") != variant_id:
            self.add_error(
                "replacement", _("Check the price difference below, then send the request.")
            )
        return cleaned


def exchange_form_for(
    data, *, order: Order, scenario: str, lines: list[tuple[OrderLine, int]]
) -> ExchangeForm | None:
    """The exchange choice when the vendor's policy offers one for this scenario now and the
    request returns one item; None otherwise (the form asks for a refund as before)."""
    if len(lines) != 1:
        return None
    rules = exchange_rules(order=order)
    if not rules.allows(scenario):
        return None
    order_line, quantity = lines[0]
    form = ExchangeForm(
        data,
        order=order,
        scenario=scenario,
        order_line=order_line,
        quantity=quantity,
        rules=rules,
    )
    return form if form.has_choices else None
