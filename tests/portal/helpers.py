"""Small helpers shared by the portal tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def url(name: str, vendor, *args) -> str:
    return reverse(f"portal:{name}", args=[vendor.slug, *args])


def sign_in_solution(client, solution, password) -> None:
    response = client.post(
        url("solution_login", solution.vendor, solution.public_id), {"password": password}
    )
    assert response.status_code == 302, response.text[:500]


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
