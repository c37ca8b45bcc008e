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

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public ID")
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="solutions", verbose_name=_("order")
    )
    kind = models.CharField(max_length=20, choices=SolutionKind.choices, verbose_name=_("kind"))
    status = models.CharField(
        max_length=20,
        choices=SolutionStatus.choices,
        default=S.PENDING_CONFIRM,
        editable=False,
        verbose_name=_("status"),
    )
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    refund_amount = money_field(
        default=0, help_text=_("Paid to the customer."), verbose_name=_("refund amount")
    )
    makeup_amount = money_field(
        default=0,
        help_text=_("Owed by the customer: shipping, replacement fee, balance."),
        verbose_name=_("make-up amount"),
    )
    return_required = models.BooleanField(
        default=False,
        help_text=_("The customer sends the item back."),
        verbose_name=_("return required"),
    )
    makeup_payment_required = models.BooleanField(
        default=False,
        help_text=_("The customer pays a balance."),
        verbose_name=_("make-up payment required"),
    )
    message = models.TextField(
        blank=True,
        help_text=_("Shown to the customer with the proposal."),
        verbose_name=_("message"),
    )

    password_hash = models.CharField(
        max_length=256, blank=True, editable=False, verbose_name=_("password hash")
    )
    password_issued_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("password issued at")
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("sent at"))
    remind_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("remind at")
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("reminded at")
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("expires at")
    )

    confirmed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("confirmed at")
    )
    rejected_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("rejected at")
    )
    rejection_comment = models.TextField(
        blank=True, editable=False, verbose_name=_("rejection comment")
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("submitted at")
    )
    completed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("completed at")
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("closed at")
    )

    address_confirmed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("address confirmed at")
    )
    return_tracking_number = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("return tracking number")
    )
    makeup_transaction_id = models.CharField(
        max_length=100, blank=True, editable=False, verbose_name=_("make-up transaction ID")
    )

    policy_version = models.CharField(
        max_length=40, blank=True, editable=False, verbose_name=_("policy version")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("warranty solution")
        verbose_name_plural = _("warranty solutions")
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
    solution = models.ForeignKey(
        WarrantySolution, on_delete=models.CASCADE, related_name="lines", verbose_name=_("solution")
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order line"),
    )
    sku = models.CharField(max_length=64, verbose_name=_("SKU"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    quantity = models.PositiveIntegerField(default=1, verbose_name=_("quantity"))
    amount = money_field(
        default=0, help_text=_("This line's share of the refund, if any."), verbose_name=_("amount")
    )

    class Meta:
        verbose_name = _("solution line")
        verbose_name_plural = _("solution lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"
