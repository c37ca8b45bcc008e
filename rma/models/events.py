"""The append-only audit trail: one Event per state change, written by the domain services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .base import TenantModel
from .changes import OrderChangeRequest
from .resolutions import Resolution
from .returns import ReturnRequest
from .solutions import WarrantySolution


class ActorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    VENDOR_API = "vendor_api", _("Vendor API")
    SYSTEM = "system", _("System")


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Events are append-only.")

    def delete(self):
        raise TypeError("Events are append-only.")


class Event(TenantModel):
    solution = models.ForeignKey(
        WarrantySolution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("solution"),
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("return request"),
    )
    order_change = models.ForeignKey(
        OrderChangeRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("order change"),
    )
    resolution = models.ForeignKey(
        Resolution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("resolution"),
    )
    action = models.CharField(max_length=40, verbose_name=_("action"))
    from_status = models.CharField(max_length=20, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=20, blank=True, verbose_name=_("to status"))
    actor_kind = models.CharField(
        max_length=20, choices=ActorKind.choices, verbose_name=_("actor kind")
    )
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor user"),
    )
    actor_label = models.CharField(max_length=200, blank=True, verbose_name=_("actor label"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    rule_ids = models.JSONField(default=list, blank=True, verbose_name=_("rule IDs"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )

    objects = ScopedManager(
        vendor="vendor", _manager_class=models.Manager.from_queryset(EventQuerySet)
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        # The changelist's (and the API's) orderings within one vendor.
        indexes = [
            models.Index(fields=["vendor", "created_at", "id"], name="event_vendor_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    solution__isnull=False,
                    return_request__isnull=True,
                    order_change__isnull=True,
                    resolution__isnull=True,
                )
                | models.Q(
                    solution__isnull=True,
                    return_request__isnull=False,
                    order_change__isnull=True,
                    resolution__isnull=True,
                )
                | models.Q(
                    solution__isnull=True,
                    return_request__isnull=True,
                    order_change__isnull=False,
                    resolution__isnull=True,
                )
                | models.Q(
                    solution__isnull=True,
                    return_request__isnull=True,
                    order_change__isnull=True,
                    resolution__isnull=False,
                ),
                name="event_exactly_one_subject",
            ),
        ]

    def __str__(self) -> str:
        arrow = f" {self.from_status} → {self.to_status}" if self.to_status else ""
        return f"{self.action}{arrow}"

    @property
    def subject(self) -> WarrantySolution | ReturnRequest | OrderChangeRequest | Resolution:
        return self.solution or self.return_request or self.order_change or self.resolution

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("Events are append-only; write a new event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Events are append-only.")
