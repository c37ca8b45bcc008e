"""The outbox writes an email's bytes itself; a mail reader must see what Django's own
``message()`` would have given it: the same headers, the same two parts, decoded alike."""

from __future__ import annotations

import email
import email.policy
import email.utils

import pytest

from notifications.mime import HeaderInjection, OutboxEmail


def outbox_email(*, subject: str, text: str, html: str, sender=("Bench", "returns@v.example")):
    mail = OutboxEmail(
        subject=subject,
        body=text,
        from_email=email.utils.formataddr((sender[0], "r@v.example")),
        to=["kunde@example.com"],
        reply_to=["support@v.example"],
        headers={"Message-ID": "<abc.1@v.example>", "X-RMA-Email-Kind": "return_approved"},
    )
    mail.attach_alternative(html, "text/html")
    mail.prepare(sender=sender)
    return mail


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def content(part) -> str:
    return part.get_content().replace("\r\n", "\n")


def django_bytes(mail: OutboxEmail) -> bytes:
    return super(OutboxEmail, mail).message().as_bytes(linesep="\r\n")


CASES = {
    "ascii": ("Your RMA 123", "Hello,\nship it.\n", "<p>Hello</p>", ("Bench", "r@v.example")),
    "german subject and sender": (
        "Handlungsbedarf: Bitte bestätigen Sie Ihre Garantielösung für Reolink-Produkte",
        "Grüße,\n— Ihr Team\n",
        "<p>Grüße</p>",
        ("Müller & Söhne, GmbH", "r@v.example"),
    ),
    "quoted name": ('Say "hi"', "x\n", "<p>x</p>", ('Bench "Returns"', "r@v.example")),
    "long ascii subject": ("word " * 40 + "end", "x\n", "<p>x</p>", ("Bench", "r@v.example")),
    "line longer than 998 octets": ("Long", "ä" * 700 + "\n", "<p>" + "é" * 900 + "</p>", None),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_prepared_bytes_read_as_django_builds_them(case):
    subject, text, html, sender = case
    sender = sender or ("Bench", "r@v.example")
    mail = outbox_email(subject=subject, text=text, html=html, sender=sender)
    assert mail.prepared is not None
    ours = parsed(mail.message().as_bytes(linesep="\r\n"))
    theirs = parsed(django_bytes(mail))
    for header in ("Subject", "From", "To", "Reply-To", "Message-ID", "X-RMA-Email-Kind"):
        # (Django's folding leaves a space before an encoded subject; a reader strips it.)
        assert str(ours[header]).strip() == str(theirs[header]).strip(), header
    assert ours["Date"] and ours.get_content_type() == "multipart/alternative"
    ours_parts = [(p.get_content_type(), content(p)) for p in ours.iter_parts()]
    theirs_parts = [(p.get_content_type(), content(p)) for p in theirs.iter_parts()]
    assert ours_parts == theirs_parts
    assert ours_parts[0] == ("text/plain", text) and ours_parts[1][0] == "text/html"
    assert mail.envelope == (sender[1], ["kunde@example.com"])


def test_every_line_fits_smtp_and_bodies_are_8bit_unless_a_line_is_too_long():
    short = outbox_email(subject="S", text="kurz ä\n", html="<p>ä</p>")
    long = outbox_email(subject="S", text="ä" * 700 + "\n", html="<p>x</p>")
    for mail in (short, long):
        raw = mail.message().as_bytes(linesep="\r\n")
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
        assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"Content-Transfer-Encoding: 8bit" in short.prepared
    assert b"Content-Transfer-Encoding: quoted-printable" in long.prepared


def test_a_line_break_in_a_header_is_refused_not_sent_as_another_header():
    with pytest.raises(HeaderInjection, match="Subject"):
        outbox_email(subject="Hi\nBcc: victim@example.com", text="x", html="<p>x</p>")


def test_attachments_and_non_ascii_addresses_go_through_djangos_message():
    with_file = outbox_email(subject="S", text="x", html="<p>x</p>")
    with_file.attach("a.txt", "data", "text/plain")
    with_file.prepare(sender=("Bench", "r@v.example"))
    assert with_file.prepared is None
    assert with_file.message().is_multipart()  # Django's tree, with the attachment
    idn = outbox_email(subject="S", text="x", html="<p>x</p>", sender=("B", "r@bücher.example"))
    assert idn.prepared is None
