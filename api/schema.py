"""OpenAPI details drf-spectacular cannot infer: the key scheme, the error shape on every
operation, and the Idempotency-Key header on every POST."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

ERROR_DESCRIPTIONS = {
    "400": "The input is not valid; `error.fields` says which field and why.",
    "401": "No API key, or an unknown or revoked one.",
    "404": "No such object for this vendor (another vendor's object answers the same).",
    "409": "The case's status does not allow this now, or the first request with this "
    "Idempotency-Key is still running.",
    "422": "The vendor's policy or the case refused it (`error.findings` cite the rules), or "
    "the Idempotency-Key was used for a different request.",
    "429": "Too many requests for this key; retry after the `Retry-After` seconds.",
}

ERROR_EXAMPLES = [
    OpenApiExample(
        "Validation error",
        value={
            "error": {
                "code": "invalid",
                "message": "Some fields are not valid; fix them and send again. "
                "lines.0.sku: This field is required.",
                "fields": {"lines.0.sku": ["This field is required."]},
            }
        },
        status_codes=["400"],
        response_only=True,
    ),
    OpenApiExample(
        "Policy refusal",
        value={
            "error": {
                "code": "policy_refused",
                "message": "The return window of 30 days after delivery ended on 2025-03-31 "
                "(ACME-3).",
                "findings": [
                    {
                        "rule_id": "ACME-3",
                        "ok": False,
                        "message": "The return window of 30 days after delivery ended on "
                        "2025-03-31 (ACME-3).",
                    }
                ],
            }
        },
        status_codes=["422"],
        response_only=True,
    ),
]

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string up to 255 characters, such as a UUID. Sending the same key and body "
        "again answers the first response (header `Idempotent-Replayed: true`) without doing "
        "anything twice; the same key with another body answers 422; while the first request "
        "still runs, 409. Keys are per vendor and kept for 24 hours."
    ),
)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A vendor API key, created in the admin (API keys) or with "
            "`manage.py create_api_key`: `Authorization: Bearer rma_…`.",
        }


class VendorAutoSchema(AutoSchema):
    """Adds the shared error responses and the Idempotency-Key header."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_PARAMETER)
        return parameters

    def _error_codes(self) -> list[str]:
        codes = ["401", "429"]
        has_lookup = "{" in self.path
        if self.method == "POST":
            codes += ["400", "409", "422"]
        elif self.method == "PUT":  # idempotent by itself: no Idempotency-Key, so no 409
            codes += ["400", "422"]
        elif self._is_list_view():
            codes += ["400", "404"]  # a filter that does not parse; a stale cursor
        if has_lookup:
            codes.append("404")
        return sorted(set(codes))

    def _get_response_bodies(self, direction="response"):
        from .serializers.common import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = response
        return responses

    def get_examples(self):
        return [*super().get_examples(), *ERROR_EXAMPLES]
