"""Vendor and Membership now belong to the tenancy app (tenancy 0001 took over their tables):
the portal forgets them in its state and leaves the tables alone."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0002_vendor_in_tenancy'),
        ('notifications', '0003_vendor_in_tenancy'),
        ('portal', '0002_vendor_slug_help'),
        ('rma', '0010_vendor_in_tenancy'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Membership',
                ),
                migrations.DeleteModel(
                    name='Vendor',
                ),
            ],
            database_operations=[],
        ),
    ]
