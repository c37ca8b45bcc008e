"""Admin return changelist, searches and dashboard at 1M rows of one vendor vs at 1k rows.

Server time of the whole request (middleware, scope, queries, template) through Django's test
client in this process, the two vendors measured in turns. Goal: <= 2x (issues 10 and 14).
BENCH_ROWS sets the large size (default 1,000,000).
"""

from __future__ import annotations

import os

try:
    from bench._common import interleaved_medians, report, setup_django
except ImportError:  # run as a script: python bench/admin_changelist.py
    from _common import interleaved_medians, report, setup_django

SMALL = 1_000
GOAL = 2.0


def main() -> None:
    setup_django()
    from django.test import Client
    from django.urls import reverse

    from bench import _seed

    large = int(os.environ.get("BENCH_ROWS", "1000000"))
    small_vendor, large_vendor = _seed.vendor("small"), _seed.vendor("large")
    clients = {}
    for vendor in (small_vendor, large_vendor):
        client = Client()
        client.force_login(_seed.agent(vendor, f"agent-{vendor.slug}"))
        clients[vendor.slug] = client
    seconds = _seed.returns(small_vendor, SMALL) + _seed.returns(large_vendor, large)
    print(f"seeded {SMALL:,} and {large:,} return requests in {seconds:.0f} s", flush=True)

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
        {v.slug: dashboard_page(v) for v in (small_vendor, large_vendor)}, rounds=5
    )
    ratio = ms["large"] / ms["small"]
    report(
        f"admin dashboard at {large:,} vs {SMALL:,} rows",
        ratio,
        f"<= {GOAL}x",
        ratio <= GOAL,
        f"{ms['large']:.0f} ms vs {ms['small']:.0f} ms",
    )


if __name__ == "__main__":
    main()
