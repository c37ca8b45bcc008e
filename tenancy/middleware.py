"""Tenant scoping: which vendors a request may see, opened as a django-scopes scope.

Every tenant model uses ``ScopedManager(vendor="vendor")``, so a query outside a scope raises.
The middleware opens the scope once per request: superusers see all vendors, staff see the
vendors they are members of, everyone else starts with none; portal and API views narrow it
to the one vendor they serve.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django_scopes import scope, scopes_disabled

from .models import Membership


def vendor_ids_for_user(user) -> list[int]:
    """The ids of the vendors a staff user works for (empty for anyone else)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    return list(Membership.objects.filter(user=user).values_list("vendor_id", flat=True))


class VendorScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
            request.vendor_ids = None
            with scopes_disabled():
                return self.get_response(request)
        request.vendor_ids = vendor_ids_for_user(user) if user is not None else []
        with scope(vendor=request.vendor_ids):
            return self.get_response(request)
