"""Production refuses what would expose it: DEBUG, demo logins; the admin throttles sign-ins
and ends idle staff sessions."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.security import STAFF_SIGNED_IN_AT

from .conftest import REPO, production_env

MANAGE = [sys.executable, str(REPO / "manage.py")]


def test_debug_true_in_production_refuses_to_start(tmp_path):
    result = subprocess.run(
        [*MANAGE, "check"],
        env=production_env(VAR_DIR=str(tmp_path), DEBUG="true"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DEBUG=true is refused with PORTAL_ENV=production" in result.stderr


@pytest.mark.django_db
def test_seed_demo_refuses_to_create_demo_logins_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run with PORTAL_ENV=production"):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        "agent-admin", password="correct horse battery", is_staff=True, is_superuser=True
    )


def admin_login(client, password: str, ip: str = "203.0.113.20"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "agent-admin", "password": password},
        REMOTE_ADDR=ip,
    )


def test_admin_login_locks_after_five_wrong_passwords_even_for_the_right_one(client, staff):
    for _ in range(4):
        assert admin_login(client, "wrong").status_code == 200
    assert admin_login(client, "wrong").status_code == 429  # the fifth locks
    locked = admin_login(client, "correct horse battery")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "_auth_user_id" not in client.session
    # Per username and address: the same account from another address still signs in.
    assert admin_login(client, "correct horse battery", ip="198.51.100.30").status_code == 302


def test_staff_sessions_end_after_the_idle_timeout(client, staff, settings):
    settings.ADMIN_IDLE_SECONDS = 1800
    assert admin_login(client, "correct horse battery").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.session.get_expiry_age() == 1800


def test_staff_sessions_end_at_their_maximum_age(client, staff, settings):
    assert admin_login(client, "correct horse battery").status_code == 302
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[STAFF_SIGNED_IN_AT] = time.time() - settings.ADMIN_SESSION_MAX_AGE_SECONDS - 1
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
