"""The agent's workspace on a case page: assignment (assign or take), internal notes and the
message thread with the customer. ``case_workspace_context`` computes what the two includes
``admin/rma/_case_assignment.html`` and ``admin/rma/_case_thread.html`` render;
``WorkspaceAdminMixin`` registers the POST URLs their forms submit to."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from rma.messages import error_text
from rma.models import CaseMessage, CaseNote, MessageAttachment, OrderChangeRequest
from rma.services import Actor, DomainError
from rma.services.assignment import assignable_agents, case_assign, case_take
from rma.services.messages import (
    ATTACHMENT_REQUIREMENT,
    MAX_ATTACHMENTS,
    Upload,
    case_kwargs,
    message_to_customer,
    note_add,
)
from rma.storage import evidence_response


def _url(obj, name: str, *args) -> str:
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_workspace_{name}", args=[obj.pk, *args]
    )


def agent_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def case_workspace_context(request: HttpRequest, obj) -> dict[str, Any]:
    """Everything the assignment and thread includes show for ``obj``, for this agent."""
    kwargs = case_kwargs(obj)
    agents = list(assignable_agents(obj.vendor_id))
    notes = list(CaseNote.objects.filter(**kwargs).select_related("author"))
    thread: list[CaseMessage] = []
    takes_messages = not isinstance(obj, OrderChangeRequest)
    if takes_messages:
        thread = list(CaseMessage.objects.filter(**kwargs).prefetch_related("attachments"))
        for message in thread:
            for attachment in message.attachments.all():
                attachment.admin_url = _url(obj, "attachment", attachment.pk)
    return {
        "case": obj,
        "assignee": obj.assignee,
        "assignee_name": agent_name(obj.assignee),
        "is_mine": obj.assignee_id == request.user.pk,
        "agents": [(a.pk, agent_name(a), a.pk == obj.assignee_id) for a in agents],
        "assign_url": _url(obj, "assign"),
        "notes": notes,
        "note_url": _url(obj, "note"),
        "takes_messages": takes_messages,
        "thread": thread,
        "message_url": _url(obj, "message") if takes_messages else "",
        "attachment_accept": ",".join(f".{f}" for f in ATTACHMENT_REQUIREMENT.formats),
        "attachment_help": _("Up to %(count)s files: %(formats)s, %(mb)s MB each.")
        % {
            "count": MAX_ATTACHMENTS,
            "formats": ", ".join(f.upper() for f in ATTACHMENT_REQUIREMENT.formats),
            "mb": ATTACHMENT_REQUIREMENT.max_bytes // (1024 * 1024),
        },
        "customer_email": (
            obj.customer.email if hasattr(obj, "customer") else obj.order.customer.email
        ),
    }


class WorkspaceAdminMixin:
    """Add to a case admin's bases (before CaseAdmin): assign/take, notes, messages, files."""

    # The case page (admin/rma/case_change_form.html) places the two includes: assignment
    # under the header, the notes and messages after the timeline.

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}_workspace"
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/workspace/assign/",
                wrap(self.workspace_assign_view),
                name=f"{info}_assign",
            ),
            path(
                "<path:object_id>/workspace/note/",
                wrap(self.workspace_note_view),
                name=f"{info}_note",
            ),
            path(
                "<path:object_id>/workspace/message/",
                wrap(self.workspace_message_view),
                name=f"{info}_message",
            ),
            path(
                "<path:object_id>/workspace/attachment/<int:pk>/",
                wrap(self.workspace_attachment_view),
                name=f"{info}_attachment",
            ),
            *super().get_urls(),
        ]

    def _workspace_case(self, request: HttpRequest, object_id: str):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404("No such case.")
        return obj

    def _back(self, obj, anchor: str) -> HttpResponseRedirect:
        opts = self.opts
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        return HttpResponseRedirect(f"{url}#{anchor}")

    def _run(self, request: HttpRequest, label: str, call) -> None:
        try:
            call()
        except DomainError as exc:
            self.message_user(request, f"{label}: {error_text(exc)}", messages.ERROR)
        else:
            self.message_user(request, _("%(action)s: done.") % {"action": label}, messages.SUCCESS)

    def workspace_assign_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._workspace_case(request, object_id)
        actor = Actor.agent(request.user)
        if request.POST.get("take"):
            self._run(request, _("Take the case"), lambda: case_take(case=obj, actor=actor))
            return self._back(obj, "case-assignment")
        raw = (request.POST.get("assignee") or "").strip()
        assignee = None
        if raw:
            # Looked up among the vendor's agents only; anyone else reads as "not an agent".
            assignee = assignable_agents(obj.vendor_id).filter(pk=int(raw) if raw.isdigit() else 0)
            assignee = assignee.first()
            if assignee is None:
                self.message_user(
                    request, _("Assign: choose an agent of this vendor."), messages.ERROR
                )
                return self._back(obj, "case-assignment")
        self._run(
            request, _("Assign"), lambda: case_assign(case=obj, assignee=assignee, actor=actor)
        )
        return self._back(obj, "case-assignment")

    def workspace_note_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._workspace_case(request, object_id)
        actor = Actor.agent(request.user)
        body = request.POST.get("body", "")
        self._run(request, _("Internal note"), lambda: note_add(case=obj, actor=actor, body=body))
        return self._back(obj, "case-thread")

    def workspace_message_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._workspace_case(request, object_id)
        actor = Actor.agent(request.user)
        uploads = [
            Upload(file=f, name=f.name or "file", size=f.size)
            for f in request.FILES.getlist("attachments")
        ]
        body = request.POST.get("body", "")
        self._run(
            request,
            _("Message to the customer"),
            lambda: message_to_customer(case=obj, actor=actor, body=body, uploads=uploads),
        )
        return self._back(obj, "case-thread")

    def workspace_attachment_view(self, request: HttpRequest, object_id: str, pk: int):
        obj = self._workspace_case(request, object_id)
        kwargs = {f"message__{k}": v for k, v in case_kwargs(obj).items()}
        attachment = MessageAttachment.objects.filter(pk=pk, **kwargs).first()
        if attachment is None:
            raise Http404("No such file.")
        return evidence_response(attachment)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["workspace"] = case_workspace_context(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)
