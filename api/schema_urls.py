"""The URLs the OpenAPI schema describes: the vendor API under /api/v1/, nothing else."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("api/", include("api.urls"))]
