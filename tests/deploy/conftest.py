"""Fixtures for the deployment tests: a real S3 server, S3-backed storage, production env."""

from __future__ import annotations

import os
import secrets
import sys
import uuid
from pathlib import Path

import pytest

from .s3server import INSTALL_HINT, missing_commands, start_s3_server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    missing = missing_commands()
    if missing:
        pytest.fail(
            f"The S3 tests need OpenStack Swift on this machine; missing {', '.join(missing)}. "
            f"Install with: {INSTALL_HINT}",
            pytrace=False,
        )
    server = start_s3_server(tmp_path_factory.mktemp("swift"))
    yield server
    server.stop()


@pytest.fixture
def evidence_bucket(s3_server):
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_storage(settings, s3_server, evidence_bucket):
    """The portal's default storage switched to the S3 backend, as EVIDENCE_BUCKET would."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "rma.storage.EvidenceS3Storage",
            "OPTIONS": {
                "bucket_name": evidence_bucket,
                "endpoint_url": s3_server.endpoint_url,
                "region_name": s3_server.region,
                "access_key": s3_server.access_key,
                "secret_key": s3_server.secret_key,
                "signature_version": "s3v4",
                "addressing_style": "path",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
            },
        },
    }
    settings.S3_URL_EXPIRE_SECONDS = 60
    from django.core.files.storage import default_storage

    return default_storage


def production_env(**overrides: str) -> dict[str, str]:
    """Environment for a subprocess running the portal with production settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_", "GUNICORN_", "S3_", "EVIDENCE_"))
    }
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.com",
        DATABASE_URL=server_database_url(),
        LOG_FORMAT="json",
        PYTHONPATH=str(REPO),
    )
    env.update(overrides)
    return env


def server_database_url() -> str:
    """The test server's maintenance database: readiness needs a server, not our tables."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rma_portal")
    return url.rsplit("/", 1)[0] + "/postgres"


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)
