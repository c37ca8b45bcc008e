"""Trigram indexes for the agents' searches (RMA, order and tracking numbers, customer email).

The admin searches with ``UPPER(column) LIKE UPPER('%term%')``; a GIN index of pg_trgm over the
same expression answers that from the index at any table size. PostgreSQL only: on SQLite
(a laptop) the migration does nothing, and searches scan, which a laptop's rows allow.
"""

from django.db import migrations

# (table, column, index name)
SEARCHED = [
    ("rma_returnrequest", "rma_number", "return_rma_number_trgm"),
    ("rma_returnrequest", "tracking_number", "return_tracking_trgm"),
    ("rma_order", "number", "order_number_trgm"),
    ("rma_order", "tracking_number", "order_tracking_trgm"),
    ("rma_customer", "email", "customer_email_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column, name in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in SEARCHED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("rma", "0002_changelist_orderings")]

    operations = [migrations.RunPython(create, drop)]
