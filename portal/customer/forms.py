"""The customer portal's forms: labelled fields, clear errors, nothing the server trusts blindly."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from policies.base import Attestation, Carrier, CarrierCode, WrongItemOption
from rma.models import Order, ReturnRequest, Scenario

ATTESTATION_LABELS = {
    Attestation.UNUSED: _("The product is unused."),
    Attestation.UNTESTED: _("The product has not been tested."),
    Attestation.UNPROGRAMMED: _("The product has not been programmed."),
    Attestation.PACKAGING_INTACT: _("The original packaging is intact and undamaged."),
    Attestation.ACCESSORIES_COMPLETE: _("All accessories are included."),
    Attestation.GIFTS_INCLUDED: _("All promotional gifts are included."),
    Attestation.ORIGINAL_PACKAGING: _("The original packaging is included."),
    Attestation.UNDAMAGED: _("The product is undamaged."),
}
ADDRESS_LABELS = {
    "ship_name": _("Name"),
    "ship_line1": _("Address line 1"),
    "ship_line2": _("Address line 2 (optional)"),
    "ship_postal_code": _("Postal code"),
    "ship_city": _("City"),
    "ship_region": _("State or region (optional)"),
    "ship_phone": _("Phone (optional)"),
}
REQUIRED_ADDRESS = ("ship_name", "ship_line1", "ship_postal_code", "ship_city")
AUTOCOMPLETE = {
    "ship_name": "name",
    "ship_line1": "address-line1",
    "ship_line2": "address-line2",
    "ship_postal_code": "postal-code",
    "ship_city": "address-level2",
    "ship_region": "address-level1",
    "ship_phone": "tel",
}


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password from the email"),
        max_length=100,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


class DisagreeForm(forms.Form):
    comment = forms.CharField(
        label=_("Which solution would you like instead?"),
        help_text=_("An agent reads this and gets back to you."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please say which solution you would like instead.")},
    )


class AddressFields(forms.Form):
    """The shipping address; the country is shown, never chosen."""

    def __init__(self, *args, country: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from rma.models import Order

        for name, label in ADDRESS_LABELS.items():
            self.fields[name] = forms.CharField(
                label=label,
                # The column's own length: a longer value is a form error, never a 500.
                max_length=Order._meta.get_field(name).max_length,
                required=name in REQUIRED_ADDRESS,
                widget=forms.TextInput(attrs={"autocomplete": AUTOCOMPLETE[name]}),
            )
        self.fields["ship_country"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=country
        )

    def address(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in (*ADDRESS_LABELS, "ship_country")}


class SolutionDetailsForm(AddressFields):
    """After agreeing: address, and as the solution needs, tracking or payment."""

    def __init__(self, *args, solution, **kwargs) -> None:
        super().__init__(*args, country=str(solution.ship_country), **kwargs)
        self.solution = solution
        if solution.return_required:
            self.fields["tracking_number"] = forms.CharField(
                label=_("Return tracking number"),
                help_text=_("Letters and digits only, no blanks. Add it after mailing."),
                max_length=64,
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
        if solution.makeup_payment_required:
            self.fields["transaction_id"] = forms.CharField(
                label=_("Transaction ID of your payment"),
                help_text=_("From your payment confirmation."),
                max_length=100,
                required=False,
            )


class ReturnStartForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=64)
    email = forms.EmailField(
        label=_("Email address used for the order"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ReturnChooseForm(forms.Form):
    """Step 1: which items, how many, and what happened."""

    def __init__(self, *args, order: Order, scenarios, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order = order
        self.order_lines = list(order.lines.all())
        for line in self.order_lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=_("How many of “%(name)s” (%(sku)s)?") % {"name": line.name, "sku": line.sku},
                min_value=0,
                max_value=line.quantity,
                initial=0,
                required=False,
            )
        self.fields["scenario"] = forms.ChoiceField(
            label=_("What is the reason for the return?"),
            choices=[(s.value, Scenario(s.value).label) for s in scenarios],
            widget=forms.RadioSelect,
            error_messages={"required": _("Please choose the reason for the return.")},
        )

    def line_fields(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.order_lines]

    def clean(self):
        cleaned = super().clean()
        chosen = [
            (line, cleaned.get(f"line_{line.pk}") or 0)
            for line in self.order_lines
            if cleaned.get(f"line_{line.pk}")
        ]
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Pick at least one item to return."))
        cleaned["lines"] = chosen
        return cleaned


REFUND_AS_MONEY, REFUND_AS_STORE_CREDIT = "money", "store_credit"


class ReturnConfirmForm(forms.Form):
    """Step 2: the condition statements the policy asks for, options, and a description."""

    def __init__(
        self,
        *args,
        asked,
        scenario: str,
        order: Order,
        reason_required: bool = True,
        keep_label: str = "",
        lines=(),
        store_credit_offered: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        from .unit_forms import SerialPicker

        self.asked = asked
        for item in asked:
            self.fields[f"attest_{item.value}"] = forms.BooleanField(
                label=ATTESTATION_LABELS[item.attestation],
                required=False,
                help_text=", ".join(item.rule_ids),
            )
        self.fields["reason"] = forms.CharField(
            label=_("Describe the problem"),
            max_length=4000,
            required=reason_required,  # the vendor's policy says (Policy.reason_required)
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        if scenario == Scenario.WARRANTY_CLAIM:
            self.fields["current_country"] = forms.ChoiceField(
                label=_("Which country is the product in now?"),
                choices=list(countries),
                initial=str(order.country_of_purchase),
            )
        if scenario == Scenario.WRONG_ITEM:
            self.fields["received_item_price"] = forms.DecimalField(
                label=_("Price of the item you received instead (%(currency)s)")
                % {"currency": order.currency},
                help_text=_("As listed in the shop; it prices the keep option."),
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                required=False,
            )
            self.fields["wrong_item_option"] = forms.ChoiceField(
                label=_("What would you like to do?"),
                choices=[
                    (WrongItemOption.KEEP, keep_label or ReturnRequest.WrongItemOption.KEEP.label),
                    (WrongItemOption.RETURN, ReturnRequest.WrongItemOption.RETURN.label),
                ],
                widget=forms.RadioSelect,
                required=False,
            )
        if store_credit_offered:
            self.fields["refund_as"] = forms.ChoiceField(
                label=_("How would you like your money?"),
                choices=[
                    (REFUND_AS_MONEY, _("Money back to my original payment method")),
                    (
                        REFUND_AS_STORE_CREDIT,
                        _("Store credit of the same amount, to spend with us"),
                    ),
                ],
                initial=REFUND_AS_MONEY,
                widget=forms.RadioSelect,
                required=False,
            )
        # The units claimed, ticked from the order's or typed (their own history is judged).
        self.picker = SerialPicker(self, list(lines))

    def wants_store_credit(self) -> bool:
        return self.cleaned_data.get("refund_as") == REFUND_AS_STORE_CREDIT

    def attestation_fields(self):
        return [self[f"attest_{item.value}"] for item in self.asked]

    def attestations(self) -> list[str]:
        return [item.value for item in self.asked if self.cleaned_data.get(f"attest_{item.value}")]

    def clean(self):
        cleaned = super().clean()
        if self.data.get("step") == "submit":
            self.picker.clean(cleaned)
        if "wrong_item_option" in self.fields and self.data.get("step") == "submit":
            option = cleaned.get("wrong_item_option")
            if not option:
                self.add_error("wrong_item_option", _("Choose whether to keep or return the item."))
            elif option == WrongItemOption.KEEP and cleaned.get("received_item_price") is None:
                self.add_error(
                    "received_item_price",
                    _("Enter the received item's price to keep it with compensation."),
                )
        return cleaned


class TrackingForm(forms.Form):
    def __init__(self, *args, carriers: tuple[Carrier, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        named = [c for c in carriers if c.code != CarrierCode.ANY]
        if named:
            self.fields["carrier"] = forms.ChoiceField(
                label=_("Carrier"),
                choices=[(c.code, c.name) for c in named],
                widget=forms.RadioSelect,
            )
        self.fields["tracking_number"] = forms.CharField(
            label=_("Tracking number"),
            max_length=64,
            help_text=_("For example: %(examples)s")
            % {"examples": ", ".join(f"{c.name} {c.example}" for c in carriers)},
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )


class OrderChangeForm(AddressFields):
    def __init__(self, *args, kind: str, order: Order, **kwargs) -> None:
        super().__init__(*args, country=str(order.ship_country), **kwargs)
        self.kind = kind
        if kind != "address_change":
            for name in (*ADDRESS_LABELS, "ship_country"):
                del self.fields[name]
        else:
            self.fields["ship_country"] = forms.ChoiceField(
                label=_("Country"), choices=list(countries), initial=str(order.ship_country)
            )
        self.fields["reason"] = forms.CharField(
            label=_("Anything support should know (optional)"),
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
