"""The agents' workspace on a case: internal notes, the message thread with the customer, and
the files attached to messages. Notes and messages are separate tables so that no customer
query can ever reach a note."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel
from .changes import OrderChangeRequest
from .returns import ReturnRequest
from .solutions import WarrantySolution


class CaseSubject(models.Model):
    """Exactly one of the three case kinds a note or message belongs to."""

    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("return request"),
    )
    solution = models.ForeignKey(
        WarrantySolution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("solution"),
    )
    order_change = models.ForeignKey(
        OrderChangeRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order change"),
    )

    class Meta:
        abstract = True

    @property
    def case(self) -> ReturnRequest | WarrantySolution | OrderChangeRequest:
        return self.return_request or self.solution or self.order_change


def _one_subject(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(
            return_request__isnull=False, solution__isnull=True, order_change__isnull=True
        )
        | models.Q(return_request__isnull=True, solution__isnull=False, order_change__isnull=True)
        | models.Q(return_request__isnull=True, solution__isnull=True, order_change__isnull=False),
        name=name,
    )


class CaseNote(TenantModel, CaseSubject):
    """An agent's note on a case, for colleagues only; never shown to or emailed to customers."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_label = models.CharField(max_length=200, verbose_name=_("author label"))
    body = models.TextField(verbose_name=_("body"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "id"]
        constraints = [_one_subject("casenote_exactly_one_case")]
        indexes = [
            models.Index(fields=["return_request", "created_at"], name="casenote_return"),
            models.Index(fields=["solution", "created_at"], name="casenote_solution"),
            models.Index(fields=["order_change", "created_at"], name="casenote_change"),
        ]

    def __str__(self) -> str:
        return f"Note by {self.author_label}"


class MessageDirection(models.TextChoices):
    TO_CUSTOMER = "to_customer", _("To the customer")
    FROM_CUSTOMER = "from_customer", _("From the customer")


class CaseMessage(TenantModel, CaseSubject):
    """One message of the thread between support and the customer; each emails the other side."""

    direction = models.CharField(
        max_length=20, choices=MessageDirection.choices, verbose_name=_("direction")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_label = models.CharField(max_length=200, verbose_name=_("author label"))
    body = models.TextField(verbose_name=_("body"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")
        ordering = ["created_at", "id"]
        constraints = [
            _one_subject("casemessage_exactly_one_case"),
            models.CheckConstraint(
                condition=~models.Q(order_change__isnull=False),
                name="casemessage_not_on_order_change",
            ),
        ]
        indexes = [
            models.Index(fields=["return_request", "created_at"], name="casemessage_return"),
            models.Index(fields=["solution", "created_at"], name="casemessage_solution"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} by {self.author_label}"

    @property
    def from_customer(self) -> bool:
        return self.direction == MessageDirection.FROM_CUSTOMER


def attachment_path(instance: MessageAttachment, filename: str) -> str:
    # The same naming as evidence: random, never the sender's file name.
    return f"messages/{instance.vendor_id}/{secrets.token_urlsafe(24)}.{instance.extension}"


class MessageAttachment(TenantModel):
    """A file sent with a message, checked like evidence (content sniffed, images re-encoded)."""

    message = models.ForeignKey(
        CaseMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(upload_to=attachment_path, max_length=200, verbose_name=_("file"))
    original_name = models.CharField(max_length=200, blank=True, verbose_name=_("original name"))
    content_type = models.CharField(max_length=100, verbose_name=_("content type"))
    extension = models.CharField(max_length=8, verbose_name=_("extension"))
    size = models.PositiveBigIntegerField(verbose_name=_("size"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    width = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("width"))
    height = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("height"))

    class Meta:
        verbose_name = _("message attachment")
        verbose_name_plural = _("message attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or f"attachment {self.pk}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
