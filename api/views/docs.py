"""The API's own 404 for unknown paths, in the shared error shape."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ..errors import error_body


@csrf_exempt  # an API client has no CSRF cookie; the answer is the same 404 for any method
def not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body(
            "not_found",
            _("No such API path; the endpoints are listed at /api/docs/."),
        ),
        status=404,
    )
