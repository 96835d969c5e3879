"""The optimizer against brute force on small problems with a known optimum, and the
hard constraints (capacity, twinning/area classes, same county) on larger ones."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from doorstep.pairing.optimizer import baseline, flow, graph, synthetic
from doorstep.pairing.optimizer.problem import (
    REASON_CAPACITY,
    REASON_NO_ELIGIBLE_WORKER,
    REASON_NO_LOCATION,
    Params,
    Problem,
)


def make_problem(
    h_xy,
    w_xy,
    *,
    caps,
    h_cell=None,
    w_class=None,
    classes=None,
    h_lang=None,
    w_lang=None,
    h_need=None,
    w_skill=None,
    current=None,
    vulnerable=None,
    cell_county=None,
    w_county=None,
) -> Problem:
    H, W = len(h_xy), len(w_xy)
    h_cell = np.zeros(H, np.int32) if h_cell is None else np.asarray(h_cell, np.int32)
    n_cells = int(h_cell.max()) + 1 if H else 1
    if classes is None:
        classes = [list(range(n_cells))]
    ptr = np.zeros(len(classes) + 1, np.int64)
    ptr[1:] = np.cumsum([len(c) for c in classes])
    return Problem(
        h_xy=np.asarray(h_xy, float).reshape(H, 2),
        h_cell=h_cell,
        h_lang=np.asarray(h_lang if h_lang is not None else [0] * H, np.uint32),
        h_need=np.asarray(h_need if h_need is not None else [0] * H, np.uint32),
        h_vulnerable=np.asarray(vulnerable if vulnerable is not None else [False] * H, bool),
        h_current=np.asarray(current if current is not None else [-1] * H, np.int32),
        w_xy=np.asarray(w_xy, float).reshape(W, 2),
        w_lang=np.asarray(w_lang if w_lang is not None else [0] * W, np.uint32),
        w_skill=np.asarray(w_skill if w_skill is not None else [0] * W, np.uint32),
        w_cap=np.asarray(caps, np.int32),
        w_class=np.asarray(w_class if w_class is not None else [0] * W, np.int32),
        w_county=np.asarray(w_county if w_county is not None else [0] * W, np.int32),
        cell_county=np.asarray(cell_county if cell_county is not None else [0] * n_cells, np.int32),
        class_ptr=ptr,
        class_cells=np.asarray([c for row in classes for c in row], np.int32),
    )


def brute_force(p: Problem, params: Params) -> tuple[int, int]:
    """(most households served, least cost among those) over every assignment."""
    H, W = p.n_households, p.n_workers
    allowed = []
    for h in range(H):
        opts = [-1]
        for w in range(W):
            cells = p.class_cells[p.class_ptr[p.w_class[w]] : p.class_ptr[p.w_class[w] + 1]]
            if p.h_cell[h] in cells and (
                not params.same_county or p.w_county[w] == p.cell_county[p.h_cell[h]]
            ):
                opts.append(w)
        allowed.append(opts)
    best = None
    for combo in itertools.product(*allowed):
        load = np.bincount([w for w in combo if w >= 0], minlength=W)
        if (load > p.w_cap).any():
            continue
        served = sum(w >= 0 for w in combo)
        hs = np.array([h for h, w in enumerate(combo) if w >= 0], dtype=np.int64)
        ws = np.array([w for w in combo if w >= 0], dtype=np.int64)
        dist = np.sqrt(((p.h_xy[hs] - p.w_xy[ws]) ** 2).sum(axis=1)) if len(hs) else np.zeros(0)
        cost = int(graph.edge_costs(p, params, hs, ws, dist).sum()) if len(hs) else 0
        key = (-served, cost)
        if best is None or key < best:
            best = key
    return -best[0], best[1]


def cost_of(p: Problem, params: Params, assignment) -> tuple[int, int]:
    f = baseline.figures(p, params, assignment)
    return f["served"], f["cost"]


def test_two_households_go_to_the_nearer_workers_within_capacity():
    p = make_problem([[0, 0], [10, 0]], [[1, 0], [9, 0]], caps=[1, 1])
    r = flow.solve(p, Params(processes=1))
    assert r.assignment.tolist() == [0, 1]


def test_capacity_pushes_the_cheaper_swap():
    # Both households are nearest to worker 0 (capacity 1): the optimum sends the one
    # that loses least to worker 1.
    p = make_problem([[0, 0], [3, 0]], [[1, 0], [100, 0]], caps=[1, 1])
    r = flow.solve(p, Params(processes=1))
    assert r.assignment.tolist() == [1, 0] or cost_of(p, Params(), r.assignment) == brute_force(
        p, Params()
    )
    assert cost_of(p, Params(), r.assignment) == brute_force(p, Params())


@pytest.mark.parametrize("seed", range(25))
def test_small_random_problems_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    H, W = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    n_cells = int(rng.integers(1, 3))
    classes = [
        sorted(set(rng.integers(0, n_cells, int(rng.integers(1, n_cells + 1))).tolist()))
        for _ in range(2)
    ]
    p = make_problem(
        rng.uniform(0, 5000, (H, 2)),
        rng.uniform(0, 5000, (W, 2)),
        caps=rng.integers(0, 3, W),
        h_cell=rng.integers(0, n_cells, H),
        w_class=rng.integers(0, 2, W),
        classes=classes,
        h_lang=rng.integers(0, 4, H),
        w_lang=rng.integers(0, 4, W),
        h_need=rng.integers(0, 3, H),
        w_skill=rng.integers(0, 3, W),
        current=rng.integers(-1, W, H),
    )
    # Complete candidate graph: the optimum must equal brute force exactly.
    params = Params(processes=1, k_nearest=10, max_arcs=0, continuity_weight=1500)
    r = flow.solve(p, params)
    assert cost_of(p, params, r.assignment) == brute_force(p, params)
    # A sparse starting graph (k=1, one arc each) grows by pricing until it is proved
    # optimal on the complete graph: the same optimum, certified with a 0 gap.
    sparse = Params(processes=1, k_nearest=1, k_language=0, max_arcs=1, continuity_weight=1500)
    result = flow.solve(p, sparse)
    served, cost = cost_of(p, sparse, result.assignment)
    best_served, best_cost = brute_force(p, sparse)
    assert (served, cost) == (best_served, best_cost)
    assert result.stats["certified"] and result.stats["gap"] == 0
    assert result.dual_bound == result.objective
    # The objective counts unserved households at their price, as the bound does.
    unserved = np.where(p.h_vulnerable, sparse.vulnerable_unserved_cost, sparse.unserved_cost)
    solvable = result.reason == "capacity"
    assert result.objective == best_cost + unserved[solvable].sum()
    assert result.bound[result.assignment >= 0].sum() <= best_cost


def test_a_units_staff_serve_only_twinned_villages():
    # Cell 0 is twinned with the unit (class 0), cell 1 is not: its household stays
    # unserved even though the unit's worker is next door and has room.
    p = make_problem(
        [[0, 0], [1, 0]], [[0, 1]], caps=[5], h_cell=[0, 1], w_class=[0], classes=[[0]]
    )
    r = flow.solve(p, Params(processes=1))
    assert r.assignment.tolist() == [0, -1]
    assert r.reason[1] == REASON_NO_ELIGIBLE_WORKER


def test_households_beyond_capacity_are_reported_with_the_reason_vulnerable_first():
    p = make_problem([[0, 0], [1, 0], [2, 0]], [[0, 0]], caps=[1], vulnerable=[False, False, True])
    r = flow.solve(p, Params(processes=1))
    assert r.assignment.tolist() == [-1, -1, 0]
    assert list(r.reason) == [REASON_CAPACITY, REASON_CAPACITY, ""]


def test_a_household_without_location_is_reported():
    p = make_problem([[np.nan, np.nan], [0, 0]], [[0, 0]], caps=[2])
    r = flow.solve(p, Params(processes=1))
    assert r.assignment.tolist() == [-1, 0]
    assert r.reason[0] == REASON_NO_LOCATION


def test_continuity_keeps_the_current_worker_unless_the_gain_is_larger():
    # Current worker 1 is 3 km away, worker 0 is 1 km away: a gain of 2 km.
    p = make_problem([[0, 0]], [[1000, 0], [3000, 0]], caps=[1, 1], current=[1])
    assert flow.solve(p, Params(processes=1, continuity_weight=2500)).assignment.tolist() == [1]
    assert flow.solve(p, Params(processes=1, continuity_weight=1500)).assignment.tolist() == [0]


def test_a_shared_language_outweighs_a_short_distance():
    p = make_problem([[0, 0]], [[100, 0], [2000, 0]], caps=[1, 1], h_lang=[2], w_lang=[1, 2])
    r = flow.solve(p, Params(processes=1, language_penalty=5000))
    assert r.assignment.tolist() == [1]


def test_same_county_rule():
    # The class covers both cells but cell 1 is in another county than the worker.
    p = make_problem(
        [[0, 0], [1, 0]],
        [[0, 0]],
        caps=[2],
        h_cell=[0, 1],
        classes=[[0, 1]],
        cell_county=[0, 1],
        w_county=[0],
    )
    assert flow.solve(p, Params(processes=1)).assignment.tolist() == [0, 0]
    r = flow.solve(p, Params(processes=1, same_county=True))
    assert r.assignment.tolist() == [0, -1]
    assert r.reason[1] == REASON_NO_ELIGIBLE_WORKER


def test_region_respects_capacity_and_eligibility_and_beats_greedy():
    p = synthetic.region(6000, 4000, seed=3)
    params = Params(processes=2)
    r = flow.solve(p, params)
    served = r.assignment >= 0
    load = np.bincount(r.assignment[served], minlength=p.n_workers)
    assert (load <= p.w_cap).all()
    el = graph.eligibility(p, params)
    assert graph.eligible(p, el, np.flatnonzero(served), r.assignment[served]).all()
    assert ((r.assignment >= 0) | (r.reason != "")).all()
    opt = baseline.figures(p, params, r.assignment)
    greedy = baseline.figures(p, params, r.greedy)
    assert opt["served"] >= greedy["served"]
    assert opt["cost"] <= greedy["cost"] or opt["served"] > greedy["served"]
    # Proved optimal on the complete graph; greedy on the same costs is no better.
    assert r.stats["certified"] and r.dual_bound == r.objective
    assert r.greedy_objective >= r.objective
    # Two processes give the same answer as one.
    single = flow.solve(p, Params(processes=1))
    assert cost_of(p, params, single.assignment) == cost_of(p, params, r.assignment)


def test_greedy_takes_the_cheapest_worker_with_room_on_the_same_costs():
    # Household 0 speaks language 2: worker 1 (who speaks it, 3 km) is cheaper than
    # worker 0 (0 km, no shared language): greedy reads the same costs as the optimum.
    p = make_problem(
        [[0, 0], [1, 0]], [[0, 0], [3000, 0]], caps=[1, 1], h_lang=[2, 0], w_lang=[1, 2]
    )
    params = Params(language_penalty=5000)
    el = graph.eligibility(p, params)
    out = baseline.greedy_component(
        p,
        params,
        el,
        np.array([0]),
        np.array([0, 1]),
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        np.zeros(0, np.int64),
        p.w_cap.astype(np.int64).copy(),
    )
    assert out.tolist() == [1, 0]


def test_a_round_limit_gives_a_certified_bound_not_a_claim_of_optimality():
    p = synthetic.region(3000, 2000, seed=5)
    exact = flow.solve(p, Params(processes=1, baseline=False))
    assert exact.stats["certified"]
    capped = flow.solve(
        p, Params(processes=1, baseline=False, k_nearest=1, k_language=0, max_arcs=1, max_rounds=1)
    )
    assert not capped.stats["certified"]
    # The bound from one round's prices is a true lower bound of the optimum, and the
    # plan's cost is above the optimum by at most the gap reported.
    assert capped.dual_bound <= exact.objective <= capped.objective
    scale = capped.objective - capped.stats["unserved_cost"]
    assert capped.objective - exact.objective <= capped.stats["gap"] * scale + 1
    assert (
        np.bincount(capped.assignment[capped.assignment >= 0], minlength=p.n_workers) <= p.w_cap
    ).all()


def _twinned_problem(current):
    # Cell 0 is a twinned village: class 0 its own staff (worker 0, next door), class 1
    # the twinned unit's officials (workers 1 and 2, 20 km away at the county seat).
    p = make_problem(
        [[0, 0], [10, 0], [20, 0]],
        [[0, 5], [20000, 0], [20000, 10]],
        caps=[3, 1, 1],
        w_class=[0, 1, 1],
        classes=[[0], [0]],
        current=current,
    )
    p.w_twin = np.array([False, True, True])
    return p


def test_twinned_pairings_are_kept_and_unpaired_households_go_to_the_unit_first():
    # Household 0 is paired with official 1 today; households 1 and 2 are unpaired.
    p = _twinned_problem([1, -1, -1])
    r = flow.solve(p, Params(processes=1))
    # Kept although the village worker is 20 km nearer; of the two unpaired, one goes
    # to the unit's remaining official, the other to the village worker (the unit is
    # then at capacity).
    assert r.assignment[0] == 1
    assert sorted(r.assignment[1:].tolist()) == [0, 2]
    assert r.kept_twinned.tolist() == [True, False, False]
    assert r.stats["certified"]
    f = baseline.twinning_figures(p, r.assignment, r.kept_twinned)
    assert f == {"kept": 1, "unpaired": 2, "to_unit": 1, "to_others": 1, "unserved": 0}
    # Without the programme's rule the village worker takes everyone.
    plain = flow.solve(p, Params(processes=1, keep_twinned=False))
    assert plain.assignment.tolist() == [0, 0, 0]


def test_households_paired_with_village_staff_are_not_moved_to_the_unit():
    p = _twinned_problem([0, 0, -1])
    r = flow.solve(p, Params(processes=1))
    assert r.assignment[:2].tolist() == [0, 0]
    assert r.assignment[2] in (1, 2)
