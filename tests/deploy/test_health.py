"""/healthz and /readyz in process; the database-down case runs in test_production (gunicorn)."""

from __future__ import annotations

from .s3server import free_port


def test_healthz_touches_no_database(client):
    # No `db` fixture: pytest-django would fail this test if the probe queried the database.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.get("/healthz/").status_code == 200


def test_probes_answer_get_and_head_only(client):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_readyz_checks_database_redis_and_local_storage(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


def test_readyz_stays_ready_and_reports_redis_degraded_when_it_is_down(client, db, settings):
    """Redis is an optimisation: the portal serves without it, so pods stay in rotation."""
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "degraded", "storage": "ok"},
    }


def test_readyz_fails_when_the_evidence_folder_cannot_be_written(client, db, settings, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the media folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked / "media")},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"
