"""The shell, its service worker and manifest, and sign-out that clears the phone."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_the_shell_carries_its_strings_translated_and_no_inline_code(client, worker_a):
    client.force_login(worker_a)
    client.cookies["django_language"] = "ug"
    response = client.get("/field/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'dir="rtl"' in body and 'rel="manifest"' in body
    strings = json.loads(body.split('id="field-strings" type="application/json">')[1].split("<")[0])
    assert strings["text"]["sync_now"] != "Sync now"  # Uyghur, from the catalogue
    assert strings["choices"]["kind"]["visit"] != "Visit"
    assert response["Cache-Control"] == "no-store"


def test_the_shell_is_for_workers_and_team_leaders(client, supervisor, analyst):
    for user in (supervisor, analyst):
        client.force_login(user)
        assert client.get("/field/").status_code == 404
    client.logout()
    assert client.get("/field/").status_code == 302


def test_the_service_worker_covers_the_app_and_caches_its_files(client):
    response = client.get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    text = response.content.decode()
    for name in ("/field/", "fieldapp/app.js", "fieldapp/store.js", "fieldapp/icon-512.png"):
        assert name in text
    assert "http" not in text.split("PRECACHE =")[1].split(";")[0]  # nothing from a CDN


def test_the_manifest_makes_it_installable(client):
    manifest = client.get("/field/manifest.webmanifest").json()
    assert manifest["start_url"] == manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_signing_out_asks_the_browser_to_clear_what_it_stored(client, worker_a):
    client.force_login(worker_a)
    response = client.post("/field/signout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/field/").status_code == 302  # signed out
