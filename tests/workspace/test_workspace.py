"""Assignment, queues, notes and the message thread: services, admin views and the portal."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from notifications.models import OutboxMessage
from rma.models import CaseMessage, CaseNote, Event, ReturnRequest
from rma.queues import COUNT_LIMIT, bounded_count, count_label
from rma.services import Actor, DomainError
from rma.services.assignment import case_assign, case_take
from rma.services.messages import Upload, message_from_customer, message_to_customer, note_add
from tests.factories import tiny_png

pytestmark = pytest.mark.django_db


def _change(obj, name="returnrequest"):
    return reverse(f"admin:rma_{name}_change", args=[obj.pk])


def _ws(obj, what, name="returnrequest"):
    return reverse(f"admin:rma_{name}_workspace_{what}", args=[obj.pk])


def test_assignment_writes_an_event_and_refuses_another_vendors_agent(
    agent_a, colleague_a, outsider_b, graphs
):
    rr = graphs["a"]["returnrequest"]
    with scope(vendor=rr.vendor_id):
        case_assign(case=rr, assignee=colleague_a, actor=Actor.agent(agent_a))
        with pytest.raises(DomainError, match="agent of this vendor"):
            case_assign(case=rr, assignee=outsider_b, actor=Actor.agent(agent_a))
        with pytest.raises(DomainError, match="already assigned"):
            case_assign(case=rr, assignee=colleague_a, actor=Actor.agent(agent_a))
        case_take(case=rr, actor=Actor.agent(agent_a))
        rr.refresh_from_db()
        assert rr.assignee == agent_a
        events = list(rr.events.filter(action="assigned").values_list("data", flat=True))
    assert [(e["from"], e["to"]) for e in events] == [("", "bob"), ("bob", "alice")]
    # The note is a message, read in the agent's language where the timeline shows it.
    assert [e["note_message"]["params"] for e in events] == [{"name": "bob"}, {"name": "alice"}]


def test_agent_takes_and_assigns_through_the_case_page(client, agent_a, colleague_a, graphs):
    rr = graphs["a"]["returnrequest"]
    client.force_login(agent_a)
    page = client.get(_change(rr))
    agents = {name for _pk, name, _current in page.context["workspace"]["agents"]}
    assert agents == {"alice", "bob"}
    client.post(_ws(rr, "assign"), {"take": "1"})
    with scopes_disabled():
        assert ReturnRequest.objects.get(pk=rr.pk).assignee == agent_a
    client.post(_ws(rr, "assign"), {"assignee": str(colleague_a.pk)})
    with scopes_disabled():
        assert ReturnRequest.objects.get(pk=rr.pk).assignee == colleague_a


def test_assigning_to_an_outsider_by_id_is_refused_and_changes_nothing(
    client, agent_a, outsider_b, graphs
):
    rr = graphs["a"]["returnrequest"]
    client.force_login(agent_a)
    response = client.post(_ws(rr, "assign"), {"assignee": str(outsider_b.pk)}, follow=True)
    assert "choose an agent of this vendor" in response.content.decode()
    with scopes_disabled():
        assert ReturnRequest.objects.get(pk=rr.pk).assignee is None
        assert not Event.objects.filter(action="assigned").exists()


def test_queues_filter_and_count(client, agent_a, graphs, vendor_a):
    rr = graphs["a"]["returnrequest"]
    client.force_login(agent_a)
    url = reverse("admin:rma_returnrequest_changelist")
    bar = {q["key"]: q["count"] for q in client.get(url).context["queues"]}
    assert bar == {"mine": "0", "unassigned": "1", "due_today": "0", "overdue": "0", "waiting": "0"}
    with scopes_disabled():
        ReturnRequest.objects.filter(pk=rr.pk).update(
            assignee=agent_a, review_due=timezone.now() - timedelta(hours=1)
        )
    response = client.get(url, {"queue": "mine"})
    assert [r.pk for r in response.context["cl"].result_list] == [rr.pk]
    bar = {q["key"]: q["count"] for q in response.context["queues"]}
    assert bar["mine"] == "1" and bar["overdue"] == "1" and bar["unassigned"] == "0"
    assert list(client.get(url, {"queue": "unassigned"}).context["cl"].result_list) == []
    # Order changes have no deadline column: no due/overdue views there.
    keys = [
        q["key"]
        for q in client.get(reverse("admin:rma_orderchangerequest_changelist")).context["queues"]
    ]
    assert keys == ["mine", "unassigned", "waiting"]


def test_bounded_count_stops_at_the_limit(graphs, django_assert_max_num_queries):
    with scopes_disabled():
        qs = Event.objects.all()
        assert bounded_count(qs) == qs.count() < COUNT_LIMIT
    assert count_label(COUNT_LIMIT) == "99+" and count_label(7) == "7"


def test_note_stays_internal_and_message_emails_the_customer_in_their_language(
    client, agent_a, graphs
):
    rr = graphs["a"]["returnrequest"]
    with scopes_disabled():
        rr.customer.language = "de"
        rr.customer.save()
    client.force_login(agent_a)
    client.post(_ws(rr, "note"), {"body": "Customer called, wants a refund not a repair."})
    client.post(_ws(rr, "message"), {"body": "Please send a photo of the label."})
    with scopes_disabled():
        assert CaseNote.objects.get().body.startswith("Customer called")
        message = CaseMessage.objects.get()
        assert message.direction == "to_customer"
        [email] = OutboxMessage.objects.filter(kind="case_message_customer")
        assert email.to == rr.customer.email and email.language == "de"
        assert ReturnRequest.objects.get(pk=rr.pk).awaiting_customer_since is not None
        # nothing of the note reaches any email
        assert not any("Customer called" in str(m.context) for m in OutboxMessage.objects.all())
    page = client.get(_change(rr))
    text = page.content.decode()
    assert "Customer called" in text and "Please send a photo of the label." in text


def test_customer_answer_emails_the_assignee_and_clears_waiting(agent_a, colleague_a, graphs):
    rr = graphs["a"]["returnrequest"]
    with scope(vendor=rr.vendor_id):
        case_assign(case=rr, assignee=colleague_a, actor=Actor.agent(agent_a))
        message_to_customer(case=rr, actor=Actor.agent(agent_a), body="Which colour?")
        message_from_customer(case=rr, actor=Actor.customer(rr.customer.email), body="Black.")
        rr.refresh_from_db()
        assert rr.awaiting_customer_since is None
        [email] = OutboxMessage.objects.filter(kind="case_message_agent")
    assert email.to == colleague_a.email


def test_attachment_passes_the_evidence_checks(agent_a, graphs):
    rr = graphs["a"]["returnrequest"]
    actor = Actor.agent(agent_a)
    fake = SimpleUploadedFile("label.png", b"MZ\x90\x00 not a picture at all")
    with scope(vendor=rr.vendor_id):
        with pytest.raises(DomainError, match="MSG-1"):
            message_to_customer(
                case=rr, actor=actor, body="See file", uploads=[Upload(fake, fake.name, fake.size)]
            )
        assert not CaseMessage.objects.exists()
        png = SimpleUploadedFile("label.png", tiny_png())
        message = message_to_customer(
            case=rr, actor=actor, body="See file", uploads=[Upload(png, png.name, png.size)]
        )
        [attachment] = message.attachments.all()
    assert attachment.content_type == "image/png" and attachment.original_name == "label.png"


def test_empty_note_is_refused(agent_a, graphs):
    rr = graphs["a"]["returnrequest"]
    with scope(vendor=rr.vendor_id), pytest.raises(DomainError):
        note_add(case=rr, actor=Actor.agent(agent_a), body="   ")


def test_order_change_takes_notes_but_no_customer_messages(client, agent_a, graphs):
    change = graphs["a"]["orderchangerequest"]
    client.force_login(agent_a)
    page = client.get(_change(change, "orderchangerequest"))
    assert page.context["workspace"]["takes_messages"] is False
    client.post(_ws(change, "note", "orderchangerequest"), {"body": "Called the courier."})
    with scopes_disabled():
        assert CaseNote.objects.get().order_change_id == change.pk
    with scope(vendor=change.vendor_id), pytest.raises(DomainError):
        message_to_customer(case=change, actor=Actor.agent(agent_a), body="Hi")


def test_assignment_is_hidden_from_the_customer_timeline(agent_a, graphs):
    from portal.customer.timeline import customer_events

    rr = graphs["a"]["returnrequest"]
    with scope(vendor=rr.vendor_id):
        case_take(case=rr, actor=Actor.agent(agent_a))
        labels = [e.label for e in customer_events(rr.events.all())]
    assert not any("ssign" in label for label in labels)


def test_message_email_renders_both_parts(agent_a, graphs):
    from notifications.outbox import send_message

    rr = graphs["a"]["returnrequest"]
    with scope(vendor=rr.vendor_id):
        message_to_customer(case=rr, actor=Actor.agent(agent_a), body="Line one\nLine <two>")
    with scopes_disabled():
        pk = OutboxMessage.objects.get(kind="case_message_customer").pk
        assert send_message(pk) == "sent"
    email = mail.outbox[-1]
    html = email.alternatives[0][0]
    assert "Line <two>" in email.body and "Line &lt;two&gt;" in html
    assert f"/returns/{rr.public_id}/" in email.body


def test_colleague_sees_notes_outsider_gets_nothing(client, colleague_a, outsider_b, graphs):
    rr = graphs["a"]["returnrequest"]
    with scope(vendor=rr.vendor_id):
        note_add(case=rr, actor=Actor.system("x"), body="Secret internal remark")
    client.force_login(colleague_a)
    assert "Secret internal remark" in client.get(_change(rr)).content.decode()
    client.force_login(outsider_b)
    assert client.get(_change(rr)).status_code == 302


class _FormNesting(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


@pytest.mark.parametrize("name", ["returnrequest", "warrantysolution", "orderchangerequest"])
def test_workspace_forms_are_never_nested(client, agent_a, graphs, name):
    client.force_login(agent_a)
    html = client.get(_change(graphs["a"][name], name)).content.decode()
    parser = _FormNesting()
    parser.feed(html)
    # Every form on the case page, the workspace panels' included, stands alone.
    assert "ws-note-body" in html and parser.depth == 0 and parser.deepest == 1
