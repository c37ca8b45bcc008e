"""Vendor moved to the tenancy app: the foreign keys now point there. The columns and their
constraints already reference the vendor table, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_outbox_sending_since'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='outboxmessage',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='webhookattempt',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='webhookdelivery',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='webhookendpoint',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
            ],
            database_operations=[],
        ),
    ]
