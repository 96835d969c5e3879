"""Every read of a household's or resident's record leaves an audit event, through
every page and API endpoint that shows one: the list of screens is generated from the
URL configuration and the OpenAPI schema, so a new endpoint cannot be forgotten.

A GET that answers 200 with a household's record (or a need, resident, referral or
help record of it) must write a "view" event for that household naming the screen.
Pages that only take POST (405) are writes, audited by their services (see the
services' tests); 4xx answers and empty lists show nothing.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from doorstep.api import api
from doorstep.casework.models import MaterialType
from doorstep.casework.services import assistance_record, contact_log, pairing_create
from doorstep.casework.services.referrals import referral_create
from doorstep.casework.tests.factories import make_unit, open_need
from doorstep.privacy.models import AuditEvent

# Path parameters that name a household's record or a part of it.
RECORD_PARAMS = {"household_id", "resident_id", "need_id", "referral_id", "assistance_id"}
# The resident portal authenticates residents, not staff: portal/tests cover it.
SKIP_PREFIXES = ("/resident/", "/api/v1/portal/")


@pytest.fixture
def record(household_a, administrator, worker_a, team_leader):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="test")
    contact_log(actor=worker_a, household=household_a, kind="visit", channel="test")
    need = open_need(actor=worker_a, household=household_a)
    unit = make_unit(accepts_referrals=True)
    referral = referral_create(actor=worker_a, need=need, unit=unit, channel="test")
    assistance = assistance_record(
        actor=worker_a,
        need=need,
        kind="material",
        material_type=MaterialType.values[0],
        description="米面油",
        channel="test",
    )
    return {
        "household_id": household_a.pk,
        "resident_id": household_a.residents.order_by("id").first().pk,
        "need_id": need.pk,
        "referral_id": referral.pk,
        "assistance_id": assistance.pk,
        "household": household_a,
    }


def _page_routes(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _page_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + str(entry.pattern)


def _fill(route: str, ids: dict) -> str | None:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not names or not set(names) <= RECORD_PARAMS or any(ids.get(n) is None for n in names):
        return None
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)


def _api_reads(ids: dict):
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        params = {p["name"] for p in get.get("parameters", [])}
        path_names = set(re.findall(r"{(\w+)}", path))
        if path_names and path_names <= RECORD_PARAMS:
            if any(ids.get(n) is None for n in path_names):
                continue
            yield re.sub(r"{(\w+)}", lambda m: str(ids[m.group(1)]), path)
        elif not path_names and "household" in params:
            yield f"{path}?household={ids['household_id']}"


def _assert_audited(client, url, household_id):
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code < 500, url
    if response.status_code != 200:
        return None
    if "?household=" in url and not response.json().get("items"):
        return None  # an empty list filtered to the household shows nothing of it
    events = AuditEvent.objects.filter(pk__gt=before, household_id=household_id, action="view")
    assert events.exists(), f"GET {url} showed a household's record without an audit event"
    assert all(e.channel and e.actor_id for e in events), url
    return response.status_code


def test_every_page_that_shows_a_record_writes_an_audit_event(client, administrator, record):
    client.force_login(administrator)
    shown = []
    for route in _page_routes():
        if route.startswith(SKIP_PREFIXES) or route.startswith("/admin/"):
            continue
        url = _fill(route, record)
        if url and _assert_audited(client, url, record["household_id"]):
            shown.append(url)
    # The walk really reached the record pages (a broken walk would pass vacuously).
    assert f"/households/{record['household_id']}/" in shown
    assert f"/casework/needs/{record['need_id']}/" in shown


def test_every_api_read_of_a_record_writes_an_audit_event(client, administrator, record):
    client.force_login(administrator)
    shown = []
    for url in _api_reads(record):
        if url.startswith(SKIP_PREFIXES):
            continue
        if _assert_audited(client, url, record["household_id"]):
            shown.append(url)
    assert f"/api/v1/households/{record['household_id']}" in shown
    assert any(u.startswith("/api/v1/casework/contacts?household=") for u in shown)


def test_lists_of_households_record_which_households_they_showed(
    client, worker_a, household_a, household_b
):
    client.force_login(worker_a)
    for url, channel in (
        ("/", "page:home"),
        ("/households/", "page:households"),
        ("/api/v1/households", "api:v1:households"),
    ):
        assert client.get(url).status_code == 200
        event = AuditEvent.objects.filter(object_type="household_list", channel=channel).get()
        assert event.actor == worker_a and event.household_id is None
        assert event.detail["households"] == [household_a.pk]  # household_b is not in scope
