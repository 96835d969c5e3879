"""Hotline test factories: an office on village A with a responder of each kind."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from doorstep.hotline.models import Office, Responder, ResponderKind


def make_office(area, *, code: str = "yingbage", min_officers: int = 1) -> Office:
    return Office.objects.create(
        name="英巴格社区值班室",
        code=code,
        area=area,
        phone="0997-2123456",
        min_officers=min_officers,
    )


def make_responder(
    office, *, kind=ResponderKind.LIFT_MAINTENANCE, categories=("lift_entrapment",), members=()
):
    responder = Responder.objects.create(
        office=office,
        name=f"{kind} responder",
        kind=kind,
        contact_name="王师傅",
        phone="13900000001",
        categories="," + ",".join(categories) + ",",
    )
    responder.members.add(*members)
    return responder


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
