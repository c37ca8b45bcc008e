"""``Authorization: Bearer <key>``: the key names its vendor, and the vendor is the scope."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions

from .keys import api_key_check
from .models import ApiKey


class ApiKeyUser:
    """The request's user for an API key: authenticated, tied to one vendor, never staff."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key
        self.vendor = api_key.vendor

    def __str__(self) -> str:
        return f"API key {self.api_key.name}"

    def get_username(self) -> str:
        return self.api_key.name


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request) -> tuple[ApiKeyUser, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the header as “Authorization: Bearer <key>”, with no spaces in the key.")
            )
        api_key = api_key_check(header[1])
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                _("This API key is unknown or revoked; create a new one in the admin.")
            )
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class HasVendorKey(permissions.BasePermission):
    message = "Send an API key as “Authorization: Bearer <key>”."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiKey)
