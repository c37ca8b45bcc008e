"""A customer's request to cancel an order or change its shipping address."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .assignment import Assignable
from .base import TenantModel
from .orders import Customer, Order, ShippingAddress


class ChangeKind(models.TextChoices):
    CANCELLATION = "cancellation", _("Cancel the order")
    ADDRESS_CHANGE = "address_change", _("Change the shipping address")


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DONE = "done", _("Done")
    FAILED = "failed", _("Could not be done")


class OrderChangeRequest(TenantModel, Assignable, ShippingAddress):
    """What the policy said when the customer asked, and what support did about it.

    The address columns hold the new address of an address change.
    """

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="change_requests", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    kind = models.CharField(max_length=20, choices=ChangeKind.choices, verbose_name=_("kind"))
    status = models.CharField(
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.REQUESTED,
        editable=False,
        verbose_name=_("status"),
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    best_effort = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Asked after the policy's free window."),
        verbose_name=_("best effort"),
    )
    decision = models.JSONField(default=dict, editable=False, verbose_name=_("decision"))
    policy_version = models.CharField(
        max_length=40, editable=False, verbose_name=_("policy version")
    )
    requested_at = models.DateTimeField(editable=False, verbose_name=_("requested at"))
    requested_by = models.CharField(
        max_length=200, blank=True, editable=False, verbose_name=_("requested by")
    )
    resolved_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("resolved at")
    )
    resolved_by = models.CharField(
        max_length=200, blank=True, editable=False, verbose_name=_("resolved by")
    )
    resolution_note = models.TextField(
        blank=True, editable=False, verbose_name=_("resolution note")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-requested_at"]
        # The changelist's (and the API's) orderings within one vendor.
        indexes = [
            # The agents' queues: "My cases" / "Unassigned" over open requests.
            models.Index(
                fields=["vendor", "assignee"],
                name="orderchange_queue_assignee",
                condition=models.Q(status="requested"),
            ),
            models.Index(
                fields=["vendor", "-requested_at", "-id"], name="orderchange_vendor_requested"
            ),
        ]
        verbose_name = _("order change request")
        verbose_name_plural = _("order change requests")
        constraints = [
            # One open change per order, whatever its kind: support cannot both cancel an
            # order and re-route it, and the customer would not know which one happens.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status="requested"),
                name="orderchange_one_open_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.order.number}"

    def can_resolve(self) -> bool:
        return self.status == ChangeStatus.REQUESTED
