"""Evidence: metadata with a short-lived signed link, and the download that link opens."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_scopes import scope
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from rma.models import Evidence
from rma.storage import evidence_response

from .. import selectors
from ..errors import api_exception_handler
from ..serializers.common import ErrorSerializer, EvidenceSerializer
from ..signing import LinkExpired, read_download_token
from .base import VendorAPIMixin


@extend_schema(tags=["evidence"])
class EvidenceViewSet(VendorAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence files of the vendor's cases; they are listed on each case too."""

    serializer_class = EvidenceSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return selectors.evidence_list(vendor=self.vendor)

    @extend_schema(summary="Get an evidence file's metadata and a fresh download link")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "link_expired"
    default_detail = "This download link has expired; get a new one from the API."


class DownloadTokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=1000)


class EvidenceDownloadView(APIView):
    """The file itself; the signed token is the credential, so no API key is needed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def get_exception_handler(self):
        return api_exception_handler

    @extend_schema(
        summary="Download an evidence file (signed link)",
        description="Open the `download_url` an evidence object carries; it works for a few "
        "minutes (`download_expires_at`) and for that one file only.",
        parameters=[
            OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True)
        ],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its content type."
            ),
            400: ErrorSerializer,
            404: ErrorSerializer,
            410: ErrorSerializer,
        },
        auth=[],
        tags=["evidence"],
    )
    def get(self, request, pk: str) -> HttpResponse:
        query = DownloadTokenSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            vendor_id = read_download_token(query.validated_data["token"], evidence_id=int(pk))
        except LinkExpired as exc:
            raise Gone() from exc
        if vendor_id is None:
            raise exceptions.NotFound(_("No such file, or the link is not for it."))
        with scope(vendor=[vendor_id]):
            evidence = Evidence.objects.filter(vendor_id=vendor_id, pk=int(pk)).first()
            if evidence is None:
                raise exceptions.NotFound(_("No such file, or the link is not for it."))
            return evidence_response(evidence)
