"""Another vendor's agent sees none of the workspace: notes, messages, files, assignment, queues,
dashboard figures and exports; each refused attempt changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from openpyxl import load_workbook

from rma.models import CaseMessage, CaseNote, Event, ReturnRequest
from rma.services import Actor
from rma.services.messages import Upload, message_to_customer, note_add
from tests.factories import tiny_png

pytestmark = pytest.mark.django_db
CASES = ("returnrequest", "warrantysolution", "orderchangerequest")


@pytest.fixture
def a_thread(graphs, agent_a):
    rr = graphs["a"]["returnrequest"]
    png = SimpleUploadedFile("a.png", tiny_png())
    with scope(vendor=rr.vendor_id):
        note_add(case=rr, actor=Actor.agent(agent_a), body="A-only note")
        message = message_to_customer(
            case=rr,
            actor=Actor.agent(agent_a),
            body="A-only message",
            uploads=[Upload(png, png.name, png.size)],
        )
        return rr, message.attachments.get()


@pytest.mark.parametrize("name", CASES)
def test_outsider_cannot_assign_note_or_message_on_a_case_of_a(client, outsider_b, graphs, name):
    case = graphs["a"][name]
    client.force_login(outsider_b)
    for what, data in (
        ("assign", {"take": "1"}),
        ("note", {"body": "x"}),
        ("message", {"body": "x"}),
    ):
        url = reverse(f"admin:rma_{name}_workspace_{what}", args=[case.pk])
        assert client.post(url, data).status_code == 404
    with scopes_disabled():
        assert type(case).objects.get(pk=case.pk).assignee_id is None
        assert not CaseNote.objects.exists() and not CaseMessage.objects.exists()
        assert not Event.objects.filter(action="assigned").exists()


def test_outsider_cannot_open_a_message_file_of_a(client, outsider_b, graphs, a_thread):
    rr, attachment = a_thread
    client.force_login(outsider_b)
    url = reverse("admin:rma_returnrequest_workspace_attachment", args=[rr.pk, attachment.pk])
    assert client.get(url).status_code == 404
    # nor through their own case with A's file id
    own = graphs["b"]["returnrequest"]
    url = reverse("admin:rma_returnrequest_workspace_attachment", args=[own.pk, attachment.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("admin:rma_returnrequest_change", args=[own.pk])).content.decode()
    assert "A-only" not in page


def test_assignee_choices_are_only_the_vendors_agents(client, agent_a, outsider_b, graphs):
    client.force_login(agent_a)
    page = client.get(
        reverse("admin:rma_returnrequest_change", args=[graphs["a"]["returnrequest"].pk])
    )
    names = {name for _pk, name, _c in page.context["workspace"]["agents"]}
    assert "charlie" not in names and "alice" in names


@pytest.mark.parametrize("name", CASES)
def test_export_holds_only_own_vendor_rows(client, outsider_b, graphs, name):
    client.force_login(outsider_b)
    mine, theirs = graphs["b"][name], graphs["a"][name]
    response = client.get(reverse(f"admin:rma_{name}_export", args=["csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 2  # header + own row
    assert str(mine) in rows[1] and str(theirs) not in rows[1]
    response = client.get(reverse(f"admin:rma_{name}_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2


def test_export_follows_the_changelist_filters(client, agent_a, graphs):
    client.force_login(agent_a)
    url = reverse("admin:rma_returnrequest_export", args=["csv"])
    rows = list(csv.reader(io.StringIO(client.get(url, {"status": "approved"}).content.decode())))
    assert len(rows) == 1  # only the header: A's one case is still requested
    rows = list(csv.reader(io.StringIO(client.get(url, {"queue": "unassigned"}).content.decode())))
    assert rows[0][:2] == ["Return request", "Status"] and rows[1][1] == "Requested"


def test_dashboard_shows_only_own_vendor_and_refuses_a_foreign_choice(
    client, outsider_b, graphs, vendor_a
):
    client.force_login(outsider_b)
    response = client.get(reverse("admin:rma_dashboard"), {"vendor": vendor_a.pk})
    assert response.status_code == 200
    assert response.context["vendor"] == graphs["b"]["vendor"]
    assert [v.pk for v in response.context["vendors"]] == [graphs["b"]["vendor"].pk]
    assert "Dashboard: Vendor A" not in response.content.decode()


def test_queue_counts_do_not_include_other_vendors(client, outsider_b, graphs):
    with scopes_disabled():
        ReturnRequest.objects.filter(pk=graphs["a"]["returnrequest"].pk).update(assignee=outsider_b)
    client.force_login(outsider_b)
    response = client.get(reverse("admin:rma_returnrequest_changelist"), {"queue": "mine"})
    assert list(response.context["cl"].result_list) == []
    assert {q["key"]: q["count"] for q in response.context["queues"]}["mine"] == "0"


def test_portal_never_shows_notes(client, graphs, a_thread):
    from portal.customer.message_views import thread_context

    rr, _attachment = a_thread
    with scope(vendor=rr.vendor_id):
        context = thread_context(rr.vendor, rr)
    bodies = [m.body for m in context["thread"]]
    assert bodies == ["A-only message"]
