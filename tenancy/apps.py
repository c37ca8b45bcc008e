"""App config for tenancy: vendors and the staff memberships that scope every request."""

from __future__ import annotations

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Vendors"
