"""Responders' contact lists: validated phones, on-call order, shown on the dispatch
screen; replaced as a whole by team leaders and above."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doorstep.hotline import services
from doorstep.hotline.models import ResponderContact

CH = "test"
CONTACTS = [
    {"name": "王师傅", "role": "白班工程师", "phone": "139 0000 0001"},
    {"name": "李师傅", "role": "夜班工程师", "phone": "+86 13900000002"},
    {"name": "物业值班", "role": "", "phone": "0997-2123456"},
]


def test_team_leader_sets_contacts_in_order_with_normalized_phones(team_leader, lift_company):
    created = services.responder_contacts_set(
        actor=team_leader, responder=lift_company, contacts=CONTACTS, channel=CH
    )
    assert [(c.on_call_order, c.name, c.phone) for c in created] == [
        (1, "王师傅", "13900000001"),
        (2, "李师傅", "13900000002"),
        (3, "物业值班", "0997-2123456"),
    ]
    services.responder_contacts_set(
        actor=team_leader, responder=lift_company, contacts=CONTACTS[::-1], channel=CH
    )
    assert [c.name for c in lift_company.contacts.all()] == ["物业值班", "李师傅", "王师傅"]


def test_a_bad_phone_is_named_and_nothing_changes(team_leader, lift_company):
    services.responder_contacts_set(
        actor=team_leader, responder=lift_company, contacts=CONTACTS[:1], channel=CH
    )
    bad = [*CONTACTS[:1], {"name": "", "phone": "12345"}]
    with pytest.raises(ValidationError) as exc:
        services.responder_contacts_set(
            actor=team_leader, responder=lift_company, contacts=bad, channel=CH
        )
    assert set(exc.value.message_dict) == {"contacts.1.name", "contacts.1.phone"}
    assert [c.name for c in lift_company.contacts.all()] == ["王师傅"]


@pytest.mark.parametrize("persona", ["worker_a", "analyst", "responder"])
def test_only_roster_roles_may_change_contacts(request, persona, lift_company):
    with pytest.raises(PermissionDenied):
        services.responder_contacts_set(
            actor=request.getfixturevalue(persona),
            responder=lift_company,
            contacts=CONTACTS,
            channel=CH,
        )
    assert not ResponderContact.objects.exists()


def test_model_validation_checks_the_phone(lift_company):
    contact = ResponderContact(responder=lift_company, name="x", phone="abc")
    with pytest.raises(ValidationError) as exc:
        contact.full_clean()
    assert "phone" in exc.value.message_dict


def test_dispatch_screen_lists_contacts_in_on_call_order(
    client, worker_a, team_leader, office, lift_company
):
    services.responder_contacts_set(
        actor=team_leader, responder=lift_company, contacts=CONTACTS, channel=CH
    )
    call = services.call_take(actor=worker_a, office=office, category="lift_entrapment", channel=CH)
    client.force_login(worker_a)
    body = client.get(f"/hotline/calls/{call.pk}/").content.decode()
    block = body[body.index('id="responder-contacts"') :]
    assert block.index("王师傅") < block.index("李师傅") < block.index("物业值班")
    assert 'href="tel:13900000001"' in block
