"""The outbox and webhooks in the agents' admin: every message's state, each delivery attempt,
re-sending by hand, and the vendor's webhook endpoints with their secrets shown once."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rma.admin.base import CaseAction, ReadOnlyInline, TenantAdmin, is_member

from . import outbox, webhooks
from .models import OutboxMessage, WebhookAttempt, WebhookDelivery, WebhookEndpoint

CASE_TEMPLATE = "admin/object_actions_change_form.html"


def _json(value) -> str:
    return format_html("<pre style='white-space:pre-wrap'>{}</pre>", json.dumps(value, indent=2))


def _case_link(event_id: int | None) -> str:
    """The case of the audit event a message or delivery tells of (a plain id there: the
    outbox knows nothing of the domain; this page, on top of both, looks it up)."""
    from rma.models import Event

    event = (
        Event.objects.select_related("return_request", "solution", "order_change", "resolution")
        .filter(pk=event_id)
        .first()
        if event_id is not None
        else None
    )
    if event is None:
        return "—"
    label = str(event.subject)
    # A resolution's step is shown on its case's page.
    subject = event.resolution if event.resolution_id else event
    if subject.return_request_id:
        url = reverse("admin:rma_returnrequest_change", args=[subject.return_request_id])
    elif subject.solution_id:
        url = reverse("admin:rma_warrantysolution_change", args=[subject.solution_id])
    else:
        url = reverse("admin:rma_orderchangerequest_change", args=[event.order_change_id])
    return format_html("<a href='{}'>{}</a> ({})", url, label, event.action)


class ResendMixin:
    """A "Re-send" button on the change page and a bulk action, for members of the vendor.

    The admin using it defines ``can_resend(obj) -> bool`` and ``resend_one(obj)``.
    """

    resend_label = gettext_lazy("Re-send")

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return is_member(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # rows change only through the outbox; the page is read-only

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/resend/",
                self.admin_site.admin_view(self.resend_view),
                name=f"{opts.app_label}_{opts.model_name}_resend",
            ),
            *super().get_urls(),
        ]

    def resend_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_resend_permission(request):
            raise Http404("No such message.")
        self._resend(request, [obj])
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def _resend(self, request: HttpRequest, objects) -> None:
        done = 0
        for obj in objects:
            try:
                self.resend_one(obj)
            except ValueError as exc:
                self.message_user(request, f"{obj}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d queued again.", "%(count)d queued again.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Re-send the selected items"), permissions=["resend"])
    def resend_selected(self, request: HttpRequest, queryset) -> None:
        self._resend(request, list(queryset))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        opts = self.model._meta
        if obj is not None and self.has_resend_permission(request) and self.can_resend(obj):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_resend", args=[obj.pk])
            extra_context["case_actions"] = [
                (CaseAction("resend", self.resend_label, "can_resend", style="default"), url)
            ]
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ResendMixin, TenantAdmin):
    list_display = ("created_at", "kind", "to", "state", "attempts", "sent_at", "error")
    list_filter = ("state", "kind")
    search_fields = ("to", "key", "subject")
    actions = ("resend_selected",)
    change_form_template = CASE_TEMPLATE
    readonly_fields = (
        "kind",
        "to",
        "language",
        "state",
        "attempts",
        "last_error",
        "last_attempt_at",
        "next_attempt_at",
        "enqueued_at",
        "sent_at",
        "subject",
        "message_id",
        "case",
        "key",
        "held_secret",
        "context_json",
        "created_at",
    )
    fields = readonly_fields

    def can_resend(self, obj: OutboxMessage) -> bool:
        return obj.can_resend()

    def resend_one(self, obj: OutboxMessage) -> None:
        outbox.resend(obj)

    @admin.display(description=gettext_lazy("last error"))
    def error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:80]

    @admin.display(description=gettext_lazy("case"))
    def case(self, obj: OutboxMessage) -> str:
        return _case_link(obj.event_id)

    @admin.display(description=gettext_lazy("context (passwords are never shown)"))
    def context_json(self, obj: OutboxMessage) -> str:
        return _json(obj.context)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(TenantAdmin):
    allow_add = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("url", "is_active", "description", "created_at", "secret_rotated_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    change_form_template = CASE_TEMPLATE
    readonly_fields = ("secret_hint", "created_at", "secret_rotated_at", "recent_deliveries")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("vendor", "url", "description", "is_active")
        return ("url", "description", "is_active", *self.readonly_fields)

    @admin.display(description=gettext_lazy("secret"))
    def secret_hint(self, obj: WebhookEndpoint) -> str:
        return _("%(hint)s (shown in full only when created or rotated)") % {
            "hint": f"{obj.secret[:6]}…{obj.secret[-4:]}"
        }

    @admin.display(description=gettext_lazy("deliveries"))
    def recent_deliveries(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:notifications_webhookdelivery_changelist")
        return format_html(
            "<a href='{}?endpoint__id__exact={}'>{}</a>", url, obj.pk, _("All deliveries")
        )

    def save_model(self, request, obj: WebhookEndpoint, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                _("Signing secret (shown once; store it in your receiver now): %(secret)s")
                % {"secret": obj.secret},
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/rotate/",
                self.admin_site.admin_view(self.rotate_view),
                name="notifications_webhookendpoint_rotate",
            ),
            *super().get_urls(),
        ]

    def rotate_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        endpoint = self.get_object(request, object_id)
        if endpoint is None or not self.has_change_permission(request, endpoint):
            raise Http404("No such endpoint.")
        secret = webhooks.rotate_secret(endpoint)
        self.message_user(
            request,
            _("New signing secret (shown once; the old one no longer signs): %(secret)s")
            % {"secret": secret},
            messages.WARNING,
        )
        return HttpResponseRedirect(
            reverse("admin:notifications_webhookendpoint_change", args=[endpoint.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        endpoint = self.get_object(request, object_id)
        if endpoint is not None and self.has_change_permission(request, endpoint):
            extra_context["case_actions"] = [
                (
                    CaseAction(
                        "rotate",
                        _("Rotate secret"),
                        "",
                        help=_("A new secret signs every following delivery at once."),
                    ),
                    reverse("admin:notifications_webhookendpoint_rotate", args=[endpoint.pk]),
                )
            ]
        return super().change_view(request, object_id, form_url, extra_context)


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = (
        "number",
        "by_hand",
        "started_at",
        "duration_ms",
        "url",
        "status_code",
        "error",
        "response_excerpt",
    )
    verbose_name = gettext_lazy("attempt")
    verbose_name_plural = gettext_lazy("attempts")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ResendMixin, TenantAdmin):
    list_display = (
        "created_at",
        "event_type",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("state", "event_type")
    search_fields = ("event_type", "endpoint__url", "key")
    list_select_related = ("endpoint",)
    actions = ("resend_selected",)
    inlines = (WebhookAttemptInline,)
    change_form_template = CASE_TEMPLATE
    readonly_fields = (
        "event_type",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "next_attempt_at",
        "retry_until",
        "delivered_at",
        "case",
        "key",
        "payload",
        "created_at",
    )
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("endpoint")

    def can_resend(self, obj: WebhookDelivery) -> bool:
        return True

    def resend_one(self, obj: WebhookDelivery) -> None:
        webhooks.resend(obj)

    @admin.display(description=gettext_lazy("case"))
    def case(self, obj: WebhookDelivery) -> str:
        return _case_link(obj.event_id)

    @admin.display(description=gettext_lazy("body (signed as sent)"))
    def payload(self, obj: WebhookDelivery) -> str:
        return _json(json.loads(obj.body))
