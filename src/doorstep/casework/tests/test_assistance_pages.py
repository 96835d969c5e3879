"""Recording help on the need page: a benefit application moved through its statuses,
and material help with its value."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.casework.models import Assistance, BenefitStatus
from doorstep.casework.tests.factories import open_need

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def need(worker_a, household_a):
    return open_need(actor=worker_a, household=household_a, category="medical_costs")


def test_a_benefit_application_is_recorded_approved_and_paid_from_the_page(worker_a, need):
    client = _client(worker_a)
    page = client.get(reverse("casework:need", args=[need.pk])).content.decode()
    assert reverse("casework:need_assistance", args=[need.pk]) in page
    url = reverse("casework:need_assistance", args=[need.pk])
    response = client.post(
        url, {"kind": "benefit", "benefit_type": "serious_illness", "amount": "20000"}
    )
    assert response.status_code == 302
    assistance = Assistance.objects.get()
    assert assistance.benefit_status == BenefitStatus.APPLIED
    status_url = reverse("casework:assistance_status", args=[assistance.pk])
    assert status_url in client.get(reverse("casework:need", args=[need.pk])).content.decode()
    client.post(status_url, {"status": "paid"})  # not yet approved: refused
    assistance.refresh_from_db()
    assert assistance.benefit_status == BenefitStatus.APPLIED
    client.post(status_url, {"status": "approved", "amount": "18000"})
    client.post(status_url, {"status": "paid"})
    assistance.refresh_from_db()
    assert assistance.benefit_status == BenefitStatus.PAID and assistance.amount == Decimal(18000)


def test_material_help_is_recorded_with_its_value(worker_a, need):
    client = _client(worker_a)
    url = reverse("casework:need_assistance", args=[need.pk])
    client.post(
        url,
        {
            "kind": "material",
            "material_type": "equipment",
            "amount": "9800.50",
            "description": "三轮车",
        },
    )
    assistance = Assistance.objects.get()
    assert (assistance.material_type, assistance.amount) == ("equipment", Decimal("9800.50"))
    assert assistance.benefit_status == ""
    page = client.get(reverse("casework:need", args=[need.pk])).content.decode()
    assert "三轮车" in page


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "benefit", "benefit_type": "nonsense"},
        {"kind": "benefit", "benefit_type": "micro_loan", "amount": "-5"},
        {"kind": "material", "material_type": "goods", "amount": "abc"},
        {"kind": "spaceship"},
    ],
)
def test_bad_input_writes_nothing(worker_a, need, body):
    response = _client(worker_a).post(
        reverse("casework:need_assistance", args=[need.pk]), body, follow=True
    )
    assert response.status_code == 200 and not Assistance.objects.exists()


def test_a_worker_of_another_village_cannot_record_help(worker_b, need):
    url = reverse("casework:need_assistance", args=[need.pk])
    response = _client(worker_b).post(url, {"kind": "material", "material_type": "goods"})
    assert response.status_code == 404 and not Assistance.objects.exists()
