"""REO-2 sign-in: the emailed password opens one solution; wrong passwords, lockouts, sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from portal.customer.access import SESSION_KEY

from .factories import propose_solution


def login_url(solution):
    return reverse("portal:solution_login", args=[solution.vendor.slug, solution.public_id])


def content_url(solution):
    return reverse("portal:solution_content", args=[solution.vendor.slug, solution.public_id])


def test_reo2_password_opens_that_solution_only(client, reolink, reolink_solution):
    solution, password = reolink_solution
    with scope(vendor=reolink):
        other, _other_password = propose_solution(reolink)
    response = client.post(login_url(solution), {"password": password})
    assert response.status_code == 302
    assert response["Location"] == content_url(solution)
    page = client.get(content_url(solution))
    assert page.status_code == 200
    assert "Warranty solution content" in page.text
    # The same session does not open another solution of the same vendor.
    assert client.get(content_url(other))["Location"] == login_url(other)


def test_reo2_password_is_accepted_as_customers_paste_it(client, reolink_solution):
    solution, password = reolink_solution
    pasted = f"  {password.lower().replace('-', ' ')}  "
    assert client.post(login_url(solution), {"password": pasted}).status_code == 302


def test_wrong_password_says_so_and_nothing_else(client, reolink_solution):
    solution, _password = reolink_solution
    response = client.post(login_url(solution), {"password": "ABCD-EFGH-JKLM-NPQR"})
    assert response.status_code == 200
    assert "That password is not right" in response.text
    assert solution.order.number not in response.text
    assert "Smart camera" not in response.text  # the proposed item
    assert SESSION_KEY not in client.session
    assert client.get(content_url(solution)).status_code == 302


def test_five_failures_pause_wrong_passwords_for_15_minutes(client, reolink_solution):
    solution, _password = reolink_solution
    for _attempt in range(5):
        client.post(login_url(solution), {"password": "WRONG-WRONG"})
    locked = client.post(login_url(solution), {"password": "WRONG-AGAIN"})
    assert locked.status_code == 429
    assert "signing in is paused for 15 minutes" in locked.text
    assert SESSION_KEY not in client.session
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert client.post(login_url(solution), {"password": "WRONG"}).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert client.post(login_url(solution), {"password": "WRONG"}).status_code == 200


def test_a_stranger_cannot_lock_the_owner_out_of_their_solution(client, reolink_solution):
    solution, password = reolink_solution
    for _attempt in range(6):
        client.post(login_url(solution), {"password": "WRONG-WRONG"}, REMOTE_ADDR="203.0.113.9")
    # The owner, elsewhere, with the password from the email: the case lock does not apply.
    owner = client.post(login_url(solution), {"password": password}, REMOTE_ADDR="198.51.100.4")
    assert owner.status_code == 302
    assert client.session[SESSION_KEY]["id"] == solution.pk


def test_behind_a_trusted_proxy_limits_count_clients_not_the_proxy(client, settings, reolink):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_IP = 3
    with scope(vendor=reolink):
        cases = [propose_solution(reolink) for _ in range(4)]
    for solution, _password in cases[:3]:
        client.post(
            login_url(solution),
            {"password": "WRONG"},
            REMOTE_ADDR="10.1.2.3",
            HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.7",
        )
    fresh, fresh_password = cases[3]
    # The guesser's address is locked, whatever it writes further left in the header.
    forged = client.post(
        login_url(fresh),
        {"password": fresh_password},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7",
    )
    assert forged.status_code == 429
    # Another customer behind the same load balancer signs in.
    other = client.post(
        login_url(fresh),
        {"password": fresh_password},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other.status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, settings, reolink):
    settings.TRUSTED_PROXIES = []
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_IP = 2
    with scope(vendor=reolink):
        cases = [propose_solution(reolink) for _ in range(3)]
    for index, (solution, _password) in enumerate(cases[:2]):
        client.post(
            login_url(solution),
            {"password": "WRONG"},
            REMOTE_ADDR="203.0.113.8",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{index}",
        )
    fresh, fresh_password = cases[2]
    refused = client.post(
        login_url(fresh),
        {"password": fresh_password},
        REMOTE_ADDR="203.0.113.8",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert refused.status_code == 429


def test_four_failures_do_not_lock(client, reolink_solution):
    solution, password = reolink_solution
    for _attempt in range(4):
        client.post(login_url(solution), {"password": "WRONG-WRONG"})
    assert client.post(login_url(solution), {"password": password}).status_code == 302


def test_per_ip_limit_spans_solutions(client, settings, reolink):
    settings.PORTAL_LOGIN_MAX_FAILURES_PER_IP = 3
    with scope(vendor=reolink):
        cases = [propose_solution(reolink) for _ in range(3)]
    for solution, _password in cases[:2]:
        client.post(login_url(solution), {"password": "WRONG"}, REMOTE_ADDR="203.0.113.7")
    client.post(login_url(cases[2][0]), {"password": "WRONG"}, REMOTE_ADDR="203.0.113.7")
    fresh, fresh_password = cases[2]
    refused = client.post(login_url(fresh), {"password": fresh_password}, REMOTE_ADDR="203.0.113.7")
    assert refused.status_code == 429
    other_network = client.post(
        login_url(fresh), {"password": fresh_password}, REMOTE_ADDR="198.51.100.2"
    )
    assert other_network.status_code == 302


def test_login_rotates_the_session_and_holds_one_case(client, reolink, reolink_solution):
    solution, password = reolink_solution
    with scope(vendor=reolink):
        other, other_password = propose_solution(reolink)
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    client.cookies["sessionid"] = before
    client.post(login_url(solution), {"password": password})
    first = client.session.session_key
    assert first != before
    client.post(login_url(other), {"password": other_password})
    assert client.session.session_key != first
    assert client.session[SESSION_KEY]["id"] == other.pk
    assert client.get(content_url(solution)).status_code == 302


def test_session_expires_after_two_idle_hours(client, settings, reolink_solution):
    # The database backend reads expiry dates on the clock the test moves; the cached backend
    # leaves expiry to the cache's own (real-time) TTL, which is set from the same age.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    solution, password = reolink_solution
    client.post(login_url(solution), {"password": password})
    assert client.session.get_expiry_age() == 2 * 60 * 60
    with time_machine.travel(timezone.now() + timedelta(minutes=90), tick=False):
        assert client.get(content_url(solution)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=90 + 121), tick=False):
        assert client.get(content_url(solution))["Location"] == login_url(solution)


def test_session_ends_at_its_maximum_age_even_when_active(client, settings, reolink_solution):
    settings.PORTAL_SESSION_MAX_AGE_SECONDS = 600
    solution, password = reolink_solution
    client.post(login_url(solution), {"password": password})
    with time_machine.travel(timezone.now() + timedelta(minutes=9), tick=False):
        assert client.get(content_url(solution)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert client.get(content_url(solution)).status_code == 302


def test_closed_solution_password_opens_it_read_only(client, reolink_solution):
    from rma.services import Actor, solution_cancel

    solution, password = reolink_solution
    with scope(vendor=solution.vendor):
        solution_cancel(solution=solution, actor=Actor.system("test"))
    response = client.post(login_url(solution), {"password": password})
    assert response.status_code == 302 and response["Location"].endswith("/status/")
    page = client.get(response["Location"]).text
    assert "That password is not right" not in page
    assert "This solution is closed" in page
    content = client.get(response["Location"].replace("/status/", "/content/")).text
    assert ">Agree<" not in content and "Fill in the details" not in content


@pytest.mark.parametrize("page", ["solution_login", "solution_content", "solution_status"])
def test_outsider_vendor_slug_answers_404_and_changes_nothing(
    client, vendor_b, reolink_solution, page
):
    solution, password = reolink_solution
    url = reverse(f"portal:{page}", args=[vendor_b.slug, solution.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"password": password}).status_code == 404
    missing = reverse(
        f"portal:{page}", args=[solution.vendor.slug, "00000000-0000-4000-8000-000000000000"]
    )
    assert client.get(missing).status_code == 404
    with scopes_disabled():
        solution.refresh_from_db()
        assert solution.status == "pending_confirm"
        assert list(solution.events.values_list("action", flat=True)) == ["proposed"]
    assert SESSION_KEY not in client.session
