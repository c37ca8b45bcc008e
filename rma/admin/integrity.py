"""Claim integrity flags in the agents' admin: a section on the case page, a changelist filter."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.messages import render
from rma.models import ClaimFlag, FlagKind

ANY_FLAG = "any"
NO_FLAG = "none"


class IntegrityFlagFilter(admin.SimpleListFilter):
    """Claims by the integrity flags they carry (one indexed EXISTS, no duplicate rows)."""

    title = gettext_lazy("integrity flag")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [(ANY_FLAG, _("Any flag")), *FlagKind.choices, (NO_FLAG, _("No flag"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        flags = ClaimFlag.objects.filter(vendor_id=OuterRef("vendor_id"), request=OuterRef("pk"))
        if value == NO_FLAG:
            return queryset.filter(~Exists(flags))
        if value != ANY_FLAG:
            if value not in FlagKind.values:
                return queryset.none()
            flags = flags.filter(kind=value)
        return queryset.filter(Exists(flags))


def flag_text(flag: ClaimFlag) -> str:
    return render(flag.message) if flag.message.get("id") else flag.get_kind_display()


def unit_facts(return_request) -> list[tuple[str, str]]:
    """Header facts: the serials the claim names, and its flags at a glance."""
    facts = []
    serials = [cu.serial for cu in return_request.claim_units.all()]
    if serials:
        facts.append((_("Serials"), ", ".join(serials)))
    kinds = sorted({flag.get_kind_display() for flag in return_request.integrity_flags.all()})
    if kinds:
        facts.append(
            (
                _("Integrity flags"),
                format_html(
                    "<strong class='integrity-flag'>⚑ {}</strong> {}",
                    "; ".join(kinds),
                    _("(details below)"),
                ),
            )
        )
    return facts


def integrity_section(return_request) -> tuple[str, list[tuple[str, str]]] | None:
    """The case page's "Integrity flags" section; None when the claim has none."""
    flags = list(return_request.integrity_flags.all())
    if not flags:
        return None
    rows = [
        (
            flag.get_kind_display(),
            format_html(
                "<span class='integrity-flag' data-kind='{}'>⚑ {}</span> <code>{}</code>{}",
                flag.kind,
                flag_text(flag),
                flag.rule_id,
                format_html(" <strong>{}</strong>", _("refuses the claim"))
                if flag.blocking
                else "",
            ),
        )
        for flag in flags
    ]
    return (_("Integrity flags (they inform; they do not decide)"), rows)
