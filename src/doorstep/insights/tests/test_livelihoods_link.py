"""Livelihoods figures on the dashboards (shown once the livelihoods models exist)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from doorstep.core.tests.api_clients import ApiClient
from doorstep.insights import livelihoods_link
from doorstep.insights.periods import quarter
from doorstep.insights.tests.factories import at

Q3 = {"period": "quarter", "date": "2026-08-15"}


def test_income_per_person_and_relapse_flags(areas, data, supervisor, analyst):
    from doorstep.livelihoods.models import HouseholdYear, RelapseFlag, RelapseRule

    for household, per_person in ((data["h1"], 3000), (data["h4"], 5000), (data["h5"], 7000)):
        HouseholdYear.objects.create(
            household=household,
            year=2026,
            members=2,
            income_total=2 * per_person,
            income_per_person=Decimal(per_person),
            sources=1,
        )
    HouseholdYear.objects.create(household=data["h2"], year=2026, members=1, sources=0)
    rule = RelapseRule.objects.first()
    RelapseFlag.objects.create(
        household=data["h1"],
        rule=rule,
        basis="y2026",
        raised_at=at("2026-08-01"),
        evaluated_at=at("2026-08-01"),
    )
    RelapseFlag.objects.create(
        household=data["h5"],
        rule=rule,
        basis="y2025",
        status="cleared",
        raised_at=at("2026-05-01"),
        evaluated_at=at("2026-05-01"),
    )
    county = livelihoods_link.area_figures(areas["county"], quarter(2026, 3))
    # Households without an income record that year do not count: (3000+5000+7000)/3.
    assert county["income_households"] == 3 and county["income_per_person"] == 5000.0
    assert county["relapse_flags_raised"] == 1 and county["relapse_flags_open"] == 1
    assert county["placements"] == 0 and county["trainees_employed"] == 0
    township = livelihoods_link.area_figures(areas["township"], quarter(2026, 3))
    assert township["income_per_person"] == 4000.0
    answer = ApiClient(supervisor).get(
        f"/api/v1/insights/areas/{areas['county'].pk}/dashboard", data=Q3
    )
    assert answer.json()["livelihoods"]["income_per_person"] == 5000.0
    suppressed = ApiClient(analyst).get(
        f"/api/v1/insights/areas/{areas['county'].pk}/dashboard", data=Q3
    )
    assert suppressed.json()["livelihoods"]["income_per_person"] == "<5"


def test_no_livelihoods_section_without_the_app(areas, data, monkeypatch):
    monkeypatch.setattr(livelihoods_link, "NEEDED", ("NoSuchModel",))
    assert livelihoods_link.area_figures(areas["county"], quarter(2026, 3)) is None
    assert dt.date(2026, 7, 1)  # the period itself is irrelevant then
