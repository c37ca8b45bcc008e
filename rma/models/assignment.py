"""The columns a case needs to sit in an agent's queue: who owns it, and since when support
waits for the customer's answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Assignable(models.Model):
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=_("The agent who owns the case; changed only by rma.services.assignment."),
        verbose_name=_("assignee"),
    )
    awaiting_customer_since = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("Support wrote to the customer and waits for the answer."),
        verbose_name=_("awaiting customer since"),
    )

    class Meta:
        abstract = True
