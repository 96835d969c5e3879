"""What every livelihoods service shares: who may do what, working age, amount checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from doorstep.accounts.models import Role
from doorstep.casework.services.common import require_role  # noqa: F401 - re-exported
from doorstep.core.validators import check_date_order, check_not_negative
from doorstep.livelihoods.models import MAX_AMOUNT
from doorstep.livelihoods.working_age import (  # noqa: F401 - re-exported
    age_on,
    birth_date_bounds,
    working_age,
)
from doorstep.privacy.services import audit_record

# Who works with residents: profiles, proposals, enrolments, income, events.
FIELD_ROLES = frozenset({Role.WORKER, Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
# Who keeps the employment office's lists: employers, openings, courses, cooperatives.
OFFICE_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
# Who edits the relapse-watch rules.
RULE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
# Who extends the skills catalogue.
CATALOGUE_ROLES = frozenset({Role.ADMIN})


def check_working_age(birth_date: dt.date | None, day: dt.date, *, field: str) -> None:
    low, high = working_age()
    if birth_date is None:
        raise ValidationError(
            {field: _("The resident's birth date is not known: record it in the registry first.")}
        )
    age = age_on(birth_date, day)
    if age < low:
        raise ValidationError(
            {
                field: _("The resident is %(age)s, under the working age of %(low)s.")
                % {"age": age, "low": low}
            }
        )
    if age > high:
        raise ValidationError(
            {
                field: _("The resident is %(age)s, over the working age of %(high)s.")
                % {"age": age, "high": high}
            }
        )


def check_amount(
    value, *, field: str, allow_zero: bool = True, maximum: Decimal = MAX_AMOUNT
) -> Decimal:
    """A yuan amount: a number, not negative (nor zero unless allowed), not absurd."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount in yuan.")})
    check_not_negative(amount, field=field)  # the one rule, with its words
    if amount == 0 and not allow_zero:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount > maximum:
        raise ValidationError(
            {
                field: _("%(amount)s yuan is not plausible here; check the figure.")
                % {"amount": amount}
            }
        )
    return amount.quantize(Decimal("0.01"))


def check_dates(start: dt.date, end: dt.date | None, *, field: str) -> None:
    check_date_order(start, end, field=field)


def check_text(value: str, *, field: str, required: bool = True, max_length: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Enter at most %(max)s characters.") % {"max": max_length}})
    return value


def check_choice(value: str, choices, *, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("Choose one of the listed values.")})
    return value


def check_codes(values, choices, *, field: str) -> str:
    """A list (or comma-separated string) of choice values, normalised to "a,b"."""
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",")]
    values = [v for v in values if v]
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        raise ValidationError({field: _("Choose values from the list.")})
    return ",".join(sorted(set(values), key=list(choices.values).index))


def audit(actor, *, action: str, obj, household_id: int | None, channel: str, **detail) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=f"livelihoods.{type(obj).__name__.lower()}",
        object_id=obj.pk,
        household_id=household_id,
        channel=channel,
        detail=detail or None,
    )
