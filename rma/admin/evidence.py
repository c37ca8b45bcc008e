"""Evidence in the admin: thumbnails inline, files served only to the vendor's agents."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rma.models import Evidence
from rma.storage import evidence_response

from .base import ReadOnlyInline, TenantAdmin
from .presentation import vendor_time


def evidence_file_url(evidence: Evidence) -> str:
    return reverse("admin:rma_evidence_file", args=[evidence.pk])


def evidence_preview(evidence: Evidence) -> str:
    url = evidence_file_url(evidence)
    if evidence.is_image:
        return format_html(
            "<a href='{0}' target='_blank' rel='noopener'><img src='{0}' alt='{1}' "
            "style='max-height:96px;max-width:128px;border:1px solid #ccc'></a>",
            url,
            evidence.get_kind_display(),
        )
    return format_html(
        "<a href='{}' target='_blank' rel='noopener'>{}</a>",
        url,
        _("Open %(type)s") % {"type": evidence.content_type},
    )


def evidence_items(evidence, tz_name: str) -> list[dict]:
    """Evidence as the case page's gallery shows it: what, who, when, and where it opens."""
    return [
        {
            "url": evidence_file_url(e),
            "is_image": e.is_image,
            "kind": e.get_kind_display(),
            "type_label": e.content_type.split("/")[-1].upper(),
            "by": _("Agent") if e.uploaded_by_agent else _("Customer"),
            "when": vendor_time(e.uploaded_at, tz_name, with_zone=False),
            "size": filesizeformat(e.size),  # in the reader's language
            "name": e.original_name,
        }
        for e in evidence
    ]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fk_name = "return_request"
    fields = ("preview", "kind", "content_type", "size", "width", "height", "sha256", "uploaded_at")
    readonly_fields = fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @admin.display(description=gettext_lazy("file"))
    def preview(self, obj: Evidence) -> str:
        return evidence_preview(obj)


class SolutionEvidenceInline(EvidenceInline):
    fk_name = "solution"


@admin.register(Evidence)
class EvidenceAdmin(TenantAdmin):
    list_display = ("__str__", "kind", "case", "uploaded_at", "thumbnail")
    list_filter = ("kind",)
    search_fields = ("return_request__rma_number", "solution__order__number", "sha256")
    list_select_related = ("return_request", "solution")
    readonly_fields = (
        "thumbnail",
        "kind",
        "solution",
        "return_request",
        "content_type",
        "size",
        "sha256",
        "width",
        "height",
        "original_name",
        "uploaded_by_agent",
        "uploaded_at",
    )
    fields = readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=gettext_lazy("case"))
    def case(self, obj: Evidence) -> str:
        return str(obj.return_request or obj.solution)

    @admin.display(description=gettext_lazy("preview"))
    def thumbnail(self, obj: Evidence) -> str:
        return evidence_preview(obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/file/",
                self.admin_site.admin_view(self.file_view),
                name="rma_evidence_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, object_id: str):
        evidence = self.get_object(request, object_id)
        if evidence is None or not self.has_view_permission(request, evidence):
            raise Http404("No such file.")
        return evidence_response(evidence)
