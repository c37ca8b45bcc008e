"""Queues on the case changelists: a list filter that applies one saved view, and a queue bar
above the list with each view's bounded count."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rma.queues import bounded_count, count_label, queue_condition, queues_for
from tenancy.models import Vendor


def agent_time_zone(request: HttpRequest) -> ZoneInfo:
    """The vendor's zone for an agent of one vendor; the site's zone for anyone else."""
    ids = getattr(request, "vendor_ids", None) or []
    if len(ids) == 1:
        zone = Vendor.objects.filter(pk=ids[0]).values_list("time_zone", flat=True).first()
        if zone:
            return ZoneInfo(zone)
    return ZoneInfo(settings.TIME_ZONE)


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(q.key, q.label) for q in queues_for(model_admin.model)]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        try:
            condition = queue_condition(
                queryset.model, value, user=request.user, tz=agent_time_zone(request)
            )
        except KeyError:
            return queryset.none()
        return queryset.filter(condition)


class QueueAdminMixin:
    """The queue bar (and export links, when the admin exports) on the changelist."""

    change_list_template = "admin/rma/case_change_list.html"

    def queue_bar(self, request: HttpRequest) -> list[dict]:
        base = self.get_queryset(request).order_by()
        tz = agent_time_zone(request)
        now = timezone.now()
        current = request.GET.get("queue", "")
        bar = []
        for queue in queues_for(self.model):
            condition = queue_condition(self.model, queue.key, user=request.user, tz=tz, now=now)
            count = bounded_count(base.filter(condition))
            bar.append(
                {
                    "key": queue.key,
                    "label": queue.label,
                    "count": count_label(count),
                    "alert": queue.key == "overdue" and count > 0,
                    "url": f"?queue={queue.key}",
                    "active": current == queue.key,
                }
            )
        return bar

    def changelist_view(self, request, extra_context=None):
        extra_context = dict(extra_context or {})
        extra_context["queues"] = self.queue_bar(request)
        extra_context["all_cases_active"] = not request.GET.get("queue")
        if hasattr(self, "export_links"):
            extra_context["export_links"] = self.export_links(request)
        return super().changelist_view(request, extra_context)
