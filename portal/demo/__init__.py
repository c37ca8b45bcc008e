"""Demo data for `make run`: three vendors with branding, agents, and orders and cases that
cover every scenario of each vendor's policy. Cases are created through the domain services,
so their audit trails, decisions and emails are real."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django_scopes import scope

from portal.models import Membership, Vendor
from rma.services import Actor

from .builder import logo_png
from .scenarios import SCENARIOS

VENDORS = [
    {
        "slug": "reolink",
        "name": "Reolink",
        "policy_key": "reolink",
        "time_zone": "America/Los_Angeles",
        "operating_country": "US",
        "accent_colour": "#0b5cad",
        "support_email": "support@reolink.example",
        "sender_email": "warranty@reolink.example",
        "return_address": "Reolink Returns\n1200 Industrial Rd\nSan Carlos, CA 94070\nUSA",
    },
    {
        "slug": "marketplace",
        "name": "Component Market",
        "policy_key": "marketplace",
        "time_zone": "Asia/Shanghai",
        "operating_country": "CN",
        "accent_colour": "#b3261e",
        "support_email": "rma@componentmarket.example",
        "sender_email": "rma@componentmarket.example",
        "return_address": "Component Market RMA\n88 Keji Road, Futian\nShenzhen 518000\nChina",
    },
    {
        "slug": "aqara",
        "name": "Aqara",
        "policy_key": "aqara",
        "time_zone": "America/New_York",
        "operating_country": "US",
        "accent_colour": "#1d6b4f",
        "support_email": "contact@aqara.example",
        "sender_email": "service@aqara.example",
        "return_address": "Aqara Returns Center\n45 Harbor Way\nNewark, NJ 07114\nUSA",
    },
]

PASSWORDS = {"admin": "admin"}


def seed(stdout: Callable[[str], None] = print) -> None:
    user_model = get_user_model()
    if not user_model.objects.filter(username="admin").exists():
        user_model.objects.create_superuser("admin", "admin@localhost", PASSWORDS["admin"])
        stdout("Created superuser admin / admin")
    for spec in VENDORS:
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
                SCENARIOS[vendor.policy_key](vendor, Actor.agent(agent))
        stdout(f"{vendor.name}: seeded (agent-{vendor.slug} / demo-{vendor.slug})")
