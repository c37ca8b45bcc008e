"""App config for the RMA domain: orders, warranty solutions, returns, evidence and audit."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RmaConfig(AppConfig):
    name = "rma"
    verbose_name = _("Returns and warranty")

    def ready(self) -> None:
        # The domain's email kinds, declared to the outbox before anything is recorded.
        from rma import emails  # noqa: F401
