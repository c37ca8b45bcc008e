"""Resolutions: what a decided case owes the customer (money, a shipment, a repair), each
tracked through its own states to done, with the steps its kind allows."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel, money_field
from .orders import OrderLine
from .returns import ReturnRequest
from .solutions import WarrantySolution


class ResolutionKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    COMPENSATION = "compensation", _("Compensation")
    RESHIPMENT = "reshipment", _("Reshipment of the correct item")
    REPLACEMENT = "replacement", _("Replacement unit")
    REPAIR = "repair", _("Repair")
    EXCHANGE = "exchange", _("Exchange")
    STORE_CREDIT = "store_credit", _("Store credit")


class ResolutionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In transit")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CompensationMethod(models.TextChoices):
    """How a compensation is paid; the vendor configures it (``compensation_method``)."""

    REFUND = "refund", _("Refund")
    COUPON = "coupon", _("Coupon")
    STORE_CREDIT = "store_credit", _("Store credit")


class ResolutionStep(models.TextChoices):
    """The steps that move a resolution; each is one audit event ``resolution.<step>``."""

    PAID = "paid", _("Refund paid")
    COUPON_ISSUED = "coupon_issued", _("Coupon issued")
    CREDIT_ISSUED = "credit_issued", _("Store credit issued")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    # Not a move: the agent checked the customer's make-up payment against its transaction id.
    PAYMENT_VERIFIED = "payment_verified", _("Payment verified")


K, St, Step = ResolutionKind, ResolutionState, ResolutionStep
_SHIPMENT = {
    St.PENDING: {Step.SHIPPED: St.IN_PROGRESS, Step.CANCELLED: St.CANCELLED},
    St.IN_PROGRESS: {Step.DELIVERED: St.DONE, Step.CANCELLED: St.CANCELLED},
}
# Each kind's steps: from a state, which step leads where. Done and cancelled lead nowhere.
RESOLUTION_STEPS: dict[str, dict[str, dict[str, str]]] = {
    K.REFUND: {St.PENDING: {Step.PAID: St.DONE, Step.CANCELLED: St.CANCELLED}},
    K.COMPENSATION: {
        St.PENDING: {
            Step.PAID: St.DONE,
            Step.COUPON_ISSUED: St.DONE,
            Step.CREDIT_ISSUED: St.DONE,
            Step.CANCELLED: St.CANCELLED,
        }
    },
    K.STORE_CREDIT: {St.PENDING: {Step.CREDIT_ISSUED: St.DONE, Step.CANCELLED: St.CANCELLED}},
    K.RESHIPMENT: _SHIPMENT,
    K.REPLACEMENT: _SHIPMENT,
    K.REPAIR: _SHIPMENT,
    K.EXCHANGE: _SHIPMENT,
}
# The same table as state -> reachable states, per kind (read like RETURN_TRANSITIONS).
RESOLUTION_TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    kind: {
        state: frozenset(steps.get(state, {}).values())
        for state in ResolutionState.values  # every state has an entry, terminal ones empty
    }
    for kind, steps in RESOLUTION_STEPS.items()
}
# Which compensation method its paying step must match.
COMPENSATION_STEP = {
    CompensationMethod.REFUND: Step.PAID,
    CompensationMethod.COUPON: Step.COUPON_ISSUED,
    CompensationMethod.STORE_CREDIT: Step.CREDIT_ISSUED,
}
RESOLUTION_OPEN = frozenset({St.PENDING, St.IN_PROGRESS})
# The data key of a resolution event whose step was taken on its own, not inside a step of its
# case that tells the customer already (the return's Refund step pays its refund and emails it).
OWN_STEP = "own_step"


class Resolution(TenantModel):
    """One thing a case owes: a refund, a compensation, a shipment, a repair or a credit."""

    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public ID")
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("return request"),
    )
    solution = models.ForeignKey(
        WarrantySolution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("solution"),
    )
    kind = models.CharField(max_length=20, choices=ResolutionKind.choices, verbose_name=_("kind"))
    state = models.CharField(
        max_length=20,
        choices=ResolutionState.choices,
        default=St.PENDING,
        editable=False,
        verbose_name=_("state"),
    )
    amount = money_field(default=0, verbose_name=_("amount"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    # Itemised: [{"text": Message dict, "label": English, "amount": "12.00", "rule_id": ...}].
    lines = models.JSONField(default=list, blank=True, verbose_name=_("lines"))
    method = models.CharField(
        max_length=20,
        choices=CompensationMethod.choices,
        blank=True,
        editable=False,
        verbose_name=_("method"),
    )
    coupon_code = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("coupon code")
    )
    carrier = models.CharField(max_length=40, blank=True, editable=False, verbose_name=_("carrier"))
    tracking_number = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("tracking number")
    )
    provider_reference = models.CharField(
        max_length=100, blank=True, editable=False, verbose_name=_("provider reference")
    )
    warranty_end = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("warranty end")
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(default=1, verbose_name=_("quantity"))
    # A make-up payment the customer owes before this resolution proceeds (a balance, an exchange).
    makeup_amount = money_field(default=0, verbose_name=_("make-up amount"))
    makeup_transaction_id = models.CharField(
        max_length=100, blank=True, editable=False, verbose_name=_("make-up transaction ID")
    )
    makeup_verified_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("make-up verified at")
    )
    rule_ids = models.JSONField(default=list, blank=True, verbose_name=_("rule IDs"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    shipped_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("shipped at")
    )
    done_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("done at"))
    cancelled_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("cancelled at")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(return_request__isnull=False, solution__isnull=True)
                | models.Q(return_request__isnull=True, solution__isnull=False),
                name="resolution_exactly_one_case",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) & models.Q(makeup_amount__gte=0),
                name="resolution_amounts_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["vendor", "state"],
                name="resolution_open",
                condition=models.Q(state__in=["pending", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display()})"

    @property
    def case(self) -> ReturnRequest | WarrantySolution:
        return self.return_request or self.solution

    @property
    def is_open(self) -> bool:
        return self.state in RESOLUTION_OPEN

    @property
    def is_shipment(self) -> bool:
        return self.kind in (K.RESHIPMENT, K.REPLACEMENT, K.REPAIR, K.EXCHANGE)

    @property
    def awaits_payment(self) -> bool:
        """A make-up payment is owed and not verified yet: the resolution waits for it."""
        return self.makeup_amount > 0 and self.makeup_verified_at is None

    def next_state(self, step: str) -> str | None:
        return RESOLUTION_STEPS[self.kind].get(self.state, {}).get(step)

    def legal_steps(self) -> tuple[str, ...]:
        """The steps that may follow now, in the order the case page offers them."""
        steps = RESOLUTION_STEPS[self.kind].get(self.state, {})
        out = []
        if self.state == St.PENDING and self.awaits_payment:
            out.append(Step.PAYMENT_VERIFIED)
        for step in steps:
            paying = COMPENSATION_STEP.get(self.method or CompensationMethod.REFUND)
            if self.kind == K.COMPENSATION and step not in (Step.CANCELLED, paying):
                continue
            if step == Step.SHIPPED and self.awaits_payment:
                continue
            out.append(step)
        return tuple(out)

    def can_step(self, step: str) -> bool:
        return step in self.legal_steps()
