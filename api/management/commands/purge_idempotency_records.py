"""Delete Idempotency-Key records past their lifetime (API_IDEMPOTENCY_TTL_HOURS)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from api.idempotency import purge_idempotency_records


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than API_IDEMPOTENCY_TTL_HOURS."

    def handle(self, *args, **options) -> None:
        deleted = purge_idempotency_records()
        self.stdout.write(f"Deleted {deleted} expired idempotency record(s).")
