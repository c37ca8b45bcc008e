"""Evidence files a customer or agent attaches to a solution or a return request."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import TenantModel
from .returns import ReturnRequest
from .solutions import WarrantySolution


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    POSTAGE_RECEIPT = "postage_receipt", _("Postage receipt")
    PAYMENT_SCREENSHOT = "payment_screenshot", _("Payment screenshot")
    FAULT_STATEMENT = "fault_statement", _("Fault statement")
    COMPARISON_SCREENSHOT = "comparison_screenshot", _("Order comparison screenshot")
    PACKAGING_PHOTO = "packaging_photo", _("Packaging photo")


def evidence_path(instance: Evidence, filename: str) -> str:
    # Random names: the customer's filename never reaches storage and keys are unguessable.
    ext = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}.get(
        instance.content_type, filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    )
    return f"evidence/{instance.vendor_id}/{secrets.token_urlsafe(24)}.{ext}"


class Evidence(TenantModel):
    solution = models.ForeignKey(
        WarrantySolution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("solution"),
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("return request"),
    )
    kind = models.CharField(max_length=30, choices=EvidenceKind.choices, verbose_name=_("kind"))
    file = models.FileField(upload_to=evidence_path, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(max_length=200, blank=True, verbose_name=_("original name"))
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    width = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("width"))
    height = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("height"))
    uploaded_by_agent = models.BooleanField(default=False, verbose_name=_("uploaded by agent"))
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        # One English word for one file and for many; other languages tell them apart.
        verbose_name = pgettext_lazy("one file", "evidence")
        ordering = ["uploaded_at", "id"]
        # The changelist's (and the API's) orderings within one vendor.
        indexes = [
            models.Index(fields=["vendor", "uploaded_at", "id"], name="evidence_vendor_uploaded"),
        ]
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(solution__isnull=False, return_request__isnull=True)
                | models.Q(solution__isnull=True, return_request__isnull=False),
                name="evidence_exactly_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.content_type}, {self.size} bytes)"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
