"""Every admin page type parses as valid HTML, and no <form> sits inside another.

A browser's parser silently drops a nested <form> start tag, so its button submits nothing
(or the outer form); the test client never notices. This renders each page an agent reaches
and parses it as a browser would (html5lib, strict), failing on any parse error.
"""

from __future__ import annotations

import contextlib
import re

import html5lib
import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django_scopes import scope, scopes_disabled

from .factories import make_case_graph
from .rma.test_return_transitions import satisfy_evidence


def parse_strict(html: str):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(html)


def nested_forms(html: str) -> list[str]:
    """Form start tags that open while another form is open, found in the raw markup."""
    depth, found = 0, []
    for match in re.finditer(r"<(/?)form\b[^>]*>", html, flags=re.IGNORECASE):
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            if depth:
                found.append(match.group(0))
            depth += 1
    return found


def assert_valid_page(client, url: str, *, allow_forbidden: bool = False) -> str:
    response = client.get(url)
    if allow_forbidden and response.status_code == 403:
        return ""  # an add page the admin does not offer
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert nested_forms(html) == [], f"{url}: nested <form>"
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    parser.parse(html)
    errors = []
    lines = html.splitlines()
    for (line, col), code, data in parser.errors:
        source = lines[line - 1].strip()[:160] if 0 < line <= len(lines) else ""
        errors.append(f"line {line}:{col} {code} {data or ''}: {source}")
    assert errors == [], f"{url} is not valid HTML:\n" + "\n".join(errors)
    return html


def admin_pages(graph, vendor) -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:rma_policy_simulator")]
    for model in admin.site._registry:
        if model._meta.app_label not in {"rma", "api", "notifications", "tenancy"}:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        obj = graph.get(model._meta.model_name)
        if obj is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        with contextlib.suppress(NoReverseMatch):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    urls.append(reverse("admin:rma_order_propose_solution", args=[graph["order"].pk]))
    urls.append(reverse("admin:tenancy_vendor_change", args=[vendor.pk]))
    return urls


@pytest.fixture
def graph(vendor_a):
    from tests.notifications.test_admin import make_graph

    # The notifications rows (an outbox message, a webhook endpoint and delivery) come with a
    # case graph of their own; the pages below show one of each kind.
    graph = make_graph(vendor_a)
    with scopes_disabled():
        graph.update(make_case_graph(vendor_a))
    with scope(vendor=vendor_a):
        satisfy_evidence(graph["returnrequest"])
    return graph


def test_every_admin_page_type_is_valid_html_without_nested_forms(
    client, superuser, graph, vendor_a
):
    client.force_login(superuser)
    checked = 0
    for url in admin_pages(graph, vendor_a):
        checked += bool(assert_valid_page(client, url, allow_forbidden=url.endswith("/add/")))
    assert checked > 15


def test_case_pages_put_each_next_step_in_a_form_of_its_own(client, agent_a, graph):
    client.force_login(agent_a)
    for key in ("returnrequest", "warrantysolution", "orderchangerequest"):
        obj = graph[key]
        html = assert_valid_page(client, reverse(f"admin:rma_{key}_change", args=[obj.pk]))
        tree = parse_strict(html)
        forms = tree.findall(".//form")
        actions = [f for f in forms if "/action/" in (f.get("action") or "")]
        for form in actions:
            assert form.findall(".//button[@type='submit']"), form.get("action")
        # Every next step offered is a form posting to its own action URL.
        response = client.get(reverse(f"admin:rma_{key}_change", args=[obj.pk]))
        assert len(actions) == len(response.context["case_action_forms"]) > 0, key


def test_nested_form_detector_finds_a_nested_form():
    assert nested_forms("<form a><div><form b></form></div></form>") == ["<form b>"]
    assert nested_forms("<form a></form><form b></form>") == []
