"""A read's audit event is committed the moment the record is read, so a request that
crashes afterwards still leaves it; a change's event is in the change's transaction,
so a change that fails leaves neither. Real commits (transaction=True), on SQLite and
PostgreSQL alike."""

import pytest
from django.test import Client

from doorstep.privacy.models import AuditEvent
from doorstep.registry import api as registry_api
from doorstep.registry import services as registry_services
from doorstep.registry import views as registry_views
from doorstep.registry.models import Household

pytestmark = pytest.mark.django_db(transaction=True)


class Crash(Exception):
    pass


def _crashing_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_page_that_crashes_after_the_read_still_leaves_the_event(
    monkeypatch, worker_a, household_a
):
    def crash(*args, **kwargs):
        raise Crash("the server fell over while drawing the page")

    monkeypatch.setattr(registry_views, "render", crash)
    response = _crashing_client(worker_a).get(f"/households/{household_a.pk}/")
    assert response.status_code == 500
    event = AuditEvent.objects.get(household_id=household_a.pk, action="view")
    assert (event.actor, event.channel) == (worker_a, "page:household")


def test_an_api_read_that_crashes_afterwards_still_leaves_the_event(
    monkeypatch, worker_a, household_a
):
    read = registry_api.household_for

    def read_then_crash(*args, **kwargs):
        read(*args, **kwargs)
        raise Crash("the process died after the read")

    monkeypatch.setattr(registry_api, "household_for", read_then_crash)
    response = _crashing_client(worker_a).get(f"/api/v1/households/{household_a.pk}")
    assert response.status_code == 500
    assert AuditEvent.objects.filter(
        household_id=household_a.pk, action="view", channel="api:v1:households"
    ).exists()


def test_a_change_that_fails_leaves_neither_the_change_nor_its_event(
    monkeypatch, worker_a, household_a
):
    record = registry_services.audit_record

    def record_then_crash(**kwargs):
        record(**kwargs)
        raise Crash("the process died after writing the event")

    monkeypatch.setattr(registry_services, "audit_record", record_then_crash)
    with pytest.raises(Crash):
        registry_services.household_update(
            actor=worker_a,
            household=household_a,
            expected_version=household_a.version,
            channel="test",
            address="新地址 1号",
        )
    household = Household.objects.get(pk=household_a.pk)
    assert household.address != "新地址 1号" and household.version == household_a.version
    assert not AuditEvent.objects.filter(household_id=household_a.pk, action="update").exists()
