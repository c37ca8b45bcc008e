"""The vendor and membership tables take the tenancy app's names. Foreign keys from other
apps follow the renamed table (PostgreSQL references tables by identity, SQLite 3.26+ rewrites
the references), so no row or constraint is rebuilt."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tenancy', '0001_initial'),
        ('portal', '0003_tenancy_moved_out'),
    ]

    operations = [
        migrations.AlterModelTable(name='vendor', table=None),
        migrations.AlterModelTable(name='membership', table=None),
    ]
