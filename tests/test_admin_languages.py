"""An agent whose browser asks for German or French reads the admin in that language: the names
of our apps, models and fields (the sidebar, breadcrumbs, titles, column headers, filters and
form labels) and every text of the index, the changelists, and the change and add pages a
vendor's manager opens.

``test_admin_case_languages`` covers the case page's next steps in depth; this covers the rest
of what the same agent meets on the way there.
"""

from __future__ import annotations

import contextlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django_scopes import scopes_disabled

from tests.i18n.catalogues import GettextRecorder, english_sentences
from tests.i18n.pages import read
from tests.notifications.factories import WebhookEndpointFactory

from .factories import make_case_graph

OWN_APPS = ("rma", "tenancy", "notifications", "api", "portal")
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _unmarked_names() -> list[str]:
    """Every app, model and field name of ours that is not a lazy translation."""
    unmarked = []
    for label in OWN_APPS:
        if not isinstance(apps.get_app_config(label).verbose_name, Promise):
            unmarked.append(f"app {label}: verbose_name")
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label not in OWN_APPS:
            continue
        if not isinstance(opts.verbose_name, Promise):
            unmarked.append(f"{opts.label}: Meta.verbose_name")
        # Without its own plural, Django adds an "s" to the translated singular: the German
        # sidebar read "Ausgangsnachrichts".
        if not isinstance(opts.original_attrs.get("verbose_name_plural"), Promise):
            unmarked.append(f"{opts.label}: Meta.verbose_name_plural")
        for field in opts.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            if not isinstance(field.verbose_name, Promise):
                unmarked.append(f"{opts.label}.{field.name}: verbose_name")
    return unmarked


def test_every_app_model_and_field_name_is_marked_for_translation():
    unmarked = _unmarked_names()
    assert not unmarked, f"{len(unmarked)} names are not translatable: {unmarked}"


def _data(graph: dict) -> list[str]:
    """What the case graph's rows hold as typed text: it stays as typed in any language."""
    values = set()
    with scopes_disabled():
        for row in graph.values():
            for field in row._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField):
                    value = str(getattr(row, field.attname) or "")
                    if len(value) >= 4:
                        values.add(value)
    return sorted(values, key=len, reverse=True)


def _admin_urls(graph: dict) -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label not in OWN_APPS:
            continue
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        with contextlib.suppress(NoReverseMatch):  # an admin that adds nothing
            urls.append(reverse(f"{prefix}_add"))
        row = graph.get(opts.model_name)
        if row is not None:
            urls.append(reverse(f"{prefix}_change", args=[row.pk]))
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_page_a_manager_opens_reads_in_their_language(
    client, vendor_a, colleague_a, language
):
    graph = make_case_graph(vendor_a)
    WebhookEndpointFactory(vendor=vendor_a)
    data = _data(graph)
    client.force_login(colleague_a)
    recorder = GettextRecorder()
    problems: list[str] = []
    opened = 0
    with recorder.active():
        for url in _admin_urls(graph):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            if response.status_code in (302, 403):  # a page this manager may not open
                continue
            assert response.status_code == 200, (url, response.status_code)
            opened += 1
            for miss in recorder.take_misses():
                if miss.language == language:
                    problems.append(f"{url}: no {language} translation for {miss.msgid!r}")
            text = " ".join(read(response.content.decode()).segments)
            for value in data:
                text = text.replace(value, " ")
            for sentence in english_sentences(language):
                if sentence.fragment in text:
                    problems.append(f"{url}: English {sentence.fragment!r}")
    assert opened >= 30, opened
    assert not problems, f"{len(problems)} untranslated texts:\n" + "\n".join(sorted(problems))
