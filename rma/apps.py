"""App config for the RMA domain: orders, warranty solutions, returns, evidence and audit."""

from django.apps import AppConfig


class RmaConfig(AppConfig):
    name = "rma"
    verbose_name = "Returns and warranty"

    def ready(self) -> None:
        # The domain's email kinds, declared to the outbox before anything is recorded.
        from rma import emails  # noqa: F401
