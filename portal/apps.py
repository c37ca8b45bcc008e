"""App config for the portal: settings, URLs, the customer-facing pages and the demo."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        # Portal links are built where the URLs are (vendor host names included); the domain
        # asks for them through rma.links.
        from rma.links import register_link_builder

        from .links import link_host, portal_link

        register_link_builder(portal_link, host_lookup=link_host)
