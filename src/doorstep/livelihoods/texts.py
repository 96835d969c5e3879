"""Texts livelihoods writes itself, stored as codes with their figures (core.texts) and
put into words in the reader's language: the relapse watch's need (its title and one
line per risk with the figures behind it), what the watch added to a need, a placement
that ended. Registered from LivelihoodsConfig.ready().

A flag's facts are plain values, so the words can be written again in any language
long after the run: {"rule": "income_below", "year": 2026, "value": "5513.20",
"reference": null, "limit": "6000", "event": null, "on": null}."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.core.texts import percent, register_text, yuan
from doorstep.livelihoods.models import LifeEventKind, RuleKind

RELAPSE_ONE = "livelihoods.relapse_one"
RELAPSE_MANY = "livelihoods.relapse_many"
RELAPSE_FLAGS = "livelihoods.relapse_flags"
RELAPSE_ADDED = "livelihoods.relapse_added"
PLACEMENT_ENDED = "livelihoods.placement_ended"

_RULES = dict(RuleKind.choices)
_EVENTS = dict(LifeEventKind.choices)


def _plain(value) -> str | None:
    return None if value is None else str(value)


def flag_facts(flag) -> dict[str, Any]:
    """What a flag says, as plain values (a RelapseFlag with its rule and event)."""
    event = flag.event if flag.event_id else None
    return {
        "rule": flag.rule.kind,
        "year": flag.year,
        "value": _plain(flag.value),
        "reference": _plain(flag.reference),
        "limit": _plain(flag.rule_limit),
        "event": event.kind if event is not None else None,
        "on": event.occurred_on.isoformat() if event is not None else None,
    }


def explain(facts: dict[str, Any]) -> str:
    """Which rule fired and on what figures, in the active language."""
    kind = facts["rule"]
    value, reference, limit = facts.get("value"), facts.get("reference"), facts.get("limit")
    year = facts.get("year")
    if kind == RuleKind.INCOME_BELOW:
        return _(
            "Income per person in %(year)s was %(value)s yuan, below the threshold of "
            "%(limit)s yuan."
        ) % {"year": year, "value": yuan(value), "limit": yuan(limit)}
    if kind == RuleKind.INCOME_DROP:
        drop = (
            1 - Decimal(value) / Decimal(reference)
            if reference not in (None, "0") and value is not None and Decimal(reference)
            else None
        )
        return _(
            "Income per person fell from %(reference)s yuan in %(previous)s to %(value)s yuan "
            "in %(year)s, down %(drop)s%% (the rule: more than %(limit)s%%)."
        ) % {
            "reference": yuan(reference),
            "previous": (year or 0) - 1,
            "value": yuan(value),
            "year": year,
            "drop": percent(drop),
            "limit": percent(limit),
        }
    if kind == RuleKind.MEDICAL_SHARE:
        share = (
            Decimal(value) / Decimal(reference)
            if reference is not None and value is not None and Decimal(reference)
            else None
        )
        return _(
            "Medical spending in %(year)s was %(value)s yuan against an income of "
            "%(reference)s yuan (%(share)s%%; the rule: above %(limit)s%%)."
        ) % {
            "year": year,
            "value": yuan(value),
            "reference": yuan(reference),
            "share": percent(share) if share is not None else "∞",
            "limit": percent(limit),
        }
    if not facts.get("event"):
        return _("The event behind this flag was removed.")
    return _("%(what)s on %(date)s (the rule looks back %(days)s days).") % {
        "what": str(_EVENTS.get(facts["event"], facts["event"])),
        "date": facts.get("on") or "?",
        "days": int(Decimal(limit or 0)),
    }


def episode_text(params: dict[str, Any]) -> str:
    """One line per risk: "• rule: figures"."""
    return "\n".join(f"• {_RULES.get(f['rule'], f['rule'])}: {explain(f)}" for f in params["flags"])


def register() -> None:
    register_text(RELAPSE_ONE, gettext_noop("Relapse watch: %(rule)s"), labels={"rule": RuleKind})
    register_text(RELAPSE_MANY, gettext_noop("Relapse watch: %(count)s risks"))
    register_text(RELAPSE_FLAGS, render=episode_text)
    register_text(
        RELAPSE_ADDED, gettext_noop("Relapse watch added: %(flags)s"), labels={"flags": RuleKind}
    )
    register_text(PLACEMENT_ENDED, gettext_noop("Placement at %(opening)s ended."))
