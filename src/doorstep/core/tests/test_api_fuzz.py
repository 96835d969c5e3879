"""Schemathesis against /api/openapi.json through the WSGI app: every operation of
the API, as a supervisor with a token (the role that may call the most of it), in
a world where the records named by path parameters exist. No input, valid or not,
may get a 5xx, and every answer must match the schema (documented status, content
type and body).

Bounded to run in about a minute: a few deterministic examples per operation and
mode, no shrinking. For a longer hunt raise FUZZ_EXAMPLES in the environment.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from doorstep.accounts.services import api_token_create
from doorstep.api import api
from doorstep.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


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
        yield result.ok()


def test_schemas_that_share_a_name_are_the_same_schema():
    """The OpenAPI document keys component schemas by class name: two different
    schemas with one name silently replace each other, and the document then
    describes one endpoint with the other's fields."""
    api.get_openapi_schema()  # imports every router
    by_name: dict[str, dict[str, str]] = defaultdict(dict)

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("doorstep."):
                by_name[sub.__name__][sub.__module__] = json.dumps(
                    sub.model_json_schema(), sort_keys=True, default=str
                )
            walk(sub)

    walk(Schema)
    clashes = {
        name: sorted(modules)
        for name, modules in by_name.items()
        if len(set(modules.values())) > 1 and name != "InputSchema"  # ninja's own
    }
    assert not clashes, f"rename one of each (e.g. with the app's prefix): {clashes}"


def test_no_input_gets_a_5xx_or_an_answer_outside_the_schema(
    keep_test_connection, world, supervisor
):
    values, _ = world
    _, secret = api_token_create(user=supervisor, name="fuzz")
    headers = {"Authorization": f"Bearer {secret}"}
    operations = list(_operations())
    assert len(operations) >= 60
    failures = []
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        # Random ids mostly meet 404: the positive pass aims at records that exist,
        # so that successful reads, changes and 409 conflicts are checked too.
        real = {n: values[n] for n in names if n in values}
        passes = [
            (GenerationMode.NEGATIVE, None, EXAMPLES),
            (GenerationMode.POSITIVE, real or None, EXAMPLES),
        ]
        for mode, path_parameters, examples in passes:

            @settings(
                max_examples=examples,
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

            try:
                call()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported below
                failures.append(f"{operation.label} ({mode.value}): {_first_lines(exc)}")
                break  # one failure per operation is enough to report
    assert not failures, f"{len(failures)} operations fail:\n" + "\n".join(failures)


def _first_lines(exc: BaseException) -> str:
    parts = [str(exc).strip()]
    for sub in getattr(exc, "exceptions", ()):
        parts.append(str(sub).strip())
    text = " | ".join(p for p in parts if p)
    return " ".join(text.split())[:600]
