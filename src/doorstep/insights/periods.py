"""The period a dashboard or report covers: a week, month, quarter or year around a
date, or custom dates. Bad input raises ValidationError naming the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
    "custom": gettext_lazy("Custom"),
}
EARLIEST = dt.date(2000, 1, 1)
# Custom periods up to three years: the daily series stays a few hundred points.
MAX_CUSTOM_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self) -> dict[str, str]:
        """Query parameters that name this period again (links, the API)."""
        if self.kind == "custom":
            return {"period": "custom", "from": self.start.isoformat(), "to": self.end.isoformat()}
        return {"period": self.kind, "date": self.start.isoformat()}

    def shifted(self, step: int) -> Period:
        """The period before (-1) or after (+1) this one, of the same kind."""
        if self.kind == "custom":
            span = dt.timedelta(days=self.days)
            return Period("custom", self.start + step * span, self.end + step * span)
        anchor = self.start - dt.timedelta(days=1) if step < 0 else self.end + dt.timedelta(days=1)
        return period_around(self.kind, anchor)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter(year: int, number: int) -> Period:
    start = dt.date(year, 3 * (number - 1) + 1, 1)
    return Period("quarter", start, month_end(dt.date(year, 3 * number, 1)))


def year_period(year: int) -> Period:
    return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31))


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def period_around(kind: str, day: dt.date) -> Period:
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        return Period(kind, start, start + dt.timedelta(days=6))
    if kind == "month":
        return Period(kind, day.replace(day=1), month_end(day))
    if kind == "quarter":
        return quarter(day.year, quarter_of(day))
    if kind == "year":
        return year_period(day.year)
    raise ValueError(kind)


def _date(params, name: str, errors: dict) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Enter a date as YYYY-MM-DD.")
        return None
    if value < EARLIEST or value.year > 2100:
        errors[name] = _("Enter a date between 2000 and 2100.")
        return None
    return value


def parse_period(params, *, today: dt.date | None = None) -> Period:
    """From query parameters: period (week|month|quarter|year|custom, default month),
    date (any day of the period, default today), or from/to for custom."""
    today = today or timezone.localdate()
    kind = (params.get("period") or "month").strip()
    errors: dict[str, str] = {}
    if kind not in KINDS:
        raise ValidationError({"period": _("Choose week, month, quarter, year or custom.")})
    if kind == "custom":
        start, end = _date(params, "from", errors), _date(params, "to", errors)
        if not errors:
            if start is None:
                errors["from"] = _("Enter the first day of the period.")
            if end is None:
                errors["to"] = _("Enter the last day of the period.")
        if not errors and end < start:
            errors["to"] = _("The last day must not be before the first day.")
        if not errors and (end - start).days + 1 > MAX_CUSTOM_DAYS:
            errors["to"] = _("A custom period may cover at most three years.")
        if errors:
            raise ValidationError(errors)
        return Period("custom", start, end)
    day = _date(params, "date", errors)
    if errors:
        raise ValidationError(errors)
    return period_around(kind, day or today)
