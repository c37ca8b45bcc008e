"""The walk: every customer page a vendor's portal shows, crawled link by link and form by form,
and every customer email, each read in one language and checked for untranslated text.

Three checks, so that a page cannot pass by saying nothing:

1. gettext was asked for a message id that this language's catalogue lacks (the hook in
   ``catalogues.GettextRecorder``);
2. the text holds a run of words of one of our English message ids (a text that reached the
   page without passing through gettext, such as an English sentence stored as rendered text);
3. a sentence reads the same in English and in this language although it is not data the
   vendor, customer or agent typed (text never marked for translation at all).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django_scopes import scopes_disabled

from tenancy.models import Vendor

from .catalogues import GettextRecorder, english_sentences
from .pages import Form, read

# Small English words: a sentence the same in both renderings with one of these is English.
ENGLISH_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "if",
        "in",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "please",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "will",
        "with",
        "you",
        "your",
    ]
)
# Links the walk does not follow: files rather than pages, and leaving the case.
SKIPPED_LINKS = re.compile(r"/logo/|/evidence/\d+/|/messages/files/\d+/|sign-out/|^mailto:")
SKIPPED_FORMS = re.compile(r"/i18n/setlang/|sign-out/")
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|/access/[^/]+/|\d+")
URL = re.compile(r"(https?://|/v/)\S+")
INVALID_PICTURE = ("photo.jpg", b"this is not a picture", "image/jpeg")


@dataclass(frozen=True)
class Problem:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class EnglishPages:
    """English renderings shared by walks that start from the same state and make the same
    requests in the same order, one language after the other: the n-th time a request is made
    in one walk, the state behind it is the one of its n-th time in another, so its English
    rendering is read once. A request one walk makes and another does not is simply rendered."""

    segments: dict[tuple, list[str] | None] = field(default_factory=dict)
    _made: dict[tuple, int] = field(default_factory=dict)

    def start_walk(self) -> None:
        self._made.clear()

    def key(self, method: str, url: str, data: dict) -> tuple:
        shape = tuple(sorted((k, getattr(v, "name", None) or str(v)) for k, v in data.items()))
        request = (method, url, shape)
        self._made[request] = self._made.get(request, 0) + 1
        return (*request, self._made[request])


@dataclass
class Walk:
    """One language's walk over one vendor's portal, with the problems it found."""

    client: object
    vendor: Vendor
    language: str
    recorder: GettextRecorder
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    emails: int = 0
    requests: int = 0
    seen_kinds: set[str] = field(default_factory=set)
    _data: list[str] = field(default_factory=list)
    compared: set[str] = field(default_factory=set)
    submitted: set[tuple] = field(default_factory=set)
    # English renderings by request, shared by the walks of one vendor's portal in several
    # languages from the same seeded state (see ``EnglishPages``).
    english_pages: EnglishPages | None = None

    def __post_init__(self) -> None:
        if self.english_pages is not None:
            self.english_pages.start_walk()

    # -- the checks ----------------------------------------------------------------------

    def refresh_data(self) -> None:
        """What the vendor, its customers and agents typed: it stays as typed in any language."""
        values: set[str] = {self.vendor.name, self.vendor.support_email}
        with scopes_disabled():
            for model in apps.get_models():
                if model._meta.app_label not in ("rma", "portal", "notifications"):
                    continue
                names = [
                    f.name
                    for f in model._meta.concrete_fields
                    if isinstance(f, models.CharField | models.TextField) and not f.choices
                ]
                if not names:
                    continue
                rows = model._default_manager.all()
                if any(f.name == "vendor" for f in model._meta.concrete_fields):
                    rows = rows.filter(vendor=self.vendor)
                elif model is not Vendor:
                    continue
                else:
                    rows = rows.filter(pk=self.vendor.pk)
                for row in rows.values_list(*names):
                    values.update(str(v) for v in row if v and len(str(v)) >= 4)
        parts = {line.strip() for v in values for line in [v, *v.splitlines()] if line.strip()}
        self._data = sorted(parts, key=len, reverse=True)

    def _without_data(self, text: str) -> str:
        for value in self._data:
            if value in text:
                text = text.replace(value, " ")
        return text

    def _report(self, where: str, what: str) -> None:
        self.problems.append(Problem(f"[{self.language}] {where}", what))

    def check_misses(self, where: str) -> None:
        for miss in self.recorder.take_misses():
            if miss.language == self.language:
                self._report(where, f"no {miss.language} translation for {miss.msgid!r}")

    def check_segments(self, where: str, segments: list[str], english: list[str] | None) -> None:
        text = self._without_data(" ".join(segments))
        for sentence in english_sentences(self.language):
            if sentence.fragment in text:
                self._report(where, f"English text {sentence.fragment!r} (of {sentence.msgid!r})")
        if english is None:
            return
        same = set(segments) & set(english)
        for segment in sorted(same):
            rest = self._without_data(URL.sub(" ", segment))
            words = re.findall(r"[A-Za-z']+", rest)
            if len(words) >= 2 and ENGLISH_WORDS & {w.lower() for w in words}:
                self._report(where, f"reads the same as in English: {segment!r}")

    # -- pages -------------------------------------------------------------------------

    def _request(self, method: str, url: str, language: str, **kwargs):
        self.requests += 1
        call = self.client.get if method == "GET" else self.client.post
        return call(url, HTTP_ACCEPT_LANGUAGE=language, **kwargs)

    def page(self, url: str, *, compare: bool = True):
        """GET a page in this language and, to compare, in English too whenever this page
        shows something new (another state or scenario): the English rendering is the slow
        half, and the same page of another case says the same things."""
        key = self._english_key("GET", url, {})
        response = self._request("GET", url, self.language)
        english = None
        if compare and _is_html(response) and self._new_content(url, response):
            english = self._english(key, "GET", url, {}, {})
        self._check_response(f"GET {url}", response, english)
        return response

    def _english_key(self, method: str, url: str, data: dict) -> tuple | None:
        """Which request this is (its n-th time in this walk), counted before it is made."""
        return None if self.english_pages is None else self.english_pages.key(method, url, data)

    def _english(
        self, key: tuple | None, method: str, url: str, data: dict, kwargs: dict
    ) -> list[str] | None:
        """The English rendering of this request, read from a walk in another language that
        made the same request for the same time (so from the same state), or requested now."""
        if key is not None and key in self.english_pages.segments:
            return self.english_pages.segments[key]
        for value in data.values():
            if hasattr(value, "seek"):
                value.seek(0)
        if method == "GET":
            response = self._request("GET", url, settings.LANGUAGE_CODE)
        else:
            response = self._request("POST", url, settings.LANGUAGE_CODE, data=data, **kwargs)
        english = read(response.content.decode()).segments if _is_html(response) else None
        if key is not None:
            self.english_pages.segments[key] = english
        return english

    def _new_content(self, url: str, response) -> bool:
        segments = read(response.content.decode()).segments
        signature = (
            ID.sub("ID", url.split("?")[0]),
            frozenset(ID.sub("N", self._without_data(s)).strip() for s in segments),
        )
        if signature in self.compared:
            return False
        self.compared.add(signature)
        return True

    def send(self, url: str, data: dict, **kwargs):
        """POST in this language; a redirect is followed and that page checked too."""
        key = self._english_key("POST", url, data)
        response = self._request("POST", url, self.language, data=data, **kwargs)
        english = None
        # An answer without a redirect saved nothing (the portal redirects after a change),
        # so the same form is sent in English to compare.
        answered = response.status_code < 300 or response.status_code >= 400
        if answered and _is_html(response) and self._new_content(url, response):
            english = self._english(key, "POST", url, data, kwargs)
        self._check_response(f"POST {url} {sorted(data)}", response, english)
        if response.status_code in (301, 302, 303) and self._ours(response["Location"]):
            # The flash message is shown once: the page is read in this language only.
            return self.page(_path(response["Location"]), compare=False)
        return response

    def _check_response(self, where: str, response, english: list[str] | None) -> None:
        self.check_misses(where)
        if response.status_code >= 500:
            self._report(where, f"answered {response.status_code}")
        if not _is_html(response) or 300 <= response.status_code < 400:
            return
        self.pages += 1
        html = response.content.decode()
        marked = re.search(r'<html lang="([^"]*)"', html)
        if not marked or marked.group(1) != self.language:
            found = marked.group(1) if marked else html[:60]
            self._report(where, f"answered {response.status_code}, marked {found!r}")
        self.check_segments(where, read(html).segments, english)

    def _ours(self, url: str) -> bool:
        path = _path(url)
        return path.startswith(f"/v/{self.vendor.slug}/") and not SKIPPED_LINKS.search(path)

    def crawl(self, start: str) -> list[tuple[str, Form]]:
        """Every page reachable from ``start`` by links, GET only; returns the forms seen."""
        queue, seen, forms = deque([start]), {start}, []
        while queue:
            url = queue.popleft()
            response = self.page(url)
            if not _is_html(response):
                continue
            reader = read(response.content.decode())
            forms += [(url, form) for form in reader.forms]
            for link in reader.links:
                if self._ours(link) and _path(link) not in seen:
                    seen.add(_path(link))
                    queue.append(_path(link))
        return forms

    def submit_forms(self, forms: list[tuple[str, Form]], *, email: str = "") -> None:
        """Send each form as people do: as it stands (so with what is missing), and filled in
        (each choice of its radio groups, every box ticked, a file that is not what it claims
        to be); the next step of a form that answers with another form is sent the same way."""
        done = self.submitted
        pending = deque((url, form, 0) for url, form in forms)
        while pending:
            page_url, form, depth = pending.popleft()
            action = _path(form.action) if form.action else page_url
            if SKIPPED_FORMS.search(action) or not action.startswith(f"/v/{self.vendor.slug}/"):
                continue
            for data, files in _variants(form, email):
                # One of each shape of form per vendor: the same form on another case of the
                # same state says the same things.
                shape = tuple(sorted((k, str(v)) for k, v in data.items()))
                key = (ID.sub("ID", action), form.method, shape, bool(files), depth)
                if key in done:
                    continue
                done.add(key)
                if form.method == "get":
                    self.page(f"{action}?{urlencode(data)}")
                    continue
                response = self.send(action, {**data, **files})
                if depth < 3 and response.status_code < 300 and _is_html(response):
                    follow = read(response.content.decode()).forms
                    pending.extend((action, f, depth + 1) for f in follow)

    # -- emails ------------------------------------------------------------------------

    def email(self, where: str, subject: str, text: str, html: str, english) -> None:
        self.emails += 1
        self.check_misses(where)
        segments = [subject, *[line for line in text.splitlines() if line.strip()]]
        english_segments = None
        if english is not None:
            english_segments = [english[0], *[x for x in english[1].splitlines() if x.strip()]]
        self.check_segments(
            f"{where} (subject and text)", [" ".join(s.split()) for s in segments], english_segments
        )
        self.check_segments(
            f"{where} (html)", read(html).segments, read(english[2]).segments if english else None
        )
        if f'lang="{self.language}"' not in html:
            self._report(where, "the HTML part does not say it is in this language")


FILLED = {"email": None, "number": "1", "textarea": "12345", "date": "2026-01-02"}


def _variants(form: Form, email: str):
    """(data, files) to send: the form as it stands, then filled in, once per button."""
    base = {k: v for k, v in form.fields.items() if k != "csrfmiddlewaretoken"}
    choices = max((len(values) for values in form.radios.values()), default=1)
    filled = []
    for i in range(choices):
        data = dict(base)
        data.update({name: values[i % len(values)] for name, values in form.radios.items()})
        data.update(form.checkboxes)
        for name, kind in form.blanks.items():
            data[name] = email if kind == "email" else FILLED.get(kind) or "AB12345678"
        filled.append(data)
    for name, value in form.buttons or [("", "")]:
        button = {name: value} if name else {}
        yield {**base, **button}, {}
        for data in filled:
            yield {**data, **button}, {}
            if form.files:
                picture = INVALID_PICTURE
                yield {**data, **button}, {f: SimpleUploadedFile(*picture) for f in form.files}


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
