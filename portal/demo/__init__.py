"""Demo data for `make run`: the demo vendor each registered policy describes, with branding,
agents, and orders and cases that cover every scenario of each vendor's policy. Cases are
created through the domain services, so their audit trails, decisions and emails are real."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django_scopes import scope

from policies.registry import POLICIES
from rma.services import Actor
from rma.services.rollups import rollups_rebuild
from tenancy.models import Membership, Vendor

from .builder import logo_png
from .catalogue import seed_catalogue
from .scenarios import seeder_for


def demo_vendors() -> list[dict[str, str]]:
    """One demo vendor per registered policy that describes one (``Policy.demo_vendor``)."""
    return [
        {"slug": key, "policy_key": key, **policy.demo_vendor}
        for key, policy in POLICIES.items()
        if policy.demo_vendor is not None
    ]


PASSWORDS = {"admin": "admin"}


def seed(stdout: Callable[[str], None] = print) -> None:
    user_model = get_user_model()
    if not user_model.objects.filter(username="admin").exists():
        user_model.objects.create_superuser("admin", "admin@localhost", PASSWORDS["admin"])
        stdout("Created superuser admin / admin")
    for spec in demo_vendors():
        vendor = Vendor.objects.filter(slug=spec["slug"]).first()
        if vendor is not None:
            stdout(f"{spec['name']}: already seeded, kept as it is")
            continue
        with transaction.atomic():
            vendor = Vendor.objects.create(**spec)
            vendor.logo.save(
                f"{vendor.slug}.png", ContentFile(logo_png(vendor.name, vendor.accent_colour))
            )
            agent = user_model.objects.create_user(
                f"agent-{vendor.slug}",
                f"agent@{vendor.slug}.example",
                f"demo-{vendor.slug}",
                is_staff=True,
            )
            Membership.objects.create(user=agent, vendor=vendor, role=Membership.Role.MANAGER)
            with scope(vendor=vendor):
                seeder_for(vendor.policy_key)(vendor, Actor.agent(agent))
                seed_catalogue(vendor)
                # The demo writes some rows directly (orders, back-dated steps): count them.
                # The rebuild's grouped SQL needs PostgreSQL; on the embedded SQLite of
                # `make run` the counters the services kept while seeding stand as they are.
                if connection.vendor == "postgresql":
                    rollups_rebuild(vendor=vendor)
        stdout(f"{vendor.name}: seeded (agent-{vendor.slug} / demo-{vendor.slug})")
