"""Uploads are checked by content (REO-9, MKT-8): decode, size, count, EXIF, who may see them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from PIL import Image

from rma.models import Evidence
from rma.services import Actor, DomainError, solution_agree
from rma.services.evidence import evidence_add
from rma.services.uploads import UploadRefused

from .factories import (
    jpeg_with_exif,
    mp4_bytes,
    pdf_bytes,
    png_bomb,
    png_bytes,
    propose_solution,
    webm_bytes,
)
from .helpers import sign_in_solution, upload, url

CUSTOMER = Actor.customer("customer@mail.example")


@pytest.fixture
def confirmed(reolink):
    """A confirmed solution that needs a return (postage receipt) and a payment screenshot."""
    from decimal import Decimal

    with scope(vendor=reolink):
        solution, password = propose_solution(reolink, makeup_amount=Decimal("5.00"))
        solution = solution_agree(solution=solution, actor=CUSTOMER)
    return solution, password


def add(solution, name, content, kind="postage_receipt"):
    with scope(vendor=solution.vendor):
        return evidence_add(
            solution=solution, kind=kind, upload=upload(name, content), actor=CUSTOMER
        )


def stored(solution) -> list[Evidence]:
    with scopes_disabled():
        return list(Evidence.objects.filter(solution=solution))


def test_reo9_png_is_accepted_and_described(confirmed):
    solution, _password = confirmed
    evidence = add(solution, "receipt.png", png_bytes(size=(32, 24)))
    assert (evidence.content_type, evidence.width, evidence.height) == ("image/png", 32, 24)
    assert len(evidence.sha256) == 64
    assert evidence.original_name == "receipt.png"
    assert "receipt" not in evidence.file.name  # stored under a random name
    with scopes_disabled():
        assert solution.events.filter(action="evidence_added").count() == 1


def test_exif_is_stripped_and_orientation_applied(confirmed):
    solution, _password = confirmed
    original = jpeg_with_exif(size=(40, 20), orientation=6)
    assert Image.open(io.BytesIO(original)).getexif()  # the upload carries EXIF
    evidence = add(solution, "photo.jpg", original)
    with evidence.file.open("rb") as handle:
        saved = Image.open(io.BytesIO(handle.read()))
    assert saved.format == "JPEG"
    assert dict(saved.getexif()) == {}
    assert saved.size == (20, 40)  # turned upright, as the orientation tag said
    assert (evidence.width, evidence.height) == (20, 40)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param("shell.jpg", b"<?php system($_GET['c']); ?>", "is not a", id="php-as-jpg"),
        pytest.param(
            "page.png", b"<html><script>alert(1)</script></html>", "is not a", id="html-as-png"
        ),
        pytest.param(
            "anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "is not a", id="gif-not-allowed"
        ),
        pytest.param("cut.png", png_bytes(size=(200, 200))[:300], "damaged", id="truncated-png"),
        pytest.param("bomb.png", png_bomb(), "too many pixels", id="decompression-bomb"),
        pytest.param("empty.jpg", b"", "is empty", id="empty"),
    ],
)
def test_reo9_bad_files_are_refused_with_a_clear_message(confirmed, name, content, expected):
    solution, _password = confirmed
    with pytest.raises(UploadRefused) as refused:
        add(solution, name, content)
    assert expected in refused.value.message
    assert name in refused.value.message
    assert stored(solution) == []


def test_truncated_jpeg_is_refused(confirmed):
    solution, _password = confirmed
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 60).convert("RGB").save(buffer, format="JPEG")
    with pytest.raises(UploadRefused, match="damaged or incomplete"):
        add(solution, "half.jpg", buffer.getvalue()[: len(buffer.getvalue()) // 2])
    assert stored(solution) == []


def test_reo9_file_over_10_mb_is_refused_before_decoding(confirmed):
    solution, _password = confirmed
    big = png_bytes() + b"\x00" * (10 * 1024 * 1024)
    with pytest.raises(UploadRefused) as refused:
        add(solution, "huge.png", big)
    assert "at most 10,485,760 bytes" in refused.value.message
    assert "REO-9" in refused.value.message
    assert stored(solution) == []


def test_size_limit_follows_the_vendor_setting(reolink, confirmed):
    solution, _password = confirmed
    reolink.policy_settings = {"max_upload_bytes": 2000}
    reolink.save()
    noisy = io.BytesIO()
    Image.effect_noise((64, 64), 80).convert("RGB").save(noisy, format="PNG")
    with pytest.raises(UploadRefused, match="REO-9"):
        add(solution, "noisy.png", noisy.getvalue())
    add(solution, "small.png", png_bytes(size=(4, 4)))


def test_reo9_sixth_picture_is_refused_and_the_first_five_stay(confirmed):
    solution, _password = confirmed
    for number in range(3):
        add(solution, f"receipt{number}.png", png_bytes(colour=(number, 0, 0)))
    for number in range(2):
        add(solution, f"paid{number}.png", png_bytes(colour=(0, number, 0)), "payment_screenshot")
    with pytest.raises(UploadRefused) as refused:
        add(solution, "sixth.png", png_bytes(colour=(9, 9, 9)))
    assert "REO-9" in refused.value.message
    assert len(stored(solution)) == 5


def test_a_kind_the_case_does_not_ask_for_is_refused(confirmed):
    solution, _password = confirmed
    with pytest.raises(UploadRefused):
        add(solution, "video.png", png_bytes(), kind="video")


def test_uploads_close_once_the_solution_is_completed(confirmed):
    from rma.services import solution_cancel

    solution, _password = confirmed
    with scope(vendor=solution.vendor):
        solution_cancel(solution=solution, actor=Actor.system("test"))
    with pytest.raises(DomainError, match="no longer takes uploads"):
        add(solution, "late.png", png_bytes())


def test_earlier_uploads_survive_a_refused_one_in_the_same_form(client, confirmed):
    solution, password = confirmed
    sign_in_solution(client, solution, password)
    add(solution, "earlier.png", png_bytes(colour=(1, 2, 3)))
    response = client.post(
        url("solution_details", solution.vendor, solution.public_id),
        {
            "ship_name": solution.ship_name,
            "ship_line1": solution.ship_line1,
            "ship_postal_code": solution.ship_postal_code,
            "ship_city": solution.ship_city,
            "ship_country": str(solution.ship_country),
            "postage_receipt": [
                upload("good.png", png_bytes(colour=(4, 5, 6))),
                upload("evil.jpg", b"<?php echo 1; ?>"),
                upload("also-good.png", png_bytes(colour=(7, 8, 9))),
            ],
            "action": "save",
        },
    )
    assert response.status_code == 400
    assert "evil.jpg" in response.text
    names = sorted(ev.original_name for ev in stored(solution))
    assert names == ["also-good.png", "earlier.png", "good.png"]


def test_upload_endpoint_answers_json_with_the_checklist(client, confirmed):
    solution, password = confirmed
    sign_in_solution(client, solution, password)
    endpoint = url("solution_evidence_upload", solution.vendor, solution.public_id)
    response = client.post(
        endpoint,
        {"kind": "postage_receipt", "file": upload("r.png", png_bytes())},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    receipt = next(item for item in body["checklist"] if item["kind"] == "postage_receipt")
    assert receipt["counted"] == 1 and receipt["done"] is True
    refused = client.post(
        endpoint,
        {"kind": "postage_receipt", "file": upload("x.webp", b"RIFF0000WEBPVP8 junk")},
        HTTP_ACCEPT="application/json",
    )
    assert refused.status_code == 400
    assert "x.webp" in refused.json()["errors"][0]
    assert len(stored(solution)) == 1


def test_evidence_is_served_to_that_session_only(client, reolink, confirmed):
    solution, password = confirmed
    evidence = add(solution, "r.png", png_bytes())
    file_url = url("solution_evidence_file", reolink, solution.public_id, evidence.pk)
    assert client.get(file_url).status_code == 302  # not signed in: the login page
    sign_in_solution(client, solution, password)
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    with scope(vendor=reolink):
        other, other_password = propose_solution(reolink)
    sign_in_solution(client, other, other_password)
    assert client.get(file_url).status_code == 302
    # Another case's file id under this session's own case answers 404.
    guessed = url("solution_evidence_file", reolink, other.public_id, evidence.pk)
    assert client.get(guessed).status_code == 404
    removed = url("solution_evidence_remove", reolink, other.public_id, evidence.pk)
    assert client.post(removed).status_code == 404
    assert len(stored(solution)) == 1


def test_evidence_has_no_public_url(confirmed, settings):
    solution, _password = confirmed
    evidence = add(solution, "r.png", png_bytes())
    assert reverse("portal:vendor_home", args=[solution.vendor.slug]) not in evidence.file.name
    assert not settings.MEDIA_URL or "media" not in settings.ROOT_URLCONF


# -- videos and documents on a return request (MKT-8) --------------------------------------


@pytest.fixture
def defect_request(market):
    from rma.services import return_create

    from .factories import order_with_line

    with scope(vendor=market):
        order = order_with_line(market)
        line = order.lines.first()
        return return_create(
            order=order, scenario="quality_defect", lines=[(line, 1)], actor=CUSTOMER
        )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        pytest.param("fault.mp4", mp4_bytes(), "video/mp4", id="mp4"),
        pytest.param("fault.mov", mp4_bytes(b"qt  "), "video/quicktime", id="mov"),
        pytest.param("fault.webm", webm_bytes(), "video/webm", id="webm"),
    ],
)
def test_mkt8_videos_are_recognised_by_their_container(defect_request, name, content, content_type):
    with scope(vendor=defect_request.vendor):
        evidence = evidence_add(
            return_request=defect_request,
            kind="video",
            upload=upload(name, content),
            actor=CUSTOMER,
        )
    assert evidence.content_type == content_type
    assert evidence.file.name.endswith(content_type.split("/")[1].replace("quicktime", "mov"))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("photo.mp4", mp4_bytes(b"heic"), id="heic-image-as-mp4"),
        pytest.param("film.webm", b"\x1a\x45\xdf\xa3\x9f\x42\x86matroska" + b"\0" * 64, id="mkv"),
        pytest.param("fake.mp4", b"not a video at all" * 10, id="text"),
        pytest.param("frame.mp4", png_bytes(), id="picture-as-video"),
    ],
)
def test_mkt8_disguised_videos_are_refused(defect_request, name, content):
    with scope(vendor=defect_request.vendor), pytest.raises(UploadRefused, match="MKT-8"):
        evidence_add(
            return_request=defect_request,
            kind="video",
            upload=upload(name, content),
            actor=CUSTOMER,
        )
    with scopes_disabled():
        assert not defect_request.evidence.exists()


def test_video_size_cap_is_the_vendors_setting(market, defect_request):
    market.policy_settings = {"video_max_bytes": 1000}
    market.save()
    with scope(vendor=market), pytest.raises(UploadRefused, match="MKT-8"):
        evidence_add(
            return_request=defect_request,
            kind="video",
            upload=upload("long.mp4", mp4_bytes() + b"\0" * 2000),
            actor=CUSTOMER,
        )


def test_mkt8_fault_statement_may_be_a_pdf(defect_request):
    with scope(vendor=defect_request.vendor):
        evidence = evidence_add(
            return_request=defect_request,
            kind="fault_statement",
            upload=upload("statement.pdf", pdf_bytes()),
            actor=CUSTOMER,
        )
    assert evidence.content_type == "application/pdf"


def _png_header_only(width: int, height: int, colour_type: int = 2) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 4096)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def test_a_png_over_the_decode_budget_is_refused_before_decoding(confirmed):
    # 6000 x 6000 RGBA is 36 MP (under the 64 MP limit) but 144 MB decoded.
    solution, _password = confirmed
    with pytest.raises(UploadRefused, match="too many pixels"):
        add(solution, "huge.png", _png_header_only(6000, 6000, colour_type=6))
    assert stored(solution) == []


def test_a_large_jpeg_is_decoded_reduced_and_stored_at_most_4096_pixels_wide(confirmed):
    # 10000 x 2000 fits the decode budget at 1/2 scale (5000 x 1000), then is scaled to 4096.
    solution, _password = confirmed
    buffer = io.BytesIO()
    Image.new("RGB", (10000, 2000), (90, 120, 200)).save(buffer, format="JPEG", quality=80)
    evidence = add(solution, "wide.jpg", buffer.getvalue())
    assert (evidence.width, evidence.height) == (4096, 819)


@pytest.mark.parametrize(
    ("size", "stored"),
    [
        pytest.param((3000, 2000), (3000, 2000), id="6MP-fits-the-budget-at-full-size"),
        pytest.param((4032, 3024), (2016, 1512), id="12MP-phone-photo-at-half-scale"),
        pytest.param((6000, 3000), (3000, 1500), id="18MP-at-half-scale"),
    ],
)
def test_a_jpeg_is_decoded_at_the_largest_scale_within_its_memory_budget(confirmed, size, stored):
    solution, _password = confirmed
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 120, 200)).save(buffer, format="JPEG", quality=80)
    evidence = add(solution, "photo.jpg", buffer.getvalue())
    assert (evidence.width, evidence.height) == stored


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("cut.mp4", mp4_bytes()[:-100], id="mp4-cut-short"),
        pytest.param("nomoov.mp4", mp4_bytes()[:24] + mp4_bytes()[140:], id="mp4-without-moov"),
        pytest.param("junk.mp4", mp4_bytes()[:24] + b"\xff" * 600, id="mp4-junk-after-ftyp"),
        pytest.param("noseg.webm", webm_bytes()[:20] + b"\x00" * 600, id="webm-without-segment"),
    ],
)
def test_mkt8_videos_that_only_start_like_a_video_are_refused(defect_request, name, content):
    with scope(vendor=defect_request.vendor), pytest.raises(UploadRefused, match="damaged"):
        evidence_add(
            return_request=defect_request,
            kind="video",
            upload=upload(name, content),
            actor=CUSTOMER,
        )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", id="no-pages"),
        pytest.param(b"%PDF-1.7\n" + b"\x00" * 2000, id="header-then-nothing"),
        pytest.param(pdf_bytes()[: len(pdf_bytes()) // 2], id="cut-in-half"),
    ],
)
def test_mkt8_pdfs_that_only_start_like_a_pdf_are_refused(defect_request, content):
    with scope(vendor=defect_request.vendor), pytest.raises(UploadRefused, match="damaged"):
        evidence_add(
            return_request=defect_request,
            kind="fault_statement",
            upload=upload("statement.pdf", content),
            actor=CUSTOMER,
        )
