"""The portal's host names move from the api app to the portal, where the URLs are: the portal
takes over the model in its state and renames its table (rows, constraints and indexes kept);
api 0003 forgets it."""

import django.db.models.deletion
from django.db import migrations, models

import portal.models


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_tenancy_moved_out"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="VendorDomain",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "host",
                            models.CharField(
                                help_text="Lower-case host name, e.g. service.example.com; it "
                                "must be in ALLOWED_HOSTS.",
                                max_length=253,
                                unique=True,
                                validators=[portal.models.validate_host],
                            ),
                        ),
                        (
                            "use_in_links",
                            models.BooleanField(
                                default=False,
                                help_text="Emails, buttons and API links use this host instead "
                                "of the shared one.",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "vendor",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="domains",
                                to="tenancy.vendor",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "portal host name",
                        "ordering": ["host"],
                        "db_table": "api_vendordomain",
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("use_in_links", True)),
                                fields=("vendor",),
                                name="vendordomain_one_link_host_per_vendor",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="vendordomain", table=None),
    ]
