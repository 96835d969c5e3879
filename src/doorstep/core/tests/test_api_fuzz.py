"""Schemathesis against /api/openapi.json through the WSGI app: every operation of
the API, as a supervisor with a token (the role that may call the most of it), in
a world where the records named by path parameters exist. No input, valid or not,
may get a 5xx, and every answer must match the schema (documented status, content
type and body).

The schema states the server's own input rules (core.openapi, issue 18 defect 11): a
request the schema allows is never refused for a rule a schema can state (a type, a
length, a bound, a pattern, an enum, the text-input policy). It may still be refused
for what no schema can say (a record outside the caller's area, a state that does not
allow the step, a cursor the server did not make, a key used before for another body);
those are counted apart and shown when the test fails. CI runs this on SQLite and on
PostgreSQL (`make test` on both, .ci/run).

Bounded to run in about a minute: a few deterministic examples per operation and
mode, no shrinking. For a longer hunt raise FUZZ_EXAMPLES in the environment.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from doorstep.accounts.services import api_token_create
from doorstep.api import api
from doorstep.core import schemas
from doorstep.core.inputpolicy import text_problem
from doorstep.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema_rule_messages() -> list[re.Pattern]:
    """The English messages of the rules a schema states: pydantic's (types, lengths,
    bounds, patterns, enums, formats), the text-input policy's, and the formats the
    schema spells out with a pattern (core.openapi, the phone and date fields)."""
    with translation.override("en"):
        texts = [*schemas._messages().values(), text_problem("\x00"), text_problem("\x01")]
        texts += [
            "Write dates as YYYY-MM-DD and times in ISO 8601.",
            "Send a JSON object.",
            "Enter your 11-digit mobile number.",
        ]
    return [re.compile("^" + re.sub(r"%\\\(\w+\\\)s", ".*", re.escape(t)) + "$") for t in texts]


def _rejected_for_a_schema_rule(response, rules) -> list[str]:
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return []
    return [
        f"{e.get('field')}: {e.get('message')}"
        for e in errors
        if any(rule.match(str(e.get("message", ""))) for rule in rules)
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
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    rules = _schema_rule_messages()
    operations = list(_operations())
    assert len(operations) >= 60
    failures: list[str] = []
    by_rule: list[str] = []  # refused for a rule the schema could state
    otherwise: Counter[str] = Counter()  # refused for what no schema can say
    for operation in operations:
        names = {p.name for p in operation.path_parameters}
        # Random ids mostly meet 404: the positive pass aims at records that exist,
        # so that successful reads, changes and 409 conflicts are checked too.
        real = {n: values[n] for n in names if n in values}
        passes = [
            (GenerationMode.NEGATIVE, None, EXAMPLES, CHECKS),
            (GenerationMode.POSITIVE, real or None, EXAMPLES, [*CHECKS, positive_data_acceptance]),
        ]
        for mode, path_parameters, examples, checks in passes:
            call = settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )(
                given(
                    case=operation.as_strategy(
                        generation_mode=mode, path_parameters=path_parameters
                    )
                )(_caller(headers, checks, operation.label, rules, by_rule, otherwise))
            )

            try:
                call()
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported below
                failures.append(f"{operation.label} ({mode.value}): {_first_lines(exc)}")
                break  # one failure per operation is enough to report
    # Shown with `pytest -s`: the figures of issue 18's defect 11.
    print(  # noqa: T201
        f"fuzz: {len(operations)} operations, {len(failures)} failing (5xx or outside the "
        f"schema), {len(by_rule)} schema-valid requests refused for a stated rule, "
        f"{sum(otherwise.values())} for what no schema can say"
    )
    assert not failures, f"{len(failures)} operations fail:\n" + "\n".join(failures)
    assert not by_rule, (
        f"{len(by_rule)} schema-valid requests refused for a rule the schema could state "
        f"(core.openapi or the field's Field()); {sum(otherwise.values())} refused for "
        "what no schema can say:\n" + "\n".join(by_rule)
    )


def _caller(headers, checks, label, rules, by_rule: list, otherwise: Counter):
    """One example: call, validate, and sort a refusal of schema-valid input."""

    def call(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=checks)
        except (Failure, FailureGroup) as exc:
            found = list(getattr(exc, "exceptions", None) or [exc])
            others = [f for f in found if not isinstance(f, RejectedPositiveData)]
            if len(others) < len(found):
                rule_errors = _rejected_for_a_schema_rule(response, rules)
                if rule_errors:
                    by_rule.append(f"{label}: {rule_errors}")
                else:
                    otherwise[label] += 1
            if others:
                raise

    return call


def _first_lines(exc: BaseException) -> str:
    parts = [str(exc).strip()]
    for sub in getattr(exc, "exceptions", ()):
        parts.append(str(sub).strip())
    text = " | ".join(p for p in parts if p)
    return " ".join(text.split())[:600]
