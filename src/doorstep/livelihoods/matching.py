# ruff: noqa: S608 - SQL here is assembled from model metadata and %s placeholders only
"""Matching openings and job seekers, both ways, with a score that explains itself.

The score (0–100) adds four parts, each shown to the worker with its figures:
- skills, 50: the share of the opening's required skills the seeker has (all 50 when
  the opening asks for none);
- distance, 25: full at the door, falling to nothing at the furthest distance the
  seeker will travel; 12 when either place has no coordinates;
- language, 15: the seeker speaks one of the opening's working languages (or the
  opening names none);
- preferences, 10: 5 for the kind of work they want, 5 for a wage at or above the
  lowest they asked for.
Ties go to the nearer seeker, then the older profile.

One opening against a county's seekers is one SQL query over the seekers' own table
(area_path range, looking, of working age; skills matched read from a bit mask) that
scores and ranks in the database and returns one page; one seeker against the
county's openings (a few hundred) is scored in NumPy (bench/livelihoods_bench.py). Callers pass an area that selectors already checked
is inside the caller's scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import connection
from django.utils.translation import gettext as _

from doorstep.areas.models import Area, subtree_range
from doorstep.livelihoods.models import (
    MASK_BITS,
    JobOpening,
    JobSeeker,
    JobSeekerSkill,
    OpeningStatus,
    Placement,
    PlacementStatus,
    Skill,
    WorkType,
)
from doorstep.livelihoods.working_age import birth_date_bounds
from doorstep.registry.models import Household, Resident

SKILLS, DISTANCE, LANGUAGE, PREFERENCES = 50, 25, 15, 10
UNKNOWN_DISTANCE_POINTS = 12
EARTH_KM = 6371.0


@dataclass
class Match:
    seeker_id: int
    opening_id: int
    score: int
    distance_km: float | None
    reasons: list[dict]
    # Filled for the page and the API.
    resident_id: int | None = None
    name: str = ""
    household_id: int | None = None
    household_no: str = ""
    title: str = ""
    employer: str = ""
    extra: dict = field(default_factory=dict)


def _distance_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Equirectangular distance: within a county or a prefecture (a few hundred km) it
    is within 0.5% of the great-circle distance, and it is cheap enough to compute in
    SQL for every seeker of a county (seekers_for_opening uses the same formula)."""
    lat1, lon1, lat2, lon2 = (np.asarray(a, dtype=float) for a in (lat1, lon1, lat2, lon2))
    x = np.radians(lon2 - lon1) * np.cos(np.radians(lat1))
    y = np.radians(lat2 - lat1)
    return EARTH_KM * np.sqrt(x * x + y * y)


def _codes(csv: str | None) -> set[str]:
    return {c for c in (csv or "").split(",") if c}


def _scores(
    *,
    matched: np.ndarray,
    required: np.ndarray,
    distance: np.ndarray,
    max_km: np.ndarray,
    language_ok: np.ndarray,
    type_ok: np.ndarray,
    wage_ok: np.ndarray,
) -> dict[str, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        skills = np.where(required > 0, SKILLS * matched / np.maximum(required, 1), SKILLS)
        reach = np.maximum(max_km, 1)
        dist = np.where(
            np.isnan(distance),
            UNKNOWN_DISTANCE_POINTS,
            DISTANCE * np.clip(1 - distance / reach, 0, 1),
        )
    language = np.where(language_ok, LANGUAGE, 0)
    prefs = np.where(type_ok, PREFERENCES / 2, 0) + np.where(wage_ok, PREFERENCES / 2, 0)
    # Half up, as FLOOR(x + 0.5) does in seekers_for_opening's SQL.
    parts = {
        "skills": np.floor(skills + 0.5),
        "distance": np.floor(dist + 0.5),
        "language": language.astype(float),
        "preferences": prefs,
    }
    parts["total"] = parts["skills"] + parts["distance"] + parts["language"] + parts["preferences"]
    return parts


def _reasons(i: int, parts: dict, facts: dict) -> list[dict]:
    """The parts of one score with the figures behind them (JSON-ready: kept on the
    proposal as shown, and rendered in the reader's language by reason_text)."""
    return [
        {
            "factor": "skills",
            "points": int(parts["skills"][i]),
            "max": SKILLS,
            "matched": int(facts["matched"][i]),
            "required": int(facts["required"][i]),
        },
        {
            "factor": "distance",
            "points": int(parts["distance"][i]),
            "max": DISTANCE,
            "km": None if np.isnan(facts["distance"][i]) else round(float(facts["distance"][i]), 1),
            "max_km": int(facts["max_km"][i]),
        },
        {
            "factor": "language",
            "points": int(parts["language"][i]),
            "max": LANGUAGE,
            "ok": bool(facts["language_ok"][i]),
            "languages": facts["opening_languages"][i],
        },
        {
            "factor": "preferences",
            "points": int(parts["preferences"][i]),
            "max": PREFERENCES,
            "type_ok": bool(facts["type_ok"][i]),
            "wage_ok": bool(facts["wage_ok"][i]),
            "wage": facts["wage"][i],
            "min_wage": facts["min_wage"][i],
        },
    ]


def reason_text(reason: dict) -> str:
    """One part of a score in words, in the active language."""
    factor = reason.get("factor")
    points = {"points": reason.get("points"), "max": reason.get("max")}
    if factor == "skills":
        if not reason.get("required"):
            return (
                _("Skills %(points)s/%(max)s: the opening asks for no particular skill.") % points
            )
        return _(
            "Skills %(points)s/%(max)s: has %(matched)s of the %(required)s skills required."
        ) % {
            **points,
            "matched": reason.get("matched"),
            "required": reason.get("required"),
        }
    if factor == "distance":
        if reason.get("km") is None:
            return _("Distance %(points)s/%(max)s: the distance is not known.") % points
        return _("Distance %(points)s/%(max)s: %(km)s km away; travels up to %(max_km)s km.") % {
            **points,
            "km": reason.get("km"),
            "max_km": reason.get("max_km"),
        }
    if factor == "language":
        if reason.get("ok"):
            return _("Language %(points)s/%(max)s: speaks a working language of the job.") % points
        return _("Language %(points)s/%(max)s: speaks none of %(languages)s.") % {
            **points,
            "languages": reason.get("languages"),
        }
    if factor == "preferences":
        kind = (
            _("wants this kind of work")
            if reason.get("type_ok")
            else _("wants another kind of work")
        )
        wage = (
            _("the wage %(wage)s meets their lowest %(min_wage)s")
            if reason.get("wage_ok")
            else _("the wage %(wage)s is below their lowest %(min_wage)s")
        ) % {"wage": reason.get("wage"), "min_wage": reason.get("min_wage")}
        return _("Preferences %(points)s/%(max)s: %(kind)s; %(wage)s.") % {
            **points,
            "kind": kind,
            "wage": wage,
        }
    return ""


def explain(reasons: list[dict]) -> list[str]:
    return [reason_text(r) for r in reasons]


# --- one opening against the seekers of an area ---------------------------------------


def _opening_point(opening: JobOpening) -> tuple[float, float]:
    lat = opening.latitude if opening.latitude is not None else opening.area.latitude
    lon = opening.longitude if opening.longitude is not None else opening.area.longitude
    return (np.nan if lat is None else lat), (np.nan if lon is None else lon)


def _like_any(column: str, codes) -> tuple[str, list]:
    """SQL true when the comma-separated `column` holds any of `codes`. The codes are
    fixed words none of which contains another (language codes, WorkType values), so a
    plain substring match is exact and spares building a string per row."""
    if not codes:
        return "1 = 1", []
    parts = [f"{column} LIKE %s" for _ in codes]
    return "(" + " OR ".join(parts) + ")", [f"%{c}%" for c in sorted(codes)]


def seekers_for_opening(
    opening: JobOpening, *, area: Area, today: dt.date | None = None, limit: int = 50
) -> list[Match]:
    """The seekers of `area` (already inside the caller's scope) ranked for `opening`.

    Scored and ranked in SQL (the same formulas as _scores, FLOOR(x + 0.5) for
    rounding), so that a county of 150,000 seekers sends back `limit` rows, not all of
    them; trigonometry is native on PostgreSQL and registered by Django on SQLite.
    """
    today = today or dt.date.today()
    skill_ids = sorted(int(s) for s in opening.skills.values_list("pk", flat=True))
    born_after, born_by = birth_date_bounds(today)
    low, high = subtree_range(area.path)
    seeker_t = JobSeeker._meta.db_table
    skill_t = JobSeekerSkill._meta.db_table
    params: list = []
    # Skills: bits of the mask for ids 1-62, a count of skill rows for the others.
    terms = [f"((s.skill_mask >> {int(k)}) & 1)" for k in skill_ids if k <= MASK_BITS]
    wide = [k for k in skill_ids if k > MASK_BITS]
    if wide:
        terms.append(
            f"(SELECT COUNT(*) FROM {skill_t} k WHERE k.seeker_id = s.id"
            f" AND k.skill_id IN ({', '.join(['%s'] * len(wide))}))"
        )
        params += wide
    matched = " + ".join(terms) if terms else "0"
    o_lat, o_lon = _opening_point(opening)
    if np.isnan(o_lat) or np.isnan(o_lon):
        km = "NULL"
    else:
        # NULL when the seeker has no coordinates: arithmetic on NULL stays NULL.
        km = "%s * SQRT((s.longitude - %s) * (s.longitude - %s) * %s + (s.latitude - %s) * (s.latitude - %s))"
        cos2 = float(np.cos(np.radians(o_lat)) ** 2)
        params += [EARTH_KM * np.pi / 180, o_lon, o_lon, cos2, o_lat, o_lat]
    language, language_params = _like_any("s.languages", _codes(opening.languages))
    params += language_params
    work_type, type_params = _like_any("s.work_types", {opening.work_type})
    params += type_params
    params += [str(opening.wage_monthly)]
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    required = len(skill_ids)
    # From the middle query's `matched` column: the skill terms (and the parameters of
    # a count beyond the bitmask) appear once in the SQL.
    skills_points = (
        f"FLOOR(CAST({SKILLS} AS DOUBLE PRECISION) * t.matched / {required} + 0.5)"
        if required
        else f"{SKILLS}"
    )
    inner = (
        f"SELECT s.id, {matched} AS matched, {km} AS km, s.min_wage, s.max_distance_km,"
        f" CASE WHEN {language} THEN {LANGUAGE} ELSE 0 END AS p_language,"
        f" CASE WHEN s.work_types = '' OR {work_type} THEN {PREFERENCES // 2} ELSE 0 END"
        " AS p_type,"
        f" CASE WHEN s.min_wage <= CAST(%s AS NUMERIC) THEN {PREFERENCES // 2} ELSE 0 END"
        " AS p_wage"
        f" FROM {seeker_t} s WHERE s.is_looking = %s AND s.area_path >= %s"
        " AND s.area_path < %s AND s.birth_date > %s AND s.birth_date <= %s"
    )
    params += [True, low, high, born_after, born_by]
    # Distance points: full at the door, none at or past the seeker's furthest distance
    # (FLOOR(x + 0.5) of a negative is <= 0), 12 when unknown.
    distance_points = (
        f"COALESCE({greatest}(FLOOR(CAST({DISTANCE} AS DOUBLE PRECISION)"
        f" * (1 - t.km / {greatest}(t.max_distance_km, 1)) + 0.5), 0),"
        f" {UNKNOWN_DISTANCE_POINTS})"
    )
    sql = (
        "SELECT u.id, u.matched, u.km, u.p_language, u.p_type, u.p_wage, u.min_wage,"
        " u.max_distance_km, u.p_skills, u.p_distance,"
        " u.p_skills + u.p_distance + u.p_language + u.p_type + u.p_wage AS total FROM ("
        f"SELECT t.*, {distance_points} AS p_distance, {skills_points} AS p_skills"
        f" FROM ({inner}) t) u"
        " ORDER BY total DESC, COALESCE(u.km, 1e9), u.id LIMIT %s"
    )
    params.append(int(limit))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    n = len(rows)
    distance = np.array([np.nan if r[2] is None else float(r[2]) for r in rows])
    parts = {
        "skills": np.array([float(r[8]) for r in rows]),
        "distance": np.array([float(r[9]) for r in rows]),
        "language": np.array([float(r[3]) for r in rows]),
        "preferences": np.array([float(r[4]) + float(r[5]) for r in rows]),
    }
    facts = {
        "matched": np.array([float(r[1]) for r in rows]),
        "required": np.full(n, float(required)),
        "distance": distance,
        "max_km": np.array([float(r[7]) for r in rows]),
        "language_ok": np.array([bool(r[3]) for r in rows]),
        "opening_languages": [opening.languages] * n,
        "type_ok": np.array([bool(r[4]) for r in rows]),
        "wage_ok": np.array([bool(r[5]) for r in rows]),
        "wage": [str(opening.wage_monthly)] * n,
        "min_wage": [str(Decimal(str(r[6])).quantize(Decimal("0.01"))) for r in rows],
    }
    matches = [
        Match(
            seeker_id=int(r[0]),
            opening_id=opening.pk,
            score=int(r[10]),
            distance_km=None if np.isnan(distance[i]) else round(float(distance[i]), 1),
            reasons=_reasons(i, parts, facts),
        )
        for i, r in enumerate(rows)
    ]
    _label_seekers(matches)
    return matches


def _label_seekers(matches: list[Match]) -> None:
    """Names and household numbers of the listed seekers: two queries for the page."""
    seekers = dict(
        JobSeeker.objects.filter(pk__in=[m.seeker_id for m in matches]).values_list(
            "pk", "resident_id"
        )
    )
    residents = {
        r.pk: r
        for r in Resident.objects.filter(pk__in=seekers.values()).only("name", "household_id")
    }
    numbers = dict(
        Household.objects.filter(pk__in=[r.household_id for r in residents.values()]).values_list(
            "pk", "household_no"
        )
    )
    for m in matches:
        resident = residents.get(seekers.get(m.seeker_id))
        if resident is not None:
            m.resident_id = resident.pk
            m.name = resident.name
            m.household_id = resident.household_id
            m.household_no = numbers.get(resident.household_id, "")


# --- one seeker against the open openings --------------------------------------------


def filled_posts(opening_ids) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        Placement.objects.filter(opening_id__in=opening_ids, status=PlacementStatus.ACTIVE)
        .values_list("opening_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def openings_for_seeker(
    seeker: JobSeeker, openings, *, today: dt.date | None = None, limit: int = 50
) -> list[Match]:
    """`openings` (a queryset already scoped by selectors) ranked for `seeker`; closed,
    past and full openings are left out."""
    today = today or dt.date.today()
    rows = list(
        openings.filter(status=OpeningStatus.OPEN, closes_on__gte=today)
        .select_related("employer", "area")
        .order_by("pk")
    )
    filled = filled_posts([o.pk for o in rows])
    rows = [o for o in rows if filled.get(o.pk, 0) < o.posts]
    if not rows:
        return []
    n = len(rows)
    required_by: dict[int, set[int]] = {o.pk: set() for o in rows}
    for opening_id, skill_id in JobOpening.skills.through.objects.filter(
        jobopening_id__in=required_by
    ).values_list("jobopening_id", "skill_id"):
        required_by[opening_id].add(skill_id)
    has = set(seeker.skill_rows.values_list("skill_id", flat=True))
    matched = np.array([len(required_by[o.pk] & has) for o in rows], dtype=float)
    required = np.array([len(required_by[o.pk]) for o in rows], dtype=float)
    points = [_opening_point(o) for o in rows]
    s_lat = np.nan if seeker.latitude is None else seeker.latitude
    s_lon = np.nan if seeker.longitude is None else seeker.longitude
    distance = _distance_km(s_lat, s_lon, [p[0] for p in points], [p[1] for p in points])
    speaks = _codes(seeker.languages)
    wants = _codes(seeker.work_types)
    min_wage = Decimal(seeker.min_wage)
    language_ok = np.array(
        [not _codes(o.languages) or bool(_codes(o.languages) & speaks) for o in rows]
    )
    type_ok = np.array([not wants or o.work_type in wants for o in rows])
    wage_ok = np.array([Decimal(o.wage_monthly) >= min_wage for o in rows])
    max_km = np.full(n, float(seeker.max_distance_km))
    parts = _scores(
        matched=matched,
        required=required,
        distance=distance,
        max_km=max_km,
        language_ok=language_ok,
        type_ok=type_ok,
        wage_ok=wage_ok,
    )
    ids = np.array([o.pk for o in rows], dtype=np.int64)
    order = np.lexsort((ids, np.nan_to_num(distance, nan=1e9), -parts["total"]))[:limit]
    facts = {
        "matched": matched,
        "required": required,
        "distance": distance,
        "max_km": max_km,
        "language_ok": language_ok,
        "opening_languages": [o.languages for o in rows],
        "type_ok": type_ok,
        "wage_ok": wage_ok,
        "wage": [str(o.wage_monthly) for o in rows],
        "min_wage": [str(min_wage)] * n,
    }
    return [
        Match(
            seeker_id=seeker.pk,
            opening_id=rows[i].pk,
            score=int(parts["total"][i]),
            distance_km=None if np.isnan(distance[i]) else round(float(distance[i]), 1),
            reasons=_reasons(int(i), parts, facts),
            title=rows[i].title,
            employer=rows[i].employer.name,
            extra={"posts_left": rows[i].posts - filled.get(rows[i].pk, 0)},
        )
        for i in order
    ]


def score_pair(opening: JobOpening, seeker: JobSeeker) -> Match:
    """The score of one pair, as the lists show it (for a proposal)."""
    required = set(opening.skills.values_list("pk", flat=True))
    has = set(seeker.skill_rows.values_list("skill_id", flat=True))
    o_lat, o_lon = _opening_point(opening)
    s_lat = np.nan if seeker.latitude is None else seeker.latitude
    s_lon = np.nan if seeker.longitude is None else seeker.longitude
    distance = _distance_km(o_lat, o_lon, [s_lat], [s_lon])
    wants = _codes(seeker.work_types)
    facts = {
        "matched": np.array([float(len(required & has))]),
        "required": np.array([float(len(required))]),
        "distance": distance,
        "max_km": np.array([float(seeker.max_distance_km)]),
        "language_ok": np.array(
            [
                not _codes(opening.languages)
                or bool(_codes(opening.languages) & _codes(seeker.languages))
            ]
        ),
        "opening_languages": [opening.languages],
        "type_ok": np.array([not wants or opening.work_type in wants]),
        "wage_ok": np.array([Decimal(opening.wage_monthly) >= Decimal(seeker.min_wage)]),
        "wage": [str(opening.wage_monthly)],
        "min_wage": [str(seeker.min_wage)],
    }
    parts = _scores(
        matched=facts["matched"],
        required=facts["required"],
        distance=distance,
        max_km=facts["max_km"],
        language_ok=facts["language_ok"],
        type_ok=facts["type_ok"],
        wage_ok=facts["wage_ok"],
    )
    return Match(
        seeker_id=seeker.pk,
        opening_id=opening.pk,
        score=int(parts["total"][0]),
        distance_km=None if np.isnan(distance[0]) else round(float(distance[0]), 1),
        reasons=_reasons(0, parts, facts),
    )


def skill_labels(ids) -> dict[int, str]:
    return {s.pk: str(s.label) for s in Skill.objects.filter(pk__in=list(ids))}


__all__ = [
    "Match",
    "WorkType",
    "explain",
    "openings_for_seeker",
    "reason_text",
    "score_pair",
    "seekers_for_opening",
]
