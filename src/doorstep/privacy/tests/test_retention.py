"""Retention: households that left the programme, and closed cases, are anonymised
after DOORSTEP_RETENTION_DAYS by a periodic task; the rows stay, so counts do not move."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from doorstep.casework.models import Contact, Need, NeedStatus
from doorstep.casework.services import contact_log, feedback_record
from doorstep.casework.services.needs import need_transition
from doorstep.casework.tests.factories import open_need
from doorstep.core import periodic
from doorstep.core.testing import make_household, make_id_number
from doorstep.privacy.models import AuditAction, AuditEvent
from doorstep.privacy.retention import anonymise_expired
from doorstep.registry.models import Household, HouseholdVulnerability, Resident
from doorstep.registry.services import household_programme_set

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.DOORSTEP_RETENTION_DAYS = 365


def _close(need, actor):
    for action in ("acknowledge", "start", "resolve", "confirm"):
        need = need_transition(actor=actor, need=need, action=action, channel="test")
    return need


def _left(household, actor, days_ago):
    return household_programme_set(
        actor=actor,
        household=household,
        status="left",
        left_on=TODAY - dt.timedelta(days=days_ago),
        channel="test",
    )


@pytest.fixture
def region(areas, worker_a):
    """Households in village A: one left long ago with a closed case and a contact,
    one left long ago with an open case, one left recently, one still in."""
    made = {}
    for key, members in (("gone", 2), ("gone_open", 1), ("recent", 1), ("staying", 1)):
        h = make_household(
            area=areas["village_a"],
            members=members,
            address=f"{key} 12号",
            phone="13800000000",
            latitude=41.1,
            longitude=80.2,
            vulnerabilities=("elderly_alone",),
        )
        head = h.residents.get(relationship="head")
        head.id_number = make_id_number(serial=len(made) + 1)
        head.phone = "13900000000"
        head.occupation = "farmer"
        head.save()
        contact_log(actor=worker_a, household=h, kind="visit", notes=f"{key} notes", channel="t")
        made[key] = h
    closed = _close(open_need(actor=worker_a, household=made["gone"]), worker_a)
    feedback_record(actor=worker_a, need=closed, satisfaction=4, comment="good", channel="t")
    open_need(actor=worker_a, household=made["gone_open"])
    _close(open_need(actor=worker_a, household=made["staying"]), worker_a)
    _left(made["gone"], worker_a, 400)
    _left(made["gone_open"], worker_a, 400)
    _left(made["recent"], worker_a, 30)
    return made


def _counts():
    return (
        list(Household.objects.values("area").annotate(n=Count("pk")).order_by("area")),
        list(Need.objects.values("household__area", "status").annotate(n=Count("pk")).order_by()),
        list(Contact.objects.values("household__area").annotate(n=Count("pk")).order_by()),
        list(HouseholdVulnerability.objects.values("category").annotate(n=Count("pk")).order_by()),
        Resident.objects.count(),
    )


def test_a_household_that_left_long_ago_is_anonymised_and_nothing_else(region):
    before = _counts()
    result = anonymise_expired(today=TODAY)
    assert result["households"] == 1
    gone = Household.objects.get(pk=region["gone"].pk)
    assert gone.anonymised_at is not None
    assert gone.household_no == f"anon-{gone.pk}"
    assert (gone.address, gone.phone, gone.latitude, gone.longitude) == ("", "", None, None)
    for r in gone.residents.all():
        assert (r.name, r.phone, r.id_number, r.occupation) == ("", "", None, "")
    head = gone.residents.get(relationship="head")
    assert head.birth_date is None or (head.birth_date.month, head.birth_date.day) == (1, 1)
    assert set(Contact.objects.filter(household=gone).values_list("notes", flat=True)) == {""}
    need = Need.objects.get(household=gone)
    assert (need.title, need.description) == ("", "")
    assert need.feedback.get().comment == ""
    assert need.feedback.get().satisfaction == 4  # kept for averages
    # Open case, recent leaver, household still in: untouched.
    for key in ("gone_open", "recent", "staying"):
        h = Household.objects.get(pk=region[key].pk)
        assert h.anonymised_at is None and h.address == f"{key} 12号"
        assert Contact.objects.get(household=h).notes == f"{key} notes"
    # The dashboards' counts by area, status and category are what they were.
    assert _counts() == before
    assert AuditEvent.objects.filter(
        action=AuditAction.ANONYMISE, household_id=gone.pk, object_type="household"
    ).exists()


def test_a_closed_case_loses_its_text_while_the_household_stays(region):
    need = Need.objects.get(household=region["staying"])
    Need.objects.filter(pk=need.pk).update(confirmed_at=timezone.now() - dt.timedelta(days=400))
    result = anonymise_expired(today=timezone.localdate())
    assert result["needs"] >= 1
    need.refresh_from_db()
    assert (need.title, need.status) == ("", NeedStatus.CONFIRMED)
    staying = Household.objects.get(pk=region["staying"].pk)
    assert staying.anonymised_at is None and staying.address


def test_a_second_run_does_nothing_more(region):
    anonymise_expired(today=TODAY)
    assert anonymise_expired(today=TODAY) == {"households": 0, "needs": 0, "calls": 0}


def test_batches_cover_every_household_due(areas, worker_a):
    for _ in range(7):
        h = make_household(area=areas["village_b"], address="x")
        _left(h, worker_a, 500)
    assert anonymise_expired(today=TODAY, batch_size=3)["households"] == 7
    assert not Household.objects.filter(anonymised_at__isnull=True, programme_status="left")


def test_the_task_is_registered_to_run_nightly():
    names = {p.name: p for p in periodic.registered()}
    assert names["privacy.anonymise_expired"].daily_at_hour is not None


def test_an_anonymised_household_cannot_rejoin(region, worker_a):
    from django.core.exceptions import ValidationError

    anonymise_expired(today=TODAY)
    gone = Household.objects.get(pk=region["gone"].pk)
    with pytest.raises(ValidationError):
        household_programme_set(actor=worker_a, household=gone, status="active", channel="t")


def test_leaving_needs_a_date_not_in_the_future(household_a, worker_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as missing:
        household_programme_set(actor=worker_a, household=household_a, status="left", channel="t")
    assert "left_on" in missing.value.message_dict
    with pytest.raises(ValidationError) as future:
        household_programme_set(
            actor=worker_a,
            household=household_a,
            status="left",
            left_on=timezone.localdate() + dt.timedelta(days=2),
            channel="t",
        )
    assert "left_on" in future.value.message_dict
