"""The household page as the centre of the work (issue 17): one timeline of everything
that happened to the household, its everyday actions, and the due cards and route
stops that lead to it. Through HTTP and the database, tried by the personas."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.accounts.models import Role
from doorstep.casework.models import (
    Assistance,
    Contact,
    ContactSchedule,
    NeedEvent,
    NeedEventKind,
    Referral,
)
from doorstep.casework.services import pairing_create
from doorstep.casework.tests.factories import make_unit, open_need
from doorstep.core.testing import make_user
from doorstep.livelihoods.models import (
    Business,
    Enrolment,
    IncomeRecord,
    LifeEvent,
    MicroLoan,
    Placement,
    RelapseFlag,
    RelapseRule,
)
from doorstep.livelihoods.tests import factories as lf
from doorstep.monitoring.models import Proposal, Review, StatusChange, Step
from doorstep.privacy.models import AuditEvent
from doorstep.registry.models import Resident

pytestmark = pytest.mark.django_db

ALL_SOURCES = {
    "casework.contact",
    "casework.need_event",
    "casework.assistance",
    "livelihoods.placement",
    "livelihoods.enrolment",
    "livelihoods.business",
    "livelihoods.loan",
    "livelihoods.income",
    "livelihoods.life_event",
    "livelihoods.flag",
    "monitoring.status",
    "monitoring.step",
    "monitoring.review",
}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sources(html: str) -> list[str]:
    return re.findall(r'data-source="([a-z_.]+)"', html)


def _times(html: str) -> list[dt.datetime]:
    return [
        dt.datetime.fromisoformat(t)
        for t in re.findall(r'<li class="timeline-entry"[^>]*>\s*<time datetime="([^"]+)"', html)
    ]


def _every_kind(household, *, worker, areas, copies: int = 1) -> None:
    """`copies` records of every kind the timeline shows, at distinct moments."""
    now = timezone.now()
    today = timezone.localdate()
    head = household.residents.get(relationship="head")
    unit = make_unit(name=f"县民政局{Referral.objects.count()}")
    rule = RelapseRule.objects.get_or_create(kind="job_lost", defaults={"lookback_days": 365})[0]
    office = make_user(role=Role.SUPERVISOR, area=areas["county"])
    employer = lf.employer(office, areas["county"], name=f"纺织厂{Placement.objects.count()}")
    opening = lf.opening(office, employer, title="缝纫工")
    session = lf.session(office, areas["county"])
    for i in range(copies):
        at = now - dt.timedelta(days=3 * i + 1, hours=i)
        day = today - dt.timedelta(days=3 * i + 2)
        Contact.objects.create(
            household=household, worker=worker, kind="visit", occurred_at=at, met_with="户主"
        )
        need = open_need(actor=worker, household=household)
        referral = Referral.objects.create(
            need=need, unit=unit, due_at=at + dt.timedelta(days=7), created_at=at, created_by=worker
        )
        NeedEvent.objects.create(
            need=need, kind=NeedEventKind.REFERRED, at=at, referral=referral, actor=worker
        )
        Assistance.objects.create(
            need=need, kind="material", material_type="goods", amount=300, given_on=day
        )
        person = lf.adult(household, name=f"买买提{i}")
        seeker = lf.seeker(office, person)
        Placement.objects.create(
            opening=opening,
            seeker=seeker,
            household=household,
            started_on=day,
            wage_monthly=Decimal("3500"),
        )
        Enrolment.objects.create(
            session=session, resident=person, household=household, enrolled_on=day
        )
        business = Business.objects.create(
            household=household, owner=head, name=f"小卖部{i}", started_on=day
        )
        MicroLoan.objects.create(
            business=business,
            amount=Decimal("20000"),
            bank="农商行",
            term_months=24,
            disbursed_on=day,
        )
        IncomeRecord.objects.create(
            household=household,
            year=1990 + IncomeRecord.objects.count(),
            source="wages",
            amount=Decimal("12000"),
        )
        event = LifeEvent.objects.create(household=household, kind="job_lost", occurred_on=day)
        RelapseFlag.objects.create(
            household=household,
            rule=rule,
            basis=f"e{event.pk}",
            status="cleared"
            if RelapseFlag.objects.filter(household=household, status="open").exists()
            else "open",
            raised_at=at,
            evaluated_at=at,
            event=event,
        )
        StatusChange.objects.create(household=household, status="monitored", effective_on=day)
        proposal = Proposal.objects.create(
            household=household,
            county=areas["county"],
            kind="enter",
            source="worker",
            stage="approved",
        )
        Step.objects.create(proposal=proposal, stage="county_decision", decision="approve")
        Review.objects.create(household=household, reviewed_on=day, reviewed_by=worker)


def test_timeline_shows_every_kind_of_record_newest_first(areas, worker_a, household_a):
    _every_kind(household_a, worker=worker_a, areas=areas)
    html = (
        _client(worker_a).get(reverse("registry:household", args=[household_a.pk])).content.decode()
    )
    assert set(_sources(html)) == ALL_SOURCES
    times = _times(html)
    assert times == sorted(times, reverse=True)
    # The entries name what happened in words, and link where the record can be opened.
    need = household_a.needs.first()
    assert reverse("casework:need", args=[need.pk]) in html
    assert reverse("livelihoods:placement", args=[Placement.objects.get().pk]) in html
    assert reverse("monitoring:proposal", args=[Proposal.objects.get().pk]) in html
    assert "小卖部0" in html and "缝纫工" in html and "农商行" in html


def test_timeline_is_translated(areas, worker_a, household_a):
    _every_kind(household_a, worker=worker_a, areas=areas, copies=2)
    client = _client(worker_a)
    url = reverse("registry:household", args=[household_a.pk])
    zh = client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    ug = client.get(url, headers={"accept-language": "ug"}).content.decode()
    for html, words in (
        (
            zh,
            [
                "户情动态",
                "返贫预警",
                "开办经营",
                "登记收入",
                "监测程序决定",
                "登记走访",
                "显示更多",
            ],
        ),
        (ug, ["يۈز بەرگەن ئىشلار", "قايتا نامراتلىشىش", "تىجارەت باشلاندى", "نازارەت قارارى"]),
    ):
        for word in words:
            assert word in html, word
    for english in [
        "What happened",
        "Relapse-watch flag",
        "Business started",
        "Log a visit",
        " yuan",
    ]:
        assert english not in zh and english not in ug, english


@pytest.mark.parametrize("persona", ["worker_b", "analyst", "responder"])
def test_outsider_cannot_open_the_household_or_its_timeline(
    request, persona, areas, worker_a, household_a
):
    _every_kind(household_a, worker=worker_a, areas=areas)
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("registry:household", args=[household_a.pk])).status_code == 404
    more = reverse("registry:household_timeline", args=[household_a.pk])
    response = client.get(more, headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "小卖部" not in response.content.decode()


@pytest.mark.parametrize("persona", ["worker_a", "team_leader", "supervisor", "administrator"])
def test_staff_of_the_area_see_the_timeline(request, persona, areas, worker_a, household_a):
    _every_kind(household_a, worker=worker_a, areas=areas)
    html = (
        _client(request.getfixturevalue(persona))
        .get(reverse("registry:household", args=[household_a.pk]))
        .content.decode()
    )
    assert set(_sources(html)) == ALL_SOURCES


def test_show_more_pages_through_everything_once_in_order(areas, worker_a, household_a):
    _every_kind(household_a, worker=worker_a, areas=areas, copies=4)
    # Ties: two visits and a need step at the very same moment, on a page boundary or not.
    tie = timezone.now() - dt.timedelta(days=1, minutes=30)
    for _ in range(2):
        Contact.objects.create(household=household_a, worker=worker_a, kind="call", occurred_at=tie)
    need = household_a.needs.first()
    NeedEvent.objects.create(need=need, kind=NeedEventKind.NOTE, at=tie, actor=worker_a)
    client = _client(worker_a)
    html = client.get(reverse("registry:household", args=[household_a.pk])).content.decode()
    seen = list(zip(_sources(html), _times(html), strict=True))
    pages = 1
    while (m := re.search(r'hx-get="([^"]+cursor=[^"]+)"', html)) is not None:
        html = client.get(
            m.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"}
        ).content.decode()
        assert "<html" not in html  # the partial only
        seen += list(zip(_sources(html), _times(html), strict=True))
        pages += 1
    # Every record once: visits and calls, need steps (opened + referred + the note)...
    expected = (
        Contact.objects.filter(household=household_a).count()
        + NeedEvent.objects.filter(need__household=household_a)
        .exclude(kind__in=["updated", "assistance"])
        .count()
        + 4 * 11  # one of each other kind per copy
    )
    assert len(seen) == expected and pages >= 3
    times = [t for _, t in seen]
    assert times == sorted(times, reverse=True)


def test_show_more_without_htmx_is_a_page_of_its_own(areas, worker_a, household_a):
    _every_kind(household_a, worker=worker_a, areas=areas, copies=3)
    client = _client(worker_a)
    html = client.get(reverse("registry:household", args=[household_a.pk])).content.decode()
    href = re.search(r'<a class="button secondary" href="([^"]+cursor=[^"]+)"', html).group(1)
    page = client.get(href.replace("&amp;", "&"))
    assert page.status_code == 200 and "<html" in page.content.decode()
    assert _sources(page.content.decode())


def test_a_forged_cursor_is_a_400(worker_a, household_a):
    url = reverse("registry:household_timeline", args=[household_a.pk])
    client = _client(worker_a)
    for cursor in ["nonsense", "WyJ4IiwieSIsMV0", "WzEsMiwzXQ"]:
        assert (
            client.get(url, {"cursor": cursor}, headers={"HX-Request": "true"}).status_code == 400
        )


def test_more_of_the_timeline_is_an_audited_read(areas, worker_a, household_a):
    url = reverse("registry:household_timeline", args=[household_a.pk])
    _client(worker_a).get(url, headers={"HX-Request": "true"})
    assert AuditEvent.objects.filter(
        actor=worker_a, household_id=household_a.pk, channel="page:household_timeline"
    ).exists()


def test_page_queries_do_not_grow_with_the_history(
    areas, worker_a, household_a, django_assert_max_num_queries
):
    client = _client(worker_a)
    url = reverse("registry:household", args=[household_a.pk])
    _every_kind(household_a, worker=worker_a, areas=areas, copies=1)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _every_kind(household_a, worker=worker_a, areas=areas, copies=6)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
    with django_assert_max_num_queries(40):
        client.get(url)
    more = reverse("registry:household_timeline", args=[household_a.pk])
    html = client.get(url).content.decode()
    cursor = re.search(r"cursor=([^\"&]+)", html).group(1)
    with django_assert_max_num_queries(35):
        client.get(f"{more}?cursor={cursor}", headers={"HX-Request": "true"})


def test_household_page_has_the_everyday_actions(areas, worker_a, household_a):
    household_a.latitude, household_a.longitude = 40.5, 81.2
    household_a.save()
    head = household_a.residents.get(relationship="head")
    head.phone = "13912345678"
    head.save()
    html = (
        _client(worker_a).get(reverse("registry:household", args=[household_a.pk])).content.decode()
    )
    assert (
        f'href="{reverse("casework:contact_create", args=[household_a.pk])}?back=household"' in html
    )
    assert f'href="{reverse("casework:need_create", args=[household_a.pk])}?back=household"' in html
    assert 'href="tel:13912345678"' in html
    assert 'href="geo:40.500000,81.200000"' in html and 'href="#household-map"' in html
    # The heading names the head, the household number secondary.
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert h1.index(head.name) < h1.index(household_a.household_no)


def test_household_line_comes_before_the_heads_phone(worker_a, household_a):
    household_a.phone = "09971234567"
    household_a.save()
    Resident.objects.filter(household=household_a, relationship="head").update(phone="13912345678")
    html = (
        _client(worker_a).get(reverse("registry:household", args=[household_a.pk])).content.decode()
    )
    assert 'href="tel:09971234567"' in html and 'data-action="call"' in html


def test_logging_a_visit_from_the_household_returns_to_it(worker_a, household_a):
    client = _client(worker_a)
    url = reverse("casework:contact_create", args=[household_a.pk]) + "?back=household"
    form = client.get(url).content.decode()
    head = household_a.residents.get(relationship="head")
    assert head.name in re.search(r"<h1>(.*?)</h1>", form, re.S).group(1)
    response = client.post(
        url,
        {
            "kind": "visit",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "met_with": "户主",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household", args=[household_a.pk])
    html = client.get(response["Location"]).content.decode()
    assert _sources(html) == ["casework.contact"]
    # From the due list (no `back`), the list stays the place to return to.
    response = client.post(
        reverse("casework:contact_create", args=[household_a.pk]),
        {"kind": "call", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response["Location"] == reverse("casework:home")


def test_due_cards_call_visit_and_open_the_household(team_leader, worker_a, household_a):
    Resident.objects.filter(household=household_a, relationship="head").update(phone="13912345678")
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    ContactSchedule.objects.update(next_due_on=dt.date(2020, 1, 1))
    html = _client(worker_a).get(reverse("casework:home")).content.decode()
    assert 'href="tel:13912345678"' in html
    assert (
        f'href="{reverse("registry:household", args=[household_a.pk])}" data-action="household"'
        in html
    )
    assert (
        f'href="{reverse("casework:contact_create", args=[household_a.pk])}" data-action="visit"'
        in html
    )


def test_route_stops_open_the_household_and_start_the_visit(team_leader, worker_a, household_a):
    household_a.latitude, household_a.longitude = 40.5, 81.2
    household_a.save()
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel="t")
    ContactSchedule.objects.update(next_due_on=timezone.localdate())
    html = _client(worker_a).get(reverse("pairing:route")).content.decode()
    stops = re.search(r'<ol id="route-stops".*?</ol>', html, re.S).group(0)
    assert reverse("registry:household", args=[household_a.pk]) in stops
    assert (
        f'href="{reverse("casework:contact_create", args=[household_a.pk])}" data-action="visit"'
        in stops
    )
    # A team leader looking at the worker's route opens the household but logs no visit for them.
    html = (
        _client(team_leader)
        .get(reverse("pairing:worker_route", args=[worker_a.pk]))
        .content.decode()
    )
    assert reverse("registry:household", args=[household_a.pk]) in html
    assert 'data-action="visit"' not in html


def test_need_page_names_the_household_by_its_head(worker_a, household_a, responder):
    need = open_need(actor=worker_a, household=household_a)
    head = household_a.residents.get(relationship="head")
    html = _client(worker_a).get(reverse("casework:need", args=[need.pk])).content.decode()
    assert head.name in html and reverse("registry:household", args=[household_a.pk]) in html


@pytest.mark.parametrize("page", ["livelihoods:household", "monitoring:household"])
def test_other_household_pages_are_headed_by_the_heads_name(page, worker_a, household_a):
    head = household_a.residents.get(relationship="head")
    html = _client(worker_a).get(reverse(page, args=[household_a.pk])).content.decode()
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert h1.index(head.name) < h1.index(household_a.household_no)
