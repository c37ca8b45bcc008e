"""Return requests and RMAs (MKT and AQA rules), with their status machine and deadlines."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .assignment import Assignable
from .base import TenantModel, money_field
from .orders import Customer, Order, OrderLine


class Scenario(models.TextChoices):
    NON_QUALITY = "non_quality", _("Non-quality return")
    WRONG_ITEM = "wrong_item", _("Wrong item received")
    QUALITY_DEFECT = "quality_defect", _("Quality defect")
    WARRANTY_CLAIM = "warranty_claim", _("Warranty claim")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    SHIPPED = "shipped", _("Shipped back")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    REFUNDED = "refunded", _("Refunded")
    REPLACED = "replaced", _("Replaced")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    WAIVED = "waived", _("Return right waived")
    CANCELLED = "cancelled", _("Cancelled")


R = ReturnStatus
RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    R.REQUESTED: frozenset({R.UNDER_REVIEW, R.APPROVED, R.REJECTED, R.CANCELLED}),
    R.UNDER_REVIEW: frozenset({R.APPROVED, R.REJECTED, R.CANCELLED}),
    # REFUNDED straight from APPROVED: compensation without a return (a wrong item kept).
    # CLOSED straight from APPROVED: a case with nothing to send back whose compensation was
    # settled another way (a coupon, store credit), once every resolution is done.
    R.APPROVED: frozenset({R.SHIPPED, R.RECEIVED, R.WAIVED, R.CANCELLED, R.REFUNDED, R.CLOSED}),
    R.SHIPPED: frozenset({R.RECEIVED}),
    R.RECEIVED: frozenset({R.INSPECTED}),
    R.INSPECTED: frozenset({R.REFUNDED, R.REPLACED, R.CLOSED}),
    R.REFUNDED: frozenset({R.CLOSED}),
    R.REPLACED: frozenset({R.CLOSED}),
    R.CLOSED: frozenset(),
    R.REJECTED: frozenset(),
    R.WAIVED: frozenset(),
    R.CANCELLED: frozenset(),
}
RETURN_OPEN = frozenset(
    {R.REQUESTED, R.UNDER_REVIEW, R.APPROVED, R.SHIPPED, R.RECEIVED, R.INSPECTED}
)


class ReturnRequest(TenantModel, Assignable):
    """A customer's request to return or claim; approved, it becomes an RMA with a number."""

    class WrongItemOption(models.TextChoices):
        KEEP = "keep", _("Keep the item with compensation")  # the policy words its share
        RETURN = "return", _("Return the item")

    public_id = models.UUIDField(unique=True, editable=False, verbose_name=_("public ID"))
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="returns", verbose_name=_("customer")
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("The earlier claim whose replacement this claim is about."),
        verbose_name=_("follows"),
    )
    scenario = models.CharField(max_length=20, choices=Scenario.choices, verbose_name=_("scenario"))
    status = models.CharField(
        max_length=20,
        choices=ReturnStatus.choices,
        default=R.REQUESTED,
        editable=False,
        verbose_name=_("status"),
    )
    rma_number = models.CharField(
        max_length=20, null=True, blank=True, editable=False, verbose_name=_("RMA number")
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    attestations = models.JSONField(
        default=list, blank=True, editable=False, verbose_name=_("attestations")
    )
    current_country = models.CharField(max_length=2, blank=True, verbose_name=_("current country"))
    wrong_item_option = models.CharField(
        max_length=10,
        choices=WrongItemOption.choices,
        blank=True,
        verbose_name=_("wrong item option"),
    )
    received_item_price = money_field(
        null=True,
        blank=True,
        help_text=_("The wrong item's price, when the customer keeps it."),
        verbose_name=_("received item price"),
    )
    complex_case = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Takes the policy's longer review."),
        verbose_name=_("complex case"),
    )
    store_credit = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("The customer chose store credit instead of money back."),
        verbose_name=_("store credit"),
    )

    decision = models.JSONField(default=dict, editable=False, verbose_name=_("decision"))
    policy_version = models.CharField(
        max_length=40, editable=False, verbose_name=_("policy version")
    )

    requested_at = models.DateTimeField(editable=False, verbose_name=_("requested at"))
    review_due = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("review due")
    )
    sla_breached_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("SLA breached at")
    )
    approved_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("approved at")
    )
    return_required = models.BooleanField(
        default=True, editable=False, verbose_name=_("return required")
    )
    ship_by = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("ship by"))
    ship_remind_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("ship remind at")
    )
    ship_reminded_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("ship reminded at")
    )
    carrier = models.CharField(max_length=20, blank=True, editable=False, verbose_name=_("carrier"))
    tracking_number = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("tracking number")
    )
    shipped_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("shipped at")
    )
    received_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("received at")
    )
    inspected_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("inspected at")
    )
    inspection_ratio = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("inspection ratio"),
    )
    inspection_note = models.TextField(
        blank=True, editable=False, verbose_name=_("inspection note")
    )
    return_freight = money_field(
        null=True,
        blank=True,
        editable=False,
        help_text=_("The return postage the customer paid, from their receipt."),
        verbose_name=_("return freight"),
    )
    refund_breakdown = models.JSONField(
        default=dict, blank=True, editable=False, verbose_name=_("refund breakdown")
    )
    refund_amount = money_field(
        null=True, blank=True, editable=False, verbose_name=_("refund amount")
    )
    refunded_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("refunded at")
    )
    replaced_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("replaced at")
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("closed at")
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rma_number"],
                condition=models.Q(rma_number__isnull=False),
                name="return_unique_rma_number",
            ),
            models.CheckConstraint(
                condition=models.Q(rma_number__isnull=True)
                # The shape every policy's number takes (Policy.generate_rma_number); each
                # vendor's own prefix and length are checked by its policy.
                | models.Q(rma_number__regex=r"^[A-Z]{1,8}[0-9]{4,12}$"),
                name="return_rma_number_format",
            ),
            models.CheckConstraint(
                condition=models.Q(refund_amount__isnull=True) | models.Q(refund_amount__gte=0),
                name="return_refund_not_negative",
            ),
        ]
        indexes = [
            # The changelist's and the API's orderings within one vendor (admin adds -pk).
            models.Index(fields=["vendor", "-requested_at", "-id"], name="return_vendor_requested"),
            models.Index(fields=["vendor", "-updated_at", "-id"], name="return_vendor_updated"),
            # The agents' queues: "My cases" / "Unassigned" (NULL assignee), "Due today" /
            # "Overdue" (the review deadline), "Waiting for customer"; each over open cases.
            models.Index(
                fields=["vendor", "assignee"],
                name="return_queue_assignee",
                condition=models.Q(status__in=sorted(RETURN_OPEN)),
            ),
            models.Index(
                fields=["vendor", "review_due"],
                name="return_queue_review_due",
                condition=models.Q(status__in=["requested", "under_review"]),
            ),
            models.Index(
                fields=["vendor", "status"],
                name="return_queue_waiting",
                condition=models.Q(awaiting_customer_since__isnull=False)
                | models.Q(status="approved", return_required=True),
            ),
            models.Index(
                fields=["review_due"],
                name="return_review_due",
                condition=models.Q(
                    status__in=["requested", "under_review"], sla_breached_at__isnull=True
                ),
            ),
            models.Index(
                fields=["ship_by"], name="return_ship_due", condition=models.Q(status="approved")
            ),
            models.Index(
                fields=["ship_remind_at"],
                name="return_ship_remind_due",
                condition=models.Q(status="approved", ship_reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.rma_number or f"Request {self.public_id.hex[:8]}"

    @property
    def is_open(self) -> bool:
        return self.status in RETURN_OPEN

    def legal_next(self) -> frozenset[str]:
        return RETURN_TRANSITIONS[self.status]

    def can_transition(self, to: str) -> bool:
        return to in RETURN_TRANSITIONS[self.status]

    def can_start_review(self) -> bool:
        return self.can_transition(R.UNDER_REVIEW)

    def can_flag_complex(self) -> bool:
        return self.status in (R.REQUESTED, R.UNDER_REVIEW) and not self.complex_case

    def can_approve(self) -> bool:
        return self.can_transition(R.APPROVED)

    def can_reject(self) -> bool:
        return self.can_transition(R.REJECTED)

    def still_to_send(self) -> bool:
        """The customer may still have to send the goods back: a return is required and the
        package is not on its way yet. Shipping dates and rules apply only while this holds."""
        return self.return_required and self.status in (R.REQUESTED, R.UNDER_REVIEW, R.APPROVED)

    def can_mark_shipped(self) -> bool:
        return self.return_required and self.can_transition(R.SHIPPED)

    def can_mark_received(self) -> bool:
        return self.return_required and self.can_transition(R.RECEIVED)

    def can_inspect(self) -> bool:
        return self.can_transition(R.INSPECTED)

    def can_refund(self) -> bool:
        # Without a return (a wrong item kept) money is paid right after approval; with a
        # return only after inspection.
        if self.status == R.APPROVED:
            return not self.return_required and not self.compensation_settled()
        return self.can_transition(R.REFUNDED)

    def compensation_settled(self) -> bool:
        """Its money was already settled another way (a coupon, store credit): nothing is
        left to refund."""
        if self.pk is None:
            return False
        return self.resolutions.filter(
            kind__in=["refund", "compensation", "store_credit"], state="done"
        ).exists()

    def can_replace(self) -> bool:
        return self.can_transition(R.REPLACED)

    def can_close(self) -> bool:
        # An approved case closes only when nothing comes back from the customer (a wrong item
        # kept); a return still to be sent closes by its own steps. Open resolutions are
        # checked by the service (they need a query and explain themselves).
        if self.status == R.APPROVED:
            return not self.return_required and self.can_transition(R.CLOSED)
        return self.can_transition(R.CLOSED)

    def can_waive(self) -> bool:
        return self.return_required and self.can_transition(R.WAIVED)

    def can_cancel(self) -> bool:
        return self.can_transition(R.CANCELLED)


class ReturnLine(TenantModel):
    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("order line")
    )
    quantity = models.PositiveIntegerField(default=1, verbose_name=_("quantity"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "order_line"], name="returnline_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="returnline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.name}"
