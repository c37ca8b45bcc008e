"""The portal's host names now belong to the portal app (portal 0004 took over their table): the
api app forgets the model in its state and leaves the table alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_vendor_in_tenancy"),
        ("portal", "0004_vendordomain"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="VendorDomain")],
            database_operations=[],
        ),
    ]
