"""App config for the portal: tenancy models and the customer-facing pages."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Vendors"
