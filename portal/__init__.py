"""The portal project: settings, URLs, the Celery app, the customer pages and the demo."""

from .celery import app as celery_app

__all__ = ["celery_app"]
