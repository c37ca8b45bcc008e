"""Create an API key for a vendor and print it once: ``manage.py create_api_key --vendor acme
--name "Shopify sync"``."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from api.keys import api_key_create
from tenancy.models import Vendor


class Command(BaseCommand):
    help = "Create a named API key for a vendor; the key is printed once and stored as a hash."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--vendor", required=True, help="The vendor's slug.")
        parser.add_argument("--name", required=True, help="Which integration uses the key.")

    def handle(self, *args, vendor: str, name: str, **options) -> None:
        found = Vendor.objects.filter(slug=vendor).first()
        if found is None:
            known = ", ".join(Vendor.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No vendor with slug {vendor!r}; known vendors: {known}.")
        if not name.strip():
            raise CommandError("Give the key a name, e.g. --name 'ERP sync'.")
        api_key, raw_key = api_key_create(vendor=found, name=name)
        self.stderr.write(
            f"API key {api_key.name!r} for {found.name} (prefix {api_key.prefix}). "
            "Copy it now; it is not shown again:"
        )
        self.stdout.write(raw_key)
