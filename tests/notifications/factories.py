"""Cases built through the domain services, so their events, emails and webhooks are real."""

from __future__ import annotations

import hashlib
from datetime import datetime

import factory
from django.core.files.base import ContentFile
from django_scopes import scope

from notifications.models import WebhookEndpoint
from rma import services
from rma.models import Evidence, ReturnRequest, WarrantySolution
from rma.services import Actor
from rma.services.solutions import ProposedLine
from tenancy.models import Vendor
from tests.factories import OrderLineFactory, VendorFactory, tiny_png

MKT_CONDITION = ["unused", "untested", "unprogrammed", "packaging_intact", "accessories_complete"]
AGENT = Actor.system("test agent")


def reolink(**kwargs) -> Vendor:
    kwargs.setdefault("slug", "reolink")
    kwargs.setdefault("name", "Reolink")
    return VendorFactory(policy_key="reolink", time_zone="America/Los_Angeles", **kwargs)


def marketplace(**kwargs) -> Vendor:
    kwargs.setdefault("slug", "market")
    kwargs.setdefault("name", "Component Market")
    return VendorFactory(policy_key="marketplace", **kwargs)


def propose(
    vendor: Vendor, *, language: str = "en", notify: bool = True, at: datetime | None = None
) -> tuple[WarrantySolution, str]:
    """A Reolink-style solution proposed by an agent, with its one-time password."""
    with scope(vendor=vendor):
        line = OrderLineFactory(
            order__vendor=vendor,
            vendor=vendor,
            order__customer__language=language,
            order__customer__name="Dana Example",
            name="Argus 3 Pro camera",
        )
        return services.solution_create(
            order=line.order,
            kind="replacement",
            lines=[ProposedLine(line, line.sku, line.name, 1)],
            actor=AGENT,
            notify=notify,
            at=at,
        )


def add_evidence(rr: ReturnRequest, kind: str, count: int = 1) -> None:
    png = tiny_png()
    for _ in range(count):
        evidence = Evidence(
            vendor_id=rr.vendor_id,
            return_request=rr,
            kind=kind,
            content_type="image/png",
            size=len(png),
            sha256=hashlib.sha256(png).hexdigest(),
            width=8,
            height=8,
        )
        evidence.file.save("evidence.png", ContentFile(png), save=False)
        evidence.save()


def requested_return(
    vendor: Vendor, *, language: str = "en", at: datetime | None = None
) -> ReturnRequest:
    """A non-quality marketplace return (MKT-4, MKT-6) with its evidence uploaded."""
    with scope(vendor=vendor):
        line = OrderLineFactory(
            order__vendor=vendor,
            vendor=vendor,
            order__customer__language=language,
            order__customer__name="Robin Example",
            name="USB-C dock",
        )
        rr = services.return_create(
            order=line.order,
            scenario="non_quality",
            lines=[(line, 1)],
            actor=Actor.customer(line.order.customer.email),
            reason="Changed my mind",
            attestations=MKT_CONDITION,
            at=at,
        )
        add_evidence(rr, "photo")
        add_evidence(rr, "packaging_photo")
        return rr


def approved_return(
    vendor: Vendor, *, language: str = "en", at: datetime | None = None
) -> ReturnRequest:
    rr = requested_return(vendor, language=language, at=at)
    with scope(vendor=vendor):
        return services.return_approve(return_request=rr, actor=AGENT, at=at)


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    vendor = factory.SubFactory(VendorFactory)
    url = "https://hooks.vendor.example/rma"
    description = "ERP"
