"""One instant, one text: a deadline reads the same on its page and in its email, on the
vendor's clock with an unambiguous zone name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.context import decode_context
from notifications.emails import render as render_email
from notifications.models import OutboxMessage
from rma import services
from rma.formatting import vendor_date, vendor_time

from .factories import order_with_line, propose_solution
from .helpers import sign_in_solution, url
from .test_returns import approved, only_request, signed_in, submit, text_of
from .test_wrong_decisions import AGENT


def email_text(vendor, kind: str) -> tuple[str, str]:
    with scopes_disabled():
        message = OutboxMessage.objects.filter(vendor=vendor, kind=kind).latest("pk")
    _subject, text, html = render_email(
        vendor=vendor, kind=kind, context=decode_context(message.context), language="en"
    )
    return " ".join(text.split()), text_of(type("R", (), {"text": html})())


def test_vendor_time_names_the_zone_and_its_offset():
    moment = datetime(2026, 12, 1, 21, 5, tzinfo=UTC)
    assert vendor_time(moment, "Asia/Shanghai") == "Wed 2 Dec 2026, 05:05 (Asia/Shanghai, UTC+8)"
    assert vendor_time(moment, "America/Chicago") == (
        "Tue 1 Dec 2026, 15:05 (America/Chicago, UTC-6)"
    )
    assert vendor_date(moment, "Asia/Shanghai") == "Wed 2 Dec 2026 (Asia/Shanghai)"


def test_reolink_answer_by_reads_the_same_on_the_page_and_in_the_email(client, reolink):
    reolink.time_zone = "Asia/Shanghai"
    reolink.save()
    with scope(vendor=reolink):
        solution, password = propose_solution(reolink)
    assert solution.expires_at is not None
    expected = vendor_time(solution.expires_at, "Asia/Shanghai")
    assert "(Asia/Shanghai, UTC+8)" in expected
    sign_in_solution(client, solution, password)
    page = text_of(client.get(url("solution_content", reolink, solution.public_id)))
    text, html = email_text(reolink, "solution_confirmation")
    assert f"Please answer by {expected}" in page
    assert f"Please answer by {expected}" in text
    assert f"Please answer by {expected}" in html


def test_marketplace_ship_by_and_funds_window_match_their_emails(client, market):
    # Far from UTC, so a day printed in UTC would be the wrong day here.
    market.time_zone = "Pacific/Auckland"
    market.save()
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Dead on arrival")
    rr = approved(only_request(order))
    ship_by = vendor_time(rr.ship_by, "Pacific/Auckland")
    assert "(Pacific/Auckland, UTC+13)" in ship_by
    detail = text_of(client.get(url("return_detail", market, rr.public_id)))
    text, html = email_text(market, "return_approved")
    assert ship_by in detail and ship_by in text and ship_by in html

    with scope(vendor=market):
        services.return_mark_shipped(
            return_request=rr, actor=AGENT, carrier="dhl", tracking_number="1234567890"
        )
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT, note="Confirmed")
        services.return_refund(return_request=rr, actor=AGENT)
        rr.refresh_from_db()
        first, last = market.get_policy().funds_window(rr.refunded_at)
    days = [vendor_date(first, "Pacific/Auckland"), vendor_date(last, "Pacific/Auckland")]
    page = text_of(client.get(url("return_detail", market, rr.public_id)))
    text, html = email_text(market, "refund_issued")
    for day in days:
        assert day in page and day in text and day in html, day


def test_aqara_cancellation_window_and_order_time_in_one_zone(client, aqara):
    aqara.time_zone = "Asia/Shanghai"
    aqara.save()
    placed = timezone.now() - timedelta(hours=2)
    with scope(vendor=aqara):
        order = order_with_line(aqara, placed_at=placed, shipped_at=None, delivered_at=None)
    signed_in(client, aqara, order)
    until = vendor_time(placed + timedelta(hours=12), "Asia/Shanghai")
    placed_text = vendor_time(placed, "Asia/Shanghai")
    change = text_of(client.get(url("order_change", aqara, "cancellation")))
    assert until in change
    assert placed_text in change  # the policy's own sentence uses the same clock and zone
    overview = text_of(client.get(url("order_overview", aqara)))
    assert placed_text in overview
    assert " EST" not in change and " CST" not in change
