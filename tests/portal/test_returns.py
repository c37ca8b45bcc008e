"""Self-service returns (MKT, AQA): start by email, decide at once, evidence, RMA, tracking."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from notifications.sealing import unseal
from rma import services
from rma.models import ReturnAccess, ReturnRequest
from rma.services import Actor
from rma.services.access import return_access_request

from .factories import mp4_bytes, order_with_line, png_bytes
from .helpers import upload, url

AGENT = Actor.system("agent in test")


def start(client, vendor, number, email, **extra):
    return client.post(
        url("return_start", vendor), {"order_number": number, "email": email}, **extra
    )


def signed_in(client, vendor, order):
    """Open the order the way a customer does: the emailed link and its password."""
    with scope(vendor=vendor):
        access, password = return_access_request(
            vendor=vendor, order_number=order.number, email=order.customer.email
        )
    response = client.post(url("access_login", vendor, access.token), {"password": password})
    assert response.status_code == 302, response.text[:400]
    return access


def first_line(order):
    with scopes_disabled():
        return order.lines.first()


def choose(client, vendor, order, scenario, quantity=1):
    line = first_line(order)
    return client.post(
        url("return_new", vendor),
        {"step": "choose", f"line_{line.pk}": quantity, "scenario": scenario},
    )


def submit(client, vendor, order, scenario, **fields):
    line = first_line(order)
    return client.post(
        url("return_new", vendor),
        {"step": "submit", f"line_{line.pk}": 1, "scenario": scenario, **fields},
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.text))


def only_request(order) -> ReturnRequest:
    with scopes_disabled():
        return ReturnRequest.objects.get(order=order)


@pytest.fixture
def order(market):
    with scope(vendor=market):
        return order_with_line(market, delivered_days_ago=3)


# -- start: order number + email ------------------------------------------------------------


def test_start_emails_a_link_that_signs_in_by_itself(client, market, order):
    response = start(client, market, order.number.lower(), order.customer.email.upper())
    assert response.status_code == 200
    assert "Check your email" in response.text
    with scopes_disabled():
        access = ReturnAccess.objects.get(order=order)
        message = OutboxMessage.objects.get(kind="return_access")
    assert message.to == order.customer.email
    secrets = unseal(message.sealed)
    assert secrets["access_url"].endswith(url("access_login", market, access.token))
    assert "access_url" not in message.context  # the link is the secret: never in clear
    assert message.context["order_number"] == order.number
    assert message.context["link_signs_in"] is True and not secrets.get("password")
    login = client.get(url("access_login", market, access.token))
    assert login["Location"] == url("order_overview", market)
    assert client.get(url("order_overview", market)).status_code == 200


def test_start_emails_a_password_protected_link_when_the_vendor_asks(client, market, order):
    market.policy_settings = {**market.policy_settings, "access_link_signs_in": False}
    market.save()
    start(client, market, order.number, order.customer.email)
    with scopes_disabled():
        access = ReturnAccess.objects.get(order=order)
        message = OutboxMessage.objects.get(kind="return_access")
    password = unseal(message.sealed)["password"]
    assert "password" not in message.context  # never stored in clear
    assert client.get(url("access_login", market, access.token)).status_code == 200  # asks
    assert client.get(url("order_overview", market)).status_code == 403
    login = client.post(url("access_login", market, access.token), {"password": password})
    assert login["Location"] == url("order_overview", market)


@pytest.mark.parametrize(
    ("number", "email"),
    [("ORD-NOPE", "someone@mail.example"), (None, "someone-else@mail.example")],
    ids=["unknown-order", "wrong-email"],
)
def test_start_gives_no_hint_whether_the_order_exists(client, market, order, number, email):
    def page(response, mail: str) -> str:
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        text = re.sub(r'nonce="[^"]+"', "", text)
        return text.replace(mail, "EMAIL")

    known = start(client, market, order.number, order.customer.email)
    unknown = start(client, market, number or order.number, email)
    assert unknown.status_code == known.status_code == 200
    assert page(unknown, email) == page(known, order.customer.email)
    with scopes_disabled():
        assert ReturnAccess.objects.count() == 1
        assert OutboxMessage.objects.filter(kind="return_access").count() == 1


def test_start_is_rate_limited_per_address(client, market, order):
    for _ in range(10):
        start(client, market, "ORD-X", "x@mail.example", REMOTE_ADDR="192.0.2.9")
    refused = start(client, market, order.number, order.customer.email, REMOTE_ADDR="192.0.2.9")
    assert refused.status_code == 429
    with scopes_disabled():
        assert not ReturnAccess.objects.exists()


def test_access_link_wrong_password_and_lockout(client, market, order):
    market.policy_settings = {**market.policy_settings, "access_link_signs_in": False}
    market.save()
    with scope(vendor=market):
        access, password = return_access_request(
            vendor=market, order_number=order.number, email=order.customer.email
        )
    login = url("access_login", market, access.token)
    wrong = client.post(login, {"password": "NOPE"})
    assert "That password is not right" in wrong.text
    for _ in range(4):
        client.post(login, {"password": "NOPE"})
    assert client.post(login, {"password": "NOPE"}).status_code == 429
    assert client.get(url("order_overview", market)).status_code == 403
    # The lock pauses wrong passwords only: the customer's own password still opens the link.
    assert client.post(login, {"password": password}).status_code == 302


def test_expired_access_link_asks_for_a_new_one(client, market, order):
    with scope(vendor=market):
        access, password = return_access_request(
            vendor=market,
            order_number=order.number,
            email=order.customer.email,
            at=timezone.now() - timedelta(days=15),
        )
    response = client.post(url("access_login", market, access.token), {"password": password})
    assert response.status_code == 410
    assert "This link has expired" in response.text


def test_order_pages_need_the_signed_in_link(client, market, order):
    for name in ("order_overview", "return_new"):
        response = client.get(url(name, market))
        assert response.status_code == 403
        assert "Please sign in again" in response.text


# -- choosing: the policy decides at once -----------------------------------------------------


def test_mkt3_refusal_shows_why_and_the_date_it_missed(client, market):
    with scope(vendor=market):
        late = order_with_line(market, delivered_days_ago=40)
    signed_in(client, market, late)
    response = choose(client, market, late, "quality_defect")
    assert response.status_code == 409
    assert "MKT-3" in response.text
    assert "the limit is 30 days, which ended on" in response.text
    with scopes_disabled():
        assert not ReturnRequest.objects.exists()


def test_mkt4_condition_statements_are_explicit_checkboxes(client, market, order):
    signed_in(client, market, order)
    step2 = choose(client, market, order, "non_quality")
    assert step2.status_code == 200
    for value in ("unused", "untested", "unprogrammed", "packaging_intact", "accessories_complete"):
        assert f'name="attest_{value}"' in step2.text
    assert 'name="attest_undamaged"' not in step2.text  # an Aqara statement
    assert "MKT-3" in step2.text  # the window, explained
    refused = submit(client, market, order, "non_quality", attest_unused="on", reason="Too big")
    assert refused.status_code == 409
    assert "MKT-4" in refused.text
    with scopes_disabled():
        assert not ReturnRequest.objects.exists()
    every = {
        f"attest_{v}": "on"
        for v in ("unused", "untested", "unprogrammed", "packaging_intact", "accessories_complete")
    }
    created = submit(client, market, order, "non_quality", reason="Too big", **every)
    assert created.status_code == 302
    rr = only_request(order)
    assert sorted(rr.attestations) == sorted(v.removeprefix("attest_") for v in every)


def test_mkt7_wrong_item_reported_after_48_hours_is_refused(client, market, order):
    signed_in(client, market, order)
    response = choose(client, market, order, "wrong_item")
    assert response.status_code == 409
    assert "MKT-7" in response.text and "within 48 hours" in response.text


def test_mkt7_wrong_item_shows_both_amounts_and_keeps_the_choice(client, market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=1)
    signed_in(client, market, order)
    amounts = submit(
        client, market, order, "wrong_item", step="amounts", received_item_price="80.00"
    )
    assert amounts.status_code == 200
    assert "20.00 EUR" in amounts.text  # keep: 50% of |120 - 80|
    assert "120.00 EUR" in amounts.text  # return: the price paid
    every = {
        f"attest_{v}": "on"
        for v in ("unused", "untested", "unprogrammed", "packaging_intact", "accessories_complete")
    }
    missing_option = submit(client, market, order, "wrong_item", reason="Got a cable", **every)
    assert missing_option.status_code == 400
    created = submit(
        client,
        market,
        order,
        "wrong_item",
        reason="Got a cable",
        received_item_price="80.00",
        wrong_item_option="keep",
        **every,
    )
    assert created.status_code == 302
    rr = only_request(order)
    assert rr.wrong_item_option == "keep" and rr.received_item_price == Decimal("80.00")
    assert rr.return_required is False


def test_mkt8_checklist_fills_as_files_upload(client, market, order):
    signed_in(client, market, order)
    created = submit(client, market, order, "quality_defect", reason="Does not power on")
    assert created.status_code == 302
    rr = only_request(order)
    detail = text_of(client.get(created["Location"]))
    for label in ("Videos of the fault", "High-definition photos", "A fault statement"):
        assert label in detail
    assert "0 of 10 received" in detail and "0 of 3 received" in detail
    endpoint = url("return_evidence_upload", market, rr.public_id)
    for number in range(2):
        response = client.post(
            endpoint,
            {"kind": "photo", "file": upload(f"p{number}.png", png_bytes(colour=(number, 1, 1)))},
        )
        assert response.status_code == 302
    answer = client.post(
        endpoint,
        {"kind": "video", "file": upload("v.mp4", mp4_bytes())},
        HTTP_ACCEPT="application/json",
    ).json()
    videos = next(item for item in answer["checklist"] if item["kind"] == "video")
    assert videos["counted"] == 1 and videos["minimum"] == 3
    detail = text_of(client.get(url("return_detail", market, rr.public_id)))
    assert "2 of 10 received" in detail and "1 of 3 received" in detail
    refused = client.post(endpoint, {"kind": "photo", "file": upload("x.jpg", b"<svg/>")})
    assert refused.status_code == 400 and "x.jpg" in refused.text
    assert "2 of 10 received" in text_of(refused)


def approved(rr):
    """Give the request its MKT-8 evidence and approve it, as an agent would."""
    with scope(vendor=rr.vendor):
        for number in range(10):
            services.evidence_add(
                return_request=rr,
                kind="photo",
                upload=upload(f"p{number}.png", png_bytes(colour=(number, 2, 3))),
                actor=AGENT,
            )
        for number in range(3):
            services.evidence_add(
                return_request=rr,
                kind="video",
                upload=upload(f"v{number}.mp4", mp4_bytes()),
                actor=AGENT,
            )
        services.evidence_add(
            return_request=rr,
            kind="fault_statement",
            upload=upload("f.png", png_bytes()),
            actor=AGENT,
        )
        return services.return_approve(return_request=rr, actor=AGENT)


def test_mkt6_approval_shows_rma_ship_by_carriers_address_and_slip(client, market, order):
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Dead on arrival")
    rr = approved(only_request(order))
    detail = client.get(url("return_detail", market, rr.public_id)).text
    assert rr.rma_number in detail
    assert "Ship by" in detail and "FedEx" in detail and "DHL" in detail
    assert "Lagerstraße 1" in detail
    slip = client.get(url("return_slip", market, rr.public_id))
    assert slip.status_code == 200
    assert (
        f'<p class="slip-rma"><span class="slip-rma-label">RMA</span> {rr.rma_number}</p>'
        in slip.text
    )
    assert "Lagerstraße 1" in slip.text and "@media print" not in slip.text


@pytest.mark.parametrize(
    ("carrier", "number", "accepted"),
    [
        ("dhl", "1234567890", True),
        ("fedex", "123456789012", True),
        ("dhl", "12345", False),
        ("fedex", "1Z999AA10123456784", False),
        ("usps", "9400111899223397658538", False),
    ],
    ids=["dhl-ok", "fedex-ok", "dhl-short", "ups-number-as-fedex", "postal-carrier"],
)
def test_mkt2_tracking_accepts_only_the_allowed_carriers_formats(
    client, market, order, carrier, number, accepted
):
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Dead on arrival")
    rr = approved(only_request(order))
    response = client.post(
        url("return_tracking", market, rr.public_id),
        {"carrier": carrier, "tracking_number": number},
    )
    with scopes_disabled():
        rr.refresh_from_db()
    if accepted:
        assert response.status_code == 302
        assert (rr.status, rr.tracking_number) == ("shipped", number)
    else:
        assert response.status_code == 400
        assert rr.status == "approved" and rr.tracking_number == ""
        if carrier != "usps":
            assert "MKT-2" in response.text


def test_timeline_and_mkt11_funds_window(client, market, order):
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Dead on arrival")
    rr = approved(only_request(order))
    with scope(vendor=market):
        services.return_mark_shipped(
            return_request=rr, actor=AGENT, carrier="dhl", tracking_number="1234567890"
        )
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT, note="Confirmed")
        services.return_refund(return_request=rr, actor=AGENT)
    page = client.get(url("return_detail", market, rr.public_id)).text
    for label in (
        "Request received",
        "Approved",
        "Return parcel on its way",
        "Parcel received",
        "Inspected",
        "Refund issued",
    ):
        assert label in page
    assert "Funds arrive on your account" in page and "MKT-11" in page
    assert "120.00" in page


def _section(page: str, heading: str) -> str:
    """The text of the card headed ``heading`` on a page, empty when it is not there."""
    found = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)</section>", page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def test_refunded_return_shows_only_what_still_applies(client, market, order):
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Dead on arrival")
    rr = approved(only_request(order))
    waiting = client.get(url("return_detail", market, rr.public_id)).text
    assert "within 7 days" in _section(waiting, "Dates to expect")
    assert "FedEx or DHL only" in _section(waiting, "Good to know")
    with scope(vendor=market):
        services.return_mark_shipped(
            return_request=rr, actor=AGENT, carrier="dhl", tracking_number="1234567890"
        )
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT, note="Confirmed")
        services.return_refund(return_request=rr, actor=AGENT)
    page = client.get(url("return_detail", market, rr.public_id)).text
    dates = _section(page, "Dates to expect")
    assert "Funds arrive on your account" in dates
    assert "Ship" not in dates and "Return by" not in dates
    assert "Good to know" not in page and "FedEx or DHL only" not in page


def test_mkt7_approved_keep_case_asks_nothing_to_be_sent(client, market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=1)
    signed_in(client, market, order)
    every = {
        f"attest_{v}": "on"
        for v in ("unused", "untested", "unprogrammed", "packaging_intact", "accessories_complete")
    }
    submit(
        client,
        market,
        order,
        "wrong_item",
        reason="Got a cable",
        received_item_price="80.00",
        wrong_item_option="keep",
        **every,
    )
    rr = only_request(order)
    with scope(vendor=market):
        for kind, number in (
            ("comparison_screenshot", 0),
            ("packaging_photo", 1),
            ("packaging_photo", 2),
        ):
            services.evidence_add(
                return_request=rr,
                kind=kind,
                upload=upload(f"k{number}.png", png_bytes(colour=(number, 9, 9))),
                actor=AGENT,
            )
        rr = services.return_approve(return_request=rr, actor=AGENT)
    assert rr.status == "approved" and rr.rma_number
    page = client.get(url("return_detail", market, rr.public_id)).text
    assert "Your claim is approved" in page and "do not need to send anything back" in page
    for sending in ("Print the return slip", "Ship by", "Allowed carriers", "Return address"):
        assert sending not in page, sending
    assert "Good to know" not in page and "Dates to expect" not in page


def test_aqa12_return_page_says_a_return_can_take_up_to_a_month(client, aqara):
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=2)
    signed_in(client, aqara, order)
    overview = client.get(url("order_overview", aqara)).text
    assert "up to a month" in overview and "AQA-13" in overview
    step2 = choose(client, aqara, order, "non_quality")
    for value in ("undamaged", "accessories_complete", "gifts_included", "original_packaging"):
        assert f'name="attest_{value}"' in step2.text


def test_another_customers_return_answers_404_and_nothing_changes(client, market, order):
    with scope(vendor=market):
        other_order = order_with_line(market)
        line = other_order.lines.first()
        theirs = services.return_create(
            order=other_order, scenario="quality_defect", lines=[(line, 1)], actor=AGENT
        )
    signed_in(client, market, order)
    for name in ("return_detail", "return_slip"):
        assert client.get(url(name, market, theirs.public_id)).status_code == 404
    upload_response = client.post(
        url("return_evidence_upload", market, theirs.public_id),
        {"kind": "photo", "file": upload("p.png", png_bytes())},
    )
    assert upload_response.status_code == 404
    tracking = client.post(
        url("return_tracking", market, theirs.public_id),
        {"carrier": "dhl", "tracking_number": "1234567890"},
    )
    assert tracking.status_code == 404
    with scopes_disabled():
        theirs.refresh_from_db()
        assert theirs.status == "requested"
        assert not theirs.evidence.exists()
        assert list(theirs.events.values_list("action", flat=True)) == ["requested"]


def test_outsider_vendor_slug_opens_nothing(client, market, order, vendor_b):
    signed_in(client, market, order)
    assert client.get(url("order_overview", vendor_b)).status_code == 403
    assert (
        client.get(
            url("return_detail", vendor_b, "00000000-0000-4000-8000-000000000000")
        ).status_code
        == 403
    )


def test_aqa8_warranty_claim_asks_where_the_product_is(client, aqara):
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=60)
    signed_in(client, aqara, order)
    step2 = choose(client, aqara, order, "warranty_claim")
    assert step2.status_code == 200
    assert 'name="current_country"' in step2.text
    abroad = submit(
        client, aqara, order, "warranty_claim", reason="Stopped working", current_country="FR"
    )
    assert abroad.status_code == 409 and "AQA-8" in abroad.text
    with scopes_disabled():
        assert not ReturnRequest.objects.exists()
    home = submit(
        client, aqara, order, "warranty_claim", reason="Stopped working", current_country="DE"
    )
    assert home.status_code == 302
    assert only_request(order).current_country == "DE"
