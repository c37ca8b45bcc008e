"""Render a policy's stored messages in the reader's language, at the edge (pages, emails)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_countries import countries

from policies.vocabulary import Message, ParamKind, fill

from .formatting import amount_text, vendor_date, vendor_time

# The key of an event's ``data`` that keeps its note as a message (its ``note`` is the English).
NOTE_MESSAGE = "note_message"


def render(message: Message | Mapping[str, Any], language: str | None = None) -> str:
    """The message in ``language`` (or the active one); its parameters fill the template."""
    if not isinstance(message, Message):
        message = Message.from_dict(message)
    if language:
        with translation.override(language):
            return render(message)
    params = message.params
    if message.plural and message.count:
        template = ngettext(message.id, message.plural, int(params.get(message.count, 0)))
    else:
        template = gettext(message.id)
    return fill(template, params, render, show_typed)


def show_typed(value: Mapping[str, str]) -> str:
    """A typed parameter in the active language: a day as ``So. 29 Nov. 2026``, an instant on
    the vendor's clock with its zone (``rma.formatting``, as pages and emails print times), a
    country by its name, an amount with the language's decimal comma or point."""
    kind, raw = value["type"], value["value"]
    try:
        if kind == ParamKind.DAY:
            return vendor_date(date.fromisoformat(raw), "UTC")
        if kind == ParamKind.MOMENT:
            return vendor_time(datetime.fromisoformat(raw), value.get("zone") or "UTC")
    except ValueError:
        return raw
    if kind == ParamKind.COUNTRY:
        return str(countries.name(raw.upper())) or raw
    if kind == ParamKind.AMOUNT:
        return amount_text(raw)
    return raw


def event_note(event: Any, language: str | None = None) -> str:
    """An event's note in the reader's language: the message stored with it, else the text it
    was written with (notes typed by a person, and events stored before notes were data)."""
    stored = (event.data or {}).get(NOTE_MESSAGE)
    if stored:
        return render(stored, language)
    return event.note


def render_all(messages: Iterable[Message | Mapping[str, Any]], language: str | None = None):
    return [render(m, language) for m in messages]


def stored_text(stored: Mapping[str, Any], fallback: str, language: str | None = None) -> str:
    """A stored row's ``text`` in the reader's language; a row stored before texts were data
    has none and shows its English ``fallback`` field."""
    if stored.get("text"):
        return render(stored["text"], language)
    return str(stored.get(fallback, ""))


def deadline_label(stored: Mapping[str, Any], language: str | None = None) -> str:
    """A stored deadline's label in the reader's language (English where it has no text)."""
    return stored_text(stored, "label", language)


def finding_text(stored: Mapping[str, Any], language: str | None = None) -> str:
    """A stored finding's sentence in the reader's language, without its rule id (shown apart);
    a finding stored before texts were data falls back to its English message."""
    return stored_text(stored, "message", language)


def refund_line_label(stored: Mapping[str, Any], language: str | None = None) -> str:
    """A stored refund line's label in the reader's language (English where it has no text)."""
    return stored_text(stored, "label", language)


def wrong_item_choice(return_request: Any, language: str | None = None) -> str:
    """The wrong-item option the customer chose, in the words the policy gave it that day
    (a keep option names its share); the generic choice label where none was stored."""
    stored = (return_request.decision or {}).get("wrong_item_option_text")
    if stored:
        return render(stored, language)
    if language:
        with translation.override(language):
            return str(return_request.get_wrong_item_option_display())
    return str(return_request.get_wrong_item_option_display())


def refusal_texts(findings: Iterable[Mapping[str, Any]], language: str | None = None) -> list[str]:
    """The refused findings of a ``DomainError`` in the reader's language, each with its rule."""
    out = []
    for stored in findings:
        if stored.get("ok"):
            continue
        text = finding_text(stored, language)
        rule = stored.get("rule_id", "")
        out.append(f"{text} ({rule})" if rule and rule not in text else text)
    return out


def error_text(exc: Any, language: str | None = None) -> str:
    """What a refused action says to the reader: its policy findings rendered in their
    language, else the error's own message."""
    texts = refusal_texts(getattr(exc, "findings", ()) or (), language)
    return " ".join(texts) if texts else str(exc.message)
