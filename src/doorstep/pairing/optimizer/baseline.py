"""The yardstick beside the optimum: a greedy baseline on the optimizer's own costs,
and the figures (distance, language coverage, skills fit, changes) of any assignment."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from doorstep.pairing.optimizer import graph as graph_mod
from doorstep.pairing.optimizer.problem import Params, Problem

FALLBACK_K = 8


def _propose(a_h, a_w, a_c, pend, cap, out) -> None:
    """Rounds of proposals on arcs sorted by (household, cost): every pending
    household asks its cheapest worker with room; each worker takes the cheapest
    askers up to its room. Until nobody pending has a worker with room."""
    while True:
        ok = pend[a_h] & (cap[a_w] > 0)
        idx = np.flatnonzero(ok)
        if len(idx) == 0:
            return
        first = idx[np.r_[True, a_h[idx][1:] != a_h[idx][:-1]]]
        ph, pw, pc = a_h[first], a_w[first], a_c[first]
        by = np.lexsort((ph, pc, pw))
        ph, pw = ph[by], pw[by]
        rank = np.arange(len(pw)) - np.searchsorted(pw, pw, side="left")
        take = rank < cap[pw]
        out[ph[take]] = pw[take]
        pend[ph[take]] = False
        np.subtract.at(cap, pw[take], 1)


def greedy_component(
    problem: Problem,
    params: Params,
    el: graph_mod.Eligibility,
    classes: np.ndarray,
    hs: np.ndarray,
    e_h: np.ndarray,
    e_w: np.ndarray,
    e_cost: np.ndarray,
    cap: np.ndarray,
) -> np.ndarray:
    """The fair baseline: the cheapest available worker on the optimizer's own costs
    (distance, language, skills, continuity, twinning), vulnerable households first,
    nobody left unserved while an eligible worker has room. Vectorised in rounds of
    proposals over the candidate arcs; households whose candidates are all full then
    get their nearest workers with room in each covering class (KD-trees of those
    workers), and so on until nobody pending can be served. Returns a worker per
    household of `hs` (-1: none); `cap` (global, per worker) is decremented."""
    nh = len(hs)
    out = np.full(nh, -1, dtype=np.int64)
    a_h = np.searchsorted(hs, e_h)
    by = np.lexsort((e_cost, a_h))
    a_h, a_w, a_c = a_h[by], e_w[by].astype(np.int64), e_cost[by]
    members = {c: el.w_by_class[el.wc_ptr[c] : el.wc_ptr[c + 1]] for c in classes.tolist()}
    covered = {}
    for c in classes.tolist():
        cells = el.class_cells[el.class_ptr[c] : el.class_ptr[c + 1]]
        parts = [el.h_by_cell[el.cell_ptr[v] : el.cell_ptr[v + 1]] for v in cells.tolist()]
        hh = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        covered[c] = np.searchsorted(hs, hh)
    vulnerable = problem.h_vulnerable[hs]
    for tier in (vulnerable, ~vulnerable):
        pend = tier.copy()
        _propose(a_h, a_w, a_c, pend, cap, out)
        while pend.any():
            fh: list[np.ndarray] = []
            fw: list[np.ndarray] = []
            for c, ws in members.items():
                loc = covered[c][pend[covered[c]]]
                free = ws[cap[ws] > 0]
                if len(loc) == 0 or len(free) == 0:
                    continue
                k = min(FALLBACK_K, len(free))
                _d, i = cKDTree(problem.w_xy[free]).query(problem.h_xy[hs[loc]], k=k)
                fh.append(np.repeat(loc, k))
                fw.append(free[np.asarray(i).reshape(len(loc), k).ravel()])
            if not fh:
                break
            b_h, b_w = np.concatenate(fh), np.concatenate(fw)
            dist = np.sqrt(((problem.h_xy[hs[b_h]] - problem.w_xy[b_w]) ** 2).sum(axis=1))
            b_c = graph_mod.edge_costs(problem, params, hs[b_h], b_w, dist)
            by = np.lexsort((b_c, b_h))
            _propose(b_h[by], b_w[by], b_c[by], pend, cap, out)
    return out


def figures(problem: Problem, params: Params, assignment: np.ndarray) -> dict:
    """Served and unserved, total distance (m), language coverage, skills fit, cost
    (distance + penalties − continuity) and changes against h_current."""
    a = np.asarray(assignment, dtype=np.int64)
    served = a >= 0
    h = np.flatnonzero(served)
    w = a[served]
    dist = np.sqrt(((problem.h_xy[h] - problem.w_xy[w]) ** 2).sum(axis=1))
    with_lang = problem.h_lang[h] != 0
    shared = (problem.h_lang[h] & problem.w_lang[w]) != 0
    with_need = problem.h_need[h] != 0
    fit = (problem.h_need[h] & problem.w_skill[w]) != 0
    cost = graph_mod.edge_costs(problem, params, h, w, dist, priority=False)
    cur = problem.h_current
    all_lang = int((problem.h_lang != 0).sum())
    return {
        "households": int(problem.n_households),
        "served": int(served.sum()),
        "unserved": int((~served).sum()),
        "vulnerable_unserved": int((~served & problem.h_vulnerable).sum()),
        "distance_m": int(np.rint(dist).sum()),
        "mean_distance_m": round(float(dist.mean()), 1) if len(dist) else 0.0,
        "language_households": all_lang,
        "language_covered": int((with_lang & shared).sum()),
        # Of every household that states a language, the share served in it.
        "language_coverage": round(float((with_lang & shared).sum() / max(all_lang, 1)), 4),
        "need_households": int((problem.h_need != 0).sum()),
        "skills_fit": int((with_need & fit).sum()),
        "cost": int(cost.sum()),
        "kept": int((served & (a == cur)).sum()),
        "moved": int((served & (cur >= 0) & (a != cur)).sum()),
        "added": int((served & (cur < 0)).sum()),
        "ended": int((~served & (cur >= 0)).sum()),
    }


def twinning_figures(problem: Problem, assignment: np.ndarray, kept: np.ndarray | None) -> dict:
    """What the plan does in twinned villages (the pairing-relatives programme):
    pairings with the unit's officials kept, and where the villages' unpaired
    households go (to the unit's officials, or to others when they are full)."""
    if problem.w_twin is None or not problem.w_twin.any():
        return {}
    a = np.asarray(assignment, dtype=np.int64)
    twin_classes = np.unique(problem.w_class[problem.w_twin])
    cells = np.concatenate(
        [problem.class_cells[problem.class_ptr[c] : problem.class_ptr[c + 1]] for c in twin_classes]
    )
    in_twinned = np.zeros(problem.n_cells, dtype=bool)
    in_twinned[cells] = True
    unpaired = in_twinned[problem.h_cell] & (problem.h_current < 0)
    to_unit = unpaired & (a >= 0) & problem.w_twin[np.maximum(a, 0)]
    return {
        "kept": int(kept.sum()) if kept is not None else 0,
        "unpaired": int(unpaired.sum()),
        "to_unit": int(to_unit.sum()),
        "to_others": int((unpaired & (a >= 0) & ~to_unit).sum()),
        "unserved": int((unpaired & (a < 0)).sum()),
    }
