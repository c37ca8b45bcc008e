"""Each test worker's database copied from a migrated template instead of migrated anew.

Running every migration costs each pytest-xdist worker tens of seconds of DDL, every run.
PostgreSQL copies a database file by file (``CREATE DATABASE ... TEMPLATE``) in well under a
second. The template is named after a digest of every installed app's migration files, so a
new or edited migration builds a new template; it is built once (under an advisory lock, so
workers starting together wait for the first), under a temporary name that becomes the
template only once every migration ran.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection

TEMPLATE_MARK = "_tpl_"


def migrations_digest() -> str:
    digest = hashlib.sha256()
    for app in sorted(apps.get_app_configs(), key=lambda a: a.label):
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{app.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _migrate_into(name: str) -> None:
    """Run every migration into database ``name`` with the default connection, then detach."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def clone_test_database() -> str | None:
    """Create this worker's test database from the template (building that first if need
    be); returns its name, or None when the database is not PostgreSQL."""
    if connection.vendor != "postgresql":
        return None
    test_name = connection.creation._get_test_db_name()
    base = connection.settings_dict["NAME"]
    template = f"test_{base}"[:40] + f"{TEMPLATE_MARK}{migrations_digest()}"
    building = f"{template}_building"
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        try:
            if not _exists(cursor, template):
                cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(building)}")
                cursor.execute(f"CREATE DATABASE {_quoted(building)}")
                _migrate_into(building)
                cursor.execute(f"ALTER DATABASE {_quoted(building)} RENAME TO {_quoted(template)}")
            cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(test_name)}")
            cursor.execute(f"CREATE DATABASE {_quoted(test_name)} TEMPLATE {_quoted(template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    return test_name


def drop_test_database(name: str) -> None:
    from django.db import connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quoted(name)}")
