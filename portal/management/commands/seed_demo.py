"""Seed the demo vendors, agents and cases; vendors already present are kept as they are."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.demo import seed


class Command(BaseCommand):
    help = "Create the demo vendors (reolink, marketplace, aqara), their agents and cases."

    def handle(self, *args, **options) -> None:
        seed(stdout=lambda line: self.stdout.write(line))
