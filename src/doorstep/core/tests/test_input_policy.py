"""The one text-input policy (core.inputpolicy), issue 18 defects 2 and 3: NUL and
control characters in any query parameter, form field or JSON string are a 422 naming
the field, on SQLite and PostgreSQL alike (PostgreSQL answered 500); a multipart body
without a boundary is a 400 (it was a 500)."""

from __future__ import annotations

import re

import pytest

from doorstep.api import api

pytestmark = pytest.mark.django_db


def _get_operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        operation = methods.get("get")
        if operation is None:
            continue
        params = operation.get("parameters", [])
        query = [p["name"] for p in params if p["in"] == "query"]
        if query:
            yield path, query


def _fill(path: str, values: dict) -> str:
    def one(match):
        name = match.group(1)
        return str(values.get(name, 1))

    return re.sub(r"\{(\w+)\}", one, path)


def test_a_nul_byte_in_any_get_parameter_of_the_api_is_a_422_naming_it(client, world, supervisor):
    values, _markers = world
    client.force_login(supervisor)
    tried = 0
    for path, names in _get_operations():
        url = _fill(path, values)
        for name in names:
            response = client.get(url, {name: "a\x00b"}, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 422, (url, name, response.status_code)
            body = response.json()
            assert body["errors"][0]["field"] == name
            assert "Null characters" in body["errors"][0]["message"]
            tried += 1
    assert tried > 50  # the sweep reached the whole API, not a handful of routes


@pytest.mark.parametrize(
    "url",
    ["/households/?q=a%00b", "/households/export/?q=a%00b&format=csv", "/households/?q=a%01b"],
)
def test_pages_refuse_control_characters_in_parameters(client, supervisor, url):
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 422
    assert b"q:" in response.content


def test_hotline_callers_search_with_nul_is_a_422(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/api/v1/hotline/callers", {"phone": "a\x00b"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "phone", "message": "Null characters are not allowed."}
    ]


def test_a_json_string_with_a_control_character_is_a_422_naming_its_path(
    client, household_a, worker_a
):
    client.force_login(worker_a)
    response = client.post(
        f"/api/v1/households/{household_a.pk}/residents",
        {"name": "a\x07b", "relationship": "child", "sex": "F"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert not household_a.residents.filter(name__contains="\x07").exists()


def test_a_form_field_with_nul_is_refused(client, worker_a):
    client.force_login(worker_a)
    response = client.post("/households/?x=1", {"q": "a\x00b"})
    assert response.status_code == 422


@pytest.mark.parametrize("url", ["/api/v1/imports", "/api/v1/hotline/hazards"])
def test_multipart_without_a_boundary_is_a_400(client, supervisor, url):
    client.force_login(supervisor)
    response = client.generic(
        "POST",
        url,
        b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--",
        content_type="multipart/form-data",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body could not be read."


def test_an_upload_over_the_cap_is_refused_before_its_body_is_read(client, supervisor, settings):
    settings.DOORSTEP_IMPORT_MAX_BYTES = 1024
    client.force_login(supervisor)
    response = client.post(
        "/api/v1/imports",
        {"file": ("x" * (3 * 1024 * 1024)).encode()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The upload is too large."


def test_a_nul_byte_in_a_query_parameter_of_any_page_is_refused(client, world, supervisor):
    """The sweep over pages: every GET page of the URL configuration (the authorization
    matrix's walk), its path filled from the world, with a NUL in a parameter of its
    own (`q`, `status`, `area`...) or any other: 422 before any view runs, never a 500
    (PostgreSQL cannot store or compare NUL)."""
    from doorstep.core.tests.test_authz_matrix import _fill, page_routes

    values, _markers = world
    client.force_login(supervisor)
    tried = 0
    for route in page_routes():
        if route.startswith("^static"):
            continue
        path = _fill(route, values)
        for name in ("q", "status", "area", "cursor"):
            response = client.get(path, {name: "a\x00b"})
            assert response.status_code == 422, (path, name, response.status_code)
            if response["Content-Type"].startswith("application/json"):  # /api/, /open311/
                assert response.json()["errors"][0]["field"] == name
            else:
                assert f"{name}:".encode() in response.content
            tried += 1
    assert tried > 400
