"""Customer-side lows found by probing: re-issued passwords end sessions, over-long address
inputs are form errors, signed-in pages are never cached."""

from __future__ import annotations

import pytest
from django_scopes import scope

from rma.services import Actor, solution_issue_password

from .helpers import sign_in_solution, url
from .test_solution_flow import agreed, details_data

pytestmark = pytest.mark.django_db
AGENT = Actor.system("agent")


def test_a_reissued_password_ends_sessions_opened_with_the_old_one(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    content = url("solution_content", solution.vendor, solution.public_id)
    assert client.get(content).status_code == 200
    with scope(vendor=solution.vendor):
        new_password = solution_issue_password(solution=solution, actor=AGENT, notify=False)
    answer = client.get(content)
    assert answer.status_code == 302
    assert answer["Location"] == url("solution_login", solution.vendor, solution.public_id)
    sign_in_solution(client, solution, new_password)
    assert client.get(content).status_code == 200


@pytest.mark.parametrize(
    ("field", "length"),
    [("ship_postal_code", 21), ("ship_phone", 41), ("ship_name", 121), ("ship_city", 121)],
)
def test_over_long_address_inputs_are_form_errors_not_500(client, reolink_solution, field, length):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        details_data(solution, **{field: "9" * length}),
    )
    assert response.status_code == 400  # the form again, with the error at the field
    assert "Ensure this value has at most" in response.text


def test_signed_in_customer_pages_are_not_cached(client, reolink_solution):
    solution, password = reolink_solution
    login = url("solution_login", solution.vendor, solution.public_id)
    assert "no-store" not in client.get(login).get("Cache-Control", "")
    sign_in_solution(client, solution, password)
    page = client.get(url("solution_content", solution.vendor, solution.public_id))
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
