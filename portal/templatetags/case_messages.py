"""``{% customer_thread case as thread %}``: the message thread of a case for the portal pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def customer_thread(context, case) -> dict:
    from portal.customer.message_views import thread_context

    return thread_context(context["vendor"], case)
