"""A vendor's own email subjects reach the customer in the customer's language, unless the
vendor's policy keeps them in English as written (``english_email_subjects``)."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from notifications.emails import build_email
from notifications.models import OutboxMessage
from notifications.sealing import unseal
from rma import services
from rma.services import Actor
from tests.notifications.factories import propose, reolink

pytestmark = pytest.mark.django_db
REO1 = "Action Required: Please confirm your warranty solution for Reolink products"
REO1_IN = {
    "en": REO1,
    "de": "Handlungsbedarf: Bitte bestätigen Sie Ihre Garantielösung für Reolink-Produkte",
    "fr": "Action requise : veuillez confirmer votre solution de garantie pour les produits "
    "Reolink",
}


def sent(kind: str):
    with scopes_disabled():
        message = OutboxMessage.objects.select_related("vendor").filter(kind=kind).latest("pk")
        return build_email(message, unseal(message.sealed))


def remind(solution) -> None:
    with scope(vendor=solution.vendor):
        services.solution_remind(solution=solution, actor=Actor.system(), at=solution.remind_at)


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_reo1_subject_and_reminder_in_the_customers_language(language):
    solution, _password = propose(reolink(), language=language)
    assert sent("solution_confirmation").subject == REO1_IN[language]
    remind(solution)
    reminder = sent("solution_reminder")
    # The reminder names the first email by the subject the customer received (a subject
    # line keeps plain spaces, the body the French no-break space before the colon).
    assert REO1_IN[language].replace("\u00a0", " ") in reminder.body.replace("\u00a0", " ")


@pytest.mark.parametrize("language", ["de", "fr"])
def test_a_vendor_keeps_its_english_subjects_verbatim(language):
    vendor = reolink(policy_settings={"english_email_subjects": True})
    solution, _password = propose(vendor, language=language)
    email = sent("solution_confirmation")
    assert email.subject == REO1
    # The body stays in the customer's language.
    assert ("Passwort" if language == "de" else "mot de passe") in email.body
    remind(solution)
    reminder = sent("solution_reminder")
    assert reminder.subject.startswith("Reminder: your warranty solution for Reolink products")
    assert f"“{REO1}”" in reminder.body or f"„{REO1}“" in reminder.body or REO1 in reminder.body
    assert ("Kundendienst" if language == "de" else "service client") in reminder.body


def test_the_setting_is_a_checked_policy_setting():
    from policies.registry import POLICIES

    for policy in POLICIES.values():
        assert policy.Settings().english_email_subjects is False
        with pytest.raises(ValueError, match="english_email_subjects"):
            policy.Settings.from_mapping({"english_email_subjects": "yes"}, policy_key=policy.key)
