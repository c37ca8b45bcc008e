"""The outbox and webhook deliveries keep the id of the domain event that caused them as a plain
number instead of a foreign key to ``rma.Event``: infrastructure knows nothing of the domain.
The column and its values stay (``event_id``); only the database's foreign key goes."""

from django.db import migrations, models


def plain_reference(model_name: str) -> list:
    return [
        migrations.AlterField(
            model_name=model_name,
            name="event",
            field=models.BigIntegerField(
                blank=True, null=True, editable=False, db_index=True, db_column="event_id"
            ),
        ),
        migrations.RenameField(model_name=model_name, old_name="event", new_name="event_id"),
        migrations.AlterField(
            model_name=model_name,
            name="event_id",
            field=models.BigIntegerField(blank=True, null=True, editable=False, db_index=True),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_vendor_in_tenancy"),
    ]

    operations = [*plain_reference("outboxmessage"), *plain_reference("webhookdelivery")]
