"""``{% customer_thread case as thread %}``: the message thread of a case for the portal pages."""

from __future__ import annotations

from django import template
from django_scopes import scope

register = template.Library()


@register.simple_tag(takes_context=True)
def customer_thread(context, case) -> dict:
    from portal.customer.message_views import thread_context

    # A TemplateResponse renders after the view has left the vendor's scope; the case itself
    # was authorised by the view, so its vendor's scope is reopened for its thread only.
    vendor = context["vendor"]
    if case.vendor_id != vendor.pk:
        return {"thread": [], "post_url": ""}
    with scope(vendor=vendor):
        return thread_context(vendor, case)
