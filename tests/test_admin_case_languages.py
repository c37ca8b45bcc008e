"""An agent whose browser asks for German or French reads a case page's next steps in that
language: the buttons, the fields they ask for, their hints and the result of a step."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django_scopes import scope, scopes_disabled

from rma.admin.base import NOTE, RESOLUTION_BUTTONS, RESOLUTION_INPUTS, SERIALS
from rma.admin.changes import CHANGE_ACTIONS
from rma.admin.returns import RETURN_ACTIONS
from rma.admin.solutions import SOLUTION_ACTIONS
from rma.services import Actor, return_approve
from tests.i18n.catalogues import project_messages
from tests.portal.factories import propose_solution, reolink_vendor

from .factories import MembershipFactory, make_case_graph
from .rma.test_return_transitions import satisfy_evidence

pytestmark = pytest.mark.django_db

NEXT_STEPS = {"de": "Nächste Schritte", "fr": "Prochaines étapes"}
CASE_ACTIONS = (*RETURN_ACTIONS, *SOLUTION_ACTIONS, *CHANGE_ACTIONS)


def agent_texts() -> list[str]:
    """Every label, hint and placeholder of the case pages' steps, in English."""
    inputs = [NOTE, SERIALS, *(i for a in CASE_ACTIONS for i in a.inputs)]
    inputs += [i for step in RESOLUTION_INPUTS.values() for i in step]
    texts = [a.label for a in CASE_ACTIONS] + [a.help for a in CASE_ACTIONS]
    texts += list(RESOLUTION_BUTTONS.values())
    texts += [t for i in inputs for t in (i.label, i.help, i.placeholder)]
    with translation.override("en"):
        # Samples such as "12.50" or "PREFIX-N" have no words to translate.
        return sorted({str(t) for t in texts if re.search(r"[a-z]{2,}", str(t))})


@pytest.mark.parametrize("language", ["de", "fr"])
def test_every_case_step_label_hint_and_placeholder_is_translated(language):
    catalogue = project_messages(language)
    untranslated = [text for text in agent_texts() if not catalogue.get(text)]
    assert not untranslated, untranslated


def next_steps(response) -> tuple[str, list[str]]:
    """The Next steps section of a case page as text, and its buttons' words."""
    assert response.status_code == 200
    page = response.content.decode()
    section = re.search(r'<section class="case-section case-next-steps".*?</section>', page, re.S)
    assert section, page[:500]
    markup = section.group(0)
    buttons = [
        html.unescape(" ".join(b.split()))
        for b in re.findall(r"<button[^>]*>(.*?)</button>", markup, re.S)
    ]
    text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))
    return text, buttons


def english_leftovers(text: str, actions, language: str) -> list[str]:
    """The English labels and hints of ``actions`` found in ``text``; a word the language spells
    the same ("Note" in French) is no leftover."""
    with translation.override("en"):
        english = {str(a.label) for a in actions} | {
            str(t) for a in actions for i in a.inputs for t in (i.label, i.help) if t
        }
    with translation.override(language):
        return sorted(e for e in english if e in text and translation.gettext(e) != e)


def offered_labels(response, language: str) -> list[str]:
    with translation.override(language):
        return [str(entry["action"].label) for entry in response.context["case_action_forms"]]


@pytest.mark.parametrize("language", ["de", "fr"])
def test_return_case_page_offers_its_steps_in_the_agents_language(
    client, agent_a, vendor_a, language
):
    with scopes_disabled():
        rr = make_case_graph(vendor_a)["returnrequest"]
    client.force_login(agent_a)
    url = reverse("admin:rma_returnrequest_change", args=[rr.pk])

    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    text, buttons = next_steps(response)
    labels = offered_labels(response, language)
    assert NEXT_STEPS[language] in text
    assert buttons == labels and len(labels) >= 4, buttons
    with translation.override("en"):
        english = [str(entry["action"].label) for entry in response.context["case_action_forms"]]
    assert "Approve and issue RMA number" in english
    assert not set(english) & set(buttons), buttons
    assert not english_leftovers(text, RETURN_ACTIONS, language), text

    # Approved: the tracking form asks for a carrier and a number, in the agent's words too.
    with scope(vendor=vendor_a):
        satisfy_evidence(rr)
        return_approve(return_request=rr, actor=Actor.system("test"))
    text, buttons = next_steps(client.get(url, HTTP_ACCEPT_LANGUAGE=language))
    with translation.override(language):
        assert translation.gettext("Record return tracking") in buttons
        assert translation.gettext("Tracking number") in text
        assert translation.gettext("(required)") in text
    assert not english_leftovers(text, RETURN_ACTIONS, language), text

    # The step's result reads in the same language.
    done = client.post(
        reverse("admin:rma_returnrequest_action", args=[rr.pk, "mark_shipped"]),
        {"carrier": "dhl", "tracking_number": "1234567890"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    said = [str(m) for m in client.get(done["Location"]).context["messages"]]
    with translation.override(language):
        expected = translation.gettext("%(action)s: done.") % {
            "action": translation.gettext("Record return tracking")
        }
    assert expected in said, said


@pytest.mark.parametrize("language", ["de", "fr"])
def test_solution_case_page_offers_its_steps_in_the_agents_language(client, language):
    reolink = reolink_vendor()
    agent = MembershipFactory(vendor=reolink, user__username=f"agent-{language}").user
    with scope(vendor=reolink):
        solution, _password = propose_solution(reolink)
    client.force_login(agent)
    response = client.get(
        reverse("admin:rma_warrantysolution_change", args=[solution.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    text, buttons = next_steps(response)
    labels = offered_labels(response, language)
    assert NEXT_STEPS[language] in text
    assert buttons == labels and labels, buttons
    with translation.override(language):
        assert translation.gettext("Re-issue password") in buttons
        assert translation.gettext("Cancel solution") in buttons
    assert not english_leftovers(text, SOLUTION_ACTIONS, language), text
