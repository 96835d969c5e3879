"""The visit route (a permutation, never longer than due order, optimal on small
cases) and the work-team assignment (coverage optimum by brute force, limits)."""

from __future__ import annotations

import itertools
import random

import pytest

from doorstep.pairing import route, teams


def brute_route(base, stops) -> int:
    return min(route.path_length(base, stops, p) for p in itertools.permutations(range(len(stops))))


@pytest.mark.parametrize("seed", range(8))
def test_route_is_a_permutation_no_longer_than_due_order_and_optimal_when_small(seed):
    r = random.Random(seed)
    base = (41.17, 80.26)
    stops = [
        (41.17 + r.uniform(-0.05, 0.05), 80.26 + r.uniform(-0.05, 0.05))
        for _ in range(r.randint(1, 7))
    ]
    result = route.shortest_route(base, stops, time_limit_s=1)
    assert sorted(result.order) == list(range(len(stops)))
    assert result.length_m == route.path_length(base, stops, result.order)
    assert result.length_m <= result.due_order_length_m
    assert result.length_m == brute_route(base, stops)


def test_route_falls_back_to_due_order_when_it_is_already_shortest():
    base = (41.0, 80.0)
    stops = [(41.01, 80.0), (41.02, 80.0), (41.03, 80.0)]
    result = route.shortest_route(base, stops)
    assert result.order == [0, 1, 2] and result.method == "due_order"


def brute_teams(villages, members, team_max) -> int:
    """Best covered priority weight over every assignment (member → village or none)."""
    best = -1
    for combo in itertools.product(range(-1, len(villages)), repeat=len(members)):
        sizes = [combo.count(v) for v in range(len(villages))]
        if min(sizes) < 1 or max(sizes) > team_max:
            continue
        covered = 0
        for vi, v in enumerate(villages):
            skills = {s for mi, m in enumerate(members) if combo[mi] == vi for s in m.skills}
            covered += sum(p for n, p in v.needs.items() if n in skills)
        best = max(best, covered)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_team_assignment_covers_needs_optimally(seed):
    r = random.Random(seed)
    needs = ["agriculture", "tourism", "health", "e_commerce", "infrastructure", "education"]
    villages = [
        teams.Village(i, f"v{i}", {n: r.randint(1, 3) for n in r.sample(needs, r.randint(1, 3))})
        for i in range(r.randint(1, 3))
    ]
    members = [
        teams.Member(i, f"m{i}", {n: r.randint(0, 12) for n in r.sample(needs, r.randint(1, 2))})
        for i in range(r.randint(len(villages), 5))
    ]
    p = teams.propose(villages, members, team_max=2)
    assert p.status == "optimal"
    sizes = {v.id: 0 for v in villages}
    for m in p.matches:
        sizes[m.village.id] += 1
    assert min(sizes.values()) >= 1 and max(sizes.values()) <= 2
    assert len({m.member.id for m in p.matches}) == len(p.matches)
    assert p.covered_weight == brute_teams(villages, members, 2)
    for m in p.matches:
        assert all(need in m.village.needs and need in m.member.skills for need, _p, _y in m.covers)


def test_team_assignment_reports_too_few_members():
    villages = [teams.Village(1, "a", {"health": 1}), teams.Village(2, "b", {"tourism": 2})]
    p = teams.propose(villages, [teams.Member(1, "m", {"health": 3})], team_max=3)
    assert p.status == "infeasible" and p.message == "members_short"
