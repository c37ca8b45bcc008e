"""gunicorn's master warms the portal before forking its workers (portal.warm)."""

from __future__ import annotations

from django.template import engines
from django.urls import get_resolver

from portal.warm import warm_process


def test_warm_process_compiles_the_templates_and_fills_the_url_resolver() -> None:
    engine = engines["django"].engine
    cached = next(
        loader for loader in engine.template_loaders if hasattr(loader, "get_template_cache")
    )
    cached.reset()
    warm_process()
    names = {template.origin.template_name for template in cached.get_template_cache.values()}
    assert {"portal/base.html", "portal/solution/content.html", "emails/base.html"} <= names
    assert get_resolver()._populated
