"""Schemathesis against /api/openapi.json through the WSGI app, as a worker with a
token: no input, valid or not, may get a 5xx, and every answer must match the schema
(documented status, content type and body).

Bounded to run in seconds: a few deterministic examples per operation and mode, no
shrinking. For a longer hunt raise FUZZ_EXAMPLES in the environment.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from doorstep.accounts.services import api_token_create
from doorstep.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Only the routes of this API foundation; other routers bring their own tests.
PREFIXES = ("/api/v1/me", "/api/v1/tokens", "/api/v1/areas", "/api/v1/households")


@pytest.fixture
def keep_test_connection():
    """Django closes the database connection after each request; through the raw WSGI
    app that would close the test's own transaction on PostgreSQL. Django's test client
    disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations():
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(PREFIXES):
            yield operation


def test_no_input_gets_a_5xx_or_an_answer_outside_the_schema(
    keep_test_connection, worker_a, household_a
):
    _, secret = api_token_create(user=worker_a, name="fuzz")
    headers = {"Authorization": f"Bearer {secret}"}
    # Random ids mostly meet 404: a third pass aims at records that exist, so that
    # the answers of successful reads, changes and 409 conflicts are checked too.
    child = household_a.residents.exclude(relationship="head").first()
    real = {
        "household_id": household_a.pk,
        "resident_id": child.pk,
        "area_id": household_a.area_id,
        "code": household_a.area.code,
        "household_no": household_a.household_no,
    }
    operations = list(_operations())
    assert len(operations) >= 14
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        passes = [
            (GenerationMode.POSITIVE, None),
            (GenerationMode.NEGATIVE, None),
        ]
        if names:
            passes.append((GenerationMode.POSITIVE, {n: real[n] for n in names if n in real}))
        for mode, path_parameters in passes:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(
                case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            )
            def call(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            call()
