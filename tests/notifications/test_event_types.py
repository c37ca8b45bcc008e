"""Every event type is declared once with what it causes; services use only declared ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from policies.vocabulary import EventSubject, EventType
from rma import emails
from rma.effects import EVENT_EFFECTS

ROOT = Path(__file__).resolve().parents[2]


def test_every_event_type_has_its_effects_listed():
    missing = [t for t in EventType if t not in EVENT_EFFECTS]
    assert missing == []


def test_every_listed_email_is_a_known_email_kind():
    for effects in EVENT_EFFECTS.values():
        for email in effects.emails:
            assert email.__name__ in emails.KINDS, email.__name__


def _actions_written_by(path: Path) -> set[str]:
    """The ``action="..."`` keyword arguments in one module's calls."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "action" and isinstance(kw.value, ast.Constant):
                    found.add(kw.value.value)
    return found


@pytest.mark.parametrize(
    "module, subject",
    [
        ("solutions.py", EventSubject.SOLUTION),
        ("returns.py", EventSubject.RETURN),
        ("return_handling.py", EventSubject.RETURN),
        ("changes.py", EventSubject.ORDER_CHANGE),
    ],
)
def test_services_write_only_declared_event_types(module, subject):
    actions = _actions_written_by(ROOT / "rma" / "services" / module)
    assert actions, module
    for action in actions:
        assert EventType.of(subject, action) in EVENT_EFFECTS


def test_an_undeclared_action_is_refused():
    with pytest.raises(ValueError, match="Unknown event 'aproved'"):
        EventType.of(EventSubject.RETURN, "aproved")
