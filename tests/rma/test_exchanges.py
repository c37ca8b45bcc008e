"""Exchanges through the services: the quote the policy prices, the chosen variant stored with
the request, and the exchange resolution its approval creates (AQA-4, AQA-6)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_scopes import scope

from policies.base import Attestation
from rma import services
from rma.models import (
    CatalogVariant,
    Event,
    Evidence,
    OrderLine,
    Resolution,
    ReturnExchange,
    ReturnRequest,
)
from rma.services import Actor, DomainError
from rma.services.catalogue import ProductData, VariantData, product_upsert
from rma.services.exchanges import exchange_choices, exchange_quote

from ..factories import OrderLineFactory, VendorFactory, tiny_png

CUSTOMER = Actor.customer("customer@mail.example")
AGENT = Actor.vendor_api("ERP sync")
ATTESTED = [a.value for a in Attestation]


@pytest.fixture
def aqara(db):
    return VendorFactory(slug="aqara-exchanges", policy_key="aqara")


@pytest.fixture
def line(aqara):
    return exchange_line(aqara)


def exchange_line(aqara) -> OrderLine:
    """Two Hub M3 white on a delivered USD order, and a catalogue to exchange them within."""
    placed = timezone.now() - timedelta(days=5)
    line = OrderLineFactory(
        order__vendor=aqara,
        vendor=aqara,
        order__currency="USD",
        order__placed_at=placed,
        order__shipped_at=placed,
        order__delivered_at=placed + timedelta(days=2),
        sku="HUB-M3-W",
        name="Hub M3 white",
        quantity=2,
        unit_price=Decimal("99.99"),
    )
    with scope(vendor=aqara):
        for handle, name, variants in (
            ("hub-m3", "Hub M3", [("HUB-M3-W", "99.99", "white"), ("HUB-M3-B", "119.99", "black")]),
            ("hub-m2", "Hub M2", [("HUB-M2-W", "59.50", "white")]),
            ("hub-eu", "Hub EU", [("HUB-EU", "80.00", "white")]),
        ):
            currency = "EUR" if handle == "hub-eu" else "USD"
            product_upsert(
                vendor=aqara,
                data=ProductData(
                    handle,
                    name,
                    [
                        VariantData(sku, Decimal(p), currency, {"colour": c})
                        for sku, p, c in variants
                    ],
                ),
            )
    return line


def _variant(sku: str) -> CatalogVariant:
    return CatalogVariant.objects.get(sku=sku)


def _exchange(line, sku: str, quantity: int = 2) -> ReturnRequest:
    quote = exchange_quote(
        order=line.order,
        scenario="non_quality",
        order_line=line,
        quantity=quantity,
        variant_id=_variant(sku).pk,
    )
    return services.return_create(
        order=line.order,
        scenario="non_quality",
        lines=[(line, quantity)],
        actor=CUSTOMER,
        attestations=ATTESTED,
        exchange=quote,
    )


def _approve(rr: ReturnRequest) -> ReturnRequest:
    png = tiny_png()
    evidence = Evidence(
        vendor=rr.vendor,
        return_request=rr,
        kind="photo",
        content_type="image/png",
        size=len(png),
        sha256=hashlib.sha256(png).hexdigest(),
        width=8,
        height=8,
    )
    evidence.file.save("photo.png", ContentFile(png), save=False)
    evidence.save()
    return services.return_approve(return_request=rr, actor=AGENT)


def test_an_exchange_with_a_higher_priced_variant_asks_for_the_difference(aqara, line):
    with scope(vendor=aqara):
        rr = _exchange(line, "HUB-M3-B")
        chosen = ReturnExchange.objects.get(return_request=rr)
        assert (chosen.settlement, chosen.difference) == ("make_up_payment", Decimal("40.00"))
        assert (chosen.original_unit_price, chosen.replacement_unit_price) == (
            Decimal("99.99"),
            Decimal("119.99"),
        )
        assert rr.decision["exchange"]["rule_id"] == "AQA-4"
        assert not Resolution.objects.filter(return_request=rr).exists()  # not before approval
        _approve(rr)
        resolution = Resolution.objects.get(return_request=rr)
        assert (resolution.kind, resolution.state) == ("exchange", "pending")
        assert (resolution.makeup_amount, resolution.amount) == (Decimal("40.00"), Decimal("0"))
        assert resolution.awaits_payment and "shipped" not in resolution.legal_steps()
        assert [(ln["amount"], ln["rule_id"]) for ln in resolution.lines] == [("40.00", "AQA-4")]
        assert resolution.quantity == 2 and resolution.order_line == line
        assert Event.objects.filter(resolution=resolution, action="created").count() == 1
        assert ReturnExchange.objects.get(return_request=rr).resolution == resolution


def test_an_exchange_with_a_lower_priced_variant_refunds_the_difference(aqara, line):
    with scope(vendor=aqara):
        rr = _approve(_exchange(line, "HUB-M2-W", quantity=1))
        resolution = Resolution.objects.get(return_request=rr, kind="exchange")
        assert (resolution.amount, resolution.makeup_amount) == (Decimal("0"), Decimal("0"))
        assert not resolution.awaits_payment
        assert [(ln["amount"], ln["rule_id"]) for ln in resolution.lines] == [("-40.49", "AQA-6")]
        assert "refunded" in resolution.lines[0]["label"]
        # The difference is a refund of its own, paid like any refund.
        refund = Resolution.objects.get(return_request=rr, kind="refund")
        assert (refund.state, refund.amount, refund.rule_ids) == (
            "pending",
            Decimal("40.49"),
            ["AQA-6"],
        )
        assert [ln["amount"] for ln in refund.lines] == ["40.49"]
        services.resolution_mark_paid(resolution=refund, actor=AGENT, provider_reference="re_77")
        refund.refresh_from_db()
        assert (refund.state, refund.provider_reference) == ("done", "re_77")


def test_the_paid_difference_is_emailed_once_itemised_and_the_case_goes_on(aqara, line):
    from notifications.context import decode_context
    from notifications.emails import render as render_email
    from notifications.models import OutboxMessage

    with scope(vendor=aqara):
        rr = _approve(_exchange(line, "HUB-M2-W", quantity=1))
        refund = Resolution.objects.get(return_request=rr, kind="refund")
        assert not OutboxMessage.objects.filter(kind="refund_issued").exists()
        services.resolution_mark_paid(resolution=refund, actor=AGENT, provider_reference="re_77")
        [email] = OutboxMessage.objects.filter(kind="refund_issued")
        context = decode_context(email.context)
        assert email.to == rr.customer.email
    for language, amount, goes_on in (
        ("en", "40.49 USD", "The rest of your case goes on"),
        ("de", "40,49 USD", "Der Rest Ihres Falls geht weiter"),
    ):
        _subject, text, _html = render_email(
            vendor=aqara, kind="refund_issued", context=context, language=language
        )
        assert amount in text and "AQA-6" in text and goes_on in text
        assert "complete" not in text and "abgeschlossen" not in text
    # Replayed over the API or clicked twice: no second payment, no second email.
    with scope(vendor=aqara):
        with pytest.raises(DomainError):
            services.resolution_mark_paid(resolution=refund, actor=AGENT, provider_reference="re_7")
        assert OutboxMessage.objects.filter(kind="refund_issued").count() == 1


def test_cancelling_a_cheaper_exchange_cancels_its_difference_refund(aqara, line):
    with scope(vendor=aqara):
        rr = _approve(_exchange(line, "HUB-M2-W", quantity=1))
        exchange = Resolution.objects.get(return_request=rr, kind="exchange")
        services.resolution_cancel(resolution=exchange, actor=AGENT, note="Out of stock")
        refund = Resolution.objects.get(return_request=rr, kind="refund")
        assert refund.state == "cancelled"
        assert Event.objects.filter(resolution=refund, action="cancelled").count() == 1


def test_a_second_approval_call_creates_no_second_exchange_resolution(aqara, line):
    from rma.services.exchanges import exchange_resolution_create

    with scope(vendor=aqara):
        rr = _approve(_exchange(line, "HUB-M3-B"))
        again = exchange_resolution_create(return_request=rr, actor=AGENT)
        assert Resolution.objects.filter(return_request=rr, kind="exchange").count() == 1
        assert again == Resolution.objects.get(return_request=rr)


def test_choices_leave_out_the_own_sku_other_currencies_and_stock_outs(aqara, line):
    with scope(vendor=aqara):
        CatalogVariant.objects.filter(sku="HUB-M2-W").update(in_stock=False)
        skus = [v.sku for v in exchange_choices(order=line.order, order_line=line)]
        assert skus == ["HUB-M3-B"]
        with pytest.raises(DomainError) as refused:
            _exchange(line, "HUB-M2-W")
        assert refused.value.code == "exchange_variant_unavailable"
        assert not ReturnRequest.objects.filter(order=line.order).exists()


def test_aqa5_past_the_window_an_exchange_is_refused_and_nothing_is_saved(aqara, line):
    with scope(vendor=aqara):
        order = line.order
        order.placed_at = timezone.now() - timedelta(days=40)
        order.save()
        with pytest.raises(DomainError) as refused:
            _exchange(line, "HUB-M3-B")
        assert refused.value.code == "exchange_not_allowed"
        assert refused.value.findings[0]["rule_id"] == "AQA-5"
        assert not ReturnExchange.objects.exists()


def test_a_warranty_claim_offers_no_exchange(aqara, line):
    with scope(vendor=aqara), pytest.raises(DomainError) as refused:
        exchange_quote(
            order=line.order,
            scenario="warranty_claim",
            order_line=line,
            quantity=1,
            variant_id=_variant("HUB-M3-B").pk,
        )
    assert refused.value.code == "exchange_not_allowed"


def test_same_product_setting_offers_only_the_same_products_variants(aqara, line):
    aqara.policy_settings = {"exchanges": "same_product"}
    aqara.save()
    with scope(vendor=aqara):
        skus = [v.sku for v in exchange_choices(order=line.order, order_line=line)]
        assert skus == ["HUB-M3-B"]


def test_a_variant_an_exchange_refers_to_cannot_be_removed(aqara, line):
    with scope(vendor=aqara):
        _exchange(line, "HUB-M2-W", quantity=1)
        with pytest.raises(DomainError) as refused:
            product_upsert(
                vendor=aqara,
                data=ProductData(
                    "hub-m2", "Hub M2", [VariantData("HUB-M2-X", Decimal("1"), "USD")]
                ),
            )
        assert refused.value.code == "variant_in_use"
        assert CatalogVariant.objects.filter(sku="HUB-M2-W").exists()


def test_the_agents_case_page_names_the_exchange_asked_for(client, aqara, line):
    from django.urls import reverse

    from ..factories import MembershipFactory

    with scope(vendor=aqara):
        rr = _exchange(line, "HUB-M3-B")
    agent = MembershipFactory(vendor=aqara, user__username="agent-exch").user
    outsider = MembershipFactory(
        vendor=VendorFactory(slug="other-exch"), user__username="outsider"
    ).user
    page_url = reverse("admin:rma_returnrequest_change", args=[rr.pk])
    client.force_login(agent)
    page = client.get(page_url)
    assert page.status_code == 200
    assert (
        "2 × HUB-M3-W for HUB-M3-B (Hub M3 (black)): the customer pays 40.00 USD (AQA-4)"
        in page.content.decode()
    )
    client.force_login(outsider)
    assert client.get(page_url).status_code == 302  # answered like a missing case


def test_an_exchange_return_is_not_refunded_until_its_exchange_is_cancelled(aqara, line):
    from rma.services.resolutions import resolution_cancel

    with scope(vendor=aqara):
        rr = _approve(_exchange(line, "HUB-M2-W", quantity=1))
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT)
        with pytest.raises(DomainError) as refused:
            services.return_refund(return_request=rr, actor=AGENT)
        assert refused.value.code == "exchange_requested"
        rr.refresh_from_db()
        assert (rr.status, rr.refund_amount) == ("inspected", None)
        exchange = Resolution.objects.get(return_request=rr, kind="exchange")
        resolution_cancel(resolution=exchange, actor=AGENT, note="Out of stock after all.")
        services.return_refund(return_request=rr, actor=AGENT)
        rr.refresh_from_db()
        assert (rr.status, rr.refund_amount) == ("refunded", Decimal("99.99"))


def test_a_paid_difference_is_deducted_when_the_cancelled_exchange_becomes_a_refund(aqara, line):
    """The cheaper exchange's difference (40.49) was paid; the exchange is then cancelled and
    the return refunded: the refund pays the rest of the price (59.50), never 99.99 again."""
    from rma.services.resolutions import resolution_cancel
    from rma.services.return_handling import refund_to_pay

    with scope(vendor=aqara):
        rr = _approve(_exchange(line, "HUB-M2-W", quantity=1))
        difference = Resolution.objects.get(return_request=rr, kind="refund")
        services.resolution_mark_paid(resolution=difference, actor=AGENT)
        services.return_mark_received(return_request=rr, actor=AGENT)
        services.return_record_inspection(return_request=rr, actor=AGENT)
        exchange = Resolution.objects.get(return_request=rr, kind="exchange")
        resolution_cancel(resolution=exchange, actor=AGENT, note="Out of stock after all.")
        assert refund_to_pay(rr) == ("59.50", "USD")  # what the agent's Refund button says
        services.return_refund(return_request=rr, actor=AGENT)
        rr.refresh_from_db()
        paid = sorted(
            Resolution.objects.filter(return_request=rr, kind="refund", state="done").values_list(
                "amount", flat=True
            )
        )
    assert rr.refund_amount == Decimal("59.50")
    assert paid == [Decimal("40.49"), Decimal("59.50")]  # 99.99 in all: the price, once
    lines = [(ln["label"], ln["amount"], ln["rule_id"]) for ln in rr.refund_breakdown["lines"]]
    assert lines[-1] == ("Already refunded on this case (40.49)", "-40.49", "AQA-6")
