"""Work-team members to villages (CP-SAT): every village with stated development
needs gets between one and `team_max` members, each member goes to at most one
village, and the assignment covers the villages' needs as well as it can.

Objective, in this order of weight: needs covered (×100 × the need's priority), then
years of experience in the village's needed skills (capped at 10 a skill), then, as a
tie-break, a short distance from the member's base to the village. Each match is
explained by the needs it covers and the experience behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from doorstep.pairing.route import haversine_m

COVER_WEIGHT = 100
MAX_YEARS = 10
DENSE_LIMIT = 60_000  # member × village pairs; above it only pairs with a matching skill


@dataclass
class Village:
    id: int
    name: str
    needs: dict[str, int]  # need → priority 1–3
    lat: float | None = None
    lon: float | None = None


@dataclass
class Member:
    id: int
    name: str
    skills: dict[str, int]  # skill → years
    lat: float | None = None
    lon: float | None = None


@dataclass
class Match:
    member: Member
    village: Village
    covers: list[tuple[str, int, int]]  # (need, priority, years)
    distance_m: int | None


@dataclass
class TeamProposal:
    status: str  # "optimal", "feasible" (time limit), "infeasible"
    matches: list[Match] = field(default_factory=list)
    uncovered: dict[int, list[str]] = field(default_factory=dict)  # village → needs
    unassigned: list[Member] = field(default_factory=list)
    message: str = ""
    covered_weight: int = 0
    total_weight: int = 0


def _distance(m: Member, v: Village) -> int | None:
    if None in (m.lat, m.lon, v.lat, v.lon):
        return None
    return haversine_m((m.lat, m.lon), (v.lat, v.lon))


def propose(
    villages: list[Village], members: list[Member], *, team_max: int, time_limit_s: float = 10.0
) -> TeamProposal:
    if team_max < 1:
        raise ValueError("team_max must be at least 1")
    total = sum(p for v in villages for p in v.needs.values())
    if not villages:
        return TeamProposal(status="optimal", unassigned=list(members), total_weight=0)
    if len(members) < len(villages):
        return TeamProposal(
            status="infeasible",
            message="members_short",
            total_weight=total,
        )
    dense = len(members) * len(villages) <= DENSE_LIMIT
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for mi, m in enumerate(members):
        for vi, v in enumerate(villages):
            if dense or set(m.skills) & set(v.needs):
                x[mi, vi] = model.NewBoolVar(f"x{mi}_{vi}")
    by_member: dict[int, list] = {}
    by_village: dict[int, list] = {}
    for (mi, vi), var in x.items():
        by_member.setdefault(mi, []).append(var)
        by_village.setdefault(vi, []).append(var)
    for vars_ in by_member.values():
        model.Add(sum(vars_) <= 1)
    for vi in range(len(villages)):
        vars_ = by_village.get(vi, [])
        if not vars_:
            return TeamProposal(
                status="infeasible", message="village_unreachable", total_weight=total
            )
        model.Add(sum(vars_) >= 1)
        model.Add(sum(vars_) <= team_max)
    terms = []
    far = max(
        (d for (mi, vi) in x if (d := _distance(members[mi], villages[vi])) is not None),
        default=0,
    )
    for vi, v in enumerate(villages):
        for need, priority in v.needs.items():
            providers = [
                x[mi, vi] for mi, m in enumerate(members) if need in m.skills and (mi, vi) in x
            ]
            if not providers:
                continue
            covered = model.NewBoolVar(f"c{vi}_{need}")
            model.Add(covered <= sum(providers))
            terms.append(COVER_WEIGHT * 10 * priority * covered)
    for (mi, vi), var in x.items():
        m, v = members[mi], villages[vi]
        years = sum(min(m.skills.get(n, 0), MAX_YEARS) for n in v.needs)
        d = _distance(m, v)
        closeness = 0 if d is None or far == 0 else int(round(5 * (1 - d / far)))
        if years or closeness:
            terms.append((10 * years + closeness) * var)
    model.Maximize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return TeamProposal(status="infeasible", message="solver", total_weight=total)
    proposal = TeamProposal(
        status="optimal" if status == cp_model.OPTIMAL else "feasible", total_weight=total
    )
    assigned = set()
    covered_needs: dict[int, set[str]] = {vi: set() for vi in range(len(villages))}
    for (mi, vi), var in sorted(x.items()):
        if solver.Value(var):
            m, v = members[mi], villages[vi]
            assigned.add(mi)
            covers = sorted(
                ((n, p, m.skills[n]) for n, p in v.needs.items() if n in m.skills),
                key=lambda t: (-t[1], -t[2], t[0]),
            )
            covered_needs[vi].update(n for n, _p, _y in covers)
            proposal.matches.append(Match(m, v, covers, _distance(m, v)))
    for vi, v in enumerate(villages):
        missing = sorted(set(v.needs) - covered_needs[vi])
        if missing:
            proposal.uncovered[v.id] = missing
        proposal.covered_weight += sum(p for n, p in v.needs.items() if n in covered_needs[vi])
    proposal.unassigned = [m for mi, m in enumerate(members) if mi not in assigned]
    proposal.matches.sort(key=lambda t: (t.village.name, t.village.id, t.member.name))
    return proposal


def coverage(p: TeamProposal) -> float:
    return p.covered_weight / p.total_weight if p.total_weight else 1.0
