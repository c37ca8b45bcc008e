"""The return slip: reachable from its email by a signed link, as a page and as a PDF with a
scannable Code 128 barcode and QR code of the RMA number, a sender and a recipient block.

The signed key stands in for a session: the slip shows what the parcel needs (RMA number, the
vendor's return address, the customer's own address, the items), so the key is scoped to that
one return, carries its own salt, and expires.
"""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from rma.formatting import vendor_time
from rma.models import ReturnRequest
from rma.services.access import slip_key, slip_key_matches

__all__ = ["slip_context", "slip_key", "slip_key_matches", "slip_pdf"]


def slip_context(rr: ReturnRequest) -> dict:
    vendor = rr.vendor
    policy = vendor.get_policy()
    return {
        "vendor": vendor,
        "rr": rr,
        "lines": rr.lines.select_related("order_line"),
        "carriers": list(policy.named_carriers()),
        "notices": policy.return_notice(),
        "sender_lines": rr.order.address_lines,
        "ship_by_text": vendor_time(rr.ship_by, vendor.time_zone) if rr.ship_by else "",
    }


def slip_pdf(rr: ReturnRequest) -> bytes:
    """An A4 page: RMA number in large type, its barcode and QR code, sender and recipient."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import code128, qr
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    context = slip_context(rr)
    vendor = context["vendor"]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Return slip %(number)s") % {"number": rr.rma_number})
    pdf.setAuthor(vendor.name)
    width, height = A4
    left, y = 20 * mm, height - 22 * mm

    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(left, y, _("Return slip"))
    pdf.setFont("Helvetica", 10)
    pdf.drawRightString(width - 20 * mm, y, vendor.name)

    y -= 16 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(left, y, "RMA")
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawString(left + 14 * mm, y - 2 * mm, rr.rma_number)

    barcode = code128.Code128(rr.rma_number, barHeight=18 * mm, barWidth=0.42 * mm, quiet=True)
    y -= 30 * mm
    barcode.drawOn(pdf, left - 6 * mm, y)
    code = qr.QrCodeWidget(rr.rma_number)
    x0, y0, x1, y1 = code.getBounds()
    size = 38 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(code)
    renderPDF.draw(drawing, pdf, width - 20 * mm - size, y - 4 * mm)

    def block(title: str, lines: list[str], x: float, top: float) -> None:
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(x, top, title)
        pdf.setFont("Helvetica", 11)
        for number, line in enumerate(lines, start=1):
            pdf.drawString(x, top - number * 5.2 * mm, line[:60])

    y -= 16 * mm
    recipient = [f"RMA {rr.rma_number}", *vendor.return_address.splitlines()]
    block(_("Recipient"), [line for line in recipient if line.strip()], left, y)
    block(_("Sender"), context["sender_lines"], width / 2 + 5 * mm, y)

    y -= (max(len(recipient), len(context["sender_lines"])) + 2) * 5.2 * mm
    pdf.setFont("Helvetica", 10)
    facts = [(_("Order"), rr.order.number), (_("Reason"), rr.get_scenario_display())]
    if context["ship_by_text"]:
        facts.append((_("Ship by"), context["ship_by_text"]))
    if context["carriers"]:
        facts.append((_("Allowed carriers"), ", ".join(c.name for c in context["carriers"])))
    for label, value in facts:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(left, y, f"{label}:")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(left + 34 * mm, y, str(value)[:90])
        y -= 5.5 * mm

    y -= 4 * mm
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(left, y, _("Item"))
    pdf.drawRightString(width - 20 * mm, y, _("Quantity"))
    pdf.setFont("Helvetica", 10)
    for line in context["lines"]:
        y -= 5.5 * mm
        pdf.drawString(left, y, f"{line.order_line.name} ({line.order_line.sku})"[:90])
        pdf.drawRightString(width - 20 * mm, y, str(line.quantity))

    pdf.setFont("Helvetica-Oblique", 9)
    y -= 10 * mm
    pdf.drawString(left, y, _("Put this slip in the parcel and write the RMA number on the label."))
    pdf.drawString(
        left,
        12 * mm,
        _("Printed %(when)s") % {"when": vendor_time(timezone.now(), vendor.time_zone)},
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
