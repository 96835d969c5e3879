"""Content-Security-Policy without 'unsafe-inline', and templates that need none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doorstep.core.csp import policy, tile_origin

PACKAGE = Path(__file__).resolve().parents[2]


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    header = policy()
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    directives = dict(part.strip().split(" ", 1) for part in header.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tiles.office.internal/{z}/{x}/{y}.png", "https://tiles.office.internal"),
        ("https://{s}.tiles.example:8443/{z}/{x}/{y}.png", "https://*.tiles.example:8443"),
        ("", None),
        ("javascript:alert(1)", None),
    ],
)
def test_the_tile_server_is_the_only_other_image_origin(url, origin):
    assert tile_origin(url) == origin


def test_a_configured_tile_server_is_allowed_for_images(client, settings, worker_a):
    settings.DOORSTEP_TILE_URL = "https://tiles.office.internal/{z}/{x}/{y}.png"
    client.force_login(worker_a)
    header = client.get("/households/")["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.office.internal" in header


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs", "/api/openapi.json"])
def test_every_answer_carries_the_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == policy()


def test_the_api_docs_page_loads_swagger_from_our_static_files_with_no_inline_code(client, db):
    body = client.get("/api/docs").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in body and " style=" not in body
    assert "cdn" not in body.lower()


# Every template of every app, whoever wrote it: no inline script, style or handler.
_INLINE = [
    (
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _templates():
    return sorted(PACKAGE.glob("*/templates/**/*.html"))


def test_there_are_templates_to_check():
    assert len(_templates()) > 20


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_template_needs_unsafe_inline(template):
    text = template.read_text(encoding="utf-8")
    # Template comments never reach the browser.
    text = re.sub(r"\{#.*?#\}", "", text)
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)
    found = [what for pattern, what in _INLINE if pattern.search(text)]
    assert not found, f"{template.relative_to(PACKAGE)}: {', '.join(found)}"
