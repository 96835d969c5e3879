"""Welfare-check rounds: a supervisor (or a team leader in their area) selects the
residents to check, each becomes a WelfareCheck given to a worker, and each check
records its answers; a problem found opens a need.

Who is checked is a fixed set of criteria (RoundCriteria): the resident's own
vulnerability categories (or the household's, for low income and five-guarantee), the resident's age, heads of household only. Nothing else
can select people (see "Our line", README.md).

Creation is set-based whatever the size: one INSERT ... SELECT over the residents of
the area (the household's active pairing gives the worker), then the few residents
without a paired worker get the nearest available worker (`_assign_nearest`), in
batched UPDATEs. All in the caller's transaction: a round is created whole or not at
all. Figures in docs/benchmarks.md ("Welfare-check rounds").
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.accounts.models import Role, User
from doorstep.areas.models import Area, subtree_range
from doorstep.casework.models import (
    ContactKind,
    NeedCategory,
    Pairing,
    Urgency,
    WelfareAssignment,
    WelfareCheck,
    WelfareCheckStatus,
    WelfareRound,
    WelfareRoundStatus,
)
from doorstep.casework.questions import (
    STANDARD_QUESTIONS,
    Question,
    QuestionKind,
    label_in_language,
)
from doorstep.casework.services.common import CASEWORK_ROLES, PAIRABLE_ROLES, require_role
from doorstep.casework.services.contacts import check_contact_timing, contact_log
from doorstep.casework.services.needs import need_open
from doorstep.casework.services.questions import templates_applying_to
from doorstep.casework.services.schedule import MAX_POLICY_INTERVAL_DAYS, _enqueue_area_refresh
from doorstep.casework.texts import WELFARE_NEED
from doorstep.core.bulk import analyze
from doorstep.core.texts import Text
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.models import (
    PERSON_VULNERABILITIES,
    Household,
    HouseholdVulnerability,
    Relationship,
    Resident,
    Vulnerability,
)

# Who starts, closes and reassigns rounds: team leaders in their area, supervisors,
# administrators.
ROUND_ROLES = frozenset({Role.TEAM_LEADER, Role.SUPERVISOR, Role.ADMIN})
MAX_NAME = 120
MAX_QUESTION = 120
MAX_QUESTIONS = 20
MAX_AGE = 130
# A round is for days or weeks, not a standing programme.
MAX_ROUND_DAYS = 366
UPDATE_BATCH = 500
# Refresh the planner's statistics after creating a round at least this large.
ANALYZE_AFTER = 50_000


STANDARD_KEYS = tuple(q.key for q in STANDARD_QUESTIONS)
_STANDARD = {q.key: q for q in STANDARD_QUESTIONS}


def round_questions(welfare_round: WelfareRound) -> list[Question]:
    """The round's check-list, standard questions translated in the current language."""
    questions = []
    for entry in welfare_round.checklist:
        key = entry.get("key", "")
        if key in _STANDARD:
            questions.append(_STANDARD[key])
            continue
        label = entry.get("label", key)
        if isinstance(label, dict):  # a template's wording in zh, ug and en
            label = label_in_language(label, fallback=key)
        questions.append(Question(key, label, entry.get("category", NeedCategory.OTHER)))
    return questions


# --- who is checked --------------------------------------------------------------------


@dataclass(frozen=True)
class RoundCriteria:
    """Residents with any of `categories` (none: everyone) — a person's category selects
    that resident, a household's category every member of the household —, aged
    `min_age` to `max_age` on the round's first day (a bound leaves out residents with
    no birth date), heads of household only if `heads_only`."""

    categories: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    heads_only: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "categories": list(self.categories),
            "min_age": self.min_age,
            "max_age": self.max_age,
            "heads_only": self.heads_only,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoundCriteria:
        return cls(
            categories=tuple(data.get("categories", ())),
            min_age=data.get("min_age"),
            max_age=data.get("max_age"),
            heads_only=bool(data.get("heads_only", False)),
        )

    def errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        unknown = [c for c in self.categories if c not in Vulnerability.values]
        if unknown:
            errors["categories"] = _("Unknown category: %(value)s.") % {"value": unknown[0]}
        for name in ("min_age", "max_age"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= MAX_AGE:
                errors[name] = _("An age is between 0 and %(max)s.") % {"max": MAX_AGE}
        if (
            not errors
            and self.min_age is not None
            and self.max_age is not None
            and self.min_age > self.max_age
        ):
            errors["max_age"] = _("The highest age cannot be below the lowest.")
        if not errors and not self.categories and self.min_age is None and self.max_age is None:
            errors["categories"] = _("Choose at least one category or an age bound.")
        return errors


# The page's presets (issue #7): the same criteria the API takes.
PRESETS: dict[str, tuple[Any, RoundCriteria]] = {
    "elderly_alone": (
        gettext_lazy("Elderly living alone"),
        RoundCriteria(categories=(Vulnerability.ELDERLY_ALONE,)),
    ),
    "left_behind_senior": (
        gettext_lazy("Left-behind seniors"),
        RoundCriteria(categories=(Vulnerability.LEFT_BEHIND_SENIOR,)),
    ),
    "widowed_elderly": (
        gettext_lazy("Widowed elderly"),
        RoundCriteria(categories=(Vulnerability.WIDOWED_ELDERLY,)),
    ),
    "disability": (
        gettext_lazy("People with disabilities"),
        RoundCriteria(categories=(Vulnerability.DISABILITY,)),
    ),
    "all_vulnerable": (
        gettext_lazy("Every vulnerable household"),
        RoundCriteria(categories=tuple(Vulnerability.values)),
    ),
}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _selection_sql(area: Area, criteria: RoundCriteria, on: dt.date) -> tuple[str, list[Any]]:
    """FROM ... WHERE of the selected residents (r), their household (h) and, if any,
    the household's active pairing (p) with an active worker (u)."""
    q = connection.ops.quote_name
    resident, household = Resident._meta.db_table, Household._meta.db_table
    pairing, user = Pairing._meta.db_table, User._meta.db_table
    low, high = subtree_range(area.path)
    sql = [
        f"FROM {q(resident)} r JOIN {q(household)} h ON h.id = r.household_id",
        f"LEFT JOIN {q(pairing)} p ON p.household_id = h.id AND p.ended_on IS NULL",
        f"LEFT JOIN {q(user)} u ON u.id = p.worker_id AND u.is_active",
        "WHERE h.area_path >= %s AND h.area_path < %s",
    ]
    params: list[Any] = [low, high]
    if criteria.categories:
        # A person's category selects that person (not their grandchildren); a
        # household's category (low income, five-guarantee) selects every member.
        facts = q(HouseholdVulnerability._meta.db_table)
        person = [c for c in criteria.categories if c in PERSON_VULNERABILITIES]
        household_wide = [c for c in criteria.categories if c not in PERSON_VULNERABILITIES]
        tests = []
        if person:
            marks = ", ".join(["%s"] * len(person))
            tests.append(
                f"EXISTS (SELECT 1 FROM {facts} v "  # noqa: S608 - names from metadata
                f"WHERE v.resident_id = r.id AND v.category IN ({marks}))"
            )
            params += person
        if household_wide:
            marks = ", ".join(["%s"] * len(household_wide))
            tests.append(
                f"EXISTS (SELECT 1 FROM {facts} v "  # noqa: S608 - names from metadata
                f"WHERE v.household_id = h.id AND v.resident_id IS NULL "
                f"AND v.category IN ({marks}))"
            )
            params += household_wide
        sql.append(f"AND ({' OR '.join(tests)})")
    if criteria.min_age is not None:
        sql.append("AND r.birth_date <= %s")
        params.append(_years_before(on, criteria.min_age))
    if criteria.max_age is not None:
        sql.append("AND r.birth_date > %s")
        params.append(_years_before(on, criteria.max_age + 1))
    if criteria.heads_only:
        sql.append("AND r.relationship = %s")
        params.append(Relationship.HEAD)
    return " ".join(sql), params


def residents_matching_count(*, area: Area, criteria: RoundCriteria, on: dt.date) -> int:
    """How many residents a round would check (the page's preview)."""
    where, params = _selection_sql(area, criteria, on)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {where}", params)  # noqa: S608 - names from metadata
        return cursor.fetchone()[0]


def _insert_checks(welfare_round: WelfareRound, criteria: RoundCriteria) -> int:
    q = connection.ops.quote_name
    where, params = _selection_sql(welfare_round.area, criteria, welfare_round.starts_on)
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    columns = ", ".join(
        q(WelfareCheck._meta.get_field(name).column)
        for name in (
            "round",
            "resident",
            "household",
            "area",
            "worker",
            "assigned_as",
            "status",
            "attempts",
            "answers",
            "note",
            "version",
        )
    )
    sql = (
        f"INSERT INTO {q(WelfareCheck._meta.db_table)} ({columns}) "  # noqa: S608 - names from metadata
        f"SELECT %s, r.id, h.id, h.area_id, u.id, "
        f"CASE WHEN u.id IS NULL THEN %s ELSE %s END, %s, 0, {empty_json}, '', 1 {where}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The joins of a region round hash a few hundred thousand households:
            # in the default 4 MB they spill to disk. For this transaction only.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            sql,
            [
                welfare_round.pk,
                WelfareAssignment.NONE,
                WelfareAssignment.PAIRED,
                WelfareCheckStatus.PENDING,
                *params,
            ],
        )
        return cursor.rowcount


# --- the nearest available worker --------------------------------------------------------


class _Pool:
    """Available workers of some areas, as arrays: the nearest is one vectorised pass."""

    def __init__(self, rows: Sequence[tuple[int, float, float]]) -> None:
        rows = sorted(rows)  # by id: ties go to the lowest id, whatever the query order
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.lat = np.array([r[1] for r in rows], dtype=np.float64)
        self.lon = np.array([r[2] for r in rows], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.ids)

    def nearest(self, point: tuple[float, float] | None) -> int | None:
        if not len(self.ids):
            return None
        if point is None:
            return int(self.ids[0])
        lat, lon = point
        # Squared equirectangular distance: ranks workers correctly at village scale.
        dx = (self.lon - lon) * math.cos(math.radians(lat))
        return int(self.ids[int(np.argmin(dx * dx + (self.lat - lat) ** 2))])


def _available(area_ids: Iterable[int]) -> dict[int, list[tuple[int, float, float]]]:
    """Active workers and team leaders with a base location, by their area."""
    by_area: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    query = (
        User.objects.filter(
            area_id__in=list(area_ids),
            is_active=True,
            role__in=PAIRABLE_ROLES,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by()
        .values_list("pk", "area_id", "latitude", "longitude")
        .query
    )
    # Plain tuples from the cursor: a region round's unpaired households span most
    # villages, whose workers number most of a million; the ORM's rows cost 3x as much.
    with connection.cursor() as cursor:
        cursor.execute(*query.sql_with_params())
        for pk, area_id, lat, lon in cursor.fetchall():
            by_area[area_id].append((pk, lat, lon))
    return by_area


def _assign_nearest(welfare_round: WelfareRound) -> int:
    """Give each household without a paired worker the nearest available worker.

    Available: an active worker or team leader with a base location. First choice, the
    nearest among workers whose own area holds the household (its village, township...
    up to the round's area), who can open its record; else the nearest worker of the
    household's township (or the round's area if smaller), whom the check item gives
    the reach the visit needs. Households without coordinates use their area's.
    Households sharing an area share one pool (numpy arrays). Returns the number of
    households given a worker.
    """
    rows = list(
        WelfareCheck.objects.filter(round=welfare_round, worker__isnull=True)
        .values_list(
            "household_id",
            "household__latitude",
            "household__longitude",
            "area__path",
            "area__latitude",
            "area__longitude",
        )
        .distinct()
    )
    if not rows:
        return 0
    root_depth = len(welfare_round.area.ancestor_ids)
    households: dict[tuple[int, ...], list[tuple[int, tuple[float, float] | None]]] = defaultdict(
        list
    )
    for household_id, lat, lon, path, area_lat, area_lon in rows:
        point = (lat, lon) if lat is not None and lon is not None else None
        if point is None and area_lat is not None and area_lon is not None:
            point = (area_lat, area_lon)
        # Areas from the round's area down to the household's: workers based there hold it.
        chain = tuple(int(part) for part in path.strip("/").split("/"))
        households[chain].append((household_id, point))
    by_area = _available({pk for chain in households for pk in chain[root_depth - 1 :]})
    wider_pools: dict[int, _Pool] = {}
    # Grids hold no workers: the grids of one village share their village's pool.
    pools: dict[tuple[int, ...], _Pool] = {}
    chosen: dict[int, int] = {}
    for chain, members in households.items():
        key = tuple(pk for pk in chain[root_depth - 1 :] if pk in by_area)
        pool = pools.get(key)
        if pool is None:
            pool = pools[key] = _Pool([w for pk in key for w in by_area[pk]])
        if not len(pool):
            # The township (depth 4: region, prefecture, county, township) or the
            # round's own area if it lies deeper.
            depth = max(root_depth, 4)
            wider = chain[depth - 1] if len(chain) >= depth else chain[-1]
            if wider not in wider_pools:
                wider_area = Area.objects.only("path").get(pk=wider)
                ids = Area.objects.within(wider_area).values_list("pk", flat=True)
                wider_pools[wider] = _Pool([w for ws in _available(ids).values() for w in ws])
            pool = wider_pools[wider]
        for household_id, point in members:
            worker_id = pool.nearest(point)
            if worker_id is not None:
                chosen[household_id] = worker_id
    _update_workers(welfare_round, chosen)
    return len(chosen)


def _update_workers(welfare_round: WelfareRound, chosen: dict[int, int]) -> None:
    """Batched UPDATE ... SET worker = CASE household ... END (a statement per 500)."""
    table = connection.ops.quote_name(WelfareCheck._meta.db_table)
    items = sorted(chosen.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), UPDATE_BATCH):
            batch = items[start : start + UPDATE_BATCH]
            cases = " ".join("WHEN %s THEN %s" for _pair in batch)
            marks = ", ".join(["%s"] * len(batch))
            params: list[Any] = [v for pair in batch for v in pair]
            params += [WelfareAssignment.NEAREST, welfare_round.pk, *[h for h, _w in batch]]
            cursor.execute(
                f"UPDATE {table} SET worker_id = CASE household_id {cases} END, "  # noqa: S608
                # worker_id IS NULL: the (round, worker, status) index reads only the
                # round's unassigned checks.
                f"assigned_as = %s WHERE round_id = %s AND worker_id IS NULL "
                f"AND household_id IN ({marks})",
                params,
            )


# --- starting and closing a round -------------------------------------------------------


def _checklist(standard: Sequence[str], extra: Sequence[str], area: Area) -> list[dict]:
    """Standard questions by key, plus the round's own: keys of welfare templates that
    apply to the round's area (services.questions; their text was screened against
    the line when written). No free-text question reaches a round. The templates'
    wording is copied in, so a later rewording does not change a running round."""
    errors: dict[str, str] = {}
    unknown = [k for k in standard if k not in STANDARD_KEYS]
    if unknown:
        errors["checklist"] = _("Unknown question: %(value)s.") % {"value": unknown[0]}
    extra_keys = list(dict.fromkeys((key or "").strip() for key in extra))
    templates = {
        t.key: t
        for t in templates_applying_to(area.path, QuestionKind.WELFARE).filter(key__in=extra_keys)
    }
    missing = [key for key in extra_keys if key not in templates]
    if missing:
        errors["extra_questions"] = _(
            "Unknown question template: %(value)s. Supervisors add questions as templates."
        ) % {"value": missing[0]}
    elif len(extra_keys) != len(list(extra)):
        errors["extra_questions"] = _("The same question is there twice.")
    keys = list(dict.fromkeys(standard))
    if not errors and not keys and not extra_keys:
        errors["checklist"] = _("The check-list needs at least one question.")
    if not errors and len(keys) + len(extra_keys) > MAX_QUESTIONS:
        errors["checklist"] = _("A check-list has at most %(max)s questions.") % {
            "max": MAX_QUESTIONS
        }
    if errors:
        raise ValidationError(errors)
    return [{"key": k} for k in keys] + [
        {
            "key": key,
            "label": templates[key].texts(),
            "category": templates[key].need_category,
        }
        for key in extra_keys
    ]


def _require_area(actor, area: Area) -> None:
    if actor.area_id is None or not area.is_within(actor.area):
        raise ValidationError({"area": _("That area is outside your own area.")})


@dataclass
class RoundStarted:
    welfare_round: WelfareRound
    checks: int
    nearest: int
    unassigned: int = 0


@transaction.atomic
def welfare_round_start(
    *,
    actor,
    area: Area,
    name: str,
    deadline: dt.date,
    criteria: RoundCriteria,
    checklist: Sequence[str] = STANDARD_KEYS,
    extra_questions: Sequence[str] = (),
    interval_days: int | None = None,
    channel: str,
) -> RoundStarted:
    """Start a round of checks over `area` (from areas.selectors, in the actor's scope).

    Every resident `criteria` select becomes a check, given to the household's paired
    worker, else the nearest available worker. A round selecting nobody is refused.
    With `interval_days`, the area's households are also due at that interval until
    the deadline (the schedule's override rule).
    """
    require_role(actor, ROUND_ROLES)
    today = timezone.localdate()
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the round a name.")
    elif len(name) > MAX_NAME:
        errors["name"] = _("Keep the name under %(max)s characters.") % {"max": MAX_NAME}
    if deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    elif deadline > today + dt.timedelta(days=MAX_ROUND_DAYS):
        errors["deadline"] = _("A round lasts at most a year.")
    if interval_days is not None and not 1 <= interval_days <= MAX_POLICY_INTERVAL_DAYS:
        errors["interval_days"] = _("Between 1 and %(max)s days.") % {
            "max": MAX_POLICY_INTERVAL_DAYS
        }
    errors.update(criteria.errors())
    try:
        questions = _checklist(checklist, extra_questions, area)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if actor.area_id is None or not area.is_within(actor.area):
        errors["area"] = _("That area is outside your own area.")
    if errors:
        raise ValidationError(errors)
    welfare_round = WelfareRound.objects.create(
        area=area,
        name=name,
        interval_days=interval_days,
        starts_on=today,
        ends_on=deadline,
        created_by=actor,
        criteria=criteria.as_json(),
        checklist=questions,
    )
    count = _insert_checks(welfare_round, criteria)
    if count == 0:
        raise ValidationError(
            {"categories": _("No resident of this area matches; nothing was created.")}
        )
    if count >= ANALYZE_AFTER:
        # A region round adds a million rows the planner knows nothing of: without
        # statistics the round page's reads pick sequential scans (seconds each).
        analyze(WelfareCheck)
    nearest = _assign_nearest(welfare_round)
    unassigned = WelfareCheck.objects.filter(round=welfare_round, worker__isnull=True).count()
    WelfareRound.objects.filter(pk=welfare_round.pk).update(check_count=count)
    welfare_round.check_count = count
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="welfare_round",
        object_id=welfare_round.pk,
        channel=channel,
        detail={"area": area.pk, "checks": count, "criteria": criteria.as_json()},
    )
    if interval_days is not None:
        transaction.on_commit(lambda: _enqueue_area_refresh(area.pk))
    return RoundStarted(welfare_round, checks=count, nearest=nearest, unassigned=unassigned)


def _require_manager(actor, welfare_round: WelfareRound) -> None:
    """Closing a round is for whoever's area holds the round's area."""
    require_role(actor, ROUND_ROLES)
    if actor.area_id is None or not welfare_round.area.is_within(actor.area):
        raise PermissionDenied(_("Only staff of the round's whole area may do this."))


@transaction.atomic
def welfare_round_close(*, actor, welfare_round: WelfareRound, channel: str) -> WelfareRound:
    """Close the round: its open checks leave the due lists, its interval (if any) stops."""
    _require_manager(actor, welfare_round)
    updated = WelfareRound.objects.filter(
        pk=welfare_round.pk, status=WelfareRoundStatus.OPEN
    ).update(status=WelfareRoundStatus.CLOSED, closed_at=timezone.now(), closed_by=actor)
    if not updated:
        raise ValidationError({"status": _("This round is already closed.")})
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="welfare_round",
        object_id=welfare_round.pk,
        channel=channel,
        detail={"closed": True},
    )
    if welfare_round.interval_days is not None:
        area_id = welfare_round.area_id
        transaction.on_commit(lambda: _enqueue_area_refresh(area_id))
    return WelfareRound.objects.select_related("area").get(pk=welfare_round.pk)


def _require_open(welfare_round: WelfareRound) -> None:
    if not welfare_round.is_open:
        raise ValidationError({"round": _("This round is closed.")})


@transaction.atomic
def welfare_checks_reassign(
    *,
    actor,
    welfare_round: WelfareRound,
    check_ids: Sequence[int],
    worker: User,
    checks_in_scope,
    channel: str,
) -> int:
    """Give checks not yet done to `worker` (a worker or team leader of the actor's
    area). `checks_in_scope` is the round's checks the actor may manage
    (selectors_welfare.checks_managed_by). All or nothing: one id that is not there, or
    a check already done, refuses the lot."""
    require_role(actor, ROUND_ROLES)
    _require_open(welfare_round)
    ids = sorted(set(check_ids))
    if not ids:
        raise ValidationError({"checks": _("Choose at least one resident.")})
    if (
        not worker.is_active
        or worker.role not in PAIRABLE_ROLES
        or worker.area_id is None
        or actor.area_id is None
        or not worker.area.is_within(actor.area)
    ):
        raise ValidationError({"worker": _("Choose a worker or team leader of your area.")})
    found = list(
        checks_in_scope.select_for_update()
        .filter(pk__in=ids, round=welfare_round)
        .values_list("pk", "status")
    )
    if len(found) != len(ids):
        raise ValidationError({"checks": _("Some of these residents are not in this round.")})
    if any(status == WelfareCheckStatus.DONE for _pk, status in found):
        raise ValidationError({"checks": _("A check already done cannot be reassigned.")})
    WelfareCheck.objects.filter(pk__in=ids).update(
        worker=worker, assigned_as=WelfareAssignment.REASSIGNED, version=F("version") + 1
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="welfare_round",
        object_id=welfare_round.pk,
        channel=channel,
        detail={"reassigned": ids, "worker": worker.pk},
    )
    return len(ids)


# --- recording a check ---------------------------------------------------------------------


class WelfareOutcome:
    DONE = "done"
    NOT_REACHED = "not_reached"
    CHOICES = (DONE, NOT_REACHED)


@dataclass
class WelfareConflict(Exception):
    """The check changed after the caller read it (recorded or reassigned by someone
    else). Nothing was written."""

    current: WelfareCheck

    def __str__(self) -> str:
        return _("Someone else changed this check after you opened it.")


@transaction.atomic
def welfare_check_record(
    *,
    actor,
    check: WelfareCheck,
    outcome: str,
    expected_version: int,
    answers: dict[str, bool] | None = None,
    note: str = "",
    kind: str = ContactKind.VISIT,
    need_category: str | None = None,
    need_urgency: str = Urgency.HIGH,
    occurred_at: dt.datetime | None = None,
    channel: str,
) -> WelfareCheck:
    """Record a try: reached (`done`, with a yes/no answer to every question) or not
    reached (`not_reached`, may be tried again). A "no" to any question opens a need
    for the household, linked to the check; a check done counts as a contact.
    `occurred_at`: when the try happened (a phone without signal sends it later); now
    when left out; the contacts' rules (not in the future, not too old) apply.

    `check` comes from selectors_welfare.check_for (the assigned worker, or a team
    leader or supervisor of its area)."""
    require_role(actor, CASEWORK_ROLES)
    current = WelfareCheck.objects.select_for_update().select_related("round").get(pk=check.pk)
    if current.version != expected_version:
        raise WelfareConflict(current=current)
    _require_open(current.round)
    if current.status == WelfareCheckStatus.DONE:
        raise ValidationError({"outcome": _("This check is already done.")})
    if outcome not in WelfareOutcome.CHOICES:
        raise ValidationError({"outcome": _("Choose reached or not reached.")})
    note = (note or "").strip()
    answers = answers or {}
    questions = round_questions(current.round)
    now = occurred_at or timezone.now()
    timing_errors, _minutes = check_contact_timing(now, None, 0, history=False)
    if timing_errors:
        raise ValidationError(timing_errors)
    need = None
    if outcome == WelfareOutcome.NOT_REACHED:
        if answers:
            raise ValidationError({"answers": _("There are no answers when nobody was reached.")})
        status = WelfareCheckStatus.NOT_REACHED
    else:
        errors = {}
        keys = {q.key for q in questions}
        for key in answers:
            if key not in keys:
                errors[f"answers.{key}"] = _("This question is not on the round's check-list.")
        for question in questions:
            if not isinstance(answers.get(question.key), bool):
                errors[f"answers.{question.key}"] = _("Answer yes or no: %(question)s") % {
                    "question": question.label
                }
        if need_category is not None and need_category not in NeedCategory.values:
            errors["need_category"] = _("Choose a category from the list.")
        if need_urgency not in Urgency.values:
            errors["need_urgency"] = _("Choose an urgency from the list.")
        if kind not in ContactKind.values:
            errors["kind"] = _("Choose a visit or a phone call.")
        if errors:
            raise ValidationError(errors)
        status = WelfareCheckStatus.DONE
        problems = [q for q in questions if answers[q.key] is False]
        household = current.household
        if problems:
            # Kept as the questions themselves (core.texts): each reader sees them in
            # their own language.
            asked = {e.get("key", ""): e.get("label") for e in current.round.checklist}
            need = need_open(
                actor=actor,
                household=household,
                category=need_category or problems[0].need_category,
                urgency=need_urgency,
                title=Text(
                    WELFARE_NEED,
                    {
                        "problems": [
                            q.key if q.key in _STANDARD else (asked.get(q.key) or str(q.label))
                            for q in problems
                        ]
                    },
                ),
                description=note,
                channel=channel,
            )
        contact_log(
            actor=actor,
            household=household,
            kind=kind,
            occurred_at=now,
            notes=note,
            checklist={k: answers[k] for k in sorted(answers)},
            checklist_from_round=True,
            channel=channel,
        )
    updated = WelfareCheck.objects.filter(pk=current.pk, version=current.version).update(
        status=status,
        attempts=F("attempts") + 1,
        answers=answers,
        note=note,
        need=need,
        checked_at=now,
        checked_by=actor,
        version=F("version") + 1,
    )
    if not updated:  # the lock above makes this unreachable on PostgreSQL
        raise WelfareConflict(current=WelfareCheck.objects.get(pk=current.pk))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="welfare_check",
        object_id=current.pk,
        household_id=current.household_id,
        channel=channel,
        detail={"outcome": outcome, "need": need.pk if need else None},
    )
    return WelfareCheck.objects.select_related("round", "resident", "household", "need").get(
        pk=current.pk
    )
