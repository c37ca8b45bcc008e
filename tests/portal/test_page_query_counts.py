"""Every customer page and file costs the same number of queries at few rows as at many.

Each test reads its pages, adds rows of the kinds those pages could grow with (the case's own
evidence, messages, events and lines, and the vendor's other cases), and reads them again.
``test_query_counts`` covers the content, return detail and order pages the same way.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from rma import services
from rma.models import Event
from rma.services.access import return_access_request
from rma.services.messages import Upload, message_to_customer
from rma.services.units import UnitData, units_for_line

from ..factories import OrderLineFactory
from .factories import order_with_line, png_bytes, propose_solution
from .helpers import sign_in_solution, upload, url
from .test_returns import AGENT, approved, only_request, signed_in, submit


def _queries(client, page: str, method: str = "get", data=None) -> int:
    # Read once first: what a process reads once and keeps (its vendor) is not counted.
    getattr(client, method)(page, data or {})
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(page, data or {})
    assert response.status_code == 200, (page, response.status_code)
    return len(captured)


def _counts(client, pages) -> dict[str, int]:
    return {page: _queries(client, page) for page in pages}


def _say(vendor, case, count: int, start: int = 0) -> list[int]:
    """Messages from customer service on the case, each with a file; their files' ids."""
    files = []
    with scope(vendor=vendor):
        for number in range(start, start + count):
            picture = upload(f"m{number}.png", png_bytes(colour=(9, number, 9)))
            message = message_to_customer(
                case=case,
                actor=AGENT,
                body=f"Update {number}",
                uploads=[Upload(file=picture, name=picture.name, size=picture.size)],
            )
            files.extend(message.attachments.values_list("pk", flat=True))
    return files


def _other_cases(vendor, count: int) -> None:
    """The vendor's other customers, orders and solutions."""
    with scope(vendor=vendor):
        for _ in range(count):
            order = order_with_line(vendor)
            if vendor.policy_key == "reolink":
                propose_solution(vendor, order=order)


def _events(vendor, count: int, action: str, **case) -> None:
    """Entries on the case's timeline."""
    with scopes_disabled():
        for _ in range(count):
            Event.objects.create(vendor=vendor, action=action, **case)


def test_public_vendor_pages_query_count_is_constant(client, aqara, reolink):
    with scope(vendor=aqara):
        order = order_with_line(aqara)
        access, _password = return_access_request(
            vendor=aqara, order_number=order.number, email=order.customer.email
        )
    with scope(vendor=reolink):
        solution, _solution_password = propose_solution(reolink)
    pages = [
        url("vendor_home", aqara),
        url("return_start", aqara),
        url("warranty_lookup", aqara),
        url("unit_register", aqara),
        url("solution_login", reolink, solution.public_id),
    ]
    link = url("access_login", aqara, access.token)
    aqara.logo.save("logo.png", ContentFile(png_bytes()))
    pages.append(url("vendor_logo", aqara))
    few = _counts(client, pages), _link_queries(link), _language_queries(client)
    _other_cases(aqara, 4)
    _other_cases(reolink, 4)
    assert (_counts(client, pages), _link_queries(link), _language_queries(client)) == few


def _language_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("portal:set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 302
    return len(captured)


def _link_queries(link: str) -> int:
    """The emailed link signs a new visitor in by itself and sends them to their order."""
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(link)
    assert response.status_code == 302, response.status_code
    return len(captured)


def test_warranty_lookup_result_query_count_does_not_grow_with_units(client, aqara):
    line = OrderLineFactory(order__vendor=aqara, vendor=aqara, quantity=8)
    with scope(vendor=aqara):
        units_for_line(vendor=aqara, line=line, units=[UnitData("AQ-1", "B1")])
    page = url("warranty_lookup", aqara)
    few = _queries(client, page, "post", {"serial": "AQ-1"})
    with scope(vendor=aqara):
        units_for_line(
            vendor=aqara, line=line, units=[UnitData(f"AQ-{n}", "B1") for n in range(1, 8)]
        )
        for _ in range(3):
            other = OrderLineFactory(order__vendor=aqara, vendor=aqara)
            units_for_line(vendor=aqara, line=other, units=[UnitData(f"OT-{other.pk}", "B2")])
    assert _queries(client, page, "post", {"serial": "AQ-1"}) == few


def test_solution_decision_pages_query_count_is_constant(client, reolink, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    pages = [
        url("solution_content", reolink, solution.public_id),  # with its message thread
        url("solution_agree", reolink, solution.public_id),
        url("solution_disagree", reolink, solution.public_id),
    ]
    _say(reolink, solution, 1)  # a thread's files are read in one more query, once there is one
    few = _counts(client, pages)
    _say(reolink, solution, 3, start=1)
    _events(reolink, 4, "details_saved", solution=solution)
    _other_cases(reolink, 3)
    assert _counts(client, pages) == few


def _receipt(vendor, solution, number: int) -> int:
    with scope(vendor=vendor):
        evidence = services.evidence_add(
            solution=solution,
            kind="postage_receipt",
            upload=upload(f"r{number}.png", png_bytes(colour=(number, 7, 7))),
            actor=AGENT,
        )
    return evidence.pk


def test_agreed_solution_pages_and_files_query_count_is_constant(client, reolink, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    agree = client.post(url("solution_agree", reolink, solution.public_id), {"confirmed": "yes"})
    assert agree.status_code == 302
    receipt = _receipt(reolink, solution, 0)
    [picture] = _say(reolink, solution, 1)
    pages = [
        url("solution_details", reolink, solution.public_id),
        url("solution_status", reolink, solution.public_id),
        url("solution_evidence_file", reolink, solution.public_id, receipt),
        url("solution_message_file", reolink, solution.public_id, picture),
    ]
    few = _counts(client, pages)
    for number in range(1, 3):
        _receipt(reolink, solution, number)
    _say(reolink, solution, 4, start=1)
    _events(reolink, 4, "details_saved", solution=solution)
    _other_cases(reolink, 3)
    assert _counts(client, pages) == few


def test_return_new_and_order_change_pages_query_count_does_not_grow_with_lines(client, aqara):
    with scope(vendor=aqara):
        order = order_with_line(aqara, delivered_days_ago=2)
    signed_in(client, aqara, order)
    pages = [
        url("return_new", aqara),
        url("order_change", aqara, "cancellation"),
        url("order_change", aqara, "address_change"),
    ]
    few = _counts(client, pages)
    with scopes_disabled():
        for number in range(5):
            OrderLineFactory(order=order, vendor=aqara, sku=f"MORE-{number}")
    _other_cases(aqara, 3)
    assert _counts(client, pages) == few


def test_approved_return_slip_and_files_query_count_is_constant(client, market):
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Does not power on")
    rr = approved(only_request(order))
    with scopes_disabled():
        evidence = rr.evidence.order_by("pk").first()
    [picture] = _say(market, rr, 1)
    pages = [
        url("return_slip", market, rr.public_id),
        url("return_slip_pdf", market, rr.public_id),
        url("return_evidence_file", market, rr.public_id, evidence.pk),
        url("return_message_file", market, rr.public_id, picture),
    ]
    few = _counts(client, pages)
    _say(market, rr, 4, start=1)
    _events(market, 4, "note", return_request=rr)
    with scopes_disabled():
        for number in range(3):
            OrderLineFactory(order=order, vendor=market, sku=f"MORE-{number}")
    _other_cases(market, 3)
    assert _counts(client, pages) == few
