"""The portal's settings for the web benchmarks' gunicorn, with their bare baseline routes."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench._urls"
