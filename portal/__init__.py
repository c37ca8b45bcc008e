"""The portal project: settings, URLs, the Celery app, tenancy and the customer pages."""

from .celery import app as celery_app

__all__ = ["celery_app"]
