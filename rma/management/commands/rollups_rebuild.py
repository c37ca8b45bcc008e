"""Recompute the dashboard's rollups from the cases: after a bulk import that went around the
services, to back-fill a database that had cases before the rollups existed, or to repair."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django_scopes import scopes_disabled

from rma.services.rollups import rollups_drift, rollups_rebuild
from tenancy.models import Vendor


class Command(BaseCommand):
    help = "Rebuild (or, with --check, compare) the dashboard rollups of every vendor or one."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--vendor", help="The vendor's slug; all vendors without it.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; list where the rollups differ from the cases, exit 1 if so.",
        )

    def handle(self, *args, vendor: str | None = None, check: bool = False, **options) -> None:
        vendors = Vendor.objects.order_by("slug")
        if vendor:
            vendors = vendors.filter(slug=vendor)
            if not vendors.exists():
                raise CommandError(f"No vendor with the slug {vendor!r}.")
        if connection.vendor != "postgresql":
            raise CommandError(
                "rollups_rebuild needs PostgreSQL (time-zone days in SQL); "
                f"this database is {connection.vendor}."
            )
        drifted = False
        with scopes_disabled():
            for v in vendors:
                if check:
                    problems = rollups_drift(vendor=v)
                    drifted = drifted or bool(problems)
                    for problem in problems:
                        self.stdout.write(f"{v.slug}: {problem}")
                    self.stdout.write(f"{v.slug}: {len(problems)} differences")
                    continue
                with transaction.atomic():
                    # One vendor at a time: the rebuild locks only that vendor's rollup rows.
                    written = rollups_rebuild(vendor=v)
                rows = ", ".join(f"{table} {n}" for table, n in written.items())
                self.stdout.write(f"{v.slug}: rebuilt ({rows})")
        if drifted:
            raise CommandError("The rollups differ from the cases; run rollups_rebuild.")
