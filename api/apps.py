"""App config for the vendor API and the embeddable portal links."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Vendor API and portal links"
