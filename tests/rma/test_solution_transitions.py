"""The warranty-solution status machine (REO-1..REO-12): legal steps, refusals, no side effects."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.conf import global_settings
from django.core.files.base import ContentFile
from django_scopes import scope

from policies.base import PASSWORD_ALPHABET as ALPHABET
from rma import services
from rma.models import SOLUTION_TRANSITIONS, Evidence, SolutionStatus, WarrantySolution
from rma.services import Actor, DomainError, IllegalTransition, PolicyRefusal
from rma.services.passwords import password_matches
from rma.services.solutions import ProposedLine

from ..factories import OrderLineFactory, VendorFactory, tiny_png

S = SolutionStatus


@pytest.fixture
def reolink(db):
    return VendorFactory(
        slug="reolink-test",
        policy_key="reolink",
        time_zone="America/Los_Angeles",
        operating_country="US",
    )


@pytest.fixture
def agent(reolink):
    from ..factories import MembershipFactory

    return Actor.agent(MembershipFactory(vendor=reolink).user)


def propose(vendor, agent, **kwargs):
    line = OrderLineFactory(order__vendor=vendor, vendor=vendor, order__ship_country="US")
    return services.solution_create(
        order=line.order,
        kind=kwargs.pop("kind", "replacement"),
        lines=[ProposedLine(line, line.sku, line.name)],
        actor=agent,
        **kwargs,
    )


def add_evidence(solution: WarrantySolution, kind: str, count: int = 1) -> None:
    png = tiny_png()
    for _ in range(count):
        evidence = Evidence(
            vendor=solution.vendor,
            solution=solution,
            kind=kind,
            content_type="image/png",
            size=len(png),
            sha256=hashlib.sha256(png).hexdigest(),
        )
        evidence.file.save("e.png", ContentFile(png), save=False)
        evidence.save()


def test_reo1_password_is_random_unambiguous_and_stored_hashed(reolink, agent, settings):
    # The suite hashes with MD5 for speed (tests/settings.py); this test checks production's.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    with scope(vendor=reolink):
        solution, password = propose(reolink, agent)
        symbols = password.replace("-", "")
        assert len(symbols) == 16 and set(symbols) <= set(ALPHABET)
        assert password not in solution.password_hash
        assert solution.password_hash.startswith("hmac_sha256$")
        assert password_matches(password.lower().replace("-", " "), solution.password_hash)
        assert (
            solution.remind_at and solution.expires_at and solution.expires_at > solution.remind_at
        )
        _other, second = propose(reolink, agent)
        assert second != password


def test_reissued_password_replaces_the_old_one(reolink, agent):
    with scope(vendor=reolink):
        solution, old = propose(reolink, agent)
        new = services.solution_issue_password(solution=solution, actor=agent)
        solution.refresh_from_db()
        assert password_matches(new, solution.password_hash)
        assert not password_matches(old, solution.password_hash)


def test_reo4_disagree_needs_a_comment_and_reo5_only_while_pending(reolink, agent):
    customer = Actor.customer("c@example.com")
    with scope(vendor=reolink):
        solution, _ = propose(reolink, agent)
        with pytest.raises(PolicyRefusal) as refused:
            services.solution_reject(solution=solution, actor=customer, comment="  ")
        assert "REO-4" in {f["rule_id"] for f in refused.value.findings}
        solution.refresh_from_db()
        assert solution.status == S.PENDING_CONFIRM

        services.solution_agree(solution=solution, actor=customer)
        events = solution.events.count()
        with pytest.raises(PolicyRefusal) as refused:
            services.solution_reject(solution=solution, actor=customer, comment="Refund please")
        assert "REO-5" in {f["rule_id"] for f in refused.value.findings}
        solution.refresh_from_db()
        assert solution.status == S.CONFIRMED and solution.events.count() == events


def test_reo7_reo11_details_are_checked_and_submission_needs_them(reolink, agent):
    customer = Actor.customer("c@example.com")
    with scope(vendor=reolink):
        solution, _ = propose(reolink, agent, return_required=True)
        services.solution_agree(solution=solution, actor=customer)
        moved = {**solution.address_dict(), "ship_country": "CA", "ship_city": "Toronto"}
        with pytest.raises(DomainError) as refused:
            services.solution_save_details(solution=solution, actor=customer, address=moved)
        assert "REO-11" in refused.value.message
        with pytest.raises(DomainError) as refused:
            services.solution_save_details(
                solution=solution, actor=customer, tracking_number="1Z 999-AA"
            )
        assert "REO-7" in refused.value.message
        solution.refresh_from_db()
        assert solution.ship_country == "US" and solution.return_tracking_number == ""

        with pytest.raises(DomainError) as refused:
            services.solution_submit(solution=solution, actor=customer)
        assert {"REO-6", "REO-7"} <= {f["rule_id"] for f in refused.value.findings}

        same_country = {**solution.address_dict(), "ship_city": "Oakland"}
        services.solution_save_details(
            solution=solution,
            actor=customer,
            address=same_country,
            tracking_number="1Z999AA10123456784",
        )
        add_evidence(solution, "postage_receipt")
        submitted = services.solution_submit(solution=solution, actor=customer)
        assert submitted.status == S.SUBMITTED and submitted.ship_city == "Oakland"


def test_reo8_makeup_payment_needs_transaction_id_and_screenshot(reolink, agent):
    customer = Actor.customer("c@example.com")
    with scope(vendor=reolink):
        solution, _ = propose(reolink, agent, makeup_amount=Decimal("15.00"))
        assert solution.makeup_payment_required
        services.solution_agree(solution=solution, actor=customer)
        services.solution_save_details(
            solution=solution, actor=customer, address=solution.address_dict()
        )
        with pytest.raises(DomainError) as refused:
            services.solution_submit(solution=solution, actor=customer)
        assert "REO-8" in {f["rule_id"] for f in refused.value.findings}
        services.solution_save_details(solution=solution, actor=customer, transaction_id="TX-42")
        add_evidence(solution, "payment_screenshot", 6)
        with pytest.raises(DomainError) as refused:
            services.solution_submit(solution=solution, actor=customer)
        assert "REO-9" in {f["rule_id"] for f in refused.value.findings}


def test_solutions_need_a_policy_that_offers_them(db):
    marketplace = VendorFactory(policy_key="marketplace")
    with scope(vendor=marketplace):
        with pytest.raises(DomainError):
            propose(marketplace, Actor.system("test"))
        assert not WarrantySolution.objects.exists()


ACTIONS = {
    "agree": (S.CONFIRMED, lambda s, a: services.solution_agree(solution=s, actor=a)),
    "reject": (
        S.REJECTED,
        lambda s, a: services.solution_reject(solution=s, actor=a, comment="A refund, please."),
    ),
    "complete": (S.COMPLETED, lambda s, a: services.solution_complete(solution=s, actor=a)),
    "cancel": (S.CANCELLED, lambda s, a: services.solution_cancel(solution=s, actor=a)),
}


# Written out from REO-4/REO-5 and the product's lifecycle, not read from the code.
LEGAL = {
    (S.PENDING_CONFIRM, "agree"),
    (S.PENDING_CONFIRM, "reject"),
    (S.PENDING_CONFIRM, "cancel"),
    (S.CONFIRMED, "cancel"),
    (S.REJECTED, "cancel"),
    (S.SUBMITTED, "complete"),
    (S.SUBMITTED, "cancel"),
}


def test_solution_code_table_matches_the_product_definition():
    from_code = {
        (src, name)
        for src, targets in SOLUTION_TRANSITIONS.items()
        for name, (target, _call) in ACTIONS.items()
        if target in targets
    }
    assert from_code == LEGAL


@pytest.mark.parametrize(
    ("source", "action"),
    [pytest.param(src, name, id=f"{src}-{name}") for src in S.values for name in ACTIONS],
)
def test_solution_transition_table(reolink, agent, source, action):
    with scope(vendor=reolink):
        solution, _ = propose(reolink, agent)
        WarrantySolution.objects.filter(pk=solution.pk).update(status=source)
        solution.refresh_from_db()
        target, call = ACTIONS[action]
        events = solution.events.count()
        if (source, action) in LEGAL:
            assert call(solution, agent).status == target
            solution.refresh_from_db()
            assert solution.status == target and solution.events.count() == events + 1
        else:
            with pytest.raises((IllegalTransition, PolicyRefusal)):
                call(solution, agent)
            solution.refresh_from_db()
            assert solution.status == source and solution.events.count() == events
