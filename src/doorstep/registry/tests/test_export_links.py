"""The household list's "Export CSV" / "Export XLSX" links: they carry the list's current
filters, and only users the export's own rule (exporter.may_export) allows see them."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from doorstep.core.testing import make_household

pytestmark = pytest.mark.django_db


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def hrefs(html: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(html)
    return parser.hrefs


def export_links(html: str) -> dict[str, dict[str, list[str]]]:
    """{format: query} of every link to the export view on the page."""
    export_path = reverse("registry:households_export")
    links = {}
    for href in hrefs(html):
        url = urlsplit(href)
        if url.path == export_path:
            query = parse_qs(url.query)
            links[query["format"][0]] = query
    return links


def test_export_links_carry_the_current_filters(client, areas, worker_a):
    make_household(area=areas["village_a"], vulnerabilities=("disability",))
    client.force_login(worker_a)
    filters = {"q": "王", "area": [areas["village_a"].pk], "vulnerability": "disability"}

    response = client.get(reverse("registry:households"), filters)

    links = export_links(response.content.decode())
    assert set(links) == {"csv", "xlsx"}
    for query in links.values():
        assert query["q"] == ["王"]
        assert query["area"] == [str(areas["village_a"].pk)]
        assert query["vulnerability"] == ["disability"]
        assert "cursor" not in query


def test_export_links_follow_the_filters_in_the_htmx_results(client, areas, worker_a):
    client.force_login(worker_a)
    response = client.get(
        reverse("registry:households"), {"vulnerability": "low_income"}, HTTP_HX_REQUEST="true"
    )
    links = export_links(response.content.decode())
    assert links["csv"]["vulnerability"] == ["low_income"]
    assert links["xlsx"]["vulnerability"] == ["low_income"]


def test_export_links_download_what_the_list_shows(client, areas, worker_a):
    make_household(area=areas["village_a"], household_no="A-EXPORT-1")
    client.force_login(worker_a)
    page = client.get(reverse("registry:households"), {"q": "A-EXPORT"})
    csv_link = next(href for href in hrefs(page.content.decode()) if "format=csv" in href)
    download = b"".join(client.get(csv_link).streaming_content).decode("utf-8-sig")
    assert "A-EXPORT-1" in download


def test_a_worker_the_export_rule_refuses_does_not_see_the_links(
    client, areas, worker_a, monkeypatch
):
    # Today everyone who may open the list may export; the links follow the one rule
    # (exporter.may_export) whatever it becomes.
    monkeypatch.setattr("doorstep.registry.views.may_export", lambda user: False)
    client.force_login(worker_a)
    response = client.get(reverse("registry:households"))
    assert response.status_code == 200
    assert export_links(response.content.decode()) == {}
    assert "Export CSV" not in response.content.decode()


@pytest.mark.parametrize("persona", ["analyst", "responder"])
def test_roles_without_export_rights_see_neither_the_list_nor_the_links(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("registry:households"))
    assert response.status_code == 403
    assert export_links(response.content.decode()) == {}
