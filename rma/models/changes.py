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

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="change_requests")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    status = models.CharField(
        max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.REQUESTED, editable=False
    )
    reason = models.TextField(blank=True)
    best_effort = models.BooleanField(
        default=False, editable=False, help_text=_("Asked after the policy's free window.")
    )
    decision = models.JSONField(default=dict, editable=False)
    policy_version = models.CharField(max_length=40, editable=False)
    requested_at = models.DateTimeField(editable=False)
    requested_by = models.CharField(max_length=200, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_by = models.CharField(max_length=200, blank=True, editable=False)
    resolution_note = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

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
