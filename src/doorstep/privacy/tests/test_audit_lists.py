"""Every read that shows household A writes an audit row naming it, lists included
(issue 18, defect 12: `/api/v1/livelihoods/openings/{id}/matches` and others showed
residents and wrote nothing). The sweep is generated from the URL configuration and the
OpenAPI schema: every GET page and operation, its path filled from the world of
core/tests/conftest.py (household A with a need, a pairing, a referral, a welfare
check, a placement, an enrolment, a cooperative membership, a monitoring proposal, a
correction request), tried by the personas who see the most of it. An answer that shows
household A (its number or its head's name) must have written at least one audit event
by that persona for household A: either on the household (single reads) or listing it
in `detail["households"]` (lists, one event per request)."""

from __future__ import annotations

import re

import pytest

from doorstep.core.tests.conftest import world  # noqa: F401 - the fixture
from doorstep.core.tests.test_authz_matrix import ROUTES, _client, _fill, all_routes
from doorstep.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

PERSONAS = ["administrator", "team_leader", "worker_a"]
# The resident portal: a resident reading their own household, audited as such in
# portal/tests; the admin site is Django's; public routes show no household.
SKIP = ("resident/", "GET /api/v1/portal/", "api/", "^static")
# Pages whose text holds a marker without showing household A.
NOT_HOUSEHOLD_A = {
    "administration/staff/new/": "the form's help text gives 艾力·买买提 as an example name",
}


def _gets() -> list[str]:
    out = []
    for route in all_routes():
        if (
            route.startswith(SKIP)
            or route in NOT_HOUSEHOLD_A
            or ROUTES[route].kind in {"public", "write", "admin"}
        ):
            continue
        if route.startswith(("POST ", "PUT ", "PATCH ", "DELETE ")):
            continue
        out.append(route)
    return out


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def _names_household(event: AuditEvent, household_id: int) -> bool:
    if event.household_id == household_id:
        return True
    listed = (event.detail or {}).get("households") or []
    if isinstance(listed, int):
        return True  # an export: it records its filter and how many households it held
    return household_id in listed


def test_every_read_that_shows_household_a_writes_an_audit_row(request, world):  # noqa: F811
    values, markers = world
    household_id = values["household_id"]
    unaudited, shown = [], set()
    for route in _gets():
        rule = ROUTES[route]
        path = _fill(route, values)
        if rule.query:
            path += "?" + re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), rule.query)
        for persona in PERSONAS:
            client = _client(persona, request, api=path.startswith("/api/"))
            user = request.getfixturevalue(persona)
            before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(path)
            assert response.status_code < 500, (route, persona, response.status_code)
            if response.status_code != 200:
                continue
            if not any(marker in _body(response) for marker in markers):
                continue
            shown.add(route)
            events = AuditEvent.objects.filter(pk__gt=before, actor=user)
            if not any(_names_household(e, household_id) for e in events):
                unaudited.append(f"{route} ({persona})")
    assert not unaudited, "shown without an audit row:\n  " + "\n  ".join(unaudited)
    # The sweep reached lists and records alike (a broken walk would pass vacuously).
    assert {
        "households/",
        "monitoring/households/",
        "GET /api/v1/households",
        "GET /api/v1/casework/needs",
        "GET /api/v1/casework/referrals",
        "GET /api/v1/monitoring/proposals",
    } <= shown, sorted(shown)
    assert len(shown) > 40, sorted(shown)
