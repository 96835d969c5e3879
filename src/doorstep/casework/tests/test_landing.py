"""After signing in, staff land on their day's work (casework's home), whatever their role."""

import pytest
from django.urls import reverse

from doorstep.core.testing import make_user

pytestmark = pytest.mark.django_db

PERSONAS = ["worker_a", "team_leader", "supervisor", "analyst", "responder", "administrator"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_signing_in_lands_on_the_day_s_work_and_it_opens(client, request, persona):
    user = request.getfixturevalue(persona)
    user.set_password("pw-for-tests-only-42")
    user.save()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "pw-for-tests-only-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:home")
    assert client.get(response["Location"]).status_code == 200


def test_an_account_without_an_area_still_gets_a_page_not_an_error(client, db):
    user = make_user(area=None)
    client.force_login(user)
    assert client.get(reverse("casework:home")).status_code == 200
