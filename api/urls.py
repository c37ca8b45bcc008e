"""Routes of the vendor API (/api/v1/), its OpenAPI schema (/api/schema/) and docs (/api/docs/)."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .views.docs import not_found
from .views.evidence import EvidenceDownloadView, EvidenceViewSet
from .views.orders import OrderViewSet
from .views.products import ProductViewSet
from .views.resolutions import ResolutionViewSet
from .views.returns import ReturnViewSet
from .views.solutions import SolutionViewSet
from .views.units import UnitViewSet
from .views.webhooks import WebhookEndpointViewSet

app_name = "api"

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("solutions", SolutionViewSet, basename="solution")
router.register("products", ProductViewSet, basename="product")
router.register("returns", ReturnViewSet, basename="return")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("resolutions", ResolutionViewSet, basename="resolution")
router.register("units", UnitViewSet, basename="unit")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")

urlpatterns = [
    path(
        "v1/evidence/<int:pk>/download/",
        EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(urlconf="api.schema_urls"), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ answers in the API's error shape, not an HTML page.
    re_path(r"^[\s\S]*$", not_found, name="not-found"),
]
