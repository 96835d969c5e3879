"""The OpenAPI schema at /api/openapi.json and the docs page at /api/docs."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import get_resolver

from doorstep.core.tests.api_clients import ApiClient

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}
MINE = ("/api/v1/me", "/api/v1/tokens", "/api/v1/areas", "/api/v1/households")


def _schema() -> dict:
    response = ApiClient().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_schema_lists_every_v1_route_and_a_4xx_for_every_operation():
    schema = _schema()
    assert schema["openapi"].startswith("3.")
    from doorstep.api import api

    routes = {
        "/api" + prefix.rstrip("/") + ("/" + path if path else "")
        for prefix, router in api._routers
        for path in router.path_operations
        if prefix.startswith("/v1/")
    }
    listed = {re.sub(r"\{[^}]+\}", "{}", p) for p in schema["paths"]}
    assert {re.sub(r"\{[^}]+\}", "{}", r.replace("//", "/")) for r in routes} <= listed
    for prefix in ["/api/v1/me", "/api/v1/tokens", "/api/v1/areas", "/api/v1/households"]:
        assert prefix in schema["paths"]
    for path, operations in schema["paths"].items():
        assert path.startswith("/api/v1/")
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            codes = {int(code) for code in operation["responses"]}
            assert any(400 <= c < 500 for c in codes), (method, path)
            for code in codes:
                if code >= 400:
                    assert "application/json" in operation["responses"][str(code)]["content"]
            if path.startswith(MINE):
                assert {401, 422} <= codes, (method, path)


def test_every_write_documents_its_idempotency_key_except_token_writes():
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            if method in {"post", "patch", "delete"} and path.startswith("/api/v1/households"):
                names = [p["name"] for p in operation.get("parameters", [])]
                assert "Idempotency-Key" in names, (method, path)


def test_enums_are_in_the_schema():
    components = _schema()["components"]["schemas"]
    assert "disability" in components["Vulnerability"]["enum"]
    assert "spouse" in components["Relationship"]["enum"]
    assert components["Sex"]["enum"] == ["M", "F"]
    assert "ug" in components["Language"]["enum"]


def test_docs_page_loads_swagger_ui_from_our_own_static_files():
    response = ApiClient().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/api/openapi.json" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for name in ["swagger-ui-bundle.js", "swagger-ui.css"]:
        assert finders.find(f"vendor/swagger-ui/{name}"), name
    assert finders.find("doorstep/api-docs.js")


def test_the_api_is_mounted_once():
    assert sum(1 for p in get_resolver().url_patterns if str(p.pattern) == "api/") == 1
