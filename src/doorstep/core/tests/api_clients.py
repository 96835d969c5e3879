"""Test clients for the JSON API: one with a bearer token, one with a session."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from doorstep.accounts.services import api_token_create


class ApiClient:
    """Sends and reads JSON; `token` True authenticates with a fresh API token."""

    def __init__(self, user=None, *, token: bool = True, enforce_csrf: bool = False, **headers):
        self.client = Client(enforce_csrf_checks=enforce_csrf, **headers)
        self.user = user
        self.secret = None
        if user is not None and token:
            _, self.secret = api_token_create(user=user, name="tests")
            self.client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {self.secret}"
        elif user is not None:
            self.client.force_login(user)

    def call(self, method: str, path: str, body: Any = None, **extra):
        kwargs: dict[str, Any] = dict(extra)
        if body is not None:
            kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method.lower())(path, **kwargs)

    def get(self, path, **extra):
        return self.call("GET", path, **extra)

    def post(self, path, body=None, **extra):
        return self.call("POST", path, body, **extra)

    def patch(self, path, body=None, **extra):
        return self.call("PATCH", path, body, **extra)

    def delete(self, path, **extra):
        return self.call("DELETE", path, **extra)


def assert_error(response, status: int, field: str | None = None) -> dict:
    """The one error shape, with `field` among the fields named."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"} and error["message"]
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body
