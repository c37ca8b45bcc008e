"""Store credit instead of money back (``store_credit_refunds``): the customer chooses it on the
return form, the policy plans a store credit of the refund's amount at the refund step, the
agent issues it with its code, and the customer reads the credit on the case page and by email."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from rma import services
from rma.models import Event, ReturnRequest
from rma.services import Actor, DomainError
from tests.factories import MembershipFactory, VendorFactory
from tests.portal.factories import marketplace_vendor, order_with_line
from tests.portal.helpers import url
from tests.portal.test_returns import signed_in, text_of

pytestmark = pytest.mark.django_db

AGENT = Actor.system("agent-in-test")


@pytest.fixture
def bright(db):
    return VendorFactory(slug="bright-credit", name="Brightline Audio", policy_key="brightline")


# -- services ---------------------------------------------------------------------------------


def credit_return(vendor, *, store_credit: bool = True) -> ReturnRequest:
    """A non-quality return asking for store credit, inspected (call inside its scope)."""
    order = order_with_line(vendor, delivered_days_ago=3)
    rr = services.return_create(
        order=order,
        scenario="non_quality",
        lines=[(order.lines.get(), 1)],
        actor=Actor.customer(order.customer.email),
        store_credit=store_credit,
    )
    services.return_approve(return_request=rr, actor=AGENT)
    services.return_mark_received(return_request=rr, actor=AGENT)
    return services.return_record_inspection(return_request=rr, actor=AGENT)


def test_brt5_refund_step_plans_the_credit_the_agent_issues_with_its_code(bright):
    with scope(vendor=bright):
        rr = credit_return(bright)
        assert rr.store_credit
        services.return_refund(return_request=rr, actor=AGENT)
        rr.refresh_from_db()
        (credit,) = rr.resolutions.all()
        assert (credit.kind, credit.state, credit.amount) == (
            "store_credit",
            "pending",
            Decimal("112.50"),  # 120.00 less the 7.50 restocking fee (BRT-3)
        )
        assert credit.rule_ids == ["BRT-1", "BRT-3", "BRT-5"]
        assert rr.status == "refunded" and rr.refund_amount == Decimal("112.50")
        assert credit.legal_steps() == ("credit_issued", "cancelled")
        # No money goes out, so no refund email: the credit's email tells the outcome.
        assert not OutboxMessage.objects.filter(kind="refund_issued").exists()
        with pytest.raises(services.IllegalTransition, match="Store credit"):
            services.return_close(return_request=rr, actor=AGENT)
        services.resolution_issue_credit(resolution=credit, actor=AGENT, coupon_code="SC-112")
        credit.refresh_from_db()
        assert (credit.state, credit.coupon_code) == ("done", "SC-112")
        assert [e.action for e in Event.objects.filter(resolution=credit)] == [
            "created",
            "credit_issued",
        ]
        (email,) = OutboxMessage.objects.filter(kind="coupon_issued")
        assert email.to == rr.customer.email
        assert (email.context["coupon_code"], email.context["resolution_kind"]) == (
            "SC-112",
            "store_credit",
        )
        services.return_close(return_request=rr, actor=AGENT)
        rr.refresh_from_db()
        assert rr.status == "closed"


def test_brt5_without_the_choice_the_refund_is_paid_as_money(bright):
    with scope(vendor=bright):
        rr = credit_return(bright, store_credit=False)
        services.return_refund(return_request=rr, actor=AGENT, provider_reference="re_1")
        (refund,) = rr.resolutions.all()
        assert (refund.kind, refund.state, refund.provider_reference) == ("refund", "done", "re_1")
        assert OutboxMessage.objects.filter(kind="refund_issued").count() == 1


def test_store_credit_where_the_vendor_offers_none_is_refused_and_nothing_is_saved():
    market = marketplace_vendor()
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
        with pytest.raises(DomainError, match="offers no store credit") as refused:
            services.return_create(
                order=order,
                scenario="non_quality",
                lines=[(order.lines.get(), 1)],
                actor=Actor.customer(order.customer.email),
                reason="Changed my mind.",
                store_credit=True,
            )
        assert refused.value.code == "store_credit_not_offered"
        assert not ReturnRequest.objects.filter(order=order).exists()


def test_the_store_credit_email_reads_as_store_credit_in_german(bright):
    from notifications.context import decode_context
    from notifications.emails import render

    with scope(vendor=bright):
        rr = credit_return(bright)
        rr.customer.language = "de"
        rr.customer.save(update_fields=["language"])
        services.return_refund(return_request=rr, actor=AGENT)
        credit = rr.resolutions.get()
        services.resolution_issue_credit(resolution=credit, actor=AGENT, coupon_code="SC-112")
        email = OutboxMessage.objects.get(kind="coupon_issued")
    with scopes_disabled():
        vendor = email.vendor
    context = decode_context(email.context)
    subject, text, html = render(vendor=vendor, kind=email.kind, context=context, language="de")
    assert subject.startswith("Ihr Guthaben für ")
    assert "112,50 EUR" in text and "SC-112" in text and "SC-112" in html


# -- the customer's form and page, the agent's case page -----------------------------------------


def test_brt5_the_customer_chooses_store_credit_on_the_form_and_reads_it_on_the_page(
    client, bright
):
    with scope(vendor=bright):
        order = order_with_line(bright, delivered_days_ago=3)
    signed_in(client, bright, order)
    with scopes_disabled():
        line = order.lines.get()
    fields = {f"line_{line.pk}": 1, "scenario": "non_quality", "reason": ""}
    form = client.post(url("return_new", bright), {"step": "choose", **fields})
    assert form.status_code == 200
    page = text_of(form)
    assert "Money back or store credit" in page and "Store credit of the same amount" in page
    sent = client.post(
        url("return_new", bright), {"step": "submit", "refund_as": "store_credit", **fields}
    )
    assert sent.status_code == 302, sent.text[:600]
    with scopes_disabled():
        rr = ReturnRequest.objects.get(order=order)
    assert rr.store_credit
    with scope(vendor=bright):
        services.return_approve(return_request=rr, actor=AGENT)
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT)
        services.return_refund(return_request=rr, actor=AGENT)
        credit = rr.resolutions.get()
        services.resolution_issue_credit(resolution=credit, actor=AGENT, coupon_code="SC-777")
    page = text_of(client.get(url("return_detail", bright, rr.public_id)))
    assert "You chose store credit instead of money back" in page
    assert "Store credit" in page and "SC-777" in page and "112.50 EUR" in page
    assert "Your refund" not in page  # the amount is shown once, under the credit


def test_a_vendor_without_store_credit_offers_no_choice(client):
    market = marketplace_vendor()
    with scope(vendor=market):
        order = order_with_line(market, delivered_days_ago=3)
    signed_in(client, market, order)
    with scopes_disabled():
        line = order.lines.get()
    form = client.post(
        url("return_new", market),
        {"step": "choose", f"line_{line.pk}": 1, "scenario": "non_quality"},
    )
    assert form.status_code == 200 and "refund_as" not in form.text


def test_the_agent_issues_the_credit_from_the_case_page(client, bright):
    agent = MembershipFactory(vendor=bright, user__username="bea").user
    with scope(vendor=bright):
        rr = credit_return(bright)
        services.return_refund(return_request=rr, actor=AGENT)
        credit = rr.resolutions.get()
    client.force_login(agent)
    page = client.get(reverse("admin:rma_returnrequest_change", args=[rr.pk])).content.decode()
    step = reverse(
        "admin:rma_returnrequest_resolution", args=[rr.pk, credit.public_id, "credit_issued"]
    )
    assert step in page and "Money back as" in page
    assert client.post(step, {"coupon_code": "SC-9"}).status_code == 302
    with scopes_disabled():
        credit.refresh_from_db()
        assert (credit.state, credit.coupon_code) == ("done", "SC-9")
        assert Event.objects.filter(resolution=credit).last().actor_user == agent
