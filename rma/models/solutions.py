"""Warranty solutions (REO rules): what the vendor proposes for an order, and its confirmation."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .assignment import Assignable
from .base import TenantModel, money_field
from .orders import Order, OrderLine, ShippingAddress


class SolutionKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    REPAIR = "repair", _("Repair")
    PARTS = "parts", _("Replacement parts")
    REFURBISHED = "refurbished", _("Refurbished exchange")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")


class SolutionStatus(models.TextChoices):
    PENDING_CONFIRM = "pending_confirm", _("Waiting for your confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Disagreed")
    SUBMITTED = "submitted", _("Submitted")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


S = SolutionStatus
SOLUTION_TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_CONFIRM: frozenset({S.CONFIRMED, S.REJECTED, S.EXPIRED, S.CANCELLED}),
    S.CONFIRMED: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.REJECTED: frozenset({S.CANCELLED}),
    S.SUBMITTED: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.EXPIRED: frozenset(),
    S.CANCELLED: frozenset(),
}
SOLUTION_OPEN = frozenset({S.PENDING_CONFIRM, S.CONFIRMED, S.SUBMITTED})


class WarrantySolution(TenantModel, Assignable, ShippingAddress):
    """A proposal for an order that the customer agrees or disagrees to."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="solutions")
    kind = models.CharField(max_length=20, choices=SolutionKind.choices)
    status = models.CharField(
        max_length=20, choices=SolutionStatus.choices, default=S.PENDING_CONFIRM, editable=False
    )
    currency = models.CharField(max_length=3)
    refund_amount = money_field(default=0, help_text=_("Paid to the customer."))
    makeup_amount = money_field(
        default=0, help_text=_("Owed by the customer: shipping, replacement fee, balance.")
    )
    return_required = models.BooleanField(
        default=False, help_text=_("The customer sends the item back.")
    )
    makeup_payment_required = models.BooleanField(
        default=False, help_text=_("The customer pays a balance.")
    )
    message = models.TextField(blank=True, help_text=_("Shown to the customer with the proposal."))

    password_hash = models.CharField(max_length=256, blank=True, editable=False)
    password_issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejected_at = models.DateTimeField(null=True, blank=True, editable=False)
    rejection_comment = models.TextField(blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    address_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    return_tracking_number = models.CharField(max_length=64, blank=True, editable=False)
    makeup_transaction_id = models.CharField(max_length=100, blank=True, editable=False)

    policy_version = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The changelist's and the API's orderings within one vendor (admin adds -pk).
            models.Index(fields=["vendor", "-created_at", "-id"], name="solution_vendor_created"),
            models.Index(fields=["vendor", "-updated_at", "-id"], name="solution_vendor_updated"),
            # The agents' queues (see ReturnRequest): assignee, proposal expiry, waiting.
            models.Index(
                fields=["vendor", "assignee"],
                name="solution_queue_assignee",
                condition=models.Q(status__in=sorted(SOLUTION_OPEN)),
            ),
            models.Index(
                fields=["vendor", "expires_at"],
                name="solution_queue_expiry",
                condition=models.Q(status="pending_confirm"),
            ),
            models.Index(
                fields=["remind_at"],
                name="solution_remind_due",
                condition=models.Q(status="pending_confirm", reminded_at__isnull=True),
            ),
            models.Index(
                fields=["expires_at"],
                name="solution_expiry_due",
                condition=models.Q(status="pending_confirm"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refund_amount__gte=0) & models.Q(makeup_amount__gte=0),
                name="solution_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()})"

    @property
    def reference(self) -> str:
        return f"WS-{self.pk:06d}" if self.pk else "WS-new"

    @property
    def is_open(self) -> bool:
        return self.status in SOLUTION_OPEN

    def can_transition(self, to: str) -> bool:
        return to in SOLUTION_TRANSITIONS[self.status]

    def can_confirm(self) -> bool:
        return self.can_transition(S.CONFIRMED)

    def can_reject(self) -> bool:
        return self.can_transition(S.REJECTED)

    def can_submit(self) -> bool:
        return self.can_transition(S.SUBMITTED)

    def can_complete(self) -> bool:
        return self.can_transition(S.COMPLETED)

    def can_cancel(self) -> bool:
        return self.can_transition(S.CANCELLED)

    def can_reissue_password(self) -> bool:
        return self.is_open

    def can_edit_details(self) -> bool:
        """Address, tracking and payment details may change until an agent completes it."""
        return self.status in (S.CONFIRMED, S.SUBMITTED)


class SolutionLine(TenantModel):
    solution = models.ForeignKey(WarrantySolution, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    amount = money_field(default=0, help_text=_("This line's share of the refund, if any."))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"
