"""Vendor moved to the tenancy app: the foreign keys now point there. The columns and their
constraints already reference the vendor table, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rma', '0009_merge_20261202_0050'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='casemessage',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='casenote',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='claimday',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='claimflag',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='customer',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='event',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='evidence',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='messageattachment',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='order',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='orderchangerequest',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='orderline',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='refundday',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='resolutionday',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='returnaccess',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='returnday',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='returnline',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='returnrequest',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='returnunit',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='skuday',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='solutionline',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='statuscount',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='unit',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='unitregistration',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
                migrations.AlterField(
                    model_name='warrantysolution',
                    name='vendor',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tenancy.vendor'),
                ),
            ],
        ),
    ]
