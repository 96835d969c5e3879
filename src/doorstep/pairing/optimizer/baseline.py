"""The yardsticks beside the optimum: a greedy baseline, a lower bound, and the
figures (distance, language coverage, skills fit, changes) of any assignment."""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from doorstep.pairing.optimizer import graph as graph_mod
from doorstep.pairing.optimizer.problem import Params, Problem

LOOKAHEAD = 16


class _ClassPool:
    """A class's workers who still have room, searched nearest first; the KD-tree is
    rebuilt when too many of its workers have filled up."""

    def __init__(self, problem: Problem, workers: np.ndarray, cap: np.ndarray) -> None:
        self.problem = problem
        self.cap = cap
        self._rebuild(workers)

    def _rebuild(self, workers: np.ndarray) -> None:
        self.workers = workers[self.cap[workers] > 0]
        self.tree = cKDTree(self.problem.w_xy[self.workers]) if len(self.workers) else None
        self.full = 0

    def nearest(self, xy: np.ndarray) -> tuple[int, float]:
        while self.tree is not None:
            n = len(self.workers)
            k = min(8, n)
            while True:
                d, i = self.tree.query(xy, k=k)
                d, i = np.atleast_1d(d), np.atleast_1d(i)
                free = self.cap[self.workers[i]] > 0
                if free.any():
                    j = int(np.argmax(free))
                    return int(self.workers[i[j]]), float(d[j])
                if k == n or k >= 64:
                    break
                k = min(k * 4, n)
            self._rebuild(self.workers)  # the near ones are full: drop every full one
        return -1, np.inf


def greedy_component(
    problem: Problem, el: graph_mod.Eligibility, arcs: graph_mod.Arcs, cap: np.ndarray
) -> np.ndarray:
    """Nearest available worker, household by household, vulnerable households first
    (what a careful person does by hand), for one component. Exact: each covering
    class's nearest `LOOKAHEAD` workers are looked up in one batch; when all of them
    are full, that class's KD-tree of workers with room is searched outward.
    Returns a worker per household of arcs.households (-1: none left); `cap` is
    decremented."""
    hs = arcs.households
    rows: dict[int, list[tuple[int, np.ndarray, np.ndarray]]] = {}
    pools: dict[int, _ClassPool] = {}
    members: dict[int, np.ndarray] = {}
    for c in np.unique(arcs.o_c).tolist():
        ws = el.w_by_class[el.wc_ptr[c] : el.wc_ptr[c + 1]]
        members[c] = ws
        hh = arcs.o_h[arcs.o_c == c]
        k = min(LOOKAHEAD, len(ws))
        d, i = cKDTree(problem.w_xy[ws]).query(problem.h_xy[hh], k=k)
        d = d.reshape(len(hh), k)
        w = ws[i.reshape(len(hh), k)]
        for li, dd, row in zip(np.searchsorted(hs, hh).tolist(), d, w, strict=True):
            rows.setdefault(li, []).append((c, dd, row))
    out = np.full(len(hs), -1, dtype=np.int64)
    order = np.lexsort((hs, ~problem.h_vulnerable[hs]))
    for li in order.tolist():
        chosen, best_d = -1, np.inf
        for c, dd, row in rows.get(li, ()):
            free = cap[row] > 0
            if free.any():
                j = int(free.argmax())
                if dd[j] < best_d:
                    chosen, best_d = int(row[j]), float(dd[j])
            elif len(row) < len(members[c]):
                if c not in pools:
                    pools[c] = _ClassPool(problem, members[c], cap)
                w, d = pools[c].nearest(problem.h_xy[hs[li]])
                if w >= 0 and d < best_d:
                    chosen, best_d = w, d
        if chosen >= 0:
            out[li] = chosen
            cap[chosen] -= 1
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
    cost = graph_mod.edge_costs(problem, params, h, w, dist)
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
