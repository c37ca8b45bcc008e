"""Checking an uploaded file by its content: what it really is, whether it decodes, how big.

Images must decode completely with Pillow, within a memory budget, and are re-encoded
(orientation applied, EXIF and other metadata dropped, at most MAX_EDGE pixels a side). Videos
must be a well-formed container (MP4/MOV: boxes that tile the file, with a movie header;
WebM: an EBML header followed by a segment), PDFs must parse with pages (pypdf). The
customer's file name is never trusted and never reaches storage.
"""

from __future__ import annotations

import hashlib
import tempfile
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from policies.base import EvidenceRequirement, Policy

from .base import DomainError

# Far above any phone camera (a 200-megapixel sensor is 16384 x 12288).
MAX_PIXELS = 64_000_000
# What decoding one picture may hold in memory: JPEGs are decoded at a reduced scale (draft
# mode) close to MAX_EDGE, so any photo fits; a PNG or WebP must fit at full size (about
# 22 MP in RGB, 16 MP with transparency), or it is refused before a pixel is decoded.
DECODE_BUDGET_BYTES = 64 * 1024 * 1024
# Stored pictures are at most this many pixels on their longest side: plenty to inspect damage.
MAX_EDGE = 4096
# A JPEG is decoded at the largest of libjpeg's scales (1, 1/2, 1/4, 1/8) whose pixels fit in
# this much memory: turning it upright and re-encoding it hold a second copy for a moment, so
# an upload's peak stays within about twice this however large the photo (a 12 MP phone photo
# is decoded at 1/2 scale, 2016 x 1512).
JPEG_DECODE_BYTES = 24 * 1024 * 1024
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "I;16": 2, "RGB": 3, "YCbCr": 3, "LAB": 3}
HEAD_BYTES = 64
CHUNK = 1024 * 1024

# Pillow's name for a format -> (the name policies use, content type, file extension)
PILLOW_FORMATS = {
    "JPEG": ("jpeg", "image/jpeg", "jpg"),
    "PNG": ("png", "image/png", "png"),
    "WEBP": ("webp", "image/webp", "webp"),
}
VIDEO_TYPES = {
    "mp4": ("video/mp4", "mp4"),
    "mov": ("video/quicktime", "mov"),
    "webm": ("video/webm", "webm"),
}
# ISO base media brands of ordinary MP4 video. HEIF/AVIF images share the container, so
# their brands (heic, mif1, avif...) are deliberately absent.
MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"M4V ",
    b"dash",
    b"mmp4",
    b"MSNV",
}


class UploadRefused(DomainError):
    code = "upload_refused"


@dataclass
class CheckedFile:
    """A file that passed every check, ready to store under a random name."""

    content: File
    file_format: str
    content_type: str
    extension: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None

    @property
    def storage_name(self) -> str:
        return f"upload.{self.extension}"


def sniff_format(head: bytes) -> str:
    """The container a file's first bytes announce: mp4, mov, webm, pdf, or '' (maybe image)."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand in MP4_BRANDS:
            return "mp4"
        return "isobmff"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in head else "matroska"
    if head[:5] == b"%PDF-":
        return "pdf"
    return ""


def _refuse(message: str, rule_id: str) -> UploadRefused:
    return UploadRefused(message, findings=[{"rule_id": rule_id, "ok": False, "message": message}])


def check_upload_content(
    upload: IO[bytes], *, name: str, size: int, requirement: EvidenceRequirement, policy: Policy
) -> CheckedFile:
    """Refuse anything that is not what the requirement accepts; raise UploadRefused."""
    rule = requirement.rule_id
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not head:
        raise _refuse(_("“%(name)s” is empty.") % {"name": name}, rule)
    file_format = sniff_format(head) or _image_format(upload)
    finding = policy.check_upload(requirement, file_format, size)
    rule = finding.rule_id
    if not finding.ok:
        if not file_format or file_format not in requirement.formats:
            allowed = ", ".join(f.upper() for f in requirement.formats)
            message = _(
                "“%(name)s” is not a %(allowed)s file, whatever its name says; "
                "please choose another file (%(rule)s)."
            ) % {"name": name, "allowed": allowed, "rule": rule}
        else:
            shown, limit = _sizes(size, requirement.max_bytes or 0)
            message = _(
                "“%(name)s” is %(size)s; each file may be at most %(limit)s (%(rule)s)."
            ) % {"name": name, "size": shown, "limit": limit, "rule": rule}
        raise UploadRefused(message, findings=[finding.to_dict()])
    if file_format in VIDEO_TYPES:
        if not _container_is_whole(upload, file_format, size):
            raise _refuse(_damaged_file(name, rule), rule)
        content_type, extension = VIDEO_TYPES[file_format]
        return _stored_as_is(upload, file_format, content_type, extension)
    if file_format == "pdf":
        if not _pdf_has_pages(upload):
            raise _refuse(_damaged_file(name, rule), rule)
        return _stored_as_is(upload, "pdf", "application/pdf", "pdf")
    return _reencoded_image(upload, name=name, rule=rule)


def _damaged_file(name: str, rule: str) -> str:
    return _(
        "“%(name)s” is damaged or incomplete (its structure does not hold together); "
        "please send the original file again (%(rule)s)."
    ) % {"name": name, "rule": rule}


def _container_is_whole(upload: IO[bytes], file_format: str, size: int) -> bool:
    """A structural walk of the container, reading only box and element headers."""
    upload.seek(0)
    try:
        if file_format == "webm":
            return _webm_has_segment(upload.read(4096))
        return _iso_boxes_tile(upload, size)
    finally:
        upload.seek(0)


def _iso_boxes_tile(upload: IO[bytes], size: int) -> bool:
    """MP4/MOV: top-level boxes follow each other to the exact end, ftyp first, with a movie
    header (moov, or moof fragments) and media data (mdat)."""
    seen: list[bytes] = []
    offset = 0
    while offset < size:
        upload.seek(offset)
        header = upload.read(16)
        if len(header) < 8:
            return False
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if length == 1:
            if len(header) < 16:
                return False
            length = int.from_bytes(header[8:16], "big")
        elif length == 0:
            length = size - offset  # the last box runs to the end of the file
        if length < 8 or offset + length > size or not kind.isascii():
            return False
        seen.append(kind)
        offset += length
        if len(seen) > 10_000:
            return False
    return (
        bool(seen)
        and seen[0] == b"ftyp"
        and b"mdat" in seen
        and (b"moov" in seen or b"moof" in seen)
    )


def _ebml_vint(data: bytes, at: int, *, keep_marker: bool) -> tuple[int, int] | None:
    if at >= len(data) or data[at] == 0:
        return None
    width = 8 - data[at].bit_length() + 1
    if at + width > len(data):
        return None
    value = int.from_bytes(data[at : at + width], "big")
    if not keep_marker:
        value &= (1 << (7 * width)) - 1
    return value, at + width


def _webm_has_segment(head: bytes) -> bool:
    """WebM: the EBML header (doc type webm), then a Segment element right after it."""
    element = _ebml_vint(head, 0, keep_marker=True)
    if element is None or element[0] != 0x1A45DFA3:
        return False
    length = _ebml_vint(head, element[1], keep_marker=False)
    if length is None:
        return False
    body_end = length[1] + length[0]
    if b"webm" not in head[length[1] : body_end]:
        return False
    segment = _ebml_vint(head, body_end, keep_marker=True)
    return segment is not None and segment[0] == 0x18538067


def _pdf_has_pages(upload: IO[bytes]) -> bool:
    """pypdf reads the cross-reference table and the page tree (not the page contents)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return len(PdfReader(upload, strict=True).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError):
        return False
    finally:
        upload.seek(0)


def _sizes(size: int, limit: int) -> tuple[str, str]:
    """Both sizes in the unit a person reads, precise enough to tell them apart."""

    def human(value: int) -> str:
        if value >= 1024 * 1024:
            return f"{value / (1024 * 1024):.1f} MB"
        return f"{max(1, round(value / 1024))} KB"

    shown, most = human(size), human(limit)
    if shown == most:
        shown, most = f"{size:,} bytes", f"{limit:,} bytes"
    return shown, most


def _image_format(upload: IO[bytes]) -> str:
    """Pillow's reading of the header (lower case), or '' when it is no image at all."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                fmt = probe.format or ""
    except Image.DecompressionBombError:
        # Recognised as an image; the decoding step below refuses it with the clear message.
        upload.seek(0)
        return _format_from_header(upload)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return ""
    finally:
        upload.seek(0)
    return PILLOW_FORMATS.get(fmt, (fmt.lower(),))[0]


def _format_from_header(upload: IO[bytes]) -> str:
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"\xff\xd8"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return ""


def _jpeg_draft_size(width: int, height: int, mode: str) -> tuple[int, int]:
    """The size to ask libjpeg for: the first scale that is within MAX_EDGE's reach and
    JPEG_DECODE_BYTES (libjpeg then picks the smallest scale still at least this large)."""
    scale = 1
    while scale < 8 and (
        max(width, height) // (scale * 2) >= MAX_EDGE
        or (width // scale) * (height // scale) * BYTES_PER_PIXEL.get(mode, 4) > JPEG_DECODE_BYTES
    ):
        scale *= 2
    return max(1, width // scale), max(1, height // scale)


def _reencoded_image(upload: IO[bytes], *, name: str, rule: str) -> CheckedFile:
    bomb = _(
        "“%(name)s” has too many pixels to be a photo (at most %(limit)s megapixels); "
        "please send a smaller picture (%(rule)s)."
    ) % {"name": name, "limit": MAX_PIXELS // 1_000_000, "rule": rule}
    damaged = _(
        "“%(name)s” is damaged or incomplete (it does not decode to the end); "
        "please send the original picture again (%(rule)s)."
    ) % {"name": name, "rule": rule}
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            # Read from the upload itself (a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE),
            # never copied into memory whole.
            upload.seek(0)
            with Image.open(upload) as probe:
                if probe.width * probe.height > MAX_PIXELS:
                    raise _refuse(bomb, rule)
                probe.verify()
            upload.seek(0)
            image = Image.open(upload)
            fmt = image.format or ""
            if fmt == "JPEG":
                image.draft(image.mode, _jpeg_draft_size(image.width, image.height, image.mode))
            decoded = image.width * image.height * BYTES_PER_PIXEL.get(image.mode, 4)
            if decoded > DECODE_BUDGET_BYTES:
                image.close()
                raise _refuse(bomb, rule)
            image.load()
            if max(image.size) > MAX_EDGE:
                image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
            # In place: a copy of every pixel only when the picture really turns.
            ImageOps.exif_transpose(image, in_place=True)
            upright = image
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _refuse(bomb, rule) from exc
        except UploadRefused:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
            raise _refuse(damaged, rule) from exc
    if fmt not in PILLOW_FORMATS:
        raise _refuse(damaged, rule)
    _policy_name, content_type, extension = PILLOW_FORMATS[fmt]
    output = _encode(upright, fmt)
    width, height = upright.width, upright.height
    upright.close()
    digest, size = hashlib.sha256(), 0
    output.seek(0)
    while chunk := output.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    output.seek(0)
    return CheckedFile(
        content=File(output),
        file_format=_policy_name,
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        width=width,
        height=height,
    )


def _encode(image: Image.Image, fmt: str) -> IO[bytes]:
    """Write the pixels again: only the colour profile survives, never EXIF (GPS, serials)."""
    icc_profile = image.info.get("icc_profile")
    image.info = {}
    options: dict = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=90, optimize=True)
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        options.update(quality=90)
    # Handed to storage still open (the File wrapper closes it once saved); a large picture
    # goes to disk rather than being held, and copied, in memory.
    buffer = tempfile.SpooledTemporaryFile(max_size=CHUNK)  # noqa: SIM115
    image.save(buffer, format=fmt, **options)
    return buffer


def _stored_as_is(upload: IO[bytes], file_format: str, content_type: str, ext: str) -> CheckedFile:
    """Videos and PDFs are not re-encoded; they are copied in chunks and hashed on the way."""
    digest = hashlib.sha256()
    # Handed to storage still open; the File wrapper closes it once saved.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * CHUNK)  # noqa: SIM115
    size = 0
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        digest.update(chunk)
        spool.write(chunk)
        size += len(chunk)
    spool.seek(0)
    return CheckedFile(
        content=File(spool),
        file_format=file_format,
        content_type=content_type,
        extension=ext,
        size=size,
        sha256=digest.hexdigest(),
    )
