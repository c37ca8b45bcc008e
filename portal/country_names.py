"""Country names that django-countries spells differently from its own German and French
catalogues, so they would reach a customer in English; listed here for makemessages to
extract and the project's catalogues to translate (they take precedence)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

UNTRANSLATED_BY_DJANGO_COUNTRIES = (
    gettext_noop("Bahamas (The)"),
    gettext_noop("Democratic Republic of the Congo"),
    gettext_noop("Micronesia"),
    gettext_noop("Naoero"),
    gettext_noop("Palestine"),
    gettext_noop("Saint Helena"),
    gettext_noop("South Georgia"),
    gettext_noop("Vatican City"),
    gettext_noop("Eswatini"),
    gettext_noop("Isle of Man"),
    gettext_noop("Türkiye"),
)
