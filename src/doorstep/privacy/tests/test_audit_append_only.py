"""The audit log is append-only for everyone, administrators included: the database
refuses UPDATE and DELETE (triggers of migration 0003), and the admin offers neither."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from doorstep.privacy.models import AuditAction, AuditEvent
from doorstep.privacy.services import audit_record


@pytest.fixture
def event(administrator):
    return audit_record(
        actor=administrator, action=AuditAction.VIEW, object_type="household", channel="test"
    )


def test_updating_an_audit_event_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(channel="rewritten")
    assert AuditEvent.objects.get(pk=event.pk).channel == "test"


def test_saving_a_changed_audit_event_is_refused(event):
    event.object_type = "resident"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


def test_deleting_an_audit_event_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_delete_or_update_either(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE privacy_auditevent SET actor_id = NULL")
    assert AuditEvent.objects.filter(pk=event.pk, actor__isnull=False).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused_on_postgresql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE privacy_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_staff_account_in_the_log_cannot_be_deleted(event, administrator):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        administrator.delete()


def test_administrators_can_read_but_not_add_change_or_delete_in_the_admin(
    client, administrator, event
):
    administrator.is_staff = True
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    assert client.get(reverse("admin:privacy_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:privacy_auditevent_add")).status_code == 403
    # The change page exists only to read: no save button, and a POST changes nothing.
    change_url = reverse("admin:privacy_auditevent_change", args=[event.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    client.post(change_url, {"channel": "rewritten"})
    assert AuditEvent.objects.get(pk=event.pk).channel == "test"
    assert (
        client.post(reverse("admin:privacy_auditevent_delete", args=[event.pk])).status_code == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
