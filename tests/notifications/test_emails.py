"""Every email kind renders in English and German, with the vendor's branding; REO-1 exactly."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.emails import KINDS, build_email, render
from notifications.models import OutboxMessage, OutboxState
from notifications.outbox import queue_email, send_message
from notifications.sealing import unseal
from rma import services
from rma.formatting import vendor_date
from rma.services import Actor
from rma.services.passwords import password_matches
from tests.factories import MembershipFactory, tiny_png

from .factories import AGENT, approved_return, marketplace, propose, reolink, requested_return

pytestmark = pytest.mark.django_db
REO1_SUBJECT = "Action Required: Please confirm your warranty solution for Reolink products"


def outbox(**filters) -> list[OutboxMessage]:
    with scopes_disabled():
        return list(OutboxMessage.objects.filter(**filters).order_by("id"))


def rendered(message: OutboxMessage):
    with scopes_disabled():
        message = OutboxMessage.objects.select_related("vendor").get(pk=message.pk)
        return build_email(message, unseal(message.sealed))


def parts(email) -> tuple[str, str]:
    html = next(content for content, mime in email.alternatives if mime == "text/html")
    return email.body, html


def test_reo1_confirmation_email_has_subject_password_button_and_spam_hint():
    vendor = reolink(accent_colour="#0b5cad", support_email="help@reolink.example")
    solution, password = propose(vendor)
    [message] = outbox(kind="solution_confirmation")
    email = rendered(message)
    text, html = parts(email)

    assert email.subject == REO1_SUBJECT
    assert email.to == [solution.order.customer.email]
    assert email.from_email == f"Reolink <{vendor.sender_email}>"
    assert email.reply_to == ["help@reolink.example"]
    # The password, visibly highlighted (large, monospace, on a coloured dashed box).
    assert password in text
    box = re.search(r"<span style=\"([^\"]*)\">" + re.escape(password) + "</span>", html)
    assert box is not None
    assert "font-size:24px" in box.group(1) and "dashed #0b5cad" in box.group(1)
    # The "Warranty Service" button leads to the solution's login page (REO-2).
    login = f"http://127.0.0.1:8000/v/reolink/solutions/{solution.public_id}/"
    assert re.search(rf'<a href="{re.escape(login)}"[^>]*>Warranty Service</a>', html)
    assert f"Warranty Service: {login}" in text
    for part in (text, html):
        assert "spam or junk folder" in part
        assert "help@reolink.example" in part
        assert "WS-" in part and "Argus 3 Pro camera" in part
    assert "background:#0b5cad" in html


def test_reo1_confirmation_in_german_for_a_german_customer():
    vendor = reolink()
    _solution, password = propose(vendor, language="de")
    [message] = outbox(kind="solution_confirmation")
    assert message.language == "de"
    text, html = parts(rendered(message))
    email = rendered(message)
    assert email.subject == (
        "Handlungsbedarf: Bitte bestätigen Sie Ihre Garantielösung für Reolink-Produkte"
    )
    assert password in text and password in html
    assert "Garantieservice" in html and "Spam" in text
    assert "Hallo Dana Example" in text


def test_password_is_sealed_in_the_outbox_and_wiped_once_sent(smtp):
    vendor = reolink()
    _solution, password = propose(vendor)
    [message] = outbox(kind="solution_confirmation")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT context::text, sealed FROM notifications_outboxmessage WHERE id = %s",
            [message.pk],
        )
        context, sealed = cursor.fetchone()
    bare = password.replace("-", "")
    assert password not in context and bare not in context
    assert password not in sealed and bare not in sealed and sealed
    assert message.held_secret

    with scope(vendor=vendor):
        assert send_message(message.pk) == "sent"
    [sent] = outbox(kind="solution_confirmation")
    assert sent.state == OutboxState.SENT and sent.sealed == "" and sent.attempts == 1
    assert sent.message_id.endswith("@reolink.example>")
    assert password in smtp.messages[0].get_body(("plain",)).get_content()


def test_sending_twice_sends_once(smtp):
    vendor = reolink()
    propose(vendor)
    [message] = outbox(kind="solution_confirmation")
    with scope(vendor=vendor):
        assert send_message(message.pk) == "sent"
        assert send_message(message.pk) == "skipped"
    assert len(smtp.messages) == 1


def test_reissued_password_is_emailed_and_the_queued_old_one_is_cancelled(smtp):
    vendor = reolink()
    solution, old_password = propose(vendor)
    with scope(vendor=vendor):
        new_password = services.solution_issue_password(solution=solution, actor=AGENT)
        first, second = outbox(kind="solution_confirmation")
        assert send_message(first.pk) == "cancelled"
        assert send_message(second.pk) == "sent"
        solution.refresh_from_db()
    assert not password_matches(old_password, solution.password_hash)
    assert password_matches(new_password, solution.password_hash)
    first, second = outbox(kind="solution_confirmation")
    assert first.state == OutboxState.CANCELLED and "newer password" in first.last_error
    assert first.sealed == ""
    [delivered] = smtp.messages
    assert new_password in delivered.get_body(("plain",)).get_content()


def test_notify_vendor_records_no_email_and_no_reminder():
    vendor = reolink()
    solution, password = propose(vendor, notify=False)
    assert password
    assert outbox() == []
    assert solution.remind_at is None and solution.expires_at is not None


def test_queue_email_is_idempotent_on_its_key():
    vendor = marketplace()
    context = {"access_url": "http://x/v/market/access/t/", "password": "AB12", "order_number": "1"}
    with scope(vendor=vendor):
        first = queue_email(
            vendor=vendor, kind="return_access", to="a@b.example", context=context, key="k-1"
        )
        again = queue_email(
            vendor=vendor, kind="return_access", to="a@b.example", context=context, key="k-1"
        )
    assert first.pk == again.pk
    assert len(outbox()) == 1
    with pytest.raises(ValueError, match="Unknown email kind"):
        queue_email(vendor=vendor, kind="nope", to="a@b.example", context={}, key="k-2")


def test_return_access_email_carries_link_and_highlighted_password():
    vendor = marketplace()
    with scope(vendor=vendor):
        message = queue_email(
            vendor=vendor,
            kind="return_access",
            to="c@d.example",
            context={
                "access_url": "http://127.0.0.1:8000/v/market/access/tok/",
                "password": "K7QP-22MX",
                "order_number": "ORD-7",
            },
            key="return_access:1",
            language="de",
        )
    email = rendered(message)
    text, html = parts(email)
    assert "ORD-7" in email.subject
    assert "K7QP-22MX" in text and "K7QP-22MX</span>" in html
    assert 'href="http://127.0.0.1:8000/v/market/access/tok/"' in html
    assert "Passwort" in text


def _walk_every_kind(vendor_r, vendor_m) -> None:
    """Drive real cases so that each email kind is recorded by the service that causes it."""
    start = timezone.now() - timedelta(days=20)
    solution, _ = propose(vendor_r, at=start)
    with scope(vendor=vendor_r):
        services.solution_remind(solution=solution, actor=Actor.system(), at=solution.remind_at)
        services.solution_reject(
            solution=solution, actor=Actor.customer("c@x.example"), comment="A refund, please."
        )
    flagged = requested_return(vendor_m)
    rejected = requested_return(vendor_m)
    rr = approved_return(vendor_m)
    with scope(vendor=vendor_m):
        services.return_review_sla_breach(
            return_request=flagged, actor=Actor.system(), at=flagged.review_due + timedelta(1)
        )
        services.return_reject(
            return_request=rejected, actor=AGENT, reason="Opened and used.", rule_ids=["MKT-4"]
        )
        # A case that closes emails its customer (case_closed).
        services.return_cancel(return_request=requested_return(vendor_m), actor=AGENT)
        services.return_ship_reminder(return_request=rr, actor=Actor.system(), at=rr.ship_by)
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT, note="As new.")
        services.return_refund(return_request=rr, actor=AGENT)
        waived = approved_return(vendor_m)
        services.return_waive(
            return_request=waived, actor=Actor.system(), at=waived.ship_by + timedelta(1)
        )
        queue_email(
            vendor=vendor_m,
            kind="return_access",
            to="c@x.example",
            context={"access_url": "http://x/", "password": "P", "order_number": "O"},
            key="access-walk",
        )
        # The case message thread: an agent writes, the customer answers.
        from rma.services.messages import message_from_customer, message_to_customer

        message_to_customer(case=rr, actor=AGENT, body="Please send a photo of the label.")
        message_from_customer(case=rr, actor=Actor.customer(rr.customer.email), body="Here it is.")
    _walk_resolution_kinds(vendor_r)


def _walk_resolution_kinds(vendor_r) -> None:
    """A reshipment shipped and a coupon issued (MKT-7 keep), a replacement unit shipped."""
    from tests.portal.factories import propose_solution
    from tests.rma.resolution_cases import keep_case

    coupons = marketplace(slug="market-coupons", policy_settings={"compensation_method": "coupon"})
    with scope(vendor=coupons):
        rr = keep_case(coupons)
        services.resolution_issue_coupon(
            resolution=rr.resolutions.get(kind="compensation"), actor=AGENT, coupon_code="SORRY-15"
        )
        services.resolution_mark_shipped(
            resolution=rr.resolutions.get(kind="reshipment"),
            actor=AGENT,
            carrier="DHL",
            tracking_number="JD0146",
        )
    with scope(vendor=vendor_r):
        solution, _password = propose_solution(vendor_r, return_required=False)
        services.solution_agree(solution=solution, actor=AGENT)
        services.resolution_mark_shipped(
            resolution=solution.resolutions.get(), actor=AGENT, carrier="UPS", tracking_number="1Z9"
        )


def test_every_kind_renders_both_parts_in_english_and_german():
    vendor_r, vendor_m = reolink(), marketplace()
    MembershipFactory(vendor=vendor_m, user__email="agent@market.example")
    MembershipFactory(vendor=vendor_r, user__email="agent@reolink.example")
    _walk_every_kind(vendor_r, vendor_m)
    messages = outbox()
    assert {m.kind for m in messages} == set(KINDS)
    for message in messages:
        with scopes_disabled():
            vendor = message.vendor
        english = render(vendor=vendor, kind=message.kind, context=_ctx(message), language="en")
        german = render(vendor=vendor, kind=message.kind, context=_ctx(message), language="de")
        for subject, text, html in (english, german):
            assert subject and "\n" not in subject
            assert text.strip() and "<" not in text.replace("<<<", "")
            assert html.startswith("<!DOCTYPE html>") and vendor.name in html
            for leftover in ("{{", "{%", "}}", "%}"):
                assert leftover not in text + html + subject, message.kind
        assert english[0] != german[0], f"{message.kind}: the German subject is not translated"
        assert english[1] != german[1], f"{message.kind}: the German text is not translated"


def _ctx(message: OutboxMessage) -> dict:
    from notifications.context import decode_context

    return {**decode_context(message.context), "password": "PW-PW"}


def test_agents_are_mailed_when_a_customer_disagrees_reo4():
    vendor = reolink()
    MembershipFactory(vendor=vendor, user__email="a1@reolink.example")
    MembershipFactory(vendor=vendor, user__email="a2@reolink.example")
    MembershipFactory(vendor=vendor, user__email="", user__username="no-mail")
    MembershipFactory(user__email="outsider@other.example")
    solution, _ = propose(vendor)
    with scope(vendor=vendor):
        services.solution_reject(
            solution=solution, actor=Actor.customer("c@x.example"), comment="Refund instead"
        )
    messages = outbox(kind="solution_disagreed_agent")
    assert sorted(m.to for m in messages) == ["a1@reolink.example", "a2@reolink.example"]
    email = rendered(messages[0])
    text, html = parts(email)
    # Agents read the rule the refusal cites in the body; the subject says what to do.
    assert "REO-4" in text and "REO-4" in html
    assert "please review" in email.subject
    assert "Refund instead" in text and "Refund instead" in html
    assert f"/admin/rma/warrantysolution/{solution.pk}/change/" in text


def test_agent_mail_falls_back_to_the_support_address():
    vendor = marketplace(support_email="rma@market.example")
    rr = requested_return(vendor)
    with scope(vendor=vendor):
        services.return_review_sla_breach(
            return_request=rr, actor=Actor.system(), at=rr.review_due + timedelta(minutes=1)
        )
    [message] = outbox(kind="review_sla_breached_agent")
    assert message.to == "rma@market.example"
    assert "MKT-9" in rendered(message).subject


def test_rejection_lists_the_reason_and_rule_ids():
    vendor = marketplace()
    rr = requested_return(vendor)
    with scope(vendor=vendor):
        services.return_reject(
            return_request=rr, actor=AGENT, reason="The seal is broken.", rule_ids=["MKT-4"]
        )
    [message] = outbox(kind="return_rejected")
    text, html = parts(rendered(message))
    for part in (text, html):
        assert "The seal is broken." in part and "MKT-4" in part


def test_approval_gives_rma_number_ship_by_carriers_address_and_slip():
    vendor = marketplace()
    rr = approved_return(vendor)
    [message] = outbox(kind="return_approved")
    email = rendered(message)
    text, html = parts(email)
    assert rr.rma_number in email.subject
    slip = f"/v/market/returns/{rr.public_id}/slip/"
    for part in (text, html):
        assert rr.rma_number in part and "FedEx, DHL" in part and "MKT-10" in part
        assert "Lagerstraße 1" in part and slip in part


def test_refund_email_itemises_and_shows_the_mkt11_funds_window():
    vendor = marketplace()
    rr = approved_return(vendor)
    with scope(vendor=vendor):
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT)
        rr = services.return_refund(return_request=rr, actor=AGENT)
        first, last = vendor.get_policy().funds_window(rr.refunded_at)
    [message] = outbox(kind="refund_issued")
    email = rendered(message)
    text, html = parts(email)
    assert f"{rr.refund_amount} EUR" in email.subject
    assert "MKT-11" in text and "MKT-6" in text
    for day in (first, last):
        shown = vendor_date(day, "Europe/Berlin")  # the vendor's day, zone named
        assert shown in text and shown in html
    assert rr.refund_amount > Decimal("0")


def test_vendor_template_overrides_the_default(tmp_path, settings):
    override = tmp_path / "emails" / "market"
    override.mkdir(parents=True)
    (override / "return_approved-subject.txt").write_text("Your parcel ticket {{ rma_number }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    mine = approved_return(marketplace())
    other = approved_return(marketplace(slug="other-market", name="Other"))
    subjects = {m.vendor_id: rendered(m).subject for m in outbox(kind="return_approved")}
    assert subjects[mine.vendor_id] == f"Your parcel ticket {mine.rma_number}"
    assert subjects[other.vendor_id].startswith("Return approved: RMA number")


def test_logo_travels_inside_the_email():
    from django.core.files.base import ContentFile

    vendor = reolink()
    vendor.logo.save("logo.png", ContentFile(tiny_png()))
    propose(vendor)
    [message] = outbox(kind="solution_confirmation")
    email = rendered(message)
    _text, html = parts(email)
    assert 'src="cid:logo.reolink@rma-portal"' in html
    raw = email.message()
    images = [p for p in raw.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<logo.reolink@rma-portal>"


def test_admin_reissue_emails_a_new_password(client, db):
    vendor = reolink()
    agent = MembershipFactory(vendor=vendor).user
    solution, old_password = propose(vendor)
    client.force_login(agent)
    response = client.post(
        f"/admin/rma/warrantysolution/{solution.pk}/action/reissue_password/", follow=True
    )
    assert response.status_code == 200
    _first, second = outbox(kind="solution_confirmation")
    with scopes_disabled():
        solution.refresh_from_db()
        message = OutboxMessage.objects.select_related("vendor").get(pk=second.pk)
    new_password = unseal(message.sealed)["password"]
    assert password_matches(new_password, solution.password_hash)
    assert not password_matches(old_password, solution.password_hash)


def test_outsider_cannot_reissue_and_nothing_is_queued(client, db):
    vendor = reolink()
    outsider = MembershipFactory(vendor=marketplace()).user
    solution, password = propose(vendor)
    client.force_login(outsider)
    response = client.post(f"/admin/rma/warrantysolution/{solution.pk}/action/reissue_password/")
    assert response.status_code == 404
    assert len(outbox(kind="solution_confirmation")) == 1
    with scopes_disabled():
        solution.refresh_from_db()
    assert password_matches(password, solution.password_hash)
