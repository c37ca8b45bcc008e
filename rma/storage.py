"""Where evidence files live and how they are handed out after a permission check.

With ``EVIDENCE_BUCKET`` set, files go to a private S3 (or S3-compatible) bucket through
django-storages; objects are never public, their keys are random (``evidence_path``), and the
stored Content-Type comes from the file's own bytes, never from the uploader's claim or name.
Views hand a file out with :func:`evidence_response` once they have decided the asker may see
it: a short-lived presigned URL for S3, the bytes themselves for the local filesystem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.config import Config
from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

if TYPE_CHECKING:
    from rma.models import Evidence

OCTET_STREAM = "application/octet-stream"
# Served to the browser as-is; anything else is a download, so a crafted file cannot run as a
# page of ours.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}
_SNIFF_BYTES = 16


def sniff_content_type(head: bytes) -> str:
    """The media type that a file's first bytes prove, or application/octet-stream."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return OCTET_STREAM


class EvidenceS3Storage(S3Storage):
    """Private S3 storage for evidence: sniffed Content-Type, presigned links for browsers.

    ``public_endpoint_url`` is the address browsers use when it differs from the one the
    servers use (MinIO in docker compose is ``http://minio:9000`` inside, ``localhost:9000``
    outside); presigned URLs are signed for it because the host is part of the signature.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Fail fast instead of holding a web worker for botocore's default minute.
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            )
        )
        self._public_client = None

    def get_default_settings(self) -> dict[str, Any]:
        defaults = super().get_default_settings()
        defaults["public_endpoint_url"] = None
        return defaults

    def _get_write_parameters(self, name: str, content: Any = None) -> dict[str, Any]:
        params = super()._get_write_parameters(name, content)
        if content is not None:
            content.seek(0)
            head = content.read(_SNIFF_BYTES)
            content.seek(0)
            params["ContentType"] = sniff_content_type(
                head if isinstance(head, bytes) else head.encode()
            )
        params["ACL"] = "private"
        return params

    def _signing_client(self):
        if not self.public_endpoint_url or self.public_endpoint_url == self.endpoint_url:
            return self.connection.meta.client
        if self._public_client is None:
            self._public_client = self._create_session().client(
                "s3",
                endpoint_url=self.public_endpoint_url,
                region_name=self.region_name,
                use_ssl=self.use_ssl,
                verify=self.verify,
                config=self.client_config,
            )
        return self._public_client

    def presigned_url(
        self,
        name: str,
        *,
        content_type: str,
        disposition: str,
        expire: int | None = None,
    ) -> str:
        """A GET link valid for ``expire`` seconds that answers with the given headers."""
        return self._signing_client().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket_name,
                "Key": self._normalize_name(clean_name(name)),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=expire if expire is not None else self.querystring_expire,
            HttpMethod="GET",
        )


def _disposition(evidence: Evidence, content_type: str) -> str:
    if content_type in INLINE_TYPES:
        return "inline"
    extension = evidence.file.name.rsplit(".", 1)[-1] if "." in evidence.file.name else "bin"
    return f'attachment; filename="evidence-{evidence.pk}.{extension}"'


def evidence_response(evidence: Evidence) -> HttpResponse:
    """Hand one evidence file to someone the caller has already authorised to see it.

    S3: a redirect to a presigned URL valid for ``S3_URL_EXPIRE_SECONDS``. Filesystem: the
    file's bytes. Either way with the verified content type, no caching and a locked-down CSP.
    """
    content_type = evidence.content_type or OCTET_STREAM
    disposition = _disposition(evidence, content_type)
    storage = evidence.file.storage
    if isinstance(storage, EvidenceS3Storage):
        response: HttpResponse = HttpResponseRedirect(
            storage.presigned_url(
                evidence.file.name,
                content_type=content_type,
                disposition=disposition,
                expire=settings.S3_URL_EXPIRE_SECONDS,
            )
        )
        # The signed URL is a bearer token for its lifetime: keep it out of caches and logs
        # of other sites.
        response["Referrer-Policy"] = "no-referrer"
    else:
        response = FileResponse(evidence.file.open("rb"), content_type=content_type)
        response["Content-Disposition"] = disposition
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
        )
    response["Cache-Control"] = "private, no-store"
    return response
