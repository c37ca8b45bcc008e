"""Days, instants and countries inside a policy's sentences are data until the edge: the page
and the email print them in the reader's language, on the vendor's clock, and a country by its
name ("Delivered Sun 29 Nov 2026", "Geliefert So 29 Nov 2026"; "now in Germany", "jetzt in
Deutschland"), never as ISO text or a code."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

from django_scopes import scope

from policies.vocabulary import Message, ParamKind, typed
from rma import services
from rma.messages import render
from rma.services import Actor

from .factories import order_with_line
from .helpers import url
from .test_returns import signed_in, text_of

ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")


def test_a_day_an_instant_and_a_country_read_in_each_language():
    # Test sentences, not marked for the catalogues: the parameters are what is translated.
    sentence = Message(
        "Bought in %(bought)s, now in %(now)s",
        {"bought": typed(ParamKind.COUNTRY, "US"), "now": typed(ParamKind.COUNTRY, "DE")},
    )
    assert render(sentence, "en") == "Bought in United States of America, now in Germany"
    assert render(sentence, "de").endswith("Deutschland")
    assert "DE" not in render(sentence, "de").split()
    day = Message("open through %(end)s", {"end": typed(ParamKind.DAY, "2026-11-29")})
    assert render(day, "en") == "open through Sun 29 Nov 2026"
    assert render(day, "de") == "open through So 29 Nov 2026"  # the id, untranslated: its day
    moment = typed(
        ParamKind.MOMENT,
        datetime(2026, 12, 2, 4, 5, tzinfo=UTC).isoformat(),
        zone="Asia/Shanghai",
    )
    at = Message("open through %(end)s", {"end": moment})
    assert render(at, "en") == "open through Wed 2 Dec 2026, 12:05 (Asia/Shanghai, UTC+8)"
    assert "Mi 2 Dez 2026, 12:05 (Asia/Shanghai, UTC+8)" in render(at, "de")
    # Logs and the API read the English text, as before.
    assert at.english() == "open through Wed 2 Dec 2026, 12:05 (Asia/Shanghai, UTC+8)"
    assert day.english() == "open through 2026-11-29"


def test_a_message_stored_with_plain_text_params_still_renders():
    stored = {"id": "open through %(end)s", "params": {"end": "2026-11-29"}}
    assert render(stored, "de") == "open through 2026-11-29"


def test_mkt3_window_days_on_the_customer_page_in_english_and_german(client, market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
        order.customer.language = "de"
        order.customer.save()
        rr = services.return_create(
            order=order,
            scenario="quality_defect",
            lines=[(order.lines.get(), 1)],
            actor=Actor.customer(order.customer.email),
            reason="It stopped working.",
        )
    stored = next(f for f in rr.decision["findings"] if f["rule_id"] == "MKT-3")["text"]
    assert stored["params"]["delivered"]["type"] == "day"
    english, german = render(stored, "en"), render(stored, "de")
    assert not ISO_DAY.search(english) and not ISO_DAY.search(german), (english, german)
    delivered = stored["params"]["delivered"]["value"]
    day = datetime.fromisoformat(delivered).date()
    assert english.startswith(f"Delivered {day:%a} {day.day} {day:%b %Y}, 3 days ago")
    german_weekday = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"][day.weekday()]
    assert german.startswith(f"Zugestellt am {german_weekday} {day.day} "), german

    signed_in(client, market, order)
    for language in ("en", "de"):
        page = text_of(
            client.get(url("return_detail", market, rr.public_id), HTTP_ACCEPT_LANGUAGE=language)
        )
        assert render(stored, language) in page, (language, page[:2000])
        assert delivered not in page


def test_an_amount_reads_with_the_languages_decimal_mark():
    from django.template import engines
    from django.utils import translation

    sentence = Message(
        "Pay %(amount)s %(currency)s",
        {"amount": typed(ParamKind.AMOUNT, "1234.5"), "currency": "EUR"},
    )
    assert render(sentence, "en") == "Pay 1234.50 EUR"
    assert render(sentence, "de") == "Pay 1234,50 EUR"
    assert render(sentence, "fr") == "Pay 1234,50 EUR"
    assert sentence.english() == "Pay 1234.5 EUR"  # logs and the API keep the stored value
    page = engines["django"].from_string(
        "{% load amounts %}{{ a|money }}|{{ b|money }}|{{ c|money }}"
    )
    for language, expected in (("en", "15.00|7.25|"), ("de", "15,00|7,25|")):
        with translation.override(language):
            assert page.render({"a": "15", "b": Decimal("7.25"), "c": ""}) == expected


def test_the_wrong_item_line_reads_with_a_decimal_comma_in_german(client, market):
    """MKT-7 keep: 50% of the 40.00 price difference is 20.00. The German page prints the
    line's difference and amount with a decimal comma, as it always printed the total."""
    from tests.portal.factories import approved_kept_item

    rr = approved_kept_item(market)
    signed_in(client, market, rr.order)
    page = {
        language: text_of(
            client.get(url("return_detail", market, rr.public_id), HTTP_ACCEPT_LANGUAGE=language)
        )
        for language in ("en", "de")
    }
    assert "price difference 40.00 (item kept)" in page["en"] and "20.00" in page["en"]
    assert "Preisdifferenz von 40,00 (Artikel behalten)" in page["de"] and "20,00" in page["de"]
    assert not re.search(r"\b(40|20)\.00\b", page["de"])
