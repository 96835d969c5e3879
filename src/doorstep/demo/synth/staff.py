"""Staff: the village workers and the team leaders of a planned region."""

from __future__ import annotations

import random
from collections.abc import Iterator

from doorstep.accounts.models import Role
from doorstep.demo.synth.people import _mobile, _Namer
from doorstep.demo.synth.tables import STAFF_SKILLS, UNUSABLE_PASSWORD, VillagePlan

# --- staff ------------------------------------------------------------------------


def _staff_person(r: random.Random, plan: VillagePlan) -> tuple[str, str, str]:
    """(first_name, last_name, languages) of a staff member posted to `plan`'s village."""
    if plan.xinjiang and r.random() < plan.uyghur_share * 0.7:
        namer = _Namer(r, "ug")
        sex = "M" if r.random() < 0.6 else "F"
        return namer.full(namer.given(sex), namer.given("M")), "", "ug,zh"
    namer = _Namer(r, "han")
    sex = "M" if r.random() < 0.6 else "F"
    languages = "zh,ug" if plan.xinjiang and r.random() < 0.35 else "zh"
    if plan.xinjiang and r.random() < 0.02:
        languages += ",kk"
    return namer.given(sex), namer.surname(), languages


def _staff_skills(r: random.Random) -> str:
    return ",".join(sorted(r.sample(STAFF_SKILLS, 1 + (r.random() < 0.4))))


def worker_rows(
    plans: list[VillagePlan], *, seed: int, first_number: int, now: str
) -> Iterator[tuple]:
    """USER_FIELDS rows of the workers: w0000001… in plan order."""
    number = first_number
    for plan in plans:
        if plan.workers <= 0:
            continue
        r = random.Random(f"{seed}:w:{plan.code}")
        for _ in range(plan.workers):
            first, last, languages = _staff_person(r, plan)
            lat = round(plan.latitude + r.gauss(0, 0.01), 6)
            lon = round(plan.longitude + r.gauss(0, 0.013), 6)
            yield (
                UNUSABLE_PASSWORD,
                None,
                False,
                f"w{number:07d}",
                first,
                last,
                "",
                False,
                True,
                now,
                Role.WORKER.value,
                plan.area_id,
                _mobile(r),
                languages,
                _staff_skills(r),
                lat,
                lon,
            )
            number += 1


def leader_rows(
    plans: list[VillagePlan], *, seed: int, now: str, existing: set[str]
) -> list[tuple]:
    """A team leader per township and a supervisor per county that has households."""
    rows = []
    seen: set[str] = set()
    for plan in plans:
        if plan.households <= 0:
            continue
        for role, area_id, prefix in (
            (Role.TEAM_LEADER, plan.township_id, "tl"),
            (Role.SUPERVISOR, plan.county_id, "sv"),
        ):
            if area_id is None:
                continue
            username = f"{prefix}{area_id:06d}"
            if username in seen or username in existing:
                continue
            seen.add(username)
            r = random.Random(f"{seed}:{username}")
            first, last, languages = _staff_person(r, plan)
            rows.append(
                (
                    UNUSABLE_PASSWORD,
                    None,
                    False,
                    username,
                    first,
                    last,
                    "",
                    False,
                    True,
                    now,
                    role.value,
                    area_id,
                    _mobile(r),
                    languages,
                    _staff_skills(r),
                    plan.latitude,
                    plan.longitude,
                )
            )
    return rows
