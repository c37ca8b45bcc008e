"""App config for the RMA domain: orders, warranty solutions, returns, evidence and audit."""

from django.apps import AppConfig


class RmaConfig(AppConfig):
    name = "rma"
    verbose_name = "Returns and warranty"
