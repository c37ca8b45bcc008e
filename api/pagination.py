"""Cursor pagination: stable pages while rows are added, with an opaque ``cursor``."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class VendorCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = ("-updated_at", "-id")
