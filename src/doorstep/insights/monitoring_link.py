"""Poverty-monitoring figures on the dashboards and in the assessment reports.

Looked up at call time (apps.is_installed, then monitoring.selectors.raw_figures), never
imported at module level: monitoring sits above insights (it uses insights'
suppression), so insights must not import it while loading. Returns None when the app
is not installed; the page then shows no monitoring section.

The numbers are monitoring's own (`raw_figures`: the same function behind
/monitoring/figures/), named here as insights figures (figures.FIGURES holds their
labels and the counts behind the medians) so that figures.present() suppresses them
for analysts like every other figure. Definitions (monitoring/selectors.py):
- households by status and by monitoring type: today, in the area;
- new monitoring decisions, risk removed: county decisions in the period;
- proposals refused: returns by any level in the period;
- notices with objections: notices posted in the period that received one;
- median days proposal → decision (decisions in the period) and decision → first help
  (households put under monitoring in the period that have a help measure).
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps

# The figure names, in the order of pages and exports (labels in figures.FIGURES).
NAMES = (
    "poverty_never",
    "poverty_lifted",
    "poverty_monitored",
    "monitored_unstable",
    "monitored_edge",
    "monitored_sudden",
    "poverty_risk_removed",
    "monitoring_decisions",
    "monitoring_new",
    "monitoring_risk_removed",
    "monitoring_days_to_decision",
    "monitoring_helped",
    "monitoring_days_to_help",
    "monitoring_refused",
    "monitoring_objected",
)


def area_figures(area, period) -> dict | None:
    if not apps.is_installed("doorstep.monitoring"):
        return None
    raw = import_module("doorstep.monitoring.selectors").raw_figures(
        area, start=period.start, end=period.end
    )
    by_status, by_type = raw["by_status"], raw["by_type"]
    return {
        "poverty_never": by_status["never"],
        "poverty_lifted": by_status["lifted"],
        "poverty_monitored": by_status["monitored"],
        "monitored_unstable": by_type["unstable"],
        "monitored_edge": by_type["edge"],
        "monitored_sudden": by_type["sudden"],
        "poverty_risk_removed": by_status["risk_removed"],
        "monitoring_decisions": raw["decisions"],
        "monitoring_new": raw["new_monitored"],
        "monitoring_risk_removed": raw["risk_removed"],
        "monitoring_days_to_decision": raw["median_days_to_decision"],
        "monitoring_helped": raw["helped"],
        "monitoring_days_to_help": raw["median_days_to_first_help"],
        "monitoring_refused": raw["refused"],
        "monitoring_objected": raw["notices_with_objections"],
    }
