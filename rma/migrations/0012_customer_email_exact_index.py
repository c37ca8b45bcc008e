"""A b-tree index for the agents' search by a full email address (``rma/admin/search.py``):
``UPPER(email) = UPPER(term)`` within the vendor, one index entry instead of the trigram
index's posting lists for trigrams every customer of the shop shares."""

from django.db import migrations

NAME = "customer_email_upper"


def create(apps, schema_editor):
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "rma_customer" ("vendor_id", UPPER("email"))'
        if schema_editor.connection.vendor != "postgresql"
        else f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "rma_customer" '
        '("vendor_id", (UPPER("email"::text)))'
    )


def drop(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("rma", "0011_help_texts_without_rule_ids")]

    operations = [migrations.RunPython(create, drop)]
