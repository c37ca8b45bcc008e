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
