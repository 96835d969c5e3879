"""manage.py demo: the demo areas, one account per role and households around them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from doorstep.accounts.models import Role, User
from doorstep.demo.demo import DEMO_PASSWORD, WORKER_VILLAGE_HOUSEHOLDS
from doorstep.registry.models import Household, HouseholdVulnerability

pytestmark = pytest.mark.django_db


def _demo(*args: str, **options) -> str:
    out = io.StringIO()
    call_command("demo", *args, households=400, workers=30, stdout=out, **options)
    return out.getvalue()


def test_demo_loads_accounts_of_every_role_and_households_around_the_workers():
    output = _demo()
    users = {
        u.username: u
        for u in User.objects.filter(username__startswith="demo_").select_related("area")
    }
    assert {u.role for u in users.values()} == set(Role.values)
    worker = users["demo_worker"]
    assert worker.area.code.startswith("652901") and worker.area.name.endswith("社区")
    assert users["demo_worker_lintao"].area.code.startswith("621124")
    assert users["demo_leader"].area == worker.area.parent
    assert users["demo_supervisor"].area.code == "652901"
    assert users["demo_admin"].area.code == "65"
    assert Household.objects.count() == 400
    for village in (worker.area, users["demo_worker_lintao"].area):
        assert (
            Household.objects.filter(area__path__startswith=village.path).count()
            == WORKER_VILLAGE_HOUSEHOLDS
        )
    for username in users:
        assert username in output
    assert DEMO_PASSWORD in output
    client = Client()
    assert client.login(username="demo_worker", password=DEMO_PASSWORD)
    # Issue #13: people's categories on people, a few of the worker's "to confirm".
    inferred = HouseholdVulnerability.objects.filter(inferred=True).select_related("household")
    assert inferred.exists()
    assert all(v.household.area.path.startswith(worker.area.path) for v in inferred)
    assert not HouseholdVulnerability.objects.filter(
        category="disability", resident__isnull=True
    ).exists()
    # A call that is two things at once, and a patrol under way (hotline.demo).
    from doorstep.hotline.models import Call, Patrol

    assert any(
        c.category_list == ["lift_entrapment", "power"]
        for c in Call.objects.filter(categories__contains=",power,")
    )
    assert Patrol.objects.filter(walker=users["demo_leader"], ended_at__isnull=True).exists()


def test_demo_if_empty_is_idempotent():
    _demo("--if-empty")
    households = Household.objects.count()
    users = User.objects.count()
    output = _demo("--if-empty")
    assert Household.objects.count() == households
    assert User.objects.count() == users
    assert "demo_worker" in output


def test_demo_without_if_empty_refuses_a_database_with_households():
    _demo()
    with pytest.raises(CommandError):
        _demo()


def test_the_demo_worker_signs_in_to_a_due_list_with_overdue_and_upcoming_households():
    from doorstep.casework.selectors import due_list_for

    _demo()
    worker = User.objects.get(username="demo_worker")
    due = due_list_for(worker)
    assert len(due.overdue) == 4 and len(due.due_this_week) == 3 and len(due.later) == 5
    # Only households of the worker's own village, each with its last contact logged.
    for row in due.overdue + due.due_this_week + due.later:
        assert row.household.area_path.startswith(worker.area.path)
        assert row.last_contact_at is not None


def test_the_demo_workers_households_show_a_rich_timeline():
    import re

    from doorstep.casework.models import Pairing

    _demo()
    worker = User.objects.get(username="demo_worker")
    client = Client()
    client.force_login(worker)
    categories: set[str] = set()
    for household_id in Pairing.objects.filter(worker=worker).values_list(
        "household_id", flat=True
    ):
        html = client.get(f"/households/{household_id}/").content.decode()
        found = re.findall(r'class="timeline-entry" data-category="([a-z]+)"', html)
        assert len(found) >= 10, household_id  # a page's worth of history, each of them
        categories.update(found)
    assert categories >= {
        "visit",
        "call",
        "need",
        "referral",
        "help",
        "income",
        "flag",
        "monitoring",
    }


def test_the_demo_worker_finds_the_caseload_in_the_field_app():
    from doorstep.core.tests.api_clients import ApiClient

    _demo()
    worker = User.objects.get(username="demo_worker")
    client, cards, cursor = ApiClient(worker), [], ""
    while True:
        page = client.get(f"/api/v1/field/sync?cursor={cursor}").json()
        cards += page["cards"]
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert len(cards) >= 12
    contacts = [c for card in cards for c in card["contacts"]]
    stays = [c for c in contacts if c["until"]]
    assert len(stays) == 1 and stays[0]["minutes"] == 3 * 24 * 60
