"""The admin isolation check every walk uses: one vendor's staff see their row and nothing else."""

from __future__ import annotations

from django.urls import reverse


def admin_url(model, name: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def assert_sees_only_own_row(client, model, mine, theirs) -> None:
    """The changelist shows ``mine`` alone, and guessing ``theirs``'s id answers exactly like an
    id that does not exist (the logged-in user belongs to ``mine``'s vendor only)."""
    changelist = client.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert {obj.pk for obj in changelist.context["cl"].result_list} == {mine.pk}
    other = client.get(admin_url(model, "change", theirs.pk))
    missing = client.get(admin_url(model, "change", 987654321))
    assert other.status_code == missing.status_code == 302
    assert other["Location"] == missing["Location"]
    assert client.get(admin_url(model, "change", mine.pk)).status_code == 200
