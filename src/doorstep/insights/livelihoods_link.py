"""Livelihoods figures on the dashboards, once the livelihoods app has its models.

Looked up at call time (apps.is_installed, the models present), never imported at
module level, so insights works whether or not livelihoods has landed. Returns None
when the figures cannot be computed; the page then shows no livelihoods section.

Read live from the livelihoods tables, scoped by the household's area path (one
index range), not from the summaries: placements, trainees and flags are thousands,
not millions. Definitions:
- placements: started in the period;
- trainees employed: training outcome "employed" recorded in the period;
- income per person: mean of the households' yearly income per person for the
  period's last year (households with at least one income record that year);
- relapse flags: raised in the period, and open now.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Avg, Count, Q

from doorstep.registry.models import households_under

NEEDED = ("Placement", "Enrolment", "HouseholdYear", "RelapseFlag")


def _models():
    if not apps.is_installed("doorstep.livelihoods"):
        return None
    try:
        found = {name: apps.get_model("livelihoods", name) for name in NEEDED}
    except LookupError:
        return None
    return found


def area_figures(area, period) -> dict | None:
    models = _models()
    if models is None:
        return None
    under = households_under(area, via="household__")
    placements = (
        models["Placement"]
        .objects.filter(under, started_on__gte=period.start, started_on__lte=period.end)
        .count()
    )
    employed = (
        models["Enrolment"]
        .objects.filter(
            under, outcome="employed", outcome_on__gte=period.start, outcome_on__lte=period.end
        )
        .count()
    )
    income = (
        models["HouseholdYear"]
        .objects.filter(under, year=period.end.year, sources__gt=0)
        .aggregate(n=Count("pk"), mean=Avg("income_per_person"))
    )
    flags = (
        models["RelapseFlag"]
        .objects.filter(under)
        .aggregate(
            raised=Count(
                "pk",
                filter=Q(raised_at__date__gte=period.start, raised_at__date__lte=period.end),
            ),
            open=Count("pk", filter=Q(status="open")),
        )
    )
    mean = income["mean"]
    return {
        "placements": placements,
        "trainees_employed": employed,
        "income_households": income["n"],
        "income_per_person": round(float(mean), 2) if mean is not None else None,
        "relapse_flags_raised": flags["raised"],
        "relapse_flags_open": flags["open"],
    }
