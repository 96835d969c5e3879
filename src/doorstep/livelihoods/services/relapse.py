# ruff: noqa: S608 - SQL here is assembled from model metadata and %s placeholders only
"""Relapse watch: rules over income, medical spending and life events, evaluated for
the whole region every night and for one household whenever its figures change.

Set-based, on SQLite and PostgreSQL alike (no Python loop per household):
1. the households whose latest recent year meets a figure rule go into a temporary
   table with that year and the year before (one pass with window functions); each active
   rule adds the facts that meet it to a second temporary table, one INSERT ... SELECT
   per rule (the latest event of its kinds in the look-back for event rules);
2. open flags whose need was resolved are cleared as "resolved";
3. open flags still firing get the latest figures if they changed (UPDATE ... FROM);
4. open flags of a figure rule no longer firing are cleared as "no longer applies"
   (an event flag stays until someone resolves it);
5. new flags are inserted for facts with no open flag, unless a worker already
   resolved that very fact (same household, rule and basis).
Then relapse_open_needs gives each household one need per risk episode: new flags
join the household's open relapse need, or one need is opened for all of them for the
paired worker through casework.services.need_open (a loop over households with new
flags only, a few a night). Resolving that need clears its flags at once
(on_need_transition, registered in apps.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from doorstep.casework.models import (
    UNRESOLVED,
    Need,
    NeedCategory,
    NeedEventKind,
    NeedStatus,
    Pairing,
    Urgency,
)
from doorstep.core.texts import Text, stored_columns
from doorstep.livelihoods import texts
from doorstep.livelihoods.models import (
    FIGURE_RULES,
    ClearReason,
    FlagStatus,
    HouseholdYear,
    LifeEvent,
    LifeEventKind,
    RelapseFlag,
    RelapseRule,
    RuleKind,
)
from doorstep.livelihoods.services.common import (
    FIELD_ROLES,
    RULE_ROLES,
    audit,
    check_text,
    require_role,
)
from doorstep.livelihoods.texts import explain, flag_facts
from doorstep.privacy.models import AuditAction
from doorstep.registry.models import Household

CHANNEL = "task:livelihoods:relapse_watch"
FIRING = "livelihoods_firing"
LATEST = "livelihoods_latest"
# Figure rules read the latest year on record if it is this recent.
RECENT_YEARS = 2
EVENT_KINDS = {
    RuleKind.ILLNESS_OR_DISABILITY: (LifeEventKind.SERIOUS_ILLNESS, LifeEventKind.DISABILITY),
    RuleKind.JOB_LOST: (LifeEventKind.JOB_LOST,),
    RuleKind.DISASTER: (LifeEventKind.DISASTER,),
}
NEED_CATEGORY = {
    RuleKind.INCOME_BELOW: NeedCategory.INCOME,
    RuleKind.INCOME_DROP: NeedCategory.INCOME,
    RuleKind.MEDICAL_SHARE: NeedCategory.MEDICAL_COSTS,
    RuleKind.ILLNESS_OR_DISABILITY: NeedCategory.MEDICAL_COSTS,
    RuleKind.JOB_LOST: NeedCategory.EMPLOYMENT,
    RuleKind.DISASTER: NeedCategory.HOUSING,
}


@dataclass
class Evaluation:
    firing: int = 0
    raised: int = 0
    refreshed: int = 0
    cleared_resolved: int = 0
    cleared_no_longer: int = 0


# --- explanation ------------------------------------------------------------------------


def flag_explanation(flag: RelapseFlag) -> str:
    """Which rule fired and on what figures, in the reader's language."""
    return explain(flag_facts(flag))


# --- rules ------------------------------------------------------------------------------


@transaction.atomic
def rule_update(
    *,
    actor,
    rule: RelapseRule,
    is_active: bool,
    threshold=None,
    share=None,
    lookback_days: int | None = None,
    channel: str,
) -> RelapseRule:
    """Supervisors set a rule's parameters; the next evaluation uses them."""
    require_role(actor, RULE_ROLES)
    rule = RelapseRule.objects.select_for_update().get(pk=rule.pk)
    if rule.kind == RuleKind.INCOME_BELOW:
        try:
            value = Decimal(str(threshold))
        except Exception:  # noqa: BLE001 - any unparsable input is the same answer
            value = None
        if value is None or not value.is_finite() or not 0 < value <= 1_000_000:
            raise ValidationError(
                {"threshold": _("Give a threshold between 0 and 1,000,000 yuan per person a year.")}
            )
        rule.threshold = value.quantize(Decimal("0.01"))
    elif rule.kind in (RuleKind.INCOME_DROP, RuleKind.MEDICAL_SHARE):
        try:
            value = Decimal(str(share))
        except Exception:  # noqa: BLE001
            value = None
        if value is None or not value.is_finite() or not 0 < value <= 1:
            raise ValidationError({"share": _("Give a share between 0 and 1 (0.3 is 30%).")})
        rule.share = value.quantize(Decimal("0.001"))
    else:
        if lookback_days is None or not 1 <= int(lookback_days) <= 3650:
            raise ValidationError({"lookback_days": _("Give between 1 and 3650 days.")})
        rule.lookback_days = int(lookback_days)
    rule.is_active = bool(is_active)
    rule.updated_by = actor
    rule.save()
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=rule,
        household_id=None,
        channel=channel,
        threshold=str(rule.threshold),
        share=str(rule.share),
        lookback_days=rule.lookback_days,
        is_active=rule.is_active,
    )
    return rule


# --- evaluation -----------------------------------------------------------------------------


def _ids_clause(column: str, household_ids) -> tuple[str, list]:
    if household_ids is None:
        return "", []
    ids = [int(i) for i in household_ids]
    if not ids:
        return " AND 1 = 0", []
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


def _latest_sql(rules, *, today: dt.date, household_ids) -> tuple[str, list]:
    """The households whose latest recent year meets at least one figure rule, with
    that year's figures and the year before's: one pass over HouseholdYear with window
    functions (LAG, LEAD), on SQLite and PostgreSQL alike. Keeping only candidates
    keeps the temporary table a tenth of the region."""
    year_t = HouseholdYear._meta.db_table
    where, ids = _ids_clause("y.household_id", household_ids)
    conditions, params = [], []
    for rule in rules:
        if rule.kind == RuleKind.INCOME_BELOW and rule.threshold is not None:
            conditions.append("(t.sources > 0 AND t.ipp < CAST(%s AS NUMERIC))")
            params.append(str(rule.threshold))
        elif rule.kind == RuleKind.INCOME_DROP and rule.share is not None:
            conditions.append(
                "(t.sources > 0 AND t.prev_sources > 0 AND t.prev_ipp > 0"
                " AND t.ipp < t.prev_ipp * CAST(%s AS NUMERIC))"
            )
            params.append(str(1 - Decimal(rule.share)))
        elif rule.kind == RuleKind.MEDICAL_SHARE and rule.share is not None:
            conditions.append("(t.medical > 0 AND t.medical > t.total * CAST(%s AS NUMERIC))")
            params.append(str(rule.share))
    window = "OVER (PARTITION BY y.household_id ORDER BY y.year)"
    previous = f"LAG(y.year) {window} = y.year - 1"
    return (
        f"CREATE TEMPORARY TABLE {LATEST} AS SELECT t.household_id, t.year, t.ipp, t.total,"
        " t.medical, t.sources, t.prev_ipp, t.prev_sources FROM ("
        "SELECT y.household_id, y.year, y.income_per_person AS ipp, y.income_total AS total,"
        " y.medical_spending AS medical, y.sources,"
        f" CASE WHEN {previous} THEN LAG(y.income_per_person) {window} END AS prev_ipp,"
        f" CASE WHEN {previous} THEN LAG(y.sources) {window} END AS prev_sources,"
        f" LEAD(y.year) {window} AS next_year"
        f" FROM {year_t} y WHERE y.year >= %s" + where + ") t"
        " WHERE t.next_year IS NULL AND t.year >= %s AND ("
        + " OR ".join(conditions or ["1 = 0"])
        + ")",
        [today.year - RECENT_YEARS - 1, *ids, today.year - RECENT_YEARS, *params],
    )


def _firing_sql(rule: RelapseRule, *, today: dt.date, household_ids) -> tuple[str, list] | None:
    event_t = LifeEvent._meta.db_table
    insert = f"INSERT INTO {FIRING} (household_id, rule_id, basis, year, value, reference, lim, event_id) "
    basis = "'y' || CAST(y.year AS VARCHAR(8))"
    if rule.kind == RuleKind.INCOME_BELOW:
        if rule.threshold is None:
            return None
        return (
            insert + f"SELECT y.household_id, %s, {basis}, y.year, y.ipp, NULL,"
            f" CAST(%s AS NUMERIC), NULL FROM {LATEST} y"
            " WHERE y.sources > 0 AND y.ipp < CAST(%s AS NUMERIC)",
            [rule.pk, str(rule.threshold), str(rule.threshold)],
        )
    if rule.kind == RuleKind.INCOME_DROP:
        if rule.share is None:
            return None
        keep = str(1 - Decimal(rule.share))
        return (
            insert + f"SELECT y.household_id, %s, {basis}, y.year, y.ipp, y.prev_ipp,"
            f" CAST(%s AS NUMERIC), NULL FROM {LATEST} y"
            " WHERE y.sources > 0 AND y.prev_sources > 0 AND y.prev_ipp > 0"
            " AND y.ipp < y.prev_ipp * CAST(%s AS NUMERIC)",
            [rule.pk, str(rule.share), keep],
        )
    if rule.kind == RuleKind.MEDICAL_SHARE:
        if rule.share is None:
            return None
        return (
            insert + f"SELECT y.household_id, %s, {basis}, y.year, y.medical, y.total,"
            f" CAST(%s AS NUMERIC), NULL FROM {LATEST} y"
            " WHERE y.medical > 0 AND y.medical > y.total * CAST(%s AS NUMERIC)",
            [rule.pk, str(rule.share), str(rule.share)],
        )
    kinds = EVENT_KINDS.get(rule.kind)
    if not kinds or not rule.lookback_days:
        return None
    where, ids = _ids_clause("e.household_id", household_ids)
    since = today - dt.timedelta(days=rule.lookback_days)
    marks = ", ".join(["%s"] * len(kinds))
    return (
        insert
        + "SELECT e.household_id, %s, 'e' || CAST(MAX(e.id) AS VARCHAR(20)), NULL, NULL, NULL,"
        f" CAST(%s AS NUMERIC), MAX(e.id) FROM {event_t} e"
        f" WHERE e.kind IN ({marks}) AND e.occurred_on >= %s AND e.occurred_on <= %s"
        + where
        + " GROUP BY e.household_id",
        [
            rule.pk,
            rule.lookback_days,
            *[str(k) for k in kinds],
            connection.ops.adapt_datefield_value(since),
            connection.ops.adapt_datefield_value(today),
            *ids,
        ],
    )


def relapse_evaluate(
    *, household_ids=None, today: dt.date | None = None, now: dt.datetime | None = None
) -> Evaluation:
    """Evaluate every active rule for the whole region (household_ids=None) or for the
    given households. Safe to run twice; runs in one transaction."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    result = Evaluation()
    flag_t = RelapseFlag._meta.db_table
    rules = list(RelapseRule.objects.filter(is_active=True))
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The region's two latest years join in memory instead of spilling in batches.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"DROP TABLE IF EXISTS {FIRING}")
        cursor.execute(f"DROP TABLE IF EXISTS {LATEST}")
        if any(r.kind in FIGURE_RULES for r in rules):
            cursor.execute(*_latest_sql(rules, today=today, household_ids=household_ids))
        else:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {LATEST} (household_id BIGINT, year INTEGER,"
                " ipp NUMERIC, total NUMERIC, medical NUMERIC, sources INTEGER,"
                " prev_ipp NUMERIC, prev_sources INTEGER)"
            )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {FIRING} (household_id BIGINT NOT NULL,"
            " rule_id BIGINT NOT NULL, basis VARCHAR(24) NOT NULL, year INTEGER,"
            " value NUMERIC(14, 3), reference NUMERIC(14, 3), lim NUMERIC(14, 3),"
            " event_id BIGINT)"
        )
        for rule in rules:
            statement = _firing_sql(rule, today=today, household_ids=household_ids)
            if statement is not None:
                cursor.execute(*statement)
                result.firing += max(cursor.rowcount, 0)
        cursor.execute(f"CREATE INDEX {FIRING}_key ON {FIRING} (household_id, rule_id)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {FIRING}")

        scope, ids = _ids_clause(f"{flag_t}.household_id", household_ids)

        # 2. Flags whose need was resolved or confirmed by the resident.
        resolved = RelapseFlag.objects.filter(
            status=FlagStatus.OPEN,
            need__status__in=[NeedStatus.RESOLVED, NeedStatus.CONFIRMED],
        )
        if household_ids is not None:
            resolved = resolved.filter(household_id__in=list(household_ids))
        result.cleared_resolved = resolved.update(
            status=FlagStatus.CLEARED,
            cleared_at=now,
            clear_reason=ClearReason.RESOLVED,
            evaluated_at=now,
        )

        # 3. Open flags still firing whose figures changed (most nights: none of them,
        # so the region's open flags are read, not rewritten).
        cursor.execute(
            f"UPDATE {flag_t} SET basis = f.basis, year = f.year, value = f.value,"
            " reference = f.reference, rule_limit = f.lim, event_id = f.event_id,"
            f" evaluated_at = %s FROM {FIRING} f WHERE {flag_t}.household_id = f.household_id"
            f" AND {flag_t}.rule_id = f.rule_id AND {flag_t}.status = 'open'"
            f" AND ({flag_t}.basis <> f.basis"
            f" OR COALESCE({flag_t}.value, -1) <> COALESCE(f.value, -1)"
            f" OR COALESCE({flag_t}.reference, -1) <> COALESCE(f.reference, -1)"
            f" OR COALESCE({flag_t}.rule_limit, -1) <> COALESCE(f.lim, -1)"
            f" OR COALESCE({flag_t}.event_id, 0) <> COALESCE(f.event_id, 0))" + scope,
            [stamp, *ids],
        )
        result.refreshed = max(cursor.rowcount, 0)

        # 4. Figure flags that no longer meet their (active) rule.
        figure_rules = [r.pk for r in rules if r.kind in FIGURE_RULES]
        if figure_rules:
            marks = ", ".join(["%s"] * len(figure_rules))
            cursor.execute(
                f"UPDATE {flag_t} SET status = 'cleared', cleared_at = %s,"
                f" clear_reason = 'no_longer_applies', evaluated_at = %s"
                f" WHERE {flag_t}.status = 'open' AND {flag_t}.rule_id IN ({marks})"
                f" AND NOT EXISTS (SELECT 1 FROM {FIRING} f WHERE f.household_id = {flag_t}.household_id"
                f" AND f.rule_id = {flag_t}.rule_id)" + scope,
                [stamp, stamp, *figure_rules, *ids],
            )
            result.cleared_no_longer = max(cursor.rowcount, 0)

        # 5. New flags.
        cursor.execute(
            f"INSERT INTO {flag_t} (household_id, rule_id, basis, status, year, value,"
            " reference, rule_limit, event_id, raised_at, evaluated_at, clear_reason, clear_note)"
            " SELECT f.household_id, f.rule_id, f.basis, 'open', f.year, f.value, f.reference,"
            f" f.lim, f.event_id, %s, %s, '', '' FROM {FIRING} f WHERE NOT EXISTS ("
            f"SELECT 1 FROM {flag_t} x WHERE x.household_id = f.household_id"
            " AND x.rule_id = f.rule_id AND (x.status = 'open'"
            " OR (x.basis = f.basis AND x.clear_reason = 'resolved')))",
            [stamp, stamp],
        )
        result.raised = max(cursor.rowcount, 0)
        cursor.execute(f"DROP TABLE {FIRING}")
        cursor.execute(f"DROP TABLE {LATEST}")
    return result


# --- needs for new flags -------------------------------------------------------------------


# Which rule names an episode's category when several fire (the first that fires).
CATEGORY_ORDER = (
    RuleKind.ILLNESS_OR_DISABILITY,
    RuleKind.MEDICAL_SHARE,
    RuleKind.JOB_LOST,
    RuleKind.DISASTER,
    RuleKind.INCOME_DROP,
    RuleKind.INCOME_BELOW,
)


def _episode_text(flags) -> Text:
    """The need's description: one line per risk with its figures, kept as facts."""
    return Text(texts.RELAPSE_FLAGS, {"flags": [flag_facts(flag) for flag in flags]})


def relapse_open_needs(*, household_ids=None, batch: int = 500) -> int:
    """One need per household risk episode: open flags without a need join the
    household's open relapse need (its description then lists every flag, and its
    timeline says what was added), or one need is opened for all of them, followed by
    the household's paired worker (opened in their name, through casework). A household
    with no paired worker keeps its flags without a need; the supervisor's page counts
    those. Returns the number of needs opened."""
    from doorstep.casework.services import need_open
    from doorstep.casework.services.needs import event_add

    opened = 0
    last_household = 0
    while True:
        pending = RelapseFlag.objects.filter(
            status=FlagStatus.OPEN, need__isnull=True, household_id__gt=last_household
        )
        if household_ids is not None:
            pending = pending.filter(household_id__in=list(household_ids))
        households = sorted(
            set(pending.order_by("household_id").values_list("household_id", flat=True)[:batch])
        )
        if not households:
            return opened
        last_household = households[-1]
        household_of = Household.objects.in_bulk(households)
        workers = {
            p.household_id: p.worker
            for p in Pairing.objects.active()
            .filter(household_id__in=households)
            .select_related("worker")
        }
        open_flags: dict[int, list[RelapseFlag]] = {}
        for flag in (
            RelapseFlag.objects.filter(status=FlagStatus.OPEN, household_id__in=households)
            .select_related("rule", "event", "need")
            .order_by("household_id", "pk")
        ):
            open_flags.setdefault(flag.household_id, []).append(flag)
        for household_id in households:
            flags = open_flags.get(household_id, [])
            new = [f for f in flags if f.need_id is None]
            episode = next(
                (f.need for f in flags if f.need is not None and f.need.status in UNRESOLVED),
                None,
            )
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                if episode is not None:
                    RelapseFlag.objects.filter(
                        pk__in=[f.pk for f in new], need__isnull=True
                    ).update(need=episode)
                    in_episode = [f for f in flags if f.need_id in (None, episode.pk)]
                    Need.objects.filter(pk=episode.pk).update(
                        **stored_columns("description", _episode_text(in_episode)),
                        version=F("version") + 1,
                    )
                    event_add(
                        need=episode,
                        kind=NeedEventKind.NOTE,
                        actor=None,
                        note=Text(texts.RELAPSE_ADDED, {"flags": [f.rule.kind for f in new]}),
                        detail={"source": "relapse_watch", "flags": [f.pk for f in new]},
                    )
                    continue
                worker = workers.get(household_id)
                if worker is None or not new:
                    continue
                lead = min(new, key=lambda f: CATEGORY_ORDER.index(f.rule.kind))
                title = (
                    Text(texts.RELAPSE_ONE, {"rule": lead.rule.kind})
                    if len(new) == 1
                    else Text(texts.RELAPSE_MANY, {"count": len(new)})
                )
                try:
                    need = need_open(
                        actor=worker,
                        household=household_of[household_id],
                        category=NEED_CATEGORY[lead.rule.kind],
                        urgency=Urgency.HIGH,
                        title=title,
                        description=_episode_text(new),
                        channel=CHANNEL,
                    )
                except PermissionDenied:  # an inactive worker: the supervisor sees the flag
                    continue
                updated = RelapseFlag.objects.filter(
                    pk__in=[f.pk for f in new], need__isnull=True
                ).update(need=need)
                if updated != len(new):  # another run got there first: one need per episode
                    transaction.set_rollback(True)
                    continue
            opened += 1


def on_need_transition(need, action: str, actor) -> None:
    """A need holding open flags resolved or confirmed: re-evaluate its household now
    (step 2 of relapse_evaluate clears the flags as resolved)."""
    if action not in ("resolve", "confirm"):
        return
    if RelapseFlag.objects.filter(need_id=need.pk, status=FlagStatus.OPEN).exists():
        relapse_evaluate(household_ids=[need.household_id])


def relapse_watch_run(*, today: dt.date | None = None) -> dict:
    """The nightly run (tasks.relapse_watch_nightly)."""
    evaluation = relapse_evaluate(today=today)
    opened = relapse_open_needs()
    return {**evaluation.__dict__, "needs_opened": opened}


@transaction.atomic
def flag_clear(*, actor, flag: RelapseFlag, note: str, channel: str) -> RelapseFlag:
    """The family was helped and is no longer at risk: cleared as resolved. The same
    fact (year, event) does not raise a flag again; new figures will."""
    require_role(actor, FIELD_ROLES)
    note = check_text(note, field="note", max_length=2000)
    updated = RelapseFlag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).update(
        status=FlagStatus.CLEARED,
        cleared_at=timezone.now(),
        clear_reason=ClearReason.RESOLVED,
        cleared_by=actor,
        clear_note=note,
    )
    if not updated:
        raise ValidationError({"status": _("This flag is cleared already.")})
    flag.refresh_from_db()
    audit(
        actor,
        action=AuditAction.UPDATE,
        obj=flag,
        household_id=flag.household_id,
        channel=channel,
        status="cleared",
    )
    return flag
