"""Forms that name units: registering a product by serial, and the claim form's serial picker."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from rma.models import OrderLine
from rma.services.units import current_units

MAX_PROOF_BYTES = 20 * 1024 * 1024  # the policy's own limit is checked after; this caps the read
WHERE_STORE, WHERE_ELSEWHERE = "store", "elsewhere"


class RegistrationForm(forms.Form):
    """Serial and email, then where it was bought: the vendor's store (its order number) or
    elsewhere (seller, date, price and a proof of purchase), if the vendor accepts that."""

    serial = forms.CharField(
        label=_("Serial number"),
        max_length=64,
        help_text=_("On the label on the device or its box."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Your email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, accepts_elsewhere: bool, vendor_name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.accepts_elsewhere = accepts_elsewhere
        self.fields["order_number"] = forms.CharField(
            label=_("Order number"),
            max_length=64,
            required=False,
            help_text=_("From the order confirmation of %(vendor)s.") % {"vendor": vendor_name},
        )
        if not accepts_elsewhere:
            return
        self.fields["where"] = forms.ChoiceField(
            label=_("Where did you buy it?"),
            choices=[
                (WHERE_STORE, _("In the %(vendor)s online store") % {"vendor": vendor_name}),
                (WHERE_ELSEWHERE, _("From another seller")),
            ],
            widget=forms.RadioSelect,
            initial=WHERE_STORE,
        )
        self.fields["seller"] = forms.CharField(
            label=_("Seller"), max_length=120, required=False, help_text=_("Shop or marketplace.")
        )
        self.fields["purchased_on"] = forms.DateField(
            label=_("Date of purchase"),
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}),
        )
        self.fields["country"] = forms.ChoiceField(
            label=_("Country of purchase"), choices=[("", "—"), *countries], required=False
        )
        self.fields["product"] = forms.CharField(
            label=_("Product model"), max_length=64, required=False
        )
        self.fields["price"] = forms.DecimalField(
            label=_("Price paid"),
            min_value=Decimal("0"),
            max_digits=12,
            decimal_places=2,
            required=False,
        )
        self.fields["currency"] = forms.CharField(
            label=_("Currency"), max_length=3, min_length=3, required=False, initial="USD"
        )
        self.fields["proof"] = forms.FileField(
            label=_("Proof of purchase"),
            required=False,
            help_text=_("The invoice or receipt: PDF, JPG or PNG."),
        )

    @property
    def elsewhere(self) -> bool:
        return self.accepts_elsewhere and self.cleaned_data.get("where") == WHERE_ELSEWHERE

    def clean(self):
        cleaned = super().clean()
        if self.accepts_elsewhere and cleaned.get("where") == WHERE_ELSEWHERE:
            needed = {
                "seller": _("Enter the seller."),
                "purchased_on": _("Enter the date of purchase."),
                "country": _("Choose the country of purchase."),
                "product": _("Enter the product model, as on the box."),
                "price": _("Enter the price you paid."),
                "currency": _("Enter the currency, such as USD or EUR."),
                "proof": _("Add the invoice or receipt."),
            }
            for name, error in needed.items():
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, error)
            currency = cleaned.get("currency") or ""
            if currency and not re.fullmatch(r"[A-Za-z]{3}", currency):
                self.add_error("currency", _("Use a three-letter currency code, such as USD."))
            day = cleaned.get("purchased_on")
            if day and day > timezone.localdate():
                self.add_error("purchased_on", _("The date of purchase cannot be in the future."))
            proof = cleaned.get("proof")
            if proof is not None and proof.size > MAX_PROOF_BYTES:
                self.add_error("proof", _("The file is larger than 20 MB; choose a smaller one."))
        elif not cleaned.get("order_number") and "order_number" not in self.errors:
            self.add_error("order_number", _("Enter the order number."))
        return cleaned


class SerialPicker:
    """The serial fields of the claim form: each claimed line's units to tick (all ticked when
    they are exactly the quantity claimed), and a box for serials not listed."""

    def __init__(self, form: forms.Form, lines: list[tuple[OrderLine, int]]) -> None:
        self.form = form
        self.rows: list[tuple[OrderLine, int, str]] = []
        for line, qty in lines:
            held = current_units(line)
            if not held:
                continue
            name = f"units_{line.pk}"
            form.fields[name] = forms.MultipleChoiceField(
                label=_("Which %(name)s? Tick the serial numbers you claim for")
                % {"name": line.name},
                choices=[(u.serial, u.serial) for u in held],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=[u.serial for u in held] if len(held) == qty else [],
            )
            self.rows.append((line, qty, name))
        form.fields["serials_typed"] = forms.CharField(
            label=_("Serial numbers not listed (optional)"),
            help_text=_("One per line, from the label on the device."),
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        )

    def fields(self):
        return [self.form[name] for _line, _qty, name in self.rows]

    def clean(self, cleaned: dict) -> None:
        typed = self.typed(cleaned)
        for _line, qty, name in self.rows:
            picked = cleaned.get(name) or []
            if len(picked) > qty:
                self.form.add_error(
                    name,
                    _("Tick at most %(qty)s, the number you claim.") % {"qty": qty},
                )
            elif len(picked) < qty and not typed:
                self.form.add_error(
                    name,
                    _("Tick the %(qty)s serial number(s) you claim, or type them below.")
                    % {"qty": qty},
                )

    @staticmethod
    def typed(cleaned: dict) -> list[str]:
        raw = cleaned.get("serials_typed") or ""
        return [s.strip() for s in re.split(r"[\n,;]+", raw) if s.strip()]

    def serials(self, cleaned: dict) -> list[str]:
        picked = [s for _line, _qty, name in self.rows for s in cleaned.get(name) or []]
        return picked + [s for s in self.typed(cleaned) if s not in picked]
