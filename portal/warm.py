"""What a web process builds on its first requests, built ahead: gunicorn's master calls
``warm_process`` once (deploy/gunicorn.conf.py, ``preload_app``) and every worker it forks,
first or recycled, starts with it in memory."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def warm_process() -> None:
    from django.db import connections
    from django.template import TemplateDoesNotExist, engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver()._populate()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Language")
    engine = engines["django"]
    for folder in engine.template_dirs:
        for path in sorted(Path(folder).rglob("*.html")):
            try:
                engine.get_template(str(path.relative_to(folder)))
            except TemplateDoesNotExist:
                continue
    connections.close_all()
