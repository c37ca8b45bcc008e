"""No dead ends for a customer: every closing case emails, a closed case still opens, Agree
confirms what it commits to, and a page that lost a race says what happened."""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from notifications.emails import render as render_email
from notifications.models import OutboxMessage
from notifications.outbox import decode_context
from rma import services
from rma.services import Actor
from tests.rma.test_return_transitions import satisfy_evidence

from .factories import propose_solution
from .helpers import sign_in_solution, url
from .test_returns import text_of
from .test_wrong_decisions import AGENT, ask, two_unit_order


def closing_email(vendor) -> tuple[str, str]:
    with scopes_disabled():
        message = OutboxMessage.objects.filter(vendor=vendor, kind="case_closed").latest("pk")
    subject, text, _html = render_email(
        vendor=vendor, kind="case_closed", context=decode_context(message.context), language="en"
    )
    return subject, text


def agree(client, solution):
    return client.post(
        url("solution_agree", solution.vendor, solution.public_id), {"confirmed": "yes"}
    )


def test_a_completed_solution_emails_and_its_password_still_opens_it(client, reolink):
    customer = Actor.customer("c@x.example")
    with scope(vendor=reolink):
        solution, password = propose_solution(reolink, return_required=False)
        services.solution_agree(solution=solution, actor=customer)
        services.solution_save_details(
            solution=solution, actor=customer, address=solution.address_dict()
        )
        services.solution_submit(solution=solution, actor=customer)
        services.solution_complete(solution=solution, actor=AGENT, note="Replacement delivered.")
    subject, text = closing_email(solution.vendor)
    assert solution.reference in subject and "closed" in subject
    assert "is completed" in text and "Replacement delivered." in text
    assert f"/solutions/{solution.public_id}/" in text
    response = client.post(
        url("solution_login", solution.vendor, solution.public_id), {"password": password}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/status/")
    page = text_of(client.get(response["Location"]))
    assert "That password is not right" not in page
    assert "This solution was completed on" in page


def test_a_cancelled_return_and_a_closed_return_email_the_customer(market):
    order = two_unit_order(market)
    first, second = ask(order, 1), ask(order, 1)
    with scope(vendor=market):
        services.return_cancel(return_request=first, actor=AGENT, note="Asked by phone.")
    _subject, text = closing_email(market)
    assert "was cancelled" in text and "Asked by phone." in text
    with scope(vendor=market):
        services.return_reject(return_request=second, actor=AGENT, reason="No photos.")
        emails = OutboxMessage.objects.filter(vendor=market).values_list("kind", flat=True)
    assert "return_rejected" in list(emails)


def test_agree_asks_once_what_it_commits_to(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    content = client.get(url("solution_content", solution.vendor, solution.public_id)).text
    agree_url = url("solution_agree", solution.vendor, solution.public_id)
    assert f'href="{agree_url}"' in content  # Agree opens the confirm step, even without JS
    step = text_of(client.get(agree_url))
    assert "You pay 15.00 EUR." in step
    assert "You send the item back" in step
    assert "You cannot choose Disagree afterwards" in step
    unconfirmed = client.post(agree_url, {})
    assert unconfirmed.status_code == 200 and "Yes, I agree" in unconfirmed.text
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "pending_confirm"
    assert agree(client, solution).status_code == 302
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "confirmed"


def test_after_agreeing_the_content_page_says_how_to_change_it(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    agree(client, solution)
    page = text_of(client.get(url("solution_content", solution.vendor, solution.public_id)))
    assert "You agreed to this solution on" in page
    assert "To change it, write to customer service: support@reolink.example" in page
    assert ">Disagree<" not in page


def test_after_disagreeing_the_content_page_says_what_happens_next(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    client.post(
        url("solution_disagree", solution.vendor, solution.public_id),
        {"comment": "A refund, please."},
    )
    page = text_of(client.get(url("solution_content", solution.vendor, solution.public_id)))
    assert "You asked for another solution on" in page
    assert "an agent reads your comment and answers by email" in page
    assert "If you agree, you then" not in page and "What you do next" not in page
    assert "Fill in the details" not in page and "Submit" not in page


def test_a_disagree_that_lost_the_race_to_an_agree_says_what_happened(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    form = client.get(url("solution_disagree", solution.vendor, solution.public_id))
    assert 'name="comment"' in form.text
    with scope(vendor=solution.vendor):  # agreed in another tab meanwhile
        services.solution_agree(solution=solution, actor=Actor.customer("c@x.example"))
    lost = client.post(
        url("solution_disagree", solution.vendor, solution.public_id), {"comment": "Refund."}
    )
    assert lost.status_code == 409
    assert "This solution was already agreed to, on" in text_of(lost)
    assert 'name="comment"' not in lost.text
    with scopes_disabled():
        solution.refresh_from_db()
    assert (solution.status, solution.rejection_comment) == ("confirmed", "")


def test_an_agree_that_lost_the_race_to_a_disagree_says_what_happened(client, reolink_solution):
    solution, password = reolink_solution
    sign_in_solution(client, solution, password)
    with scope(vendor=solution.vendor):
        services.solution_reject(
            solution=solution, actor=Actor.customer("c@x.example"), comment="Refund."
        )
    response = agree(client, solution)
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "Another solution was already asked for, on" in page
    with scopes_disabled():
        solution.refresh_from_db()
    assert solution.status == "rejected"


def test_a_refunded_return_is_closed_without_a_second_email(market):
    """Refund then close: one email (the refund's, which says the return is complete); a
    return closed from another state still gets its closing email."""
    order = two_unit_order(market)
    refunded, replaced = ask(order, 1), ask(order, 1)
    with scope(vendor=market):
        for rr in (refunded, replaced):
            satisfy_evidence(rr)
            services.return_approve(return_request=rr, actor=AGENT)
            services.return_mark_received(return_request=rr, actor=AGENT)
            services.return_record_inspection(return_request=rr, actor=AGENT, note="As new.")
        services.return_refund(return_request=refunded, actor=AGENT)
        services.return_close(return_request=refunded, actor=AGENT)
        refunded.refresh_from_db()
        assert refunded.status == "closed"
        kinds = list(
            OutboxMessage.objects.filter(vendor=market, event_id__in=refunded.events.values("pk"))
            .order_by("pk")
            .values_list("kind", flat=True)
        )
    assert kinds.count("refund_issued") == 1 and "case_closed" not in kinds, kinds
    with scopes_disabled():
        message = OutboxMessage.objects.get(vendor=market, kind="refund_issued")
    _subject, text, _html = render_email(
        vendor=market, kind="refund_issued", context=decode_context(message.context), language="en"
    )
    assert "This return is complete: there is nothing more for you to do" in text
    with scope(vendor=market):
        services.return_close(return_request=replaced, actor=AGENT)
        closing = OutboxMessage.objects.filter(
            vendor=market, kind="case_closed", event_id__in=replaced.events.values("pk")
        )
        assert closing.count() == 1
