"""The migrations that only name fields and models for people send no SQL, and the operation
that applies them together refuses anything that would need SQL."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import migrations, models

from tenancy.migration_operations import NamesOnly

NAME_MIGRATIONS = [
    ("tenancy", "0004_translatable_names"),
    ("api", "0004_translatable_names"),
    ("notifications", "0005_translatable_names"),
    ("portal", "0005_translatable_names"),
    ("rma", "0020_translatable_names"),
]


def test_names_only_refuses_an_operation_that_needs_sql():
    with pytest.raises(TypeError, match="AlterField and AlterModelOptions only"):
        NamesOnly([migrations.AddField("vendor", "extra", models.IntegerField(default=0))])


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "name"), NAME_MIGRATIONS)
def test_a_name_migration_sends_no_sql(app, name):
    out = io.StringIO()
    call_command("sqlmigrate", app, name, stdout=out)
    statements = [
        line
        for line in out.getvalue().splitlines()
        if line.strip() and not line.startswith("--") and line not in ("BEGIN;", "COMMIT;")
    ]
    assert statements == [], statements
    assert "CANNOT BE WRITTEN AS SQL" not in out.getvalue()  # a reviewer of SQL reads no-op
