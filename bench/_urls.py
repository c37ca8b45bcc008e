"""The portal's URLs plus the web benchmarks' baselines: the cheapest page and DRF POST/GET.

The baselines pass through the whole middleware stack like every page; what they leave out is
what the measured pages add: database queries, sessions with a case in them, policies, and
larger templates.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.urls import urlpatterns as portal_urlpatterns

BARE_TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>'
    "</head><body><main><h1>{{ title }}</h1><p>{{ text }}</p></main></body></html>"
)


def bare_page(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request, BARE_TEMPLATE, {"title": "Bare page", "text": "No database, no session."}
    )


class BareCustomerSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=120, required=False)


class BareOrderSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=64)
    customer = BareCustomerSerializer()
    lines = serializers.ListField(child=serializers.DictField(), max_length=100)


class BareApi(APIView):
    """Parses and validates JSON like an API endpoint, answers without touching a model."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []

    def get(self, request):
        return Response({"results": [{"number": f"B-{n}", "total": "10.00"} for n in range(50)]})

    def post(self, request):
        serializer = BareOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"number": serializer.validated_data["number"]}, status=201)


urlpatterns = [
    path("bench/bare/", bare_page),
    path("bench/bare-api/", BareApi.as_view()),
    *portal_urlpatterns,
]
