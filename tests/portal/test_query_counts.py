"""Customer pages cost the same number of queries whatever the number of rows on them."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from rma import services

from .factories import png_bytes
from .helpers import sign_in_solution, upload, url
from .test_returns import AGENT, only_request, signed_in, submit


def _queries(client, page: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page)
    assert response.status_code == 200, response.status_code
    return len(captured)


def _photos(vendor, count: int, **parent) -> None:
    with scope(vendor=vendor):
        for number in range(count):
            services.evidence_add(
                kind="photo",
                upload=upload(f"p{number}.png", png_bytes(colour=(number, 9, 9))),
                actor=AGENT,
                **parent,
            )


def test_return_detail_and_order_pages_query_count_is_constant(client, market):
    from .factories import order_with_line

    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
    signed_in(client, market, order)
    submit(client, market, order, "quality_defect", reason="Does not power on")
    rr = only_request(order)
    pages = [url("return_detail", market, rr.public_id), url("order_overview", market)]
    _photos(market, 1, return_request=rr)
    few = [_queries(client, page) for page in pages]
    _photos(market, 6, return_request=rr)
    assert [_queries(client, page) for page in pages] == few


def test_solution_pages_query_count_does_not_grow_with_the_vendors_solutions(
    client, reolink, reolink_solution
):
    from .factories import propose_solution

    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    pages = [url("solution_content", solution.vendor, solution.public_id)]
    few = [_queries(client, page) for page in pages]
    with scope(vendor=reolink):
        for _ in range(4):
            propose_solution(reolink)
    assert [_queries(client, page) for page in pages] == few


def _session_statements(captured) -> list[str]:
    return [q["sql"].split()[0] for q in captured if "django_session" in q["sql"]]


def test_signing_in_writes_the_session_once_and_a_page_view_only_reads_it(client, reolink_solution):
    solution, password = reolink_solution
    login = url("solution_login", solution.vendor, solution.public_id)
    client.get(login)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(login, {"password": password})
    assert response.status_code == 302
    # No SELECT to see whether a random key is free, no row written twice.
    assert _session_statements(captured) == ["INSERT"]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(response["Location"]).status_code == 200
    assert _session_statements(captured) == ["SELECT"]


def test_signing_in_again_drops_the_old_session_row(client, reolink_solution):
    from django.contrib.sessions.models import Session

    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    first = client.cookies["sessionid"].value
    sign_in_solution(client, solution, password)
    second = client.cookies["sessionid"].value
    assert first != second
    assert list(Session.objects.values_list("session_key", flat=True)) == [second]


def test_customer_pages_read_their_vendor_once_per_process(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    page = url("solution_content", solution.vendor, solution.public_id)
    client.get(page)
    with CaptureQueriesContext(connection) as captured:
        client.get(page)
    assert not [q for q in captured if 'FROM "tenancy_vendor"' in q["sql"]]
    # A saved change shows on the next page at once.
    vendor = solution.vendor
    vendor.name = "Renamed Vendor"
    vendor.save()
    assert "Renamed Vendor" in client.get(page).text


def test_a_kept_item_return_reads_what_its_resolution_cards_name_in_one_more_query(client, market):
    """The compensation and the reshipment's card names the item shipped: one read of the
    order lines for all of them, not a join into every return's resolutions, and the count
    stays whatever the messages on the page."""
    from .factories import approved_kept_item

    rr = approved_kept_item(market)
    signed_in(client, market, rr.order)
    page = url("return_detail", market, rr.public_id)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page).status_code == 200
    # One read of the items the cards name (the return's own lines come joined to theirs).
    reads = [q["sql"] for q in captured if 'FROM "rma_orderline" WHERE' in q["sql"]]
    assert len(reads) == 1 and " IN (" in reads[0], reads
    _say(market, rr, 1)
    few = _queries(client, page)
    _say(market, rr, 4)
    assert _queries(client, page) == few


def _say(vendor, rr, count: int) -> None:
    """Messages from customer service on the case's page, each with a picture."""
    from rma.services.messages import Upload, message_to_customer

    with scope(vendor=vendor):
        for number in range(count):
            picture = upload(f"m{number}.png", png_bytes(colour=(9, number, 9)))
            message_to_customer(
                case=rr,
                actor=AGENT,
                body=f"Update {number}",
                uploads=[Upload(file=picture, name=picture.name, size=picture.size)],
            )
