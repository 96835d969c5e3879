"""Open311 GeoReport v2 conformance: every endpoint in JSON and XML, and the errors."""

from xml.etree import ElementTree as ET

import pytest

from doorstep.hotline import services
from doorstep.hotline.models import Call, CallSource

BASE = "/open311/v2"


@pytest.fixture
def api_key(team_leader, office):
    return services.open311_key_create(
        actor=team_leader, office=office, name="city app", channel="t"
    )[1]


def parse(response, fmt):
    if fmt == "json":
        return response.json()
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314 (our own server's answer)


def file_request(client, key, fmt="json", **extra):
    data = {
        "api_key": key,
        "service_code": "water",
        "lat": "41.17",
        "long": "80.26",
        "description": "水管爆裂",
        "phone": "13800138000",
        **extra,
    }
    return client.post(f"{BASE}/requests.{fmt}", data)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_list_and_definition(client, db, fmt):
    body = parse(client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": ""}), fmt)
    if fmt == "json":
        assert {s["service_code"] for s in body} >= {"lift_entrapment", "power", "other"}
        assert set(body[0]) >= {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        }
    else:
        assert body.tag == "services" and len(body.findall("service")) == 9
    d = parse(client.get(f"{BASE}/services/lift_entrapment.{fmt}"), fmt)
    if fmt == "json":
        assert d["service_code"] == "lift_entrapment" and d["attributes"][0]["code"] == "building"
    else:
        assert (
            d.tag == "service_definition" and d.find("attributes/attribute/code").text == "building"
        )
    assert client.get(f"{BASE}/services/unknown.{fmt}").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_file_a_request_then_read_it_back(client, api_key, office, fmt):
    r = file_request(client, api_key, fmt, **{"attribute[building]": "3"})
    assert r.status_code == 201, r.content
    body = parse(r, fmt)
    rid = (
        body[0]["service_request_id"]
        if fmt == "json"
        else body.find("request/service_request_id").text
    )
    call = Call.objects.get(pk=int(rid))
    assert call.source == CallSource.OPEN311 and call.building == "3" and call.office == office
    one = parse(client.get(f"{BASE}/requests/{rid}.{fmt}"), fmt)
    if fmt == "json":
        assert one[0]["status"] == "open" and one[0]["service_code"] == "water"
        assert "13800138000" not in str(one)
    else:
        assert one.find("request/status").text == "open"
    listing = parse(
        client.get(f"{BASE}/requests.{fmt}", {"service_code": "water", "status": "open"}), fmt
    )
    assert (len(listing) if fmt == "json" else len(listing.findall("request"))) == 1
    none = parse(client.get(f"{BASE}/requests.{fmt}", {"status": "closed"}), fmt)
    assert (len(none) if fmt == "json" else len(none.findall("request"))) == 0
    by_id = parse(client.get(f"{BASE}/requests.{fmt}", {"service_request_id": f"{rid},999"}), fmt)
    assert (len(by_id) if fmt == "json" else len(by_id.findall("request"))) == 1
    dated = client.get(
        f"{BASE}/requests.{fmt}",
        {"start_date": "2000-01-01T00:00:00Z", "end_date": "2000-02-01T00:00:00Z"},
    )
    assert dated.status_code == 200
    tok = parse(client.get(f"{BASE}/tokens/{call.token}.{fmt}"), fmt)
    if fmt == "json":
        assert tok[0]["service_request_id"] == rid
    else:
        assert tok.find("request/service_request_id").text == rid


def test_phone_calls_never_appear_in_open311(client, worker_a, office):
    call = services.call_take(actor=worker_a, office=office, category="water", channel="t")
    assert client.get(f"{BASE}/requests.json").json() == []
    assert client.get(f"{BASE}/requests/{call.pk}.json").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("extra", "status", "word"),
    [
        ({"api_key": "wrong"}, 403, "api_key"),
        ({"api_key": ""}, 403, "api_key"),
        ({"service_code": "burglary"}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"phone": "12"}, 400, "phone"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "", "long": ""}, 400, "address_string"),
        ({"jurisdiction_id": "nowhere"}, 404, "jurisdiction_id"),
    ],
)
def test_bad_requests_get_the_open311_error_format(client, api_key, fmt, extra, status, word):
    r = file_request(client, api_key, fmt, **extra)
    assert r.status_code == status
    body = parse(r, fmt)
    if fmt == "json":
        assert body[0]["code"] == status and word in body[0]["description"]
    else:
        assert body.tag == "errors" and body.find("error/code").text == str(status)
        assert word in body.find("error/description").text
    assert Call.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_and_unknown_ids_are_4xx(client, db, fmt):
    assert client.get(f"{BASE}/requests.{fmt}", {"start_date": "yesterday"}).status_code == 400
    assert client.get(f"{BASE}/requests.{fmt}", {"status": "pending"}).status_code == 400
    assert (
        client.get(
            f"{BASE}/requests.{fmt}",
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        ).status_code
        == 400
    )
    assert client.get(f"{BASE}/requests.{fmt}", {"service_request_id": "a,b"}).status_code == 400
    assert client.get(f"{BASE}/requests/99999999999999999999.{fmt}").status_code == 404
    assert client.get(f"{BASE}/tokens/not-a-token.{fmt}").status_code == 404
    assert client.get(f"{BASE}/services.csv").status_code == 404


def test_georeport_client_reads_services_and_requests(live_server, api_key):
    georeport = pytest.importorskip("georeport")
    import requests

    base = f"{live_server.url}{BASE}"
    r = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": api_key,
            "service_code": "power",
            "address_string": "3号楼",
            "description": "停电",
        },
        timeout=10,
    )
    assert r.status_code == 201
    rid = r.json()[0]["service_request_id"]
    for fmt in ("json", "xml"):
        client = georeport.GeoReport(base, jurisdiction="yingbage", output_format=fmt)
        assert len(client.get_service_list()) == 9
        assert client.get_service_definition("power")
        found = client.get_service_requests(service_code="power")
        found = found if isinstance(found, list) else [found]
        assert [x["service_request_id"] for x in found] == [rid]
        assert client.get_service_request(rid)["status"] == "open"
