"""Routes for the deployment tests: the portal's own, plus probes for headers, logs and errors."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from portal.celery import app as celery_app
from portal.logging import current_request_id
from portal.security import embeddable

logger = logging.getLogger("portal.tests.deploy")
TEST_QUEUE = "deploy-tests"


@celery_app.task(name="tests.deploy.log_request_id")
def log_request_id() -> str | None:
    logger.info("task ran")
    return current_request_id()


def customer_page(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(f"<script nonce='{request.csp_nonce}'>1</script>")


def staff_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("staff")


@embeddable
def embed_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("embedded")


def shop_origin(request: HttpRequest) -> list[str]:
    return ["https://shop.vendor-a.example"]


@embeddable(ancestors=shop_origin)
def embed_page_for_shop(request: HttpRequest) -> HttpResponse:
    return HttpResponse("embedded in the shop")


def enqueue(request: HttpRequest) -> HttpResponse:
    logger.info("enqueueing")
    log_request_id.apply_async(queue=TEST_QUEUE)
    return HttpResponse("queued")


def run_eagerly(request: HttpRequest) -> HttpResponse:
    return HttpResponse(log_request_id.apply().get())


def server_error(request: HttpRequest) -> HttpResponse:
    secret = "s3cr3t-in-a-local-variable"  # noqa: F841 - what a debug page would show
    raise RuntimeError("database password is hunter2")


urlpatterns = [
    path("v/<slug:slug>/probe/", customer_page),
    path("staff-probe/", staff_page),
    path("embed-probe/", embed_page),
    path("embed-probe/shop/", embed_page_for_shop),
    path("log-probe/enqueue/", enqueue),
    path("log-probe/eager/", run_eagerly),
    path("v/<slug:slug>/boom/", server_error),
    path("", include("portal.urls")),
]
