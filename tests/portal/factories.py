"""Builders for portal tests: vendors of each policy, orders, solutions, returns, images."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django_scopes import scope
from PIL import Image

from policies import Attestation
from rma import services
from rma.services import Actor
from rma.services.solutions import ProposedLine

from ..factories import OrderLineFactory, VendorFactory
from ..rma.test_return_transitions import satisfy_evidence


def reolink_vendor(**kwargs):
    defaults = {
        "slug": "reolink-test",
        "name": "Reolink Test",
        "policy_key": "reolink",
        "accent_colour": "#0b5cad",
        "support_email": "support@reolink.example",
    }
    return VendorFactory(**{**defaults, **kwargs})


def marketplace_vendor(**kwargs):
    defaults = {
        "slug": "market-test",
        "name": "Market Test",
        "policy_key": "marketplace",
        "accent_colour": "#b3261e",
        "time_zone": "UTC",
    }
    return VendorFactory(**{**defaults, **kwargs})


def aqara_vendor(**kwargs):
    defaults = {"slug": "aqara-test", "name": "Aqara Test", "policy_key": "aqara"}
    return VendorFactory(**{**defaults, **kwargs})


def order_with_line(vendor, *, delivered_days_ago: int = 3, **kwargs):
    now = timezone.now()
    placed = kwargs.pop("placed_at", now - timedelta(days=delivered_days_ago + 2))
    line = OrderLineFactory(
        order__vendor=vendor,
        order__placed_at=placed,
        order__shipped_at=kwargs.pop("shipped_at", placed + timedelta(days=1)),
        order__delivered_at=kwargs.pop("delivered_at", now - timedelta(days=delivered_days_ago)),
        vendor=vendor,
        unit_price=Decimal("120.00"),
        **kwargs,
    )
    return line.order


def propose_solution(
    vendor, *, return_required=True, makeup_amount=Decimal("0"), order=None, **kwargs
):
    """A solution through the domain service; returns (solution, password)."""
    order = order or order_with_line(vendor)
    line = order.lines.first()
    return services.solution_create(
        order=order,
        kind=kwargs.pop("kind", "replacement"),
        lines=[ProposedLine(line, line.sku, line.name, 1, Decimal("120.00"))],
        actor=Actor.system("test"),
        return_required=return_required,
        makeup_amount=makeup_amount,
        makeup_payment_required=makeup_amount > 0,
        **kwargs,
    )


def png_bytes(size=(32, 24), colour=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_exif(size=(40, 20), orientation: int = 6) -> bytes:
    """A JPEG carrying GPS-looking EXIF and an orientation tag (6: rotate 90° on display)."""
    image = Image.new("RGB", size, (200, 50, 50))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims billions of pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def mp4_bytes(brand: bytes = b"isom") -> bytes:
    """A minimal MP4 file: an ftyp box, a movie box with its header, an mdat box of filler."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"mp41"
    mvhd = struct.pack(">I", 108) + b"mvhd" + b"\x00" * 100
    moov = struct.pack(">I", 8 + len(mvhd)) + b"moov" + mvhd
    return ftyp + moov + struct.pack(">I", 1032) + b"mdat" + b"\x00" * 1024


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF (pypdf's writer) with blank pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def webm_bytes() -> bytes:
    """An EBML header (doc type webm) followed by a Segment element of filler."""
    header = b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm"
    segment = b"\x18\x53\x80\x67\x01\x00\x00\x00\x00\x00\x02\x00" + b"\x00" * 512
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + segment


def kept_item_request(vendor, *, reason: str = "A different sensor came in the box."):
    """MKT-7: a wrong item (price 80.00 against 120.00 paid) the customer asks to keep for the
    compensation, with the evidence the policy asks for; not decided yet."""
    with scope(vendor=vendor):
        order = order_with_line(vendor, delivered_days_ago=1)
        rr = services.return_create(
            order=order,
            scenario="wrong_item",
            lines=[(order.lines.get(), 1)],
            actor=Actor.customer(order.customer.email),
            reason=reason,
            attestations=[a.value for a in Attestation],
            wrong_item_option="keep",
            received_item_price=Decimal("80.00"),
        )
        satisfy_evidence(rr)
    return rr


def approved_kept_item(vendor):
    """``kept_item_request``, approved: nothing to send back."""
    rr = kept_item_request(vendor)
    with scope(vendor=vendor):
        return services.return_approve(return_request=rr, actor=Actor.system("agent"))
