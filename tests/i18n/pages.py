"""Reading a rendered page the way the walk needs it: the text a person reads (visible text and
the attributes a browser shows or a screen reader says), the links to follow and the forms to
send."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Attributes whose words a person reads or hears.
READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description")
HIDDEN_CONTENT = ("script", "style", "template")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # as the page fills them in
    radios: dict[str, list[str]] = field(default_factory=dict)  # groups nothing is checked in
    checkboxes: dict[str, str] = field(default_factory=dict)  # unchecked ones
    blanks: dict[str, str] = field(default_factory=dict)  # empty inputs, by name: their type
    files: list[str] = field(default_factory=list)
    # Each submit button as (name, value); a nameless one sends nothing of its own.
    buttons: list[tuple[str, str]] = field(default_factory=list)


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[str] = []
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._hidden_depth = 0
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in HIDDEN_CONTENT:
            self._hidden_depth += 1
            return
        for name in READ_ATTRIBUTES:
            if a.get(name):
                self.segments.append(" ".join(a[name].split()))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is not None:
            self._form_field(tag, a)

    def _form_field(self, tag: str, a: dict[str, str]) -> None:
        form, name = self._form, a.get("name", "")
        assert form is not None
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                if a.get("value"):
                    self.segments.append(a["value"])
                form.buttons.append((name, a.get("value", "")))
            elif not name or kind in ("button", "reset"):
                return
            elif kind == "file":
                form.files.append(name)
            elif kind == "radio":
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
                    form.radios.pop(name, None)
                elif name not in form.fields:
                    form.radios.setdefault(name, []).append(a.get("value", "on"))
            elif kind == "checkbox":
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
                else:
                    form.checkboxes[name] = a.get("value", "on")
            else:
                form.fields[name] = a.get("value", "")
                if not a.get("value") or (kind == "number" and a.get("value") == "0"):
                    form.blanks[name] = kind
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields[self._select] = value
        elif tag == "textarea" and name:
            form.fields[name] = ""
            form.blanks[name] = "textarea"
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            form.buttons.append((name, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_CONTENT:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "form":
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.fields.setdefault(self._select, self._select_first or "")
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        text = " ".join(data.split())
        if text:
            self.segments.append(text)


def read(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader
