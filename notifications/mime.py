"""The bytes of an outbox email, built once: headers and a text + HTML ``multipart/alternative``.

Django's ``EmailMultiAlternatives.message()`` builds a tree of ``email.mime`` objects, parses
every address with the RFC 5322 header parser, and the generator then re-folds every header;
for an outbox batch that costs more than rendering the templates. An outbox email has a fixed
shape (one sender, one recipient, one reply-to, a text and an HTML part, ASCII addresses), so
its bytes are written directly with the same encodings Django picks: UTF-8 bodies sent 8bit,
or quoted-printable when a line is longer than RFC 5322 allows; RFC 2047 headers where a value
is not ASCII or too long for one line. Anything else (attachments such as a vendor's logo, or
an address that is not ASCII) goes through Django's own ``message()``.
"""

from __future__ import annotations

import binascii
import random
import sys
from email.header import Header
from email.utils import formataddr, formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

LINE_LIMIT = 998  # RFC 5322: at most 998 octets a line
FOLD_AT = 76  # a header longer than this is folded (RFC 2047 encoded words)


class HeaderInjection(ValueError):
    """A header value carries a line break: refused rather than sent as an extra header."""


def _header(name: str, value: str) -> bytes:
    if "\n" in value or "\r" in value:
        raise HeaderInjection(f"The {name} header must be one line; it has a line break.")
    if value.isascii() and len(name) + 2 + len(value) <= FOLD_AT:
        return f"{name}: {value}".encode()
    charset = "us-ascii" if value.isascii() else "utf-8"
    encoded = Header(value, charset, header_name=name).encode(linesep="\n")
    return f"{name}: {encoded}".encode()


def _address(name: str, address: str) -> str:
    if not address.isascii():
        raise ValueError("not an ASCII address")  # the caller falls back to Django
    return formataddr((name, address), charset="utf-8")


def _part(subtype: str, body: str) -> bytes:
    data = body.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    if len(data) > LINE_LIMIT and any(len(line) > LINE_LIMIT for line in data.split(b"\n")):
        encoding = b"quoted-printable"
        payload = binascii.b2a_qp(data, istext=True)
    else:
        encoding = b"8bit"
        payload = data
    return (
        b'Content-Type: text/%s; charset="utf-8"\nMIME-Version: 1.0\n'
        b"Content-Transfer-Encoding: %s\n\n%s\n" % (subtype.encode(), encoding, payload)
    )


def _boundary() -> bytes:
    # The shape of the stdlib's boundaries; a body that contains it is all but impossible.
    token = random.randrange(sys.maxsize)
    return b"===============%019d==" % token


class PreparedMessage:
    """The little of ``email.message.Message`` that Django's backends ask of ``message()``."""

    def __init__(self, data: bytes) -> None:
        self._data = data  # lines end in "\n"

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self._data if linesep == "\n" else self._data.replace(b"\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("utf-8")

    def get_charset(self) -> None:
        return None


class OutboxEmail(EmailMultiAlternatives):
    """An email whose bytes are written once (``prepare``) instead of built by ``email.mime``.

    It is still a Django email: any backend may send it (``message()`` returns the prepared
    bytes), and the worker's SMTP session takes ``envelope`` and ``prepared`` directly.
    """

    prepared: bytes | None = None
    envelope: tuple[str, list[str]] = ("", [])

    def prepare(self, *, sender: tuple[str, str]) -> None:
        """Write the bytes of a text + HTML email from ``sender`` (name, address) to ``to``;
        leaves ``prepared`` unset when its shape needs Django's ``message()``."""
        self.prepared = None
        if self.attachments or self.cc or self.bcc or len(self.alternatives) != 1:
            return
        [(html, mimetype)] = self.alternatives
        if mimetype != "text/html":
            return
        try:
            from_header = _address(*sender)
            to = [_address("", address) for address in self.to]
            reply_to = [_address("", address) for address in self.reply_to]
        except ValueError:
            return
        headers = [
            _header("Subject", self.subject),
            _header("From", from_header),
            _header("To", ", ".join(to)),
        ]
        if reply_to:
            headers.append(_header("Reply-To", ", ".join(reply_to)))
        names = {name.lower() for name in self.extra_headers}
        if "date" not in names:
            headers.append(_header("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
        for name, value in self.extra_headers.items():
            if name.lower() not in {"from", "to", "cc", "reply-to"}:
                headers.append(_header(name, str(value)))
        boundary = _boundary()
        self.prepared = b"".join(
            [
                b'Content-Type: multipart/alternative; boundary="%s"\nMIME-Version: 1.0\n'
                % boundary,
                b"\n".join(headers),
                b"\n\n--%s\n" % boundary,
                _part("plain", self.body),
                b"--%s\n" % boundary,
                _part("html", html),
                b"--%s--\n" % boundary,
            ]
        )
        self.envelope = (sender[1], list(self.to))

    def message(self):
        if self.prepared is None:
            return super().message()
        return PreparedMessage(self.prepared)
