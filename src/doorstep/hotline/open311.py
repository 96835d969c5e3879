"""Open311 GeoReport v2 at /open311/v2/: services, service definitions, POST requests
(with an api_key), GET requests with the standard filters, one request by id, and the
request id from a token; .json and .xml as the specification describes. Errors are
[{code, description}] with a 4xx. jurisdiction_id is accepted on every call (an
office's code; unknown ones are refused).

What is public here: only requests filed through Open311 are listed (their filer chose
to file them publicly), without the filer's name, phone or e-mail. Calls taken by phone
in the duty room hold residents' details and never appear.
"""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from doorstep.hotline.models import Call, CallCategory, CallSource, CallStatus, Office
from doorstep.hotline.services import call_take, open311_key_authenticate
from doorstep.hotline.services.calls import SAFETY_STEPS

CHANNEL = "open311:v2"
DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
FORMATS = ("json", "xml")

GROUPS = {
    CallCategory.POWER: "utilities",
    CallCategory.WATER: "utilities",
    CallCategory.GAS: "safety",
    CallCategory.LIFT_ENTRAPMENT: "safety",
    CallCategory.FIRE_HAZARD: "safety",
    CallCategory.PERSON_IN_DANGER: "welfare",
    CallCategory.NOISE_DISPUTE: "neighbourhood",
    CallCategory.SANITATION: "neighbourhood",
    CallCategory.OTHER: "other",
}
ATTRIBUTES = (("building", 1), ("unit", 2))


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _xml(root: str, item: str, rows: list[dict]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        _fill(ET.SubElement(top, item), row)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _fill(element: ET.Element, row: dict) -> None:
    for key, value in row.items():
        child = ET.SubElement(element, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            for entry in value:
                _fill(ET.SubElement(child, entry.pop("_tag")), entry)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = str(value)


def _respond(fmt: str, rows, *, root: str, item: str, status: int = 200):
    if fmt == "xml":
        return HttpResponse(
            _xml(root, item, rows), status=status, content_type="text/xml; charset=utf-8"
        )
    return JsonResponse(rows, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str):
    rows = [{"code": status, "description": description}]
    return _respond(
        fmt if fmt in FORMATS else "json", rows, root="errors", item="error", status=status
    )


def open311_view(func):
    """Format check, jurisdiction check and the error format around each endpoint."""

    def wrapper(request, *args, fmt: str, **kwargs):
        if fmt not in FORMATS:
            return _error("json", 404, _("Ask for .json or .xml."))
        try:
            jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
            if jurisdiction and not Office.objects.filter(code=jurisdiction).exists():
                raise Open311Error(404, _("jurisdiction_id: no such jurisdiction."))
            return func(request, *args, fmt=fmt, jurisdiction=jurisdiction, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)

    wrapper.__name__ = func.__name__
    return csrf_exempt(wrapper)


def _service(code: str) -> dict:
    return {
        "service_code": code,
        "service_name": str(CallCategory(code).label),
        "description": str(CallCategory(code).label),
        "metadata": True,
        "type": "realtime",
        "keywords": "immediate" if code in SAFETY_STEPS else "",
        "group": GROUPS[code],
    }


@require_http_methods(["GET"])
@open311_view
def services(request, *, fmt, jurisdiction):
    rows = [_service(code) for code in CallCategory.values]
    return _respond(fmt, rows, root="services", item="service")


@require_http_methods(["GET"])
@open311_view
def service_definition(request, code: str, *, fmt, jurisdiction):
    if code not in CallCategory.values:
        raise Open311Error(404, _("service_code: no such service."))
    attributes = [
        {
            "_tag": "attribute",
            "variable": True,
            "code": name,
            "datatype": "string",
            "required": False,
            "datatype_description": "",
            "order": order,
            "description": str(
                _("Building") if name == "building" else pgettext("part of a building", "Unit")
            ),
        }
        for name, order in ATTRIBUTES
    ]
    if fmt == "xml":
        body = _xml_definition(code, attributes)
        return HttpResponse(body, content_type="text/xml; charset=utf-8")
    for a in attributes:
        a.pop("_tag")
    return JsonResponse(
        {"service_code": code, "attributes": attributes}, json_dumps_params={"ensure_ascii": False}
    )


def _xml_definition(code: str, attributes: list[dict]) -> bytes:
    top = ET.Element("service_definition")
    ET.SubElement(top, "service_code").text = code
    _fill(top, {"attributes": attributes})
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _status(call: Call) -> str:
    return "closed" if call.status == CallStatus.CLOSED else "open"


def _request_row(call: Call, agencies: dict[int, str]) -> dict:
    return {
        "service_request_id": str(call.pk),
        "status": _status(call),
        "status_notes": call.public_note,
        "service_name": str(CallCategory(call.category).label),
        "service_code": call.category,
        "description": call.description,
        "agency_responsible": agencies.get(call.pk, call.office.name),
        "service_notice": "",
        "requested_datetime": call.received_at.isoformat(),
        "updated_datetime": call.updated_at.isoformat(),
        "expected_datetime": call.resolve_due_at.isoformat(),
        "address": call.address,
        "address_id": "",
        "zipcode": "",
        "lat": call.latitude,
        "long": call.longitude,
        "media_url": "",
    }


def _rows(calls: list[Call]) -> list[dict]:
    from doorstep.hotline.models import Dispatch

    agencies: dict[int, str] = {}
    for call_id, name in (
        Dispatch.objects.filter(call__in=[c.pk for c in calls])
        .order_by("pk")
        .values_list("call_id", "responder__name")
    ):
        agencies[call_id] = name
    return [_request_row(c, agencies) for c in calls]


def _public_requests(jurisdiction: str | None):
    qs = Call.objects.filter(source=CallSource.OPEN311).select_related("office")
    if jurisdiction:
        qs = qs.filter(office__code=jurisdiction)
    return qs


def _date(request, name: str) -> dt.datetime | None:
    raw = request.GET.get(name)
    if not raw:
        return None
    value = parse_datetime(raw.replace(" ", "+"))
    if value is None:
        raise Open311Error(
            400,
            _("%(field)s: use a W3C date-time such as 2026-02-16T08:00:00+08:00.")
            % {"field": name},
        )
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _list(request, fmt, jurisdiction):
    qs = _public_requests(jurisdiction)
    ids = request.GET.get("service_request_id")
    if ids:
        try:
            pks = [int(part) for part in ids.split(",") if part.strip()]
        except ValueError:
            raise Open311Error(
                400, _("service_request_id: give ids separated by commas.")
            ) from None
        calls = list(qs.filter(pk__in=[p for p in pks if 0 < p < 2**63]).order_by("pk"))
        return _respond(fmt, _rows(calls), root="service_requests", item="request")
    codes = [c for c in (request.GET.get("service_code") or "").split(",") if c]
    if any(c not in CallCategory.values for c in codes):
        raise Open311Error(400, _("service_code: no such service."))
    statuses = [s for s in (request.GET.get("status") or "").split(",") if s]
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status: use open or closed."))
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start and end and end < start:
        raise Open311Error(400, _("end_date: must come after start_date."))
    if start and end and end - start > DEFAULT_WINDOW:
        raise Open311Error(
            400, _("start_date, end_date: the range may not span more than 90 days.")
        )
    end = end or (start + DEFAULT_WINDOW if start else timezone.now())
    start = start or end - DEFAULT_WINDOW
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    if codes:
        # A call with several categories is found under each (issue #13).
        wanted = Q(category__in=codes)
        for code in codes:
            wanted |= Q(categories__contains=f",{code},")
        qs = qs.filter(wanted)
    if statuses == ["open"]:
        qs = qs.exclude(status=CallStatus.CLOSED)
    elif statuses == ["closed"]:
        qs = qs.filter(status=CallStatus.CLOSED)
    calls = list(qs.order_by("-received_at", "-pk")[:MAX_RESULTS])
    return _respond(fmt, _rows(calls), root="service_requests", item="request")


def _attribute(request, name: str) -> str:
    return request.POST.get(f"attribute[{name}]", "")


def _create(request, fmt, jurisdiction):
    key = open311_key_authenticate(request.POST.get("api_key"))
    if key is None:
        raise Open311Error(403, _("api_key: missing or not valid."))
    if jurisdiction and key.office.code != jurisdiction:
        raise Open311Error(403, _("api_key: not valid for this jurisdiction."))
    code = request.POST.get("service_code", "")
    if not code:
        raise Open311Error(400, _("service_code: this field is required."))
    if code not in CallCategory.values:
        raise Open311Error(400, _("service_code: no such service."))
    has_place = any(request.POST.get(f) for f in ("lat", "long", "address_string", "address_id"))
    if not has_place:
        raise Open311Error(400, _("lat and long, address_string or address_id: give the place."))
    name = " ".join(
        part
        for part in (request.POST.get("first_name", ""), request.POST.get("last_name", ""))
        if part
    )
    email = request.POST.get("email", "")
    if email and ("@" not in email or len(email) > 254):
        raise Open311Error(400, _("email: not a valid e-mail address."))
    try:
        call = call_take(
            actor=None,
            office=key.office,
            category=code,
            description=request.POST.get("description", ""),
            caller_name=name,
            caller_phone=request.POST.get("phone", ""),
            address=request.POST.get("address_string", "") or request.POST.get("address_id", ""),
            latitude=request.POST.get("lat"),
            longitude=request.POST.get("long"),
            building=_attribute(request, "building"),
            unit=_attribute(request, "unit"),
            contact_email=email,
            source=CallSource.OPEN311,
            channel=f"{CHANNEL}:{key.pk}",
        )
    except ValidationError as exc:
        names = {
            "caller_phone": "phone",
            "latitude": "lat",
            "longitude": "long",
            "address": "address_string",
            "caller_name": "first_name",
        }
        parts = [
            f"{names.get(field, field)}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        ]
        raise Open311Error(400, "; ".join(parts)) from None
    notice = (
        _("Life-safety request: the duty room acts at once.")
        if call.category in SAFETY_STEPS
        else ""
    )
    rows = [{"service_request_id": str(call.pk), "service_notice": notice, "account_id": ""}]
    return _respond(fmt, rows, root="service_requests", item="request", status=201)


@require_http_methods(["GET", "POST"])
@open311_view
def requests(request, *, fmt, jurisdiction):
    if request.method == "POST":
        return _create(request, fmt, jurisdiction)
    return _list(request, fmt, jurisdiction)


@require_http_methods(["GET"])
@open311_view
def request_detail(request, request_id: str, *, fmt, jurisdiction):
    call = None
    if request_id.isdigit() and 0 < int(request_id) < 2**63:
        call = _public_requests(jurisdiction).filter(pk=int(request_id)).first()
    if call is None:
        raise Open311Error(404, _("service_request_id: no such request."))
    return _respond(fmt, _rows([call]), root="service_requests", item="request")


@require_http_methods(["GET"])
@open311_view
def token(request, token: str, *, fmt, jurisdiction):
    import uuid

    try:
        value = uuid.UUID(token)
    except ValueError:
        raise Open311Error(404, _("token: no such token.")) from None
    call = _public_requests(jurisdiction).filter(token=value).first()
    if call is None:
        raise Open311Error(404, _("token: no such token."))
    rows = [{"service_request_id": str(call.pk), "token": str(call.token)}]
    return _respond(fmt, rows, root="service_requests", item="request")
