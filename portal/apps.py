"""App config for the portal: settings, URLs, the customer-facing pages and the demo."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"
