"""What a customer sends costs the same number of queries at few rows as at many.

Each journey runs twice in a fresh browser session: on a first case, and after the vendor
has more customers, orders, cases and webhook endpoints and the second case has more
messages and timeline entries of its own. Every step (sign-in, decision, upload, message,
details, tracking, removal, sign-out, registration, order change) must cost what it cost
the first time.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.webhooks import endpoint_create
from rma.models import Evidence, ReturnAccess
from rma.services.access import return_access_request

from .factories import order_with_line, png_bytes, propose_solution
from .helpers import upload, url
from .test_page_query_counts import _events, _other_cases, _say
from .test_returns import approved, first_line, only_request
from .test_solution_flow import details_data
from .test_unit_registration import _sold_unit


@pytest.fixture(autouse=True)
def _loopback_webhooks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def _more(vendor, endpoints: int) -> None:
    """The vendor's other cases, and webhook endpoints each step's event is recorded for."""
    _other_cases(vendor, 4)
    with scopes_disabled():
        for _ in range(endpoints):
            endpoint_create(vendor=vendor, url=f"http://127.0.0.1:9/{uuid.uuid4().hex}")


def _post(client, page: str, data=None, status: int = 302) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(page, data or {})
    assert response.status_code == status, (page, response.status_code, response.text[:300])
    return len(captured)


def _get(client, page: str, status: int = 302) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page)
    assert response.status_code == status, (page, response.status_code)
    return len(captured)


def _browser(vendor) -> Client:
    client = Client()
    client.get(url("vendor_home", vendor))  # the process reads its vendor once
    return client


def _solution_journey(vendor, *, richer: bool) -> list[int]:
    with scope(vendor=vendor):
        solution, password = propose_solution(vendor)
        other, other_password = propose_solution(vendor)
    if richer:
        for case in (solution, other):
            _say(vendor, case, 3)
            _events(vendor, 3, "reminder_sent", solution=case)
    client = _browser(vendor)
    sid = solution.public_id
    counts = [
        _post(client, url("solution_login", vendor, sid), {"password": password}),
        _post(client, url("solution_agree", vendor, sid), {"confirmed": "yes"}),
        _post(
            client,
            url("solution_evidence_upload", vendor, sid),
            {"kind": "postage_receipt", "file": upload("r.png", png_bytes())},
        ),
        _post(client, url("solution_messages", vendor, sid), {"body": "Sent it today."}),
    ]
    with scopes_disabled():
        solution.refresh_from_db()
        receipt = Evidence.objects.get(solution=solution)
    counts += [
        _post(client, url("solution_details", vendor, sid), details_data(solution)),
        _post(client, url("solution_evidence_remove", vendor, sid, receipt.pk)),
        _post(client, url("solution_login", vendor, other.public_id), {"password": other_password}),
        _post(
            client,
            url("solution_disagree", vendor, other.public_id),
            {"comment": "I would rather have a refund."},
        ),
        _post(client, url("sign_out", vendor)),
    ]
    return counts


def test_solution_journey_query_counts_are_constant(reolink):
    _more(reolink, 1)
    few = _solution_journey(reolink, richer=False)
    _more(reolink, 3)
    assert _solution_journey(reolink, richer=True) == few


def _return_journey(vendor, *, richer: bool) -> list[int]:
    with scope(vendor=vendor):
        order = order_with_line(vendor, delivered_days_ago=3)
    client = _browser(vendor)
    start = url("return_start", vendor)
    counts = [
        _post(client, start, {"order_number": order.number, "email": order.customer.email}, 200)
    ]
    with scopes_disabled():
        token = ReturnAccess.objects.filter(order=order).latest("pk").token
    counts.append(_get(client, url("access_login", vendor, token)))
    line = first_line(order)
    counts.append(
        _post(
            client,
            url("return_new", vendor),
            {
                "step": "submit",
                f"line_{line.pk}": 1,
                "scenario": "quality_defect",
                "reason": "Does not power on",
            },
        )
    )
    rr = only_request(order)
    if richer:
        _say(vendor, rr, 3)
        _events(vendor, 3, "note", return_request=rr)
    rid = rr.public_id
    counts += [
        _post(
            client,
            url("return_evidence_upload", vendor, rid),
            {"kind": "photo", "file": upload("p.png", png_bytes(colour=(1, 2, 3)))},
        ),
        _post(client, url("return_messages", vendor, rid), {"body": "The box is ready."}),
    ]
    with scopes_disabled():
        photo = Evidence.objects.filter(return_request=rr).latest("pk")
    counts.append(_post(client, url("return_evidence_remove", vendor, rid, photo.pk)))
    approved(rr)
    counts.append(
        _post(
            client,
            url("return_tracking", vendor, rid),
            {"carrier": "dhl", "tracking_number": "1234567890"},
        )
    )
    return counts


def test_return_journey_query_counts_are_constant(market):
    _more(market, 1)
    few = _return_journey(market, richer=False)
    _more(market, 3)
    assert _return_journey(market, richer=True) == few


def _registration_and_change(vendor, number: int) -> list[int]:
    sold = _sold_unit(vendor, serial=f"AQ-OWN-{number}")
    client = _browser(vendor)
    data = {
        "serial": f"AQ-OWN-{number}",
        "email": sold.customer.email,
        "order_number": sold.number,
        "where": "store",
    }
    counts = [_post(client, url("unit_register", vendor), data, 200)]
    with scope(vendor=vendor):  # an order placed an hour ago, still in AQA-1's window
        placed = timezone.now() - timedelta(hours=1)
        order = order_with_line(vendor, placed_at=placed, shipped_at=None, delivered_at=None)
        access, _password = return_access_request(
            vendor=vendor, order_number=order.number, email=order.customer.email
        )
    counts.append(_get(client, url("access_login", vendor, access.token)))
    address = {
        "ship_name": "Jo Doe",
        "ship_line1": "Kastanienallee 3",
        "ship_postal_code": "10435",
        "ship_city": "Berlin",
        "ship_country": "DE",
    }
    counts.append(_post(client, url("order_change", vendor, "address_change"), address))
    return counts


def test_registration_and_order_change_query_counts_are_constant(aqara):
    _more(aqara, 1)
    few = _registration_and_change(aqara, 1)
    _more(aqara, 3)
    assert _registration_and_change(aqara, 2) == few
