"""Each solution's entry link, as the admin shows it to vendors for their own emails."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Migration 0001 of this app created the host names' model here and names its validator so.
from portal.models import validate_host  # noqa: F401
from rma.models import WarrantySolution


class SolutionPortalLink(WarrantySolution):
    """A warranty solution seen from its customer's side: its link and its button snippet."""

    class Meta:
        proxy = True
        verbose_name = _("solution link and button")
        verbose_name_plural = _("solution links and buttons")
