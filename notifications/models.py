"""The outbox of emails, and each vendor's webhook endpoints, deliveries and delivery attempts."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenancy.models import TenantModel

from .targets import validate_target


class OutboxState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class OutboxMessage(TenantModel):
    """One email, recorded in the transaction of the state change that causes it.

    ``key`` makes recording idempotent; the row lock taken while sending makes delivery
    idempotent. Secrets (a password) are kept encrypted in ``sealed`` and wiped once the
    message leaves the queue.
    """

    key = models.CharField(max_length=200, unique=True, editable=False, verbose_name=_("key"))
    kind = models.CharField(max_length=40, editable=False, verbose_name=_("kind"))
    to = models.EmailField(editable=False, verbose_name=_("to"))
    language = models.CharField(
        max_length=8, default="en", editable=False, verbose_name=_("language")
    )
    context = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("context"))
    sealed = models.TextField(blank=True, editable=False, verbose_name=_("sealed"))
    held_secret = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("It carried a password, wiped once sent."),
        verbose_name=_("held secret"),
    )
    # The id of what caused it in the domain's audit trail: a plain reference, so that the
    # outbox knows nothing of the domain's models (the admin looks it up).
    event_id = models.BigIntegerField(
        null=True, blank=True, editable=False, db_index=True, verbose_name=_("event ID")
    )
    state = models.CharField(
        max_length=12,
        choices=OutboxState.choices,
        default=OutboxState.QUEUED,
        editable=False,
        verbose_name=_("state"),
    )
    attempts = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("attempts"))
    last_attempt_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("last attempt at")
    )
    next_attempt_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("next attempt at")
    )
    enqueued_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Last handed to a Celery worker."),
        verbose_name=_("enqueued at"),
    )
    sending_since = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("A worker began talking to the mail server; cleared when the result is in."),
        verbose_name=_("sending since"),
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("sent at"))
    subject = models.CharField(
        max_length=300, blank=True, editable=False, verbose_name=_("subject")
    )
    message_id = models.CharField(
        max_length=200, blank=True, editable=False, verbose_name=_("message ID")
    )
    last_error = models.TextField(blank=True, editable=False, verbose_name=_("last error"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=models.Q(state="queued"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"

    def can_resend(self) -> bool:
        """Failed messages go back to the queue; sent ones are copied, unless they held a
        password, which is never kept after sending (re-issue the password instead)."""
        if self.state == OutboxState.FAILED:
            return True
        return self.state == OutboxState.SENT and not self.held_secret


def generate_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(TenantModel):
    """A vendor's URL that receives every state change as a signed JSON POST."""

    url = models.URLField(
        max_length=500,
        help_text=_("HTTPS URL of your receiver; see docs/webhooks.md."),
        verbose_name=_("URL"),
    )
    secret = models.CharField(
        max_length=100, default=generate_webhook_secret, editable=False, verbose_name=_("secret")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("description"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    secret_rotated_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("secret rotated at")
    )

    class Meta:
        ordering = ["vendor", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        if self.url:
            validate_target(self.url)


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(TenantModel):
    """One event for one endpoint; ``body`` is the exact JSON that is signed and posted."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    # The id of the domain's audit event it tells of, as a plain reference (see OutboxMessage).
    event_id = models.BigIntegerField(
        null=True, blank=True, editable=False, db_index=True, verbose_name=_("event ID")
    )
    key = models.CharField(max_length=200, unique=True, editable=False, verbose_name=_("key"))
    event_type = models.CharField(max_length=60, editable=False, verbose_name=_("event type"))
    body = models.TextField(editable=False, verbose_name=_("body"))
    state = models.CharField(
        max_length=12,
        choices=DeliveryState.choices,
        default=DeliveryState.QUEUED,
        editable=False,
        verbose_name=_("state"),
    )
    attempts = models.PositiveIntegerField(default=0, editable=False, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("next attempt at")
    )
    enqueued_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("enqueued at")
    )
    retry_until = models.DateTimeField(editable=False, verbose_name=_("retry until"))
    delivered_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("delivered at")
    )
    last_status_code = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("last status code")
    )
    last_error = models.TextField(blank=True, editable=False, verbose_name=_("last error"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=models.Q(state="queued"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


class WebhookAttempt(TenantModel):
    """One POST of a delivery, as the receiver answered it."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveIntegerField(verbose_name=_("number"))
    by_hand = models.BooleanField(default=False, verbose_name=_("by hand"))
    started_at = models.DateTimeField(verbose_name=_("started at"))
    duration_ms = models.PositiveIntegerField(default=0, verbose_name=_("duration (ms)"))
    url = models.URLField(max_length=500, verbose_name=_("URL"))
    status_code = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("status code"))
    response_excerpt = models.TextField(blank=True, verbose_name=_("response excerpt"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"#{self.number}: {self.status_code or self.error[:40]}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
