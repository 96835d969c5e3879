"""/api/v1/me and /api/v1/tokens, and manage.py create_api_token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from doorstep.accounts.models import ApiToken
from doorstep.core.tests.api_clients import ApiClient, assert_error

pytestmark = pytest.mark.django_db

ALL = ["worker_a", "worker_b", "team_leader", "supervisor", "analyst", "responder", "administrator"]


@pytest.mark.parametrize("persona", ALL)
def test_each_persona_reads_itself(request, persona):
    user = request.getfixturevalue(persona)
    body = ApiClient(user).get("/api/v1/me").json()
    assert (body["username"], body["role"], body["area"]["id"]) == (
        user.username,
        user.role,
        user.area_id,
    )
    assert body["can_edit_registry"] is (persona not in {"analyst", "responder"})


@pytest.mark.parametrize("persona", ALL)
def test_each_persona_manages_only_its_own_tokens(request, persona, worker_b):
    user = request.getfixturevalue(persona)
    session = ApiClient(user, token=False)
    created = session.post("/api/v1/tokens", {"name": "平板"})
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("ds_") and ApiToken.objects.filter(user=user).count() == 1
    assert not ApiToken.objects.filter(digest__contains=secret).exists()

    listed = session.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["平板"]
    assert "secret" not in listed[0] and "digest" not in listed[0]

    bearer = ApiClient(token=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert bearer.get("/api/v1/me").json()["username"] == user.username

    if persona != "worker_b":
        other = ApiClient(worker_b).get("/api/v1/tokens").json()[0]["id"]
        assert_error(session.delete(f"/api/v1/tokens/{other}"), 404)
    assert session.delete(f"/api/v1/tokens/{created.json()['id']}").status_code == 204
    assert session.delete(f"/api/v1/tokens/{created.json()['id']}").status_code == 204
    assert_error(bearer.get("/api/v1/me"), 401)


def test_a_token_cannot_mint_another_token(worker_a):
    client = ApiClient(worker_a)
    assert_error(client.post("/api/v1/tokens", {"name": "x"}), 403)
    assert ApiToken.objects.filter(user=worker_a).count() == 1


def test_a_token_can_revoke_itself(worker_a):
    client = ApiClient(worker_a)
    token = ApiToken.objects.get(user=worker_a)
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    assert_error(client.get("/api/v1/me"), 401)


def test_token_creation_from_a_session_needs_csrf(worker_a):
    session = ApiClient(worker_a, token=False, enforce_csrf=True)
    assert_error(session.post("/api/v1/tokens", {"name": "x"}), 403)
    assert_error(session.post("/api/v1/tokens", {"name": ""}, HTTP_X_CSRFTOKEN="bad"), 403)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 101}, {"name": 5}, "nope"])
def test_bad_token_names_are_refused(worker_a, body):
    response = ApiClient(worker_a, token=False).post("/api/v1/tokens", body)
    assert response.status_code in {400, 422}
    assert_error(response, response.status_code)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", "/api/v1/tokens/1"),
    ],
)
def test_accounts_routes_need_credentials(db, method, path):
    assert_error(ApiClient().call(method, path, {} if method == "POST" else None), 401)


def test_create_api_token_command_prints_a_working_secret(worker_a):
    out = StringIO()
    call_command("create_api_token", "worker_a", "--name", "script", stdout=out, stderr=StringIO())
    secret = out.getvalue().strip()
    client = ApiClient(token=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/me").json()["username"] == "worker_a"
    assert ApiToken.objects.get(user=worker_a).name == "script"


def test_create_api_token_command_refuses_an_unknown_account(db):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", "--name", "x")
