"""The base of every vendor API view: key authentication, the vendor's scope, idempotency.

DRF authenticates lazily inside the view, after the tenancy middleware has opened an empty
scope for the anonymous request. So ``dispatch`` holds an ExitStack for the request, and
``initial`` — right after authentication, permissions and the rate limit — enters the key's
vendor scope on it; the stack closes whatever happens, exceptions included.
"""

from __future__ import annotations

from contextlib import ExitStack

from django_scopes import scope
from rest_framework.renderers import JSONRenderer

from rma.services import Actor
from tenancy.models import Vendor

from .. import idempotency
from ..authentication import ApiKeyAuthentication, HasVendorKey
from ..errors import api_exception_handler
from ..models import ApiKey
from ..pagination import VendorCursorPagination
from ..parsers import StrictJSONParser
from ..schema import VendorAutoSchema
from ..throttling import ApiKeyRateThrottle


class VendorAPIMixin:
    """Mixed into DRF views: requests run as one vendor, POSTs honour Idempotency-Key."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasVendorKey]
    throttle_classes = [ApiKeyRateThrottle]
    pagination_class = VendorCursorPagination
    renderer_classes = [JSONRenderer]
    parser_classes = [StrictJSONParser]
    schema = VendorAutoSchema()

    api_key: ApiKey
    vendor: Vendor

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as stack:
            self._request_stack = stack
            self._idempotency: idempotency.Claim | None = None
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        self.api_key = request.auth
        self.vendor = self.api_key.vendor
        self._request_stack.enter_context(scope(vendor=[self.vendor.pk]))
        if request.method == "POST":
            key = idempotency.read_key(request.headers.get(idempotency.HEADER))
            if key is not None:
                fingerprint = idempotency.request_fingerprint(
                    request.method, request.get_full_path(), request.body
                )
                claim = idempotency.claim(vendor=self.vendor, key=key, fingerprint=fingerprint)
                self._idempotency = claim
                # If the view crashes past the exception handler, free the key for a retry.
                self._request_stack.callback(claim.release)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotency is not None:
            self._idempotency.finish(response)
        return response

    def get_exception_handler(self):
        return api_exception_handler

    @property
    def actor(self) -> Actor:
        """Who the audit trail names: the vendor's integration, by its key's name."""
        return Actor.vendor_api(self.api_key.name)
