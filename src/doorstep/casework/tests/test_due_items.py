"""Other apps put work on the due list through casework.due_items; it shows pinned first."""

import datetime as dt

import pytest
from django.urls import reverse

from doorstep.casework import due_items
from doorstep.casework.due_items import DueItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(monkeypatch):
    registered: list = []
    monkeypatch.setattr(due_items, "_providers", registered)
    monkeypatch.setattr(due_items, "_probes", {})
    return registered


def _items_for(worker, today):
    if worker.username.startswith("nobody"):
        return []
    return [
        DueItem("follow_up", "Follow-up later", today + dt.timedelta(days=3), "/x/2"),
        DueItem("follow_up", "Follow-up overdue", today - dt.timedelta(days=2), "/x/1"),
        DueItem("check", "Cold-snap check", today + dt.timedelta(days=5), "/x/3", pinned=True),
    ]


def test_items_are_ordered_pinned_first_then_by_due_date(providers, worker_a):
    due_items.register_due_items(_items_for)
    due_items.register_due_items(_items_for)  # registering twice keeps one
    today = dt.date(2026, 11, 22)
    labels = [i.label for i in due_items.due_items_for(worker_a, today)]
    assert labels == ["Cold-snap check", "Follow-up overdue", "Follow-up later"]
    assert due_items.due_items_for(worker_a, today)[1].days_overdue(today) == 2


def test_the_home_page_and_the_api_show_the_items(providers, client, worker_a):
    due_items.register_due_items(_items_for)
    client.force_login(worker_a)
    page = client.get(reverse("casework:home")).content.decode()
    assert page.index("Cold-snap check") < page.index("Follow-up overdue")
    assert 'href="/x/3"' in page
    body = client.get("/api/v1/casework/due").json()
    assert [i["label"] for i in body["items"]] == [
        "Cold-snap check",
        "Follow-up overdue",
        "Follow-up later",
    ]
    assert body["items"][0]["pinned"] is True and body["items"][0]["household"] is None


def test_without_providers_the_due_list_has_no_extra_section(providers, client, worker_a):
    client.force_login(worker_a)
    assert "Also due" not in client.get(reverse("casework:home")).content.decode()
    assert client.get("/api/v1/casework/due").json()["items"] == []


def test_a_provider_is_called_only_when_its_probe_finds_rows(providers, worker_a, worker_b):
    from doorstep.accounts.models import User

    calls = []

    def items(worker, today):
        calls.append(worker.username)
        return [DueItem("probed", "Probed item", today, "/x/9")]

    def probe(worker, today):
        # Rows exactly for worker A: the provider must not run for B.
        return User.objects.filter(pk=worker_a.pk, username=worker.username)

    due_items.register_due_items(items, probe=probe)
    due_items.register_due_items(_items_for)  # no probe: always called
    today = dt.date(2026, 11, 22)
    assert "Probed item" in [i.label for i in due_items.due_items_for(worker_a, today)]
    assert "Probed item" not in [i.label for i in due_items.due_items_for(worker_b, today)]
    assert calls == [worker_a.username]
    assert len(due_items.due_items_for(worker_b, today)) == 3  # the unprobed provider's


def test_a_probe_that_answers_none_skips_its_provider_without_a_query(
    providers, worker_a, django_assert_num_queries
):
    due_items.register_due_items(lambda w, t: [DueItem("x", "X", t, "/x")], probe=lambda w, t: None)
    with django_assert_num_queries(0):
        assert due_items.due_items_for(worker_a, dt.date(2026, 11, 22)) == []
