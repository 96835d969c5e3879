"""Relapse watch: each rule fires on its figures and says so; flags open a need for the
paired worker, clear themselves when the figures recover or the need is resolved, and
keep their history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doorstep.casework.models import Need, NeedCategory
from doorstep.casework.services import need_transition, pairing_create
from doorstep.livelihoods import services
from doorstep.livelihoods.models import (
    ClearReason,
    FlagStatus,
    HouseholdYear,
    LifeEvent,
    RelapseFlag,
    RelapseRule,
    RuleKind,
)
from doorstep.livelihoods.services.relapse import flag_explanation, relapse_evaluate

pytestmark = pytest.mark.django_db
CH = "test"
THIS_YEAR = dt.date.today().year
LAST_YEAR = THIS_YEAR - 1


def income(actor, household, year, amount, source="wages"):
    return services.income_record_set(
        actor=actor, household=household, year=year, source=source, amount=amount, channel=CH
    )


def open_flags(household, kind=None):
    qs = RelapseFlag.objects.filter(household=household, status=FlagStatus.OPEN)
    if kind:
        qs = qs.filter(rule__kind=kind)
    return list(qs.select_related("rule", "event"))


def test_income_below_the_threshold_is_flagged_with_its_figures(worker_a, household_a):
    # household_a has 3 members: 18,000 a year is 6,000 per person, under 7,500.
    income(worker_a, household_a, THIS_YEAR, 18000)
    (flag,) = open_flags(household_a)
    assert flag.rule.kind == RuleKind.INCOME_BELOW
    assert flag.year == THIS_YEAR and flag.value == 6000 and flag.rule_limit == 7500
    assert flag_explanation(flag) == (
        f"Income per person in {THIS_YEAR} was 6,000 yuan, below the threshold of 7,500 yuan."
    )


def test_income_above_the_threshold_raises_nothing(worker_a, household_a):
    income(worker_a, household_a, THIS_YEAR, 30000)
    assert open_flags(household_a) == []


def test_a_drop_of_more_than_the_share_is_flagged(worker_a, household_a):
    income(worker_a, household_a, LAST_YEAR, 45000)  # 15,000 per person
    income(worker_a, household_a, THIS_YEAR, 27000)  # 9,000: down 40%, above 7,500
    (flag,) = open_flags(household_a)
    assert flag.rule.kind == RuleKind.INCOME_DROP
    assert (flag.value, flag.reference) == (9000, 15000)
    assert flag_explanation(flag) == (
        f"Income per person fell from 15,000 yuan in {LAST_YEAR} to 9,000 yuan in "
        f"{THIS_YEAR}, down 40% (the rule: more than 30%)."
    )


def test_a_small_drop_is_not_flagged(worker_a, household_a):
    income(worker_a, household_a, LAST_YEAR, 45000)
    income(worker_a, household_a, THIS_YEAR, 36000)  # down 20%
    assert open_flags(household_a) == []


def test_medical_spending_above_its_share_of_income_is_flagged(worker_a, household_a):
    income(worker_a, household_a, THIS_YEAR, 40000)
    services.household_year_set(
        actor=worker_a, household=household_a, year=THIS_YEAR, medical_spending=16000, channel=CH
    )
    (flag,) = open_flags(household_a)
    assert flag.rule.kind == RuleKind.MEDICAL_SHARE
    assert flag_explanation(flag) == (
        f"Medical spending in {THIS_YEAR} was 16,000 yuan against an income of 40,000 yuan "
        "(40%; the rule: above 30%)."
    )


@pytest.mark.parametrize(
    ("event", "rule"),
    [
        ("serious_illness", RuleKind.ILLNESS_OR_DISABILITY),
        ("disability", RuleKind.ILLNESS_OR_DISABILITY),
        ("job_lost", RuleKind.JOB_LOST),
        ("disaster", RuleKind.DISASTER),
    ],
)
def test_a_recent_event_is_flagged_at_once(worker_a, household_a, event, rule):
    day = dt.date.today() - dt.timedelta(days=3)
    services.life_event_record(
        actor=worker_a, household=household_a, kind=event, occurred_on=day, channel=CH
    )
    (flag,) = open_flags(household_a)
    assert flag.rule.kind == rule
    assert flag.event.kind == event
    assert flag_explanation(flag).endswith(f"on {day.isoformat()} (the rule looks back 90 days).")


def test_an_old_event_is_outside_the_look_back(worker_a, household_a):
    services.life_event_record(
        actor=worker_a,
        household=household_a,
        kind="disaster",
        occurred_on=dt.date.today() - dt.timedelta(days=200),
        channel=CH,
    )
    assert open_flags(household_a) == []


def test_the_flag_opens_a_need_for_the_paired_worker(worker_a, team_leader, household_a):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    income(team_leader, household_a, THIS_YEAR, 9000)
    (flag,) = open_flags(household_a)
    need = Need.objects.get(pk=flag.need_id)
    assert need.owner == worker_a and need.household == household_a
    assert need.category == NeedCategory.INCOME and need.urgency == "high"
    # Written in the office's language (settings.LANGUAGE_CODE), with the figures.
    assert "3,000" in need.description and "7,500" in need.description


def test_without_a_paired_worker_the_flag_waits_without_a_need(worker_a, household_a):
    income(worker_a, household_a, THIS_YEAR, 9000)
    (flag,) = open_flags(household_a)
    assert flag.need_id is None and Need.objects.count() == 0


def test_nightly_evaluation_covers_every_household_set_based(worker_a, household_a, household_b):
    # Figures written without the service (as a bulk load would), then one run.
    HouseholdYear.objects.create(
        household=household_a,
        year=THIS_YEAR,
        members=2,
        income_total=8000,
        income_per_person=4000,
        sources=1,
    )
    HouseholdYear.objects.create(
        household=household_b,
        year=THIS_YEAR,
        members=1,
        income_total=20000,
        income_per_person=20000,
        sources=1,
    )
    LifeEvent.objects.create(household=household_b, kind="job_lost", occurred_on=dt.date.today())
    result = relapse_evaluate()
    assert result.raised == 2
    assert {(f.household_id, f.rule.kind) for f in RelapseFlag.objects.select_related("rule")} == {
        (household_a.pk, RuleKind.INCOME_BELOW),
        (household_b.pk, RuleKind.JOB_LOST),
    }
    # Running it again changes nothing.
    again = relapse_evaluate()
    assert (again.raised, again.refreshed) == (0, 0)  # nothing changed: nothing rewritten
    assert RelapseFlag.objects.count() == 2


def test_a_flag_clears_itself_when_the_figures_recover_and_keeps_its_history(worker_a, household_a):
    income(worker_a, household_a, THIS_YEAR, 9000)
    income(worker_a, household_a, THIS_YEAR, 20000, source="farming")  # 29,000 / 3
    flag = RelapseFlag.objects.get()
    assert flag.status == FlagStatus.CLEARED
    assert flag.clear_reason == ClearReason.NO_LONGER_APPLIES and flag.cleared_at
    income(worker_a, household_a, THIS_YEAR, 0, source="farming")
    assert RelapseFlag.objects.count() == 2  # the old one kept, a new one open
    assert len(open_flags(household_a)) == 1


def test_resolving_the_need_clears_the_flag_and_the_same_fact_is_not_raised_again(
    worker_a, team_leader, household_a
):
    pairing_create(actor=team_leader, worker=worker_a, household=household_a, channel=CH)
    income(worker_a, household_a, THIS_YEAR, 9000)
    (flag,) = open_flags(household_a)
    need = Need.objects.get(pk=flag.need_id)
    for action in ("acknowledge", "start", "resolve"):
        need = need_transition(actor=worker_a, need=need, action=action, channel=CH)
    # Cleared at once when the need is resolved, not at the next nightly run.
    flag.refresh_from_db()
    assert (flag.status, flag.clear_reason) == (FlagStatus.CLEARED, ClearReason.RESOLVED)
    result = relapse_evaluate()
    assert result.cleared_resolved == 0
    assert result.raised == 0 and open_flags(household_a) == []


def test_a_worker_clears_a_flag_with_a_note(worker_a, household_a):
    income(worker_a, household_a, THIS_YEAR, 9000)
    (flag,) = open_flags(household_a)
    with pytest.raises(ValidationError) as exc:
        services.flag_clear(actor=worker_a, flag=flag, note=" ", channel=CH)
    assert "note" in exc.value.message_dict
    services.flag_clear(actor=worker_a, flag=flag, note="低保已批", channel=CH)
    flag.refresh_from_db()
    assert flag.cleared_by == worker_a and flag.clear_reason == ClearReason.RESOLVED
    relapse_evaluate()
    assert open_flags(household_a) == []


def test_supervisors_change_a_rule_and_the_next_evaluation_uses_it(
    supervisor, worker_a, household_a
):
    income(worker_a, household_a, THIS_YEAR, 24000)  # 8,000 per person
    assert open_flags(household_a) == []
    rule = RelapseRule.objects.get(kind=RuleKind.INCOME_BELOW)
    with pytest.raises(PermissionDenied):
        services.rule_update(actor=worker_a, rule=rule, is_active=True, threshold=9000, channel=CH)
    with pytest.raises(ValidationError) as exc:
        services.rule_update(actor=supervisor, rule=rule, is_active=True, threshold=-1, channel=CH)
    assert "threshold" in exc.value.message_dict
    services.rule_update(actor=supervisor, rule=rule, is_active=True, threshold=9000, channel=CH)
    relapse_evaluate()
    (flag,) = open_flags(household_a)
    assert flag.rule_limit == 9000


def test_an_inactive_rule_raises_nothing(supervisor, worker_a, household_a):
    rule = RelapseRule.objects.get(kind=RuleKind.JOB_LOST)
    services.rule_update(actor=supervisor, rule=rule, is_active=False, lookback_days=90, channel=CH)
    services.life_event_record(
        actor=worker_a,
        household=household_a,
        kind="job_lost",
        occurred_on=dt.date.today(),
        channel=CH,
    )
    assert open_flags(household_a) == []


def test_bad_income_figures_are_refused_naming_the_field(worker_a, household_a):
    for kwargs, field in [
        ({"amount": -5}, "amount"),
        ({"amount": 10**12}, "amount"),
        ({"year": THIS_YEAR + 1}, "year"),
        ({"source": "lottery"}, "source"),
    ]:
        values = {"year": THIS_YEAR, "source": "wages", "amount": 100, **kwargs}
        with pytest.raises(ValidationError) as exc:
            services.income_record_set(actor=worker_a, household=household_a, channel=CH, **values)
        assert field in exc.value.message_dict
    assert HouseholdYear.objects.count() == 0
