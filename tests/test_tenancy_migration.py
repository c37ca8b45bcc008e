"""Vendors and memberships moved from the portal app to tenancy with their rows: a database
migrated before the move, holding a vendor, its staff and its cases, comes out of ``migrate``
with the same rows, the same ids and every foreign key still pointing at its vendor."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scopes_disabled

from api.models import ApiKey
from rma.models import Customer
from tenancy.models import Membership, Vendor

# The migrations that move the two models; what each app had before them is the state main
# databases are in.
MOVE = [
    ("api", "0002_vendor_in_tenancy"),
    ("notifications", "0003_vendor_in_tenancy"),
    ("rma", "0010_vendor_in_tenancy"),
    ("portal", "0003_tenancy_moved_out"),
]


def _before_move() -> list[tuple[str, str]]:
    graph = MigrationExecutor(connection).loader.graph
    return [
        parent.key
        for node in MOVE
        for parent in graph.node_map[node].parents
        if parent.key[0] == node[0]
    ]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_vendor_rows_survive_the_move_to_tenancy() -> None:
    try:
        _check_the_move()
    finally:
        # Whatever happened, the database ends fully migrated for the tests after this one.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _check_the_move() -> None:
    before = _before_move()
    executor = _migrate([("tenancy", None), *before])
    old = executor.loader.project_state(before).apps
    assert "portal_vendor" in connection.introspection.table_names()
    assert "tenancy_vendor" not in connection.introspection.table_names()

    # Content types and users are untouched by the move: today's models write them.
    content_type, _ = ContentType.objects.get_or_create(app_label="portal", model="vendor")
    vendor = old.get_model("portal", "Vendor").objects.create(
        slug="acme",
        name="Acme",
        policy_key="reolink",
        operating_country="DE",
        support_email="help@acme.test",
        sender_email="rma@acme.test",
    )
    user = get_user_model().objects.create(username="mia", is_staff=True)
    old.get_model("portal", "Membership").objects.create(
        user_id=user.pk, vendor=vendor, role="manager"
    )
    customer = old.get_model("rma", "Customer").objects.create(vendor=vendor, email="c@example.com")
    old.get_model("api", "ApiKey").objects.create(
        vendor=vendor, name="shop", prefix="abc123", key_hash="0" * 64
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    tables = connection.introspection.table_names()
    assert {"tenancy_vendor", "tenancy_membership"} <= set(tables)
    assert not {"portal_vendor", "portal_membership"} & set(tables)
    with scopes_disabled():
        moved = Vendor.objects.get(pk=vendor.pk)
        assert (moved.slug, moved.name, moved.policy_key) == ("acme", "Acme", "reolink")
        membership = Membership.objects.get(vendor=moved)
        assert (membership.user.username, membership.role) == ("mia", Membership.Role.MANAGER)
        assert Customer.objects.get(pk=customer.pk).vendor == moved
        assert ApiKey.objects.get(vendor=moved).name == "shop"
    # Admin history and permissions keep their content type: the row moved, it was not re-made.
    assert ContentType.objects.get(pk=content_type.pk).app_label == "tenancy"
    assert ContentType.objects.get_for_model(Vendor).pk == content_type.pk
    # A new vendor gets the next id, from the sequence the moved table kept.
    assert (
        Vendor.objects.create(
            slug="beta",
            name="Beta",
            policy_key="reolink",
            operating_country="DE",
            support_email="h@beta.test",
            sender_email="r@beta.test",
        ).pk
        > vendor.pk
    )
