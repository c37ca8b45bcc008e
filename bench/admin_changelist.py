"""Admin return changelist, searches and dashboard at 1M rows of one vendor vs at 1k rows.

Server time of the whole request (middleware, scope, queries, template) through Django's test
client in this process, the two vendors measured in turns. Goal: <= 2x (issues 10 and 14).
BENCH_ROWS sets the large size (default 1,000,000). The rows are a year of work in every
status (``bench/_seed_cases.py``); the dashboard's rollups are back-filled from them with
``rollups_rebuild``, timed. Then every query of each page at the large size is run once more
under EXPLAIN ANALYZE: the most rows any one of them read shows that none counts or sorts
the vendor's rows.
"""

from __future__ import annotations

import io
import json
import os
import time

try:
    from bench._common import interleaved_medians, report, setup_django
except ImportError:  # run as a script: python bench/admin_changelist.py
    from _common import interleaved_medians, report, setup_django

SMALL = 1_000
GOAL = 2.0


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench import _seed, _seed_cases

    large = int(os.environ.get("BENCH_ROWS", "1000000"))
    small_vendor, large_vendor = _seed.vendor("small"), _seed.vendor("large")
    clients = {}
    for vendor in (small_vendor, large_vendor):
        client = Client()
        client.force_login(_seed.agent(vendor, f"agent-{vendor.slug}"))
        clients[vendor.slug] = client
    seconds = _seed_cases.returns(small_vendor, SMALL) + _seed_cases.returns(large_vendor, large)
    print(f"seeded {SMALL:,} and {large:,} return requests in {seconds:.0f} s", flush=True)
    began = time.monotonic()
    call_command("rollups_rebuild", stdout=io.StringIO())
    print(f"rollups back-filled from them in {time.monotonic() - began:.1f} s", flush=True)

    url = reverse("admin:rma_returnrequest_changelist")
    middle = {"small": SMALL // 2, "large": large // 2}

    def terms(vendor) -> dict[str, str]:
        i = middle[vendor.slug]
        return {
            "changelist": "",
            "search RMA number": f"RMA{vendor.pk * 100_000_000 + i:09d}",
            "search order number": f"SO-{vendor.slug}-{i}",
            "search tracking number": f"1Z{vendor.pk}T{i}",
            "search customer email": f"c{i}@{vendor.slug}.example",
        }

    def page(vendor, term):
        def call():
            response = clients[vendor.slug].get(url, {"q": term} if term else {})
            assert response.status_code == 200, response.status_code
            if term:
                rows = response.content.count(b'name="_selected_action"')
                assert rows == 1, (term, vendor.slug, rows)

        return call

    for what in terms(small_vendor):
        calls = {
            vendor.slug: page(vendor, terms(vendor)[what])
            for vendor in (small_vendor, large_vendor)
        }
        ms = interleaved_medians(calls, rounds=7)
        ratio = ms["large"] / ms["small"]
        report(
            f"admin {what} at {large:,} vs {SMALL:,} rows",
            ratio,
            f"<= {GOAL}x",
            ratio <= GOAL,
            f"{ms['large']:.0f} ms vs {ms['small']:.0f} ms",
        )

    # The agents' dashboard: aggregates over the vendor's last 90 days, and the queue bar's
    # bounded counts on the changelist above.
    dashboard = reverse("admin:rma_dashboard")

    def dashboard_page(vendor):
        def call():
            response = clients[vendor.slug].get(dashboard)
            assert response.status_code == 200, response.status_code

        return call

    ms = interleaved_medians(
        {v.slug: dashboard_page(v) for v in (small_vendor, large_vendor)}, rounds=7
    )
    ratio = ms["large"] / ms["small"]
    report(
        f"admin dashboard at {large:,} vs {SMALL:,} rows",
        ratio,
        f"<= {GOAL}x",
        ratio <= GOAL,
        f"{ms['large']:.0f} ms vs {ms['small']:.0f} ms",
    )

    pages = {f"admin {what}": (url, term) for what, term in terms(large_vendor).items()}
    pages["admin dashboard"] = (dashboard, "")
    for what, (path, term) in pages.items():
        queries, most, counts = rows_read(clients["large"], path, {"q": term} if term else {})
        print(
            f"{what} at {large:,}: {queries} queries, most rows read by one: {most:,}; "
            f"COUNT queries: {counts}",
            flush=True,
        )


def rows_read(client, path: str, params: dict) -> tuple[int, int, str]:
    """The page's queries, the most rows one of them read (EXPLAIN ANALYZE: rows returned by
    each scan plus those its filter removed, times loops), and its COUNT queries' rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
        assert response.status_code == 200, response.status_code
    selects = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    most, heaviest, counts = 0, "", []
    with connection.cursor() as cursor:
        for sql in selects:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            read = _scanned(plan[0]["Plan"])
            if read > most:
                most, heaviest = read, sql
            if "COUNT(" in sql.upper():
                counts.append(f"{read:,} rows")
    if os.environ.get("BENCH_SHOW_SQL"):
        print("   heaviest:", heaviest[:600])
    return len(selects), most, ", ".join(counts) or "none"


def _scanned(node: dict) -> int:
    own = 0
    if "Scan" in node["Node Type"]:
        own = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * node.get(
            "Actual Loops", 1
        )
    return own + sum(_scanned(child) for child in node.get("Plans", []))


if __name__ == "__main__":
    main()
