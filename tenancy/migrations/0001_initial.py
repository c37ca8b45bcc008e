"""Vendor and Membership move here from the portal app with their rows: this migration only
takes them into the tenancy app's state (the tables stay as they are, renamed in 0002) and
carries their content types over, so admin history and permissions keep pointing at them."""

import django.core.validators
import django.db.models.deletion
import django_countries.fields
import tenancy.models
from django.conf import settings
from django.db import migrations, models

MODELS = ["vendor", "membership"]


def _move_content_types(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old, model__in=MODELS
    ).update(app_label=new)


def content_types_to_tenancy(apps, schema_editor):
    _move_content_types(apps, schema_editor, "portal", "tenancy")


def content_types_to_portal(apps, schema_editor):
    _move_content_types(apps, schema_editor, "tenancy", "portal")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        ('portal', '0002_vendor_slug_help'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Vendor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(help_text='Used in portal links, e.g. /v/acme/ for the slug acme.', unique=True)),
                        ('name', models.CharField(max_length=120)),
                        ('policy_key', models.CharField(help_text="Which module in policies/ decides this vendor's requests.", max_length=40, validators=[tenancy.models.validate_policy_key])),
                        ('policy_settings', models.JSONField(blank=True, default=dict, help_text="Overrides of the policy's readings; see docs/policies/ for the keys.")),
                        ('time_zone', models.CharField(default='UTC', max_length=64, validators=[tenancy.models.validate_time_zone])),
                        ('operating_country', django_countries.fields.CountryField(help_text='Its public holidays are not working days (MKT-9, MKT-11, AQA-12).', max_length=2)),
                        ('logo', models.ImageField(blank=True, upload_to='logos/')),
                        ('accent_colour', models.CharField(default='#0a5fb4', max_length=7, validators=[django.core.validators.RegexValidator('^#[0-9a-fA-F]{6}$', 'Use a hex colour such as #0a5fb4.')])),
                        ('support_email', models.EmailField(max_length=254)),
                        ('sender_email', models.EmailField(help_text='The From address of emails sent for this vendor.', max_length=254)),
                        ('return_address', models.TextField(blank=True, help_text='Where customers send returns (MKT-6, AQA-12).')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'ordering': ['name'],
                        'db_table': 'portal_vendor',
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('agent', 'Agent'), ('manager', 'Manager')], default='agent', max_length=16)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('vendor', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='tenancy.vendor')),
                    ],
                    options={
                        'db_table': 'portal_membership',
                        'constraints': [models.UniqueConstraint(fields=('user', 'vendor'), name='membership_unique_user_vendor')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_tenancy, content_types_to_portal),
    ]
