"""Changelist search that each index can answer, at any number of rows.

Django's admin search ORs ``icontains`` over every search field, joined tables included, and
PostgreSQL cannot use one index for an OR that spans tables: it reads all of the vendor's
rows. Here each field through a relation is first looked up on its own table (through its
trigram index, within the request's vendor scope) and becomes ``fk IN (ids)``, so the final
OR is over this table's own indexes (trigram indexes and foreign-key indexes).

A term that is a whole value of a column (a full email address) is looked up by equality,
case-insensitive, through a b-tree index on ``(vendor_id, UPPER(column))``: one index entry
however many rows share its trigrams (every customer of a shop shares ``@shop.example``).
Partial terms go through the trigram index as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.contrib import admin
from django.db.models import Q

# More matches than an agent reads; past this a search is too vague to be a lookup.
RELATED_MATCHES = 1000

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def is_email_address(term: str) -> bool:
    return EMAIL.fullmatch(term) is not None


# column -> when a term is a whole value of it, to be matched exactly (indexed in migration 0012)
WHOLE_VALUE: dict[str, Callable[[str], bool]] = {"email": is_email_address}


def lookup(column: str, term: str) -> str:
    whole = WHOLE_VALUE.get(column)
    return f"{column}__iexact" if whole is not None and whole(term) else f"{column}__icontains"


class IndexedSearchMixin:
    """For a ModelAdmin whose ``search_fields`` are own columns or ``relation__column``."""

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if self.search_fields and any(
            field.startswith(("=", "^", "@")) or field.count("__") > 1
            for field in self.search_fields
        ):
            return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)
        matches = Q()
        for field in self.search_fields:
            if "__" not in field:
                matches |= Q(**{lookup(field, term): term})
                continue
            relation, column = field.split("__")
            related = queryset.model._meta.get_field(relation).related_model
            ids = list(
                related.objects.filter(**{lookup(column, term): term})
                .order_by()
                .values_list("pk", flat=True)[:RELATED_MATCHES]
            )
            if ids:
                matches |= Q(**{f"{relation}_id__in": ids})
        if not matches:  # only relations were searched, and none matched
            return queryset.none(), False
        return queryset.filter(matches), False
