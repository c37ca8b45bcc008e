"""The shared host's own pages: the home page at ``/`` and the favicon browsers ask for."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.views.decorators.cache import cache_control


def site_home(request: HttpRequest) -> HttpResponse:
    """A neutral landing page: which way to go for customers, agents and integrating shops.

    Vendors are not listed: a shop's customers arrive from the shop's own page or email, and
    a public directory of tenants would tell strangers who uses the portal.
    """
    return TemplateResponse(request, "site/home.html", {})


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request: the hashed static name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("portal/favicon.svg"))
