"""Household income by year and source, medical spending, and life events.

Every write here keeps the household's HouseholdYear row (sum of sources, members,
income per person) and then runs the relapse watch for that household at once, in
the same transaction: a worker who records a fallen income sees the flag, and the
paired worker has the need, before the page reloads.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.core.texts import Text, stored_columns
from doorstep.livelihoods.models import (
    HouseholdYear,
    IncomeMonth,
    IncomeRecord,
    IncomeSource,
    LifeEvent,
    LifeEventKind,
)
from doorstep.livelihoods.services.common import (
    FIELD_ROLES,
    audit,
    check_amount,
    check_choice,
    check_text,
    require_role,
)
from doorstep.privacy.models import AuditAction
from doorstep.registry.models import Household

FIRST_YEAR = 2000
MAX_MEMBERS = 50
# A household's yearly income from one source above this is a typing slip.
MAX_YEARLY_AMOUNT = Decimal("50000000")


def _check_year(year: int) -> int:
    this_year = timezone.localdate().year
    if year is None or not FIRST_YEAR <= int(year) <= this_year:
        raise ValidationError(
            {
                "year": _("Give a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": this_year}
            }
        )
    return int(year)


def _year_row(household: Household, year: int) -> HouseholdYear:
    row = HouseholdYear.objects.select_for_update().filter(household=household, year=year).first()
    if row is None:
        members = max(household.residents.count(), 1)
        row = HouseholdYear.objects.create(household=household, year=year, members=members)
    return row


def _derive(row: HouseholdYear) -> None:
    """The year's figures from yearly records plus monthly income. Rules compare a year
    with a year: months are annualised (sum x 12 / months) only when at least
    DOORSTEP_INCOME_MIN_MONTHS months are recorded; fewer months count for nothing, so
    a new business's first month (7,000 yuan) never reads as a year's income."""
    figures = IncomeRecord.objects.filter(household_id=row.household_id, year=row.year).aggregate(
        total=Sum("amount"), sources=Count("pk")
    )
    total = figures["total"] or Decimal("0")
    sources = figures["sources"]
    monthly = IncomeMonth.objects.filter(household_id=row.household_id, year=row.year)
    months = monthly.values("month").distinct().count()
    if months >= settings.DOORSTEP_INCOME_MIN_MONTHS:
        month_figures = monthly.aggregate(total=Sum("amount"))
        total += (month_figures["total"] or Decimal("0")) * 12 / months
        sources += monthly.values("source").distinct().count()
    row.income_total = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    row.sources = sources
    row.months = months
    row.income_per_person = (total / row.members).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    row.save(update_fields=["income_total", "income_per_person", "sources", "months"])


def _watch(household: Household) -> None:
    from doorstep.livelihoods.services.relapse import relapse_evaluate, relapse_open_needs

    relapse_evaluate(household_ids=[household.pk])
    relapse_open_needs(household_ids=[household.pk])


@transaction.atomic
def income_record_set(
    *, actor, household: Household, year: int, source: str, amount, channel: str
) -> HouseholdYear:
    """Set one source's income for a year (replacing what was there). `household`
    comes from registry.selectors."""
    require_role(actor, FIELD_ROLES)
    year = _check_year(year)
    source = check_choice(source, IncomeSource, field="source")
    amount = check_amount(amount, field="amount", maximum=MAX_YEARLY_AMOUNT)
    row = _year_row(household, year)
    IncomeRecord.objects.update_or_create(
        household=household,
        year=year,
        source=source,
        defaults={"amount": amount, "recorded_by": actor},
    )
    _derive(row)
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=row,
        household_id=household.pk,
        channel=channel,
        year=year,
        source=source,
    )
    _watch(household)
    return row


@transaction.atomic
def income_month_add(
    *, actor, household: Household, year: int, month: int, source: str, amount, channel: str
) -> HouseholdYear:
    """One month of one source's income. A month already recorded for that source is
    refused (naming `month`): correct it, do not add it twice."""
    require_role(actor, FIELD_ROLES)
    year = _check_year(year)
    if month is None or not 1 <= int(month) <= 12:
        raise ValidationError({"month": _("Give a month from 1 to 12.")})
    month = int(month)
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise ValidationError({"month": _("This month is in the future.")})
    source = check_choice(source, IncomeSource, field="source")
    amount = check_amount(amount, field="amount", maximum=MAX_YEARLY_AMOUNT)
    row = _year_row(household, year)
    try:
        with transaction.atomic():
            IncomeMonth.objects.create(
                household=household,
                year=year,
                month=month,
                source=source,
                amount=amount,
                recorded_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"month": _("This month's income from this source is recorded already.")}
        ) from None
    _derive(row)
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=row,
        household_id=household.pk,
        channel=channel,
        year=year,
        month=month,
        source=source,
    )
    _watch(household)
    return row


@transaction.atomic
def household_year_set(
    *,
    actor,
    household: Household,
    year: int,
    members: int | None = None,
    medical_spending=None,
    channel: str,
) -> HouseholdYear:
    """Members counted for the year and the year's medical spending."""
    require_role(actor, FIELD_ROLES)
    year = _check_year(year)
    if members is not None and not 1 <= int(members) <= MAX_MEMBERS:
        raise ValidationError(
            {"members": _("Give between 1 and %(max)s members.") % {"max": MAX_MEMBERS}}
        )
    spending = None
    if medical_spending not in (None, ""):
        spending = check_amount(
            medical_spending, field="medical_spending", maximum=MAX_YEARLY_AMOUNT
        )
    row = _year_row(household, year)
    if members is not None:
        row.members = int(members)
    if spending is not None:
        row.medical_spending = spending
    row.save(update_fields=["members", "medical_spending"])
    _derive(row)
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=row,
        household_id=household.pk,
        channel=channel,
        year=year,
    )
    _watch(household)
    return row


@transaction.atomic
def life_event_record(
    *,
    actor,
    household: Household,
    kind: str,
    occurred_on: dt.date,
    note: str | Text = "",
    channel: str,
) -> LifeEvent:
    """A serious illness, a disability, a lost job, a disaster: the relapse watch runs
    for the household at once."""
    require_role(actor, FIELD_ROLES)
    kind = check_choice(kind, LifeEventKind, field="kind")
    if occurred_on is None:
        raise ValidationError({"occurred_on": _("This field is required.")})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": _("This date is in the future.")})
    if occurred_on.year < FIRST_YEAR:
        raise ValidationError({"occurred_on": _("This date is too long ago.")})
    event = LifeEvent.objects.create(
        household=household,
        kind=kind,
        occurred_on=occurred_on,
        **(
            stored_columns("note", note)
            if isinstance(note, Text)
            else {"note": check_text(note, field="note", required=False, max_length=4000)}
        ),
        recorded_by=actor,
    )
    audit(
        actor,
        action=AuditAction.CREATE,
        obj=event,
        household_id=household.pk,
        channel=channel,
        kind=kind,
    )
    _watch(household)
    return event
