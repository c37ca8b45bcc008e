"""Production settings in real processes: `check --deploy`, gunicorn, health probes, static."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO, production_env, venv_bin
from .s3server import free_port

MANAGE = [sys.executable, str(REPO / "manage.py")]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [*MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    ["short", "change-me-to-50-or-more-random-characters-before-the-first-start"],
    ids=["too-short", "env-example-sample-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, secret_key):
    result = subprocess.run(
        [*MANAGE, "check"],
        env=production_env(VAR_DIR=str(tmp_path), SECRET_KEY=secret_key),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert secret_key not in result.stderr


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Redirects are asserted, never followed: they point at hosts outside this machine.
_opener = urllib.request.build_opener(_NoRedirect)


def http(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py and production settings, on a free port."""

    def __init__(self, tmp: Path, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"gunicorn-{self.port}.log"
        self.process = subprocess.Popen(
            [venv_bin("gunicorn"), "--config", str(REPO / "deploy" / "gunicorn.conf.py")],
            cwd=REPO,
            env=production_env(
                GUNICORN_BIND=f"127.0.0.1:{self.port}",
                GUNICORN_WORKERS="1",
                GUNICORN_THREADS="2",
                **env,
            ),
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if http(f"{self.base}/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.log.read_text().splitlines():
            # gunicorn prints nothing but JSON lines; anything else fails the parse loudly.
            lines.append(json.loads(line))
        return lines


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic with the production storage: compressed files with hashed names."""
    root = tmp_path_factory.mktemp("static")
    result = subprocess.run(
        [*MANAGE, "collectstatic", "--noinput"],
        env=production_env(STATIC_ROOT=str(root), VAR_DIR=str(root.parent / "var-static")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory, static_root):
    tmp = tmp_path_factory.mktemp("gunicorn-up")
    gunicorn = Gunicorn(
        tmp,
        STATIC_ROOT=str(static_root),
        VAR_DIR=str(tmp / "var"),
        ALLOWED_HOSTS="portal.example.com,127.0.0.1",
    )
    yield gunicorn
    gunicorn.stop()


@pytest.fixture(scope="module")
def server_without_database(tmp_path_factory, static_root):
    tmp = tmp_path_factory.mktemp("gunicorn-db-down")
    closed_port = free_port()  # nothing listens here: connecting is refused at once
    gunicorn = Gunicorn(
        tmp,
        STATIC_ROOT=str(static_root),
        VAR_DIR=str(tmp / "var"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port}/rma_portal",
    )
    yield gunicorn
    gunicorn.stop()


def test_healthz_answers_plain_http_probes_without_redirect(server):
    # Probes come over http with the pod's address as Host: no HTTPS redirect, no host check.
    status, headers, body = http(f"{server.base}/healthz", {"Host": "10.1.2.3:8000"})
    assert status == 200
    assert json.loads(body) == {"status": "ok"}
    assert headers["Cache-Control"] == "no-store"


def test_other_pages_redirect_to_https_in_production(server):
    status, headers, _ = http(f"{server.base}/admin/", {"Host": "portal.example.com"})
    assert status == 301
    assert headers["Location"] == "https://portal.example.com/admin/"


def test_readyz_is_ok_when_database_redis_and_storage_answer(server):
    status, _, body = http(f"{server.base}/readyz")
    assert status == 200, body
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
    }


def test_readyz_fails_when_the_database_is_down(server_without_database):
    status, _, body = http(f"{server_without_database.base}/readyz")
    assert status == 503
    report = json.loads(body)
    assert report["status"] == "unavailable"
    assert report["checks"]["database"] == "unavailable"
    assert report["checks"]["redis"] == "ok"
    # The reason goes to the log, never to the caller.
    assert b"127.0.0.1" not in body and b"refused" not in body.lower()
    # The process itself is alive: liveness must not restart it for a database outage.
    assert http(f"{server_without_database.base}/healthz")[0] == 200
    logged = [
        line
        for line in server_without_database.log_lines()
        if "readiness" in line.get("message", "")
    ]
    assert logged and logged[-1]["level"] == "WARNING"


def test_static_files_are_served_compressed_with_hashed_names(server, static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["admin/css/base.css"]
    assert hashed != "admin/css/base.css"
    status, headers, _ = http(
        f"{server.base}/static/{hashed}",
        {"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https", "Host": "portal.example.com"},
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_access_log_is_json_with_the_request_id(server):
    request_id = f"lb-{secrets.token_hex(8)}"
    status, headers, _ = http(f"{server.base}/readyz", {"X-Request-ID": request_id})
    assert (status, headers["X-Request-ID"]) == (200, request_id)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        access = [
            line
            for line in server.log_lines()
            if line["logger"] == "gunicorn.access" and line.get("request_id") == request_id
        ]
        if access:
            break
        time.sleep(0.1)
    assert access, server.log.read_text()[-2000:]
    assert access[0]["path"] == "/readyz"
    assert access[0]["status"] == 200
