"""The admin pages ``test_admin_query_counts`` does not cover cost the same queries at few rows
as at many: every other changelist and change page a vendor's manager sees, the index, the
dashboard, the simulator, the unit upload, the exports, the files, and the case page's writes.

Each test reads (or writes) once, gives the vendor more of every row (cases, emails, webhook
deliveries, keys, and more evidence, events and messages on the case at hand), and again.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from api.keys import api_key_create
from notifications.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from rma.effects import on_event
from rma.models import Event, Evidence
from rma.services import Actor
from rma.services.messages import Upload, message_to_customer
from tests.notifications.factories import WebhookEndpointFactory

from .factories import make_case_graph, tiny_png
from .portal.helpers import upload

CHANGELISTS = [
    ("rma", "catalogproduct"),
    ("rma", "returnaccess"),
    ("rma", "orderchangerequest"),
    ("rma", "unit"),
    ("rma", "unitregistration"),
    ("tenancy", "vendor"),
    ("portal", "vendordomain"),
    ("api", "apikey"),
    ("api", "solutionportallink"),
    ("notifications", "outboxmessage"),
    ("notifications", "webhookendpoint"),
    ("notifications", "webhookdelivery"),
]


def _queries(client, url: str, method: str = "get", data=None, status: int = 200) -> int:
    if method == "get":
        client.get(url)  # what a signed-in agent's first page reads once is not counted
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == status, (url, response.status_code)
    return len(captured)


def _graph(vendor) -> dict:
    """A case graph whose audit event recorded its email and webhook deliveries."""
    with scopes_disabled():
        graph = make_case_graph(vendor)
        on_event(graph["event"])
        graph["outboxmessage"] = OutboxMessage.objects.filter(vendor=vendor).latest("pk")
        graph["webhookdelivery"] = WebhookDelivery.objects.filter(vendor=vendor).latest("pk")
        graph["webhookendpoint"] = graph["webhookdelivery"].endpoint
        graph["apikey"] = api_key_create(vendor=vendor, name=f"Key {graph['order'].pk}")[0]
        graph["solutionportallink"] = graph["warrantysolution"]
    return graph


def _grow(vendor, count: int = 6) -> None:
    for _ in range(count):
        _graph(vendor)


def _richer(vendor, graph: dict, count: int = 4) -> None:
    """More evidence, events and messages with files on the graph's return."""
    rr = graph["returnrequest"]
    with scopes_disabled():
        for _more in range(count):
            extra = make_case_graph(vendor)
            Evidence.objects.filter(pk=extra["evidence"].pk).update(return_request=rr)
            Event.objects.create(vendor=vendor, return_request=rr, action="note")
    _say(vendor, rr, count)


def _say(vendor, case, count: int) -> list[int]:
    files = []
    with scope(vendor=vendor):
        for number in range(count):
            picture = upload(f"a{number}.png", tiny_png(colour=(number, 40, 40)))
            message = message_to_customer(
                case=case,
                actor=Actor.system("agent in test"),
                body=f"Update {number}",
                uploads=[Upload(file=picture, name=picture.name, size=picture.size)],
            )
            files.extend(message.attachments.values_list("pk", flat=True))
    return files


@pytest.fixture
def manager(client, colleague_a, vendor_a):
    WebhookEndpointFactory(vendor=vendor_a)
    client.force_login(colleague_a)
    client.get(reverse("admin:index"))
    return client


# The add pages a manager may open: their choices must not be read row by row either.
ADD_PAGES = [("rma", "customer"), ("rma", "order"), ("api", "apikey")]
ADD_PAGES += [("notifications", "webhookendpoint")]
LIST_AND_ADD = [(a, m, "changelist") for a, m in CHANGELISTS] + [
    (a, m, "add") for a, m in ADD_PAGES
]


@pytest.mark.parametrize(
    ("app", "model", "page"), LIST_AND_ADD, ids=[f"{m}-{p}" for _a, m, p in LIST_AND_ADD]
)
def test_every_other_changelist_and_add_page_query_count_is_constant(
    manager, vendor_a, app, model, page
):
    url = reverse(f"admin:{app}_{model}_{page}")
    _graph(vendor_a)
    few = _queries(manager, url)
    _grow(vendor_a)
    assert _queries(manager, url) == few


# Every changelist's change page (a domain's page is a superuser's), and the case models
# reached from a case: its customer, evidence and timeline entries.
CHANGE_PAGES = [("rma", "customer"), ("rma", "evidence"), ("rma", "event")]
CHANGE_PAGES += [page for page in CHANGELISTS if page != ("portal", "vendordomain")]


# The history page of each case model, beside the change pages.
HISTORY = ["customer", "order", "warrantysolution", "evidence", "event", "catalogproduct"]
HISTORY += ["returnaccess", "orderchangerequest", "unit", "unitregistration"]
CHANGE_AND_HISTORY = [(a, m, "change") for a, m in CHANGE_PAGES] + [
    ("rma", m, "history") for m in HISTORY
]


@pytest.mark.parametrize(
    ("app", "model", "page"),
    CHANGE_AND_HISTORY,
    ids=[f"{m}-{p}" for _a, m, p in CHANGE_AND_HISTORY],
)
def test_every_other_change_and_history_page_query_count_is_constant(
    manager, vendor_a, app, model, page
):
    graph = _graph(vendor_a)
    url = reverse(f"admin:{app}_{model}_{page}", args=[graph[model].pk])
    few = _queries(manager, url)
    _grow(vendor_a)
    _richer(vendor_a, graph)
    assert _queries(manager, url) == few


def _tool_pages(graph: dict) -> list[str]:
    rr = graph["returnrequest"]
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["rma"]),
        reverse("admin:rma_dashboard"),
        reverse("admin:rma_policy_simulator"),
        reverse("admin:rma_unit_upload"),
        reverse("admin:rma_returnrequest_history", args=[rr.pk]),
        reverse("admin:rma_evidence_file", args=[graph["evidence"].pk]),
        reverse("admin:rma_unitregistration_proof", args=[graph["unitregistration"].pk]),
    ]


def test_index_dashboard_tools_and_files_query_count_is_constant(manager, vendor_a):
    graph = _graph(vendor_a)
    [attachment] = _say(vendor_a, graph["returnrequest"], 1)
    pages = [
        *_tool_pages(graph),
        reverse(
            "admin:rma_returnrequest_workspace_attachment",
            args=[graph["returnrequest"].pk, attachment],
        ),
    ]
    few = [_queries(manager, page) for page in pages]
    _grow(vendor_a)
    _richer(vendor_a, graph)
    assert [_queries(manager, page) for page in pages] == few


@pytest.mark.parametrize("model", ["returnrequest", "warrantysolution", "orderchangerequest"])
def test_exports_query_count_does_not_grow_with_the_rows_exported(manager, vendor_a, model):
    url = reverse(f"admin:rma_{model}_export", args=["csv"])
    _graph(vendor_a)
    few = _queries(manager, url)
    _grow(vendor_a)
    assert _queries(manager, url) == few


def _case_writes(client, graph: dict) -> list[int]:
    rr = graph["returnrequest"]

    def workspace(what: str) -> str:
        return reverse(f"admin:rma_returnrequest_workspace_{what}", args=[rr.pk])

    return [
        _queries(client, workspace("assign"), "post", {"take": "1"}, status=302),
        _queries(client, workspace("note"), "post", {"body": "Called the customer."}, status=302),
        _queries(client, workspace("message"), "post", {"body": "Label, please."}, status=302),
        _queries(
            client,
            reverse("admin:rma_returnrequest_action", args=[rr.pk, "start_review"]),
            "post",
            status=302,
        ),
    ]


def test_case_page_writes_query_count_is_constant(manager, vendor_a):
    first = _graph(vendor_a)
    few = _case_writes(manager, first)
    _grow(vendor_a)
    second = _graph(vendor_a)
    _richer(vendor_a, second)
    assert _case_writes(manager, second) == few
    with scopes_disabled():
        assert WebhookEndpoint.objects.filter(vendor=vendor_a).count() == 1


def _units_csv(graphs: list[dict], per_line: int = 2) -> bytes:
    rows = ["order_number,sku,serial,batch"]
    for graph in graphs:
        line = graph["orderline"]
        rows += [f"{line.order.number},{line.sku},{line.pk}-{n},B1" for n in range(per_line)]
    return ("\n".join(rows) + "\n").encode()


def test_unit_upload_query_count_does_not_grow_with_the_files_rows(manager, vendor_a):
    page = reverse("admin:rma_unit_upload")

    def sent(graphs: list[dict]) -> int:
        with scopes_disabled():
            for graph in graphs:
                graph["orderline"].__class__.objects.filter(pk=graph["orderline"].pk).update(
                    quantity=2
                )
        csv = upload("units.csv", _units_csv(graphs), "text/csv")
        return _queries(manager, page, "post", {"vendor": vendor_a.pk, "file": csv}, status=302)

    one = sent([_graph(vendor_a)])
    with scopes_disabled():
        six = [make_case_graph(vendor_a) for _ in range(6)]
    assert sent(six) == one
    with scopes_disabled():
        assert graph_units(vendor_a) == 2 + 12


def graph_units(vendor) -> int:
    from rma.models import Unit

    return Unit.objects.filter(vendor=vendor, source=Unit.Source.UPLOAD).count()


def _tool_writes(client, vendor, graph: dict) -> list[int]:
    from rma.models import Resolution
    from tests.rma.resolution_cases import keep_case

    with scope(vendor=vendor):
        rr = keep_case(vendor)
        reshipment = rr.resolutions.get(kind="reshipment")
    assert isinstance(reshipment, Resolution)
    step = reverse(
        "admin:rma_returnrequest_resolution", args=[rr.pk, reshipment.public_id, "shipped"]
    )
    resend = "admin:notifications_{}_resend"
    return [
        _queries(client, step, "post", {"carrier": "DHL", "tracking_number": "JD1"}, 302),
        _queries(
            client,
            reverse(resend.format("outboxmessage"), args=[graph["outboxmessage"].pk]),
            "post",
            status=302,
        ),
        _queries(
            client,
            reverse(resend.format("webhookdelivery"), args=[graph["webhookdelivery"].pk]),
            "post",
            status=302,
        ),
        _queries(
            client,
            reverse(
                "admin:notifications_webhookendpoint_rotate", args=[graph["webhookendpoint"].pk]
            ),
            "post",
            status=302,
        ),
        _queries(
            client,
            reverse("admin:rma_order_propose_solution", args=[graph["order"].pk]),
        ),
    ]


def test_resolution_step_resends_rotation_and_propose_page_query_counts_are_constant(
    manager, vendor_a
):
    few = _tool_writes(manager, vendor_a, _graph(vendor_a))
    _grow(vendor_a)
    second = _graph(vendor_a)
    _richer(vendor_a, second)
    assert _tool_writes(manager, vendor_a, second) == few
