"""Seed the demo vendors, agents and cases; vendors already present are kept as they are.

The demo has well-known logins (admin/admin and agents with their usernames as passwords), so
it refuses to run with PORTAL_ENV=production.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import seed


class Command(BaseCommand):
    help = "Create the demo vendors (reolink, marketplace, aqara), their agents and cases."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo creates logins everyone knows (admin/admin) and refuses to run with "
                "PORTAL_ENV=production. Create real staff with `manage.py createsuperuser`; for "
                "a throwaway demo on a machine nobody else reaches, run it with "
                "PORTAL_ENV=development."
            )
        seed(stdout=lambda line: self.stdout.write(line))
