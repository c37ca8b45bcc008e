"""What the translation walk checks a rendered text against: the project's own catalogues, and a
hook on gettext that records every message id the rendering asked for.

The hook sits on Django's translation objects, so it sees ``{% translate %}``,
``{% blocktranslate %}`` (plural forms included), ``gettext`` in views and forms, lazy labels,
and the policies' stored messages rendered by ``rma.messages``: every way a text reaches a page,
an email or a PDF.
"""

from __future__ import annotations

import gettext as gnu_gettext
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import trans_real

BASE_DIR = Path(settings.BASE_DIR)
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdfr]|%%|<[^>]+>|\{\{[^}]*\}\}")
WORD = re.compile(r"[A-Za-z]{2,}")


def project_catalogues(language: str) -> list[Path]:
    """Every compiled catalogue of ours for ``language``: the project's and each app's."""
    roots = [BASE_DIR / "locale", *sorted(BASE_DIR.glob("*/locale"))]
    return [
        path
        for root in roots
        if ".venv" not in root.parts
        for path in [root / language / "LC_MESSAGES" / "django.mo"]
        if path.exists()
    ]


@cache
def project_messages(language: str) -> dict[object, str]:
    """The project's own message ids and their translations (plural forms keyed (id, n))."""
    catalogue: dict[object, str] = {}
    for path in project_catalogues(language):
        with path.open("rb") as handle:
            catalogue.update(gnu_gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    catalogue.pop("", None)  # the header
    return catalogue


@dataclass(frozen=True)
class EnglishSentence:
    """A piece of an English message id long enough that finding it means it was not translated."""

    msgid: str
    fragment: str


@cache
def english_sentences(language: str) -> tuple[EnglishSentence, ...]:
    """The literal runs of words of each project message id whose translation differs from it.

    A message id is split at its placeholders and tags; a run of three or more words cannot
    turn up in a translated page by chance, so finding one means the text went out in English.
    """
    sentences: list[EnglishSentence] = []
    own = project_messages(language)
    # Every id any of our catalogues knows: one missing from this language's is still English.
    every = {k: v for lang, _name in settings.LANGUAGES for k, v in project_messages(lang).items()}
    for key in every:
        translated = own.get(key)
        if isinstance(key, tuple):
            # A plural entry, keyed (singular id, form); the singular's words stand for both.
            if key[1] != 0:
                continue
            key = key[0]
        msgid = key.split("\x04", 1)[-1]  # after a message context, if any
        if translated is not None and translated.strip() == msgid.strip():
            continue  # the same word in both languages ("Total", "Photo")
        for fragment in PLACEHOLDER.split(msgid):
            fragment = " ".join(fragment.split()).strip(" .,;:()“”\"'")
            if len(WORD.findall(fragment)) >= 3:
                sentences.append(EnglishSentence(msgid, fragment))
    return tuple(sentences)


_TRANSLATED: dict[int, frozenset[str]] = {}


def _translated_texts(translation: trans_real.DjangoTranslation) -> frozenset[str]:
    key = id(translation._catalog)  # type: ignore[attr-defined]
    if key not in _TRANSLATED:
        _TRANSLATED[key] = frozenset(
            v
            for _k, v in translation._catalog.items()
            if isinstance(v, str)  # type: ignore[attr-defined]
        )
    return _TRANSLATED[key]


@dataclass
class Miss:
    language: str
    msgid: str


@dataclass
class GettextRecorder:
    """Records each message id asked for while active, and which had no translation.

    ``pretend_missing`` treats the given ids as absent from the catalogue (they render in
    English, as a missing translation would): the walk's own tests use it to prove that the
    walk fails on a missing translation.
    """

    pretend_missing: frozenset[str] = frozenset()
    asked: dict[str, set[str]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    def _check(self, translation: trans_real.DjangoTranslation, msgid: str) -> bool:
        language = translation.language()
        self.asked.setdefault(language, set()).add(msgid)
        if language == settings.LANGUAGE_CODE:  # English is the source language
            return True
        catalogue = translation._catalog  # type: ignore[attr-defined]
        if msgid in self.pretend_missing:
            known = False
        else:
            known = msgid in catalogue or (msgid, 0) in catalogue
            # Django hands some texts to gettext a second time once translated (the language
            # names of {% get_available_languages %}): that is no missing translation.
            known = known or msgid in _translated_texts(translation)
        if not known:
            self.misses.append(Miss(language, msgid))
        return known

    @contextmanager
    def active(self) -> Iterator[GettextRecorder]:
        original_gettext = trans_real.DjangoTranslation.gettext
        original_ngettext = trans_real.DjangoTranslation.ngettext
        recorder = self

        def gettext(translation, message):
            if not recorder._check(translation, message):
                return message
            return original_gettext(translation, message)

        def ngettext(translation, msgid1, msgid2, n):
            if not recorder._check(translation, msgid1):
                return msgid1 if n == 1 else msgid2
            return original_ngettext(translation, msgid1, msgid2, n)

        trans_real.DjangoTranslation.gettext = gettext  # type: ignore[method-assign]
        trans_real.DjangoTranslation.ngettext = ngettext  # type: ignore[method-assign]
        try:
            yield self
        finally:
            trans_real.DjangoTranslation.gettext = original_gettext  # type: ignore[method-assign]
            trans_real.DjangoTranslation.ngettext = original_ngettext  # type: ignore[method-assign]

    def take_misses(self) -> list[Miss]:
        misses, self.misses = self.misses, []
        return misses
