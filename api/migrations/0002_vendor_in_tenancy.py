"""Vendor moved to the tenancy app: the foreign keys now point there. The columns and their
constraints already reference the vendor table, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_initial'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='apikey',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='idempotencyrecord',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='vendordomain',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='domains', to='tenancy.vendor'),
                ),
            ],
            database_operations=[],
        ),
    ]
