"""The audit trail in the admin: read-only, searchable by case."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy

from rma.models import Event

from .base import TenantAdmin


@admin.register(Event)
class EventAdmin(TenantAdmin):
    list_display = (
        "created_at",
        "subject",
        "action",
        "from_status",
        "to_status",
        "actor_kind",
        "actor_label",
        "rules",
    )
    list_filter = ("action", "actor_kind")
    search_fields = (
        "return_request__rma_number",
        "solution__order__number",
        "order_change__order__number",
        "actor_label",
        "note",
    )
    list_select_related = ("return_request", "solution", "order_change", "order_change__order")
    readonly_fields = (
        "created_at",
        "solution",
        "return_request",
        "order_change",
        "action",
        "from_status",
        "to_status",
        "actor_kind",
        "actor_user",
        "actor_label",
        "note",
        "rule_ids",
        "data",
    )
    fields = readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("case"))
    def subject(self, obj: Event) -> str:
        return str(obj.subject)

    @admin.display(description=gettext_lazy("rule ids"))
    def rules(self, obj: Event) -> str:
        return ", ".join(obj.rule_ids)
