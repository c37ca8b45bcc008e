"""An index for the customer's sign-in by order number as typed (``number__iexact``, which
compares UPPER(number) within the vendor): one index entry instead of a scan of the vendor's
customers by email."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rma", "0018_return_store_credit"),
        ("tenancy", "0003_help_texts_without_rule_ids"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                models.F("vendor"),
                django.db.models.functions.text.Upper("number"),
                name="order_vendor_number_ci",
            ),
        ),
    ]
