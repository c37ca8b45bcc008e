"""App config for tenancy: vendors and the staff memberships that scope every request."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = _("Vendors")
