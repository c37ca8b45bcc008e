"""Property-based run of the OpenAPI schema with schemathesis: no 5xx, responses as documented.

The WSGI app runs in-process against the test database, authenticated with a real key of a
vendor that has an order, a solution and a return, so generated requests meet real objects
too. Bounded by a few examples per operation, a per-example deadline and a time budget per
shard (see SHARDS below).
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from notifications.webhooks import endpoint_create
from rma.models import ReturnRequest
from tests.factories import make_case_graph

from .factories import (
    QUALITY_DEFECT_EVIDENCE,
    add_evidence,
    client_with,
    key_for,
    order_payload,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzz_data(vendor_a, settings) -> dict:
    """A key of vendor A, and one real object of each kind for path parameters to point at."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    _row, raw = key_for(vendor_a, "fuzz")
    api = client_with(raw)
    assert api.post("/api/v1/orders/", order_payload("SO-FUZZ"), format="json").status_code == 201
    created = api.post(
        "/api/v1/returns/",
        {"order": "SO-FUZZ", "scenario": "quality_defect", "lines": [{"sku": "CAM-4K"}]},
        format="json",
    )
    assert created.status_code == 201, created.content
    variant = {"sku": "HUB-FUZZ", "price": "99.99", "currency": "EUR"}
    product = {"handle": "hub-fuzz", "name": "Hub", "variants": [variant]}
    assert api.post("/api/v1/products/", product, format="json").status_code == 201
    with scope(vendor=vendor_a):
        return_request = ReturnRequest.objects.get(public_id=created.json()["id"])
        add_evidence(return_request, QUALITY_DEFECT_EVIDENCE)
        graph = make_case_graph(vendor_a)  # a solution, built directly: A's policy has none
        endpoint = endpoint_create(vendor=vendor_a, url="http://127.0.0.1:9/hook")
        evidence_id = return_request.evidence.first().pk
    return {
        "key": raw,
        "paths": {
            "/api/v1/orders/{number}/": {"number": "SO-FUZZ"},
            "/api/v1/products/{handle}/": {"handle": "hub-fuzz"},
            "/api/v1/returns/{id}/": {"id": str(return_request.public_id)},
            "/api/v1/solutions/{id}/": {"id": str(graph["warrantysolution"].public_id)},
            "/api/v1/evidence/{id}/": {"id": evidence_id},
            "/api/v1/webhook-endpoints/{id}/": {"id": endpoint.pk},
        },
    }


def known_path_parameters(path: str, paths: dict[str, dict]) -> dict | None:
    for prefix, parameters in paths.items():
        if path.startswith(prefix.rstrip("/")):
            return parameters
    return None


def in_test_transaction(app):
    """The WSGI app, minus closing the database connection when a request ends.

    Django's own test client does the same: the connection holds the test's transaction.
    """

    def call(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return call


@pytest.fixture
def api_schema(db):
    return schemathesis.openapi.from_wsgi(
        "/api/schema/", in_test_transaction(get_wsgi_application())
    )


# Creating a webhook endpoint resolves the URL's host name, and generated names would send
# DNS queries off this machine; that operation is tested in test_webhooks_api.py instead.
SKIPPED_OPERATIONS = {"POST /api/v1/webhook-endpoints/"}
# The run is split into shards that parallel test workers take side by side. Each shard has a
# time budget: once spent, its remaining operations are still each called, with a few examples
# only, so every operation stays covered and a slow machine does not stretch the suite.
# SCHEMA_FUZZ_EXAMPLES and SCHEMA_FUZZ_SECONDS raise both for a deeper run.
SHARDS = 4
MAX_EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "10"))
SHARD_SECONDS = float(os.environ.get("SCHEMA_FUZZ_SECONDS", "15"))
EXAMPLES_PAST_BUDGET = 2


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=timedelta(seconds=10),
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda shard: f"shard{shard}")
def test_every_operation_matches_its_schema(api_schema, fuzz_data, subtests, shard):
    """One subtest per operation and mode (valid input, then invalid input), each run with
    generated path parameters and again with ones that name real objects, so generated
    bodies meet real state."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    headers = {"Authorization": f"Bearer {fuzz_data['key']}"}
    mine = [
        operation
        for index, operation in enumerate(operations)
        if index % SHARDS == shard and operation.label not in SKIPPED_OPERATIONS
    ]
    assert mine, f"shard {shard} has no operation"
    budget_ends = time.monotonic() + SHARD_SECONDS
    for operation in mine:
        known = known_path_parameters(operation.path, fuzz_data["paths"])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in (None, known) if known else (None,):
                examples = MAX_EXAMPLES if time.monotonic() < budget_ends else EXAMPLES_PAST_BUDGET

                @fuzz_settings(examples)
                @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
                def check(case):
                    case.call_and_validate(headers=headers, checks=CHECKS)

                with subtests.test(
                    operation.label, mode=mode.value, known_objects=path_parameters is not None
                ):
                    check()
