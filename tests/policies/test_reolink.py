"""Reolink's warranty-solution rules REO-1..REO-12: reject, submit, uploads and deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from policies import EvidenceKind, RequestKind, get_policy
from policies.base import PASSWORD_ALPHABET, generate_solution_password
from policies.reolink import (
    SOLUTION_CONTENT_FIELDS,
    SOLUTION_EMAIL_SUBJECT,
    ReolinkPolicy,
)
from tests.policies import local, only, order, request, rules

MIB = 1024 * 1024
NY = "America/New_York"


def reolink(**settings: object) -> ReolinkPolicy:
    policy = get_policy("reolink", settings, timezone=NY, country="US")
    assert isinstance(policy, ReolinkPolicy)
    return policy


REOLINK = reolink()


def reject(status: str | None, comment: str = "Please send a replacement instead"):
    facts = request(
        local(NY, 2026, 3, 5, 10),
        kind=RequestKind.SOLUTION_REJECT,
        scenario=None,
        solution_status=status,
        comment=comment,
    )
    return REOLINK.decide(order(), facts)


def submit(**overrides: object):
    values: dict[str, object] = {
        "return_needed": True,
        "payment_needed": False,
        "address_confirmed": True,
        "original_country": "US",
        "tracking_number": "1Z999AA10123456784",
        "evidence": {EvidenceKind.POSTAGE_RECEIPT: 1},
    }
    return REOLINK.check_solution_submission(**{**values, **overrides})  # type: ignore[arg-type]


def test_reo1_email_subject_and_spam_hint() -> None:
    assert SOLUTION_EMAIL_SUBJECT == (
        "Action Required: Please confirm your warranty solution for Reolink products"
    )
    notice = REOLINK.solution_email_notice()[0].english()
    assert "confirm your warranty solution" in notice and "spam" in notice


@pytest.mark.parametrize(
    ("sent", "remind"),
    [
        pytest.param(local(NY, 2026, 3, 5, 10), local(NY, 2026, 3, 8, 10), id="across-dst-start"),
        pytest.param(local(NY, 2026, 6, 1, 23, 30), local(NY, 2026, 6, 4, 23, 30), id="late"),
    ],
)
def test_reo1_confirmation_reminder_after_3_days(sent: datetime, remind: datetime) -> None:
    reminder, _expiry = REOLINK.solution_deadlines(sent)
    assert (reminder.name, reminder.rule_id, reminder.at) == ("confirm_remind_at", "REO-1", remind)
    assert reolink(confirm_remind_after_days=4).solution_deadlines(sent)[0].at != remind


def test_reo2_solution_password() -> None:
    passwords = {generate_solution_password() for _ in range(500)}
    assert len(passwords) == 500
    groups = [p.split("-") for p in passwords]
    assert all(len(g) == 4 and all(len(x) == 4 for x in g) for g in groups)
    assert all(set(p.replace("-", "")) <= set(PASSWORD_ALPHABET) for p in passwords)
    assert not set("0O1lI") & set(PASSWORD_ALPHABET)


@pytest.mark.parametrize("missing", [*SOLUTION_CONTENT_FIELDS, None])
def test_reo3_solution_content_is_complete(missing: str | None) -> None:
    content = {name: "x" for name in SOLUTION_CONTENT_FIELDS if name != missing}
    result = REOLINK.check_solution_content(content)
    assert (result.rule_id, result.ok) == ("REO-3", missing is None)
    if missing:
        assert result.figures["missing"] == missing


@pytest.mark.parametrize(
    ("comment", "minimum", "ok"),
    [
        pytest.param("", 1, False, id="empty"),
        pytest.param("   \n", 1, False, id="blank"),
        pytest.param("r", 1, True, id="at-limit"),
        pytest.param("123456789", 10, False, id="setting-one-short"),
        pytest.param(" 1234567890 ", 10, True, id="setting-at-limit"),
    ],
)
def test_reo4_disagree_needs_a_comment(comment: str, minimum: int, ok: bool) -> None:
    policy = reolink(reject_comment_min_chars=minimum)
    facts = request(
        local(NY, 2026, 3, 5, 10),
        kind=RequestKind.SOLUTION_REJECT,
        scenario=None,
        solution_status="pending_confirm",
        comment=comment,
    )
    decision = policy.decide(order(), facts)
    assert only(decision, "REO-4").ok is ok
    assert decision.allowed is ok


def test_reo4_only_solution_rejects_are_decided() -> None:
    decision = REOLINK.decide(order(), request(local(NY, 2026, 3, 5, 10)))
    assert not decision.allowed and rules(decision) == {"REO-4"}
    assert REOLINK.supported_kinds == frozenset({RequestKind.SOLUTION_REJECT})


@pytest.mark.parametrize(
    ("status", "ok"),
    [
        pytest.param("pending_confirm", True, id="pending-confirm"),
        pytest.param("confirmed", False, id="confirmed"),
        pytest.param("rejected", False, id="rejected"),
        pytest.param(None, False, id="unknown"),
    ],
)
def test_reo5_reject_only_while_pending_confirm(status: str | None, ok: bool) -> None:
    decision = reject(status)
    finding = only(decision, "REO-5")
    assert finding.ok is ok
    assert decision.allowed is ok
    if not ok:
        assert "email" in finding.message and "customer service" in finding.message
        assert rules(decision) == {"REO-5"}


@pytest.mark.parametrize(
    ("now", "passed"),
    [
        pytest.param(local(NY, 2026, 3, 19, 23, 59, 59, 999999), False, id="at-limit"),
        pytest.param(local(NY, 2026, 3, 20, 0, 0, 0, 999999), True, id="one-second-past"),
    ],
)
def test_reo5_unconfirmed_solution_expires_after_14_days(now: datetime, passed: bool) -> None:
    _reminder, expiry = REOLINK.solution_deadlines(local(NY, 2026, 3, 5, 10))
    assert (expiry.name, expiry.rule_id) == ("confirm_expires_at", "REO-5")
    assert expiry.has_passed(now) is passed


@pytest.mark.parametrize("confirmed", [True, False])
def test_reo6_shipping_address_is_confirmed_before_submit(confirmed: bool) -> None:
    decision = submit(address_confirmed=confirmed)
    assert only(decision, "REO-6").ok is confirmed
    assert decision.allowed is confirmed


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        pytest.param("1Z999AA10123456784", True, id="letters-and-digits"),
        pytest.param("ABC 123", False, id="blank"),
        pytest.param(" ABC123", False, id="leading-blank"),
        pytest.param("ABC-123", False, id="hyphen"),
        pytest.param("ÄBC123", False, id="non-ascii-letter"),
        pytest.param("", False, id="empty"),
    ],
)
def test_reo7_tracking_number_letters_and_digits_only(number: str, ok: bool) -> None:
    result = REOLINK.check_tracking(None, number)
    assert (result.rule_id, result.ok) == ("REO-7", ok)
    if " " in number:
        assert "blanks" in result.message


@pytest.mark.parametrize(
    ("receipts", "ok"), [pytest.param(1, True, id="one"), pytest.param(0, False, id="none")]
)
def test_reo7_return_needs_postage_receipt(receipts: int, ok: bool) -> None:
    decision = submit(evidence={EvidenceKind.POSTAGE_RECEIPT: receipts})
    assert decision.allowed is ok


@pytest.mark.parametrize(
    ("transaction_id", "screenshots", "ok"),
    [
        pytest.param("TX-42", 1, True, id="complete"),
        pytest.param("  ", 1, False, id="no-transaction-id"),
        pytest.param("TX-42", 0, False, id="no-screenshot"),
    ],
)
def test_reo8_make_up_payment_needs_id_and_screenshot(
    transaction_id: str, screenshots: int, ok: bool
) -> None:
    decision = submit(
        return_needed=False,
        payment_needed=True,
        transaction_id=transaction_id,
        evidence={EvidenceKind.PAYMENT_SCREENSHOT: screenshots},
    )
    assert decision.allowed is ok
    assert {f.rule_id for f in decision.refusals} <= {"REO-8"}


@pytest.mark.parametrize(
    ("fmt", "size", "ok"),
    [
        pytest.param("jpg", 10 * MIB, True, id="jpg-at-limit"),
        pytest.param("JPEG", 1, True, id="jpeg-uppercase"),
        pytest.param(".png", 1, True, id="png"),
        pytest.param("webp", 1, True, id="webp"),
        pytest.param("jpg", 10 * MIB + 1, False, id="one-byte-past"),
        pytest.param("gif", 1, False, id="gif"),
        pytest.param("pdf", 1, False, id="pdf"),
    ],
)
def test_reo9_upload_formats_and_size(fmt: str, size: int, ok: bool) -> None:
    (requirement, _payment) = REOLINK.evidence_requirements(None)
    result = REOLINK.check_upload(requirement, fmt, size)
    assert (result.rule_id, result.ok) == ("REO-9", ok)


@pytest.mark.parametrize(
    ("receipts", "screenshots", "ok"),
    [
        pytest.param(3, 2, True, id="five-at-limit"),
        pytest.param(4, 2, False, id="six-one-past"),
        pytest.param(6, 0, False, id="six-of-one-kind"),
    ],
)
def test_reo9_at_most_five_pictures(receipts: int, screenshots: int, ok: bool) -> None:
    decision = submit(
        payment_needed=True,
        transaction_id="TX-1",
        evidence={
            EvidenceKind.POSTAGE_RECEIPT: receipts,
            EvidenceKind.PAYMENT_SCREENSHOT: screenshots,
        },
    )
    assert only(decision, "REO-9").ok is ok
    assert decision.allowed is ok


def test_reo10_nothing_to_return_or_pay() -> None:
    decision = submit(return_needed=False, payment_needed=False, tracking_number="", evidence={})
    assert decision.allowed
    assert rules(decision) == {"REO-6", "REO-10", "REO-11", "REO-9"}
    assert REOLINK.evidence_requirements(None, return_needed=False, payment_needed=False) == ()


@pytest.mark.parametrize(
    ("original", "new", "ok"),
    [
        pytest.param("US", "US", True, id="same"),
        pytest.param("US", "us", True, id="case-insensitive"),
        pytest.param("US", "CA", False, id="other-country"),
    ],
)
def test_reo11_address_country_stays(original: str, new: str, ok: bool) -> None:
    assert REOLINK.check_address_change(original, new).ok is ok
    assert submit(new_country=new).allowed is ok


def test_reo12_progress_ends_with_waiting() -> None:
    steps = REOLINK.solution_steps(
        return_needed=True, payment_needed=True, amount="15.00", currency="USD"
    )
    texts = [s.english() for s in steps]
    assert len(texts) == 5 and "Pay 15.00 USD" in texts[2]
    assert "Wait for your replacement or refund" in texts[-1]
    assert len(REOLINK.solution_steps(return_needed=False, payment_needed=False)) == 3
    later = REOLINK.solution_steps(
        return_needed=False, payment_needed=False, awaiting_confirmation=False
    )
    assert len(later) == 2


def test_reo_other_answers_are_empty() -> None:
    sent = local(NY, 2026, 3, 5, 10)
    assert REOLINK.ship_by(sent) is None
    assert REOLINK.review_due(sent) is None
    assert REOLINK.funds_window(sent) is None
    assert REOLINK.deadlines(order(), request(sent)) == ()
    with pytest.raises(ValueError):
        REOLINK.refund(order(), request(sent))
    assert timedelta(0) < REOLINK.solution_deadlines(sent)[1].at - sent
