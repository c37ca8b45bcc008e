"""The warranty solution pages (REO-3..REO-12): content, agree, disagree, details, status."""

from __future__ import annotations

from decimal import Decimal

from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from rma.models import Evidence

from .factories import png_bytes, propose_solution
from .helpers import sign_in_solution, upload, url


def details_data(solution, **overrides):
    data = {
        "ship_name": solution.ship_name,
        "ship_line1": solution.ship_line1,
        "ship_line2": "",
        "ship_postal_code": solution.ship_postal_code,
        "ship_city": solution.ship_city,
        "ship_region": "",
        "ship_phone": "",
        "ship_country": str(solution.ship_country),
        "tracking_number": "",
        "transaction_id": "",
        "action": "save",
    }
    data.update(overrides)
    return data


def agreed(client, solution, password):
    sign_in_solution(client, solution, password)
    response = client.post(
        url("solution_agree", solution.vendor, solution.public_id), {"confirmed": "yes"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        solution.refresh_from_db()
    return solution


def test_reo3_content_shows_items_amounts_address_and_next_steps(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    page = client.get(url("solution_content", solution.vendor, solution.public_id)).text
    assert "Smart camera" in page
    assert "Replacement" in page
    assert "120.00 EUR" in page  # the line's amount
    assert "15.00 EUR" in page  # the make-up payment (REO-8)
    assert "Hauptstraße 5" in page and "Germany" in page
    assert "REO-7" in page and "REO-8" in page and "REO-12" in page
    assert ">Agree<" in page and ">Disagree<" in page


def test_reo4_agree_leads_to_the_details_form(client, reolink_solution):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    assert solution.status == "confirmed"
    page = client.get(url("solution_details", solution.vendor, solution.public_id))
    assert page.status_code == 200
    assert 'name="tracking_number"' in page.text
    assert 'name="transaction_id"' in page.text
    assert 'name="postage_receipt"' in page.text and 'name="payment_screenshot"' in page.text


def test_reo10_neither_return_nor_payment_asks_only_for_the_address(client, reolink):
    with scope(vendor=reolink):
        solution, password = propose_solution(reolink, return_required=False, kind="refund")
    solution = agreed(client, solution, password)
    page = client.get(url("solution_details", solution.vendor, solution.public_id)).text
    assert 'name="tracking_number"' not in page and 'name="transaction_id"' not in page
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        details_data(solution, action="submit"),
    )
    assert response.status_code == 302
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "submitted"


def test_reo4_disagree_needs_a_comment(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    response = client.post(
        url("solution_disagree", solution.vendor, solution.public_id), {"comment": "  "}
    )
    assert response.status_code == 200
    assert "Please say which solution you would like instead." in response.text
    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "pending_confirm"
        assert not OutboxMessage.objects.filter(kind="solution_disagreed_agent").exists()


def test_reo4_disagree_with_a_comment_tells_an_agent(client, reolink_solution, reolink):
    from tests.factories import MembershipFactory

    agent = MembershipFactory(vendor=reolink, user__username="reo-agent").user
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    response = client.post(
        url("solution_disagree", solution.vendor, solution.public_id),
        {"comment": "I would prefer a refund."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "rejected"
        assert solution.rejection_comment == "I would prefer a refund."
        notice = OutboxMessage.objects.get(kind="solution_disagreed_agent")
        assert notice.to == agent.email
    status = client.get(url("solution_status", solution.vendor, solution.public_id)).text
    assert "An agent reviews your comment" in status


def test_reo5_disagree_after_agreeing_is_refused_with_the_support_email(client, reolink_solution):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    page = client.get(url("solution_disagree", solution.vendor, solution.public_id))
    assert "REO-5" in page.text
    assert "support@reolink.example" in page.text
    assert 'name="comment"' not in page.text
    refused = client.post(
        url("solution_disagree", solution.vendor, solution.public_id),
        {"comment": "Changed my mind."},
    )
    assert refused.status_code == 409
    assert "REO-5" in refused.text
    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "confirmed"
        assert solution.rejection_comment == ""


def test_reo11_address_can_be_edited_in_the_same_country(client, reolink_solution):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        details_data(solution, ship_line1="Neue Straße 9", ship_city="Hamburg"),
    )
    assert response.status_code == 302
    with scopes_disabled():
        solution.refresh_from_db()
    assert (solution.ship_line1, solution.ship_city) == ("Neue Straße 9", "Hamburg")
    assert solution.address_confirmed_at is not None


def test_reo11_country_change_is_refused_on_the_server(client, reolink_solution):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        details_data(solution, ship_line1="Rue de Rivoli 1", ship_country="FR"),
    )
    assert response.status_code == 400
    assert "REO-11" in response.text
    with scopes_disabled():
        solution.refresh_from_db()
    assert str(solution.ship_country) == "DE"
    assert solution.ship_line1 == "Hauptstraße 5"
    assert solution.address_confirmed_at is None


def test_reo7_tracking_number_with_blanks_or_symbols_is_refused(client, reolink_solution):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        details_data(solution, tracking_number="1Z 999-AA"),
    )
    assert response.status_code == 400
    assert "REO-7" in response.text
    assert 'value="1Z 999-AA"' in response.text  # what was typed is kept for correcting
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.return_tracking_number == ""


def test_submit_is_refused_until_everything_is_there(client, reolink_solution):
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        details_data(solution, action="submit"),
    )
    assert response.status_code == 400
    for rule in ("REO-7", "REO-8"):
        assert rule in response.text
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "confirmed"


def test_save_now_and_come_back_with_the_same_password(client, reolink_solution):
    """REO-6..REO-8: the customer saves, mails the item, returns later and submits."""
    solution, password = reolink_solution
    solution = agreed(client, solution, password)
    details = url("solution_details", solution.vendor, solution.public_id)
    assert client.post(details, details_data(solution, transaction_id="PAY-778")).status_code == 302
    client.post(url("sign_out", solution.vendor))
    assert client.get(details).status_code == 302

    sign_in_solution(client, solution, password)
    page = client.get(details)
    assert 'value="PAY-778"' in page.text
    response = client.post(
        details,
        {
            **details_data(
                solution, transaction_id="PAY-778", tracking_number="1Z999AA10123456784"
            ),
            "postage_receipt": upload("receipt.png", png_bytes()),
            "payment_screenshot": upload("paid.png", png_bytes(colour=(0, 200, 0))),
            "action": "submit",
        },
    )
    assert response.status_code == 302, response.text
    status_url = url("solution_status", solution.vendor, solution.public_id)
    assert response["Location"] == status_url
    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "submitted"
        assert solution.return_tracking_number == "1Z999AA10123456784"
        assert sorted(solution.evidence.values_list("kind", flat=True)) == [
            "payment_screenshot",
            "postage_receipt",
        ]
    status = client.get(status_url).text
    assert "Submitted" in status and "We have everything we need" in status
    assert "1Z999AA10123456784" in status


def test_reo12_status_page_shows_where_it_stands(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    page = client.get(url("solution_status", solution.vendor, solution.public_id)).text
    assert "Waiting for your confirmation" in page
    assert "Solution proposed" in page  # the timeline
    assert "We are waiting for your answer" in page


def test_outsider_cannot_act_on_another_customers_solution(client, reolink, reolink_solution):
    solution, _password = reolink_solution
    with scope(vendor=reolink):
        mine, my_password = propose_solution(reolink, makeup_amount=Decimal("0"))
    sign_in_solution(client, mine, my_password)
    for name in ("solution_agree", "solution_disagree", "solution_details"):
        response = client.post(url(name, reolink, solution.public_id), {"comment": "x"})
        assert response.status_code == 302
        assert response["Location"] == url("solution_login", reolink, solution.public_id)
    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "pending_confirm"
        assert list(solution.events.values_list("action", flat=True)) == ["proposed"]
        assert not Evidence.objects.filter(solution=solution).exists()


def test_details_stay_editable_after_submitting(client, reolink):
    with scope(vendor=reolink):
        solution, password = propose_solution(reolink, return_required=False, kind="refund")
    solution = agreed(client, solution, password)
    details = url("solution_details", solution.vendor, solution.public_id)
    assert client.post(details, details_data(solution, action="submit")).status_code == 302
    page = client.get(details).text
    assert "Save the changes" in page and 'value="submit"' not in page
    response = client.post(
        details, details_data(solution, ship_phone="+49 30 1234", action="submit")
    )
    assert response.status_code == 302
    with scopes_disabled():
        solution.refresh_from_db()
    assert (solution.status, solution.ship_phone) == ("submitted", "+49 30 1234")
