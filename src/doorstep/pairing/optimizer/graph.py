"""Eligibility, independent components and the sparse candidate graph.

The candidate graph has, per household:
- arcs to its `k_nearest` nearest workers in every eligibility class that covers its
  cell, and to the `k_language` nearest who speak each of its languages; of these the
  `max_arcs` cheapest are kept;
- an arc to its current worker when that worker is still eligible (continuity);
- an *overflow* arc to each covering class's overflow node, which has an arc to
  every worker of the class. Its cost is pessimistic (distance to the class's centre
  plus the class's radius, plus every penalty), so it is never cheaper than the real
  pairing it stands for, and it makes the graph exactly as feasible as the complete
  bipartite graph under the hard constraints: the flow never leaves a household
  unserved because a nearest-k list happened to be full;
- an arc to "unserved" with a cost larger than any chain of re-pairings.

Components are the connected parts of the cell–class graph: nothing connects them, so
each is built and solved on its own (flow.py), on as many processes as asked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from doorstep.pairing.optimizer.problem import Params, Problem


def refine_by_county(problem: Problem) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(w_class, class_ptr, class_cells) with every class split per worker county,
    each part covering only the cells of that county (the same-county rule)."""
    base_n = int(problem.cell_county.max(initial=0)) + 2
    key = problem.w_class.astype(np.int64) * base_n + (problem.w_county.astype(np.int64) + 1)
    uniq, w_class = np.unique(key, return_inverse=True)
    rows: list[np.ndarray] = []
    for old, cty in zip((uniq // base_n).tolist(), (uniq % base_n - 1).tolist(), strict=True):
        cells = problem.class_cells[problem.class_ptr[old] : problem.class_ptr[old + 1]]
        rows.append(cells[problem.cell_county[cells] == cty] if cty >= 0 else cells[:0])
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    cells = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, np.int32)
    return w_class.astype(np.int32), ptr, cells


def lang_penalty(h_lang, w_lang, params: Params) -> np.ndarray:
    miss = (h_lang != 0) & ((h_lang & w_lang) == 0)
    return miss.astype(np.int64) * params.language_penalty


def skill_penalty(h_need, w_skill, params: Params) -> np.ndarray:
    miss = (h_need != 0) & ((h_need & w_skill) == 0)
    return miss.astype(np.int64) * params.skill_penalty


def twin_bonus(problem: Problem, params: Params, h, w) -> np.ndarray:
    """The twinning priority of each eligible pair: an unpaired household of a twinned
    village goes to the unit's officials first (their class covers its village)."""
    if problem.w_twin is None or not params.keep_twinned:
        return np.zeros(len(h), dtype=np.int64)
    first = problem.w_twin[w] & (problem.h_current[h] < 0)
    return first.astype(np.int64) * params.twin_bonus


def edge_costs(problem: Problem, params: Params, h, w, dist, *, priority=True) -> np.ndarray:
    """Distance (m) + language penalty + skills penalty − continuity bonus (− the
    twinning priority, which is part of what is minimised but no real cost: figures
    report costs without it)."""
    cost = np.rint(dist).astype(np.int64)
    cost += lang_penalty(problem.h_lang[h], problem.w_lang[w], params)
    cost += skill_penalty(problem.h_need[h], problem.w_skill[w], params)
    cost -= (problem.h_current[h] == w).astype(np.int64) * params.continuity_weight
    if priority:
        cost -= twin_bonus(problem, params, h, w)
    return cost


def kept_twinned(problem: Problem, el: Eligibility) -> np.ndarray:
    """(H,) bool: households paired today with an official of a unit twinned with
    their village, still eligible; kept as they are, within the official's capacity."""
    H = problem.n_households
    if problem.w_twin is None or H == 0:
        return np.zeros(H, dtype=bool)
    cur = problem.h_current.astype(np.int64)
    h = np.flatnonzero((cur >= 0) & ~el.h_no_location)
    h = h[problem.w_twin[cur[h]]]
    h = h[eligible(problem, el, h, cur[h])]
    # Never above capacity: the first households of each official (by index) stay.
    by = np.lexsort((h, cur[h]))
    h = h[by]
    w = cur[h]
    rank = np.arange(len(h)) - np.searchsorted(w, w, side="left")
    keep = np.zeros(H, dtype=bool)
    keep[h[rank < problem.w_cap[w]]] = True
    return keep


@dataclass
class Eligibility:
    """Who may serve whom, and the independent components (cheap: no distances)."""

    n_components: int
    w_class: np.ndarray  # (W,) class after refinement
    class_ptr: np.ndarray
    class_cells: np.ndarray
    live: np.ndarray  # (K,) class has a worker with capacity and a location
    w_ok: np.ndarray  # (W,) worker has capacity and a location
    h_comp: np.ndarray  # (H,) -1: not solved (no location or no class)
    w_comp: np.ndarray  # (W,) -1: nothing to serve
    class_comp: np.ndarray  # (K,)
    h_no_location: np.ndarray
    h_no_class: np.ndarray
    h_by_cell: np.ndarray  # households with a location, ordered by cell
    cell_ptr: np.ndarray
    w_by_class: np.ndarray  # usable workers ordered by class
    wc_ptr: np.ndarray
    pair_key: np.ndarray  # sorted class * C + cell of every live (class, cell)


def eligibility(problem: Problem, params: Params, exclude: np.ndarray | None = None) -> Eligibility:
    """`exclude`: households settled before solving (kept twinned pairings): in no
    component and with no reason."""
    problem.validate()
    C = problem.n_cells
    if params.same_county:
        w_class, cptr, ccells = refine_by_county(problem)
    else:
        w_class, cptr, ccells = problem.w_class, problem.class_ptr, problem.class_cells
    K = len(cptr) - 1
    has_location = np.isfinite(problem.h_xy).all(axis=1)
    settled = np.zeros(len(has_location), bool) if exclude is None else exclude
    w_ok = (problem.w_cap > 0) & np.isfinite(problem.w_xy).all(axis=1)
    class_cap = np.bincount(w_class[w_ok], weights=problem.w_cap[w_ok], minlength=K)
    live = class_cap > 0
    rows = np.repeat(np.arange(K), np.diff(cptr))
    keep = live[rows]
    # Cell–class graph: cells 0..C-1, classes C..C+K-1.
    adj = coo_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (C + rows[keep], ccells[keep])),
        shape=(C + K, C + K),
    )
    n_comp, labels = connected_components(adj, directed=False)
    covered = np.zeros(C, dtype=bool)
    covered[ccells[keep]] = True
    comp_of_cell = np.where(covered, labels[:C], -1)
    used = np.unique(comp_of_cell[comp_of_cell >= 0])
    remap = np.full(n_comp, -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    cell_comp = np.where(comp_of_cell >= 0, remap[np.maximum(comp_of_cell, 0)], -1)
    class_comp = np.where(live, remap[labels[C:]], -1).astype(np.int64)
    h_comp = np.where(has_location & ~settled, cell_comp[problem.h_cell], -1).astype(np.int64)
    w_comp = np.where(w_ok, class_comp[w_class], -1).astype(np.int64)

    order = np.argsort(problem.h_cell, kind="stable")
    order = order[has_location[order] & ~settled[order]]
    cell_ptr = np.zeros(C + 1, dtype=np.int64)
    np.cumsum(np.bincount(problem.h_cell[order], minlength=C), out=cell_ptr[1:])
    w_by_class = np.argsort(w_class, kind="stable")
    w_by_class = w_by_class[w_ok[w_by_class]]
    wc_ptr = np.zeros(K + 1, dtype=np.int64)
    np.cumsum(np.bincount(w_class[w_by_class], minlength=K), out=wc_ptr[1:])
    pair_key = np.sort(rows[keep].astype(np.int64) * C + ccells[keep])
    return Eligibility(
        n_components=len(used),
        w_class=w_class.astype(np.int64),
        class_ptr=cptr,
        class_cells=ccells,
        live=live,
        w_ok=w_ok,
        h_comp=h_comp,
        w_comp=w_comp,
        class_comp=class_comp,
        h_no_location=~has_location,
        h_no_class=has_location & ~settled & (cell_comp[problem.h_cell] < 0),
        h_by_cell=order,
        cell_ptr=cell_ptr,
        w_by_class=w_by_class,
        wc_ptr=wc_ptr,
        pair_key=pair_key,
    )


def eligible(problem: Problem, el: Eligibility, h: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Whether worker w[i] may serve household h[i] under the hard constraints."""
    C = problem.n_cells
    want = el.w_class[w] * C + problem.h_cell[h]
    if len(el.pair_key) == 0:
        return np.zeros(len(h), dtype=bool)
    pos = np.minimum(np.searchsorted(el.pair_key, want), len(el.pair_key) - 1)
    return (el.pair_key[pos] == want) & el.w_ok[w]


@dataclass
class Arcs:
    """The candidate graph of one component, in global indices."""

    households: np.ndarray  # every household of the component
    e_h: np.ndarray
    e_w: np.ndarray
    e_cost: np.ndarray  # int64
    e_dist: np.ndarray  # int64 metres
    o_h: np.ndarray
    o_c: np.ndarray
    o_cost: np.ndarray
    # Per household of `households`: within this distance the arcs hold every
    # eligible worker (inf: all of them), and the lower bound of its cheapest pairing.
    dk: np.ndarray
    bound: np.ndarray
    # Floors for workers off the lists, per (household, class): every such worker of
    # class x_c is at least x_d metres from household x_h (the Lagrangian bound).
    x_h: np.ndarray
    x_c: np.ndarray
    x_d: np.ndarray


def _bits(mask_array: np.ndarray) -> list[int]:
    present = int(np.bitwise_or.reduce(mask_array)) if len(mask_array) else 0
    return [b for b in range(32) if present >> b & 1]


def arcs_for(problem: Problem, params: Params, el: Eligibility, classes: np.ndarray) -> Arcs:
    """The candidate arcs of the households covered by `classes` (one component)."""
    H = problem.n_households
    eh: list[np.ndarray] = []
    ew: list[np.ndarray] = []
    ed: list[np.ndarray] = []
    oh: list[np.ndarray] = []
    oc: list[np.ndarray] = []
    ocost: list[np.ndarray] = []
    seen: list[np.ndarray] = []
    dk_parts: list[tuple[np.ndarray, np.ndarray]] = []
    x_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for c in classes.tolist():
        workers = el.w_by_class[el.wc_ptr[c] : el.wc_ptr[c + 1]]
        cells = el.class_cells[el.class_ptr[c] : el.class_ptr[c + 1]]
        if len(workers) == 0 or len(cells) == 0:
            continue
        parts = [el.h_by_cell[el.cell_ptr[v] : el.cell_ptr[v + 1]] for v in cells.tolist()]
        hh = np.concatenate(parts)
        if len(hh) == 0:
            continue
        seen.append(hh)
        wxy = problem.w_xy[workers]
        hxy = problem.h_xy[hh]
        k = min(params.k_nearest, len(workers))
        d, i = cKDTree(wxy).query(hxy, k=k)
        d = d.reshape(len(hh), k)
        i = i.reshape(len(hh), k)
        eh.append(np.repeat(hh, k))
        ew.append(workers[i.ravel()])
        ed.append(d.ravel())
        if len(workers) > k:
            # Any worker of this class off the list is at least this far away.
            dk = d[:, -1]
            dk_parts.append((hh, dk))
            # ... and one who speaks a language of the household at least as far as
            # the last speaker listed (inf: every speaker is listed).
            d_lang = np.full(len(hh), np.inf)
            if params.k_language > 0:
                for b in _bits(problem.h_lang[hh]):
                    bit = np.uint32(1 << b)
                    sel = (problem.h_lang[hh] & bit) != 0
                    hsel = hh[sel]
                    wsel = workers[(problem.w_lang[workers] & bit) != 0]
                    if len(hsel) == 0 or len(wsel) == 0:
                        continue
                    kl = min(params.k_language, len(wsel))
                    dl, il = cKDTree(problem.w_xy[wsel]).query(problem.h_xy[hsel], k=kl)
                    dl = dl.reshape(len(hsel), kl)
                    eh.append(np.repeat(hsel, kl))
                    ew.append(wsel[il.reshape(len(hsel), kl).ravel()])
                    ed.append(dl.ravel())
                    if len(wsel) > kl:
                        d_lang[sel] = np.minimum(d_lang[sel], dl[:, -1])
            else:
                d_lang[:] = dk
            # Floor of an off-list worker's cost: sharing a language, or paying for
            # not sharing one (households with no language pay nothing).
            speaks = problem.h_lang[hh] != 0
            floor = np.where(
                speaks,
                np.minimum(np.maximum(dk, d_lang), dk + params.language_penalty),
                dk,
            )
            x_parts.append((hh, np.full(len(hh), c, dtype=np.int64), floor))
        centre = wxy.mean(axis=0)
        radius = float(np.sqrt(((wxy - centre) ** 2).sum(axis=1)).max())
        pess = np.ceil(np.sqrt(((hxy - centre) ** 2).sum(axis=1)) + radius).astype(np.int64) + 1
        pess += (problem.h_lang[hh] != 0).astype(np.int64) * params.language_penalty
        pess += (problem.h_need[hh] != 0).astype(np.int64) * params.skill_penalty
        oh.append(hh)
        oc.append(np.full(len(hh), c, dtype=np.int64))
        ocost.append(pess)

    def cat(parts, dtype):
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    households = np.unique(cat(seen, np.int64))
    # Current workers who are still eligible.
    cur_h = households[problem.h_current[households] >= 0]
    cur_w = problem.h_current[cur_h].astype(np.int64)
    ok = eligible(problem, el, cur_h, cur_w)
    cur_h, cur_w = cur_h[ok], cur_w[ok]
    eh.append(cur_h)
    ew.append(cur_w)
    ed.append(np.sqrt(((problem.h_xy[cur_h] - problem.w_xy[cur_w]) ** 2).sum(axis=1)))

    e_h, e_w, e_d = cat(eh, np.int64), cat(ew, np.int64), cat(ed, np.float64)
    key, first = np.unique(e_h * max(problem.n_workers, 1) + e_w, return_index=True)
    e_h, e_w, e_d = e_h[first], e_w[first], e_d[first]
    e_cost = edge_costs(problem, params, e_h, e_w, e_d)

    dk_full = np.full(H, np.inf) if len(households) else np.zeros(0)
    for hh, dd in dk_parts:
        np.minimum.at(dk_full, hh, dd)
    # Keep each household's `max_arcs` cheapest arcs (and its current worker's);
    # what is dropped is no nearer than dk afterwards, so the bound and the greedy
    # baseline stay exact.
    if params.max_arcs and len(e_h):
        by = np.lexsort((e_cost, e_h))
        e_h, e_w, e_d, e_cost = e_h[by], e_w[by], e_d[by], e_cost[by]
        rank = np.arange(len(e_h)) - np.searchsorted(e_h, e_h, side="left")
        keep_arc = (rank < params.max_arcs) | (problem.h_current[e_h] == e_w)
        drop = ~keep_arc
        np.minimum.at(dk_full, e_h[drop], e_d[drop])
        x_parts.append((e_h[drop], el.w_class[e_w[drop]], e_cost[drop].astype(np.float64)))
        e_h, e_w, e_d, e_cost = e_h[keep_arc], e_w[keep_arc], e_d[keep_arc], e_cost[keep_arc]

    # Lower bound per household: its cheapest arc, or a worker off every list (at
    # least dk away, with no penalty and no continuity bonus), whichever is less.
    cheapest = np.full(H, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(cheapest, e_h, e_cost)
    dk = dk_full[households] if len(households) else np.zeros(0)
    off = np.full(len(dk), np.iinfo(np.int64).max, dtype=np.int64)
    finite = np.isfinite(dk)
    off[finite] = np.floor(dk[finite]).astype(np.int64)
    bound = np.minimum(cheapest[households], off)
    return Arcs(
        households=households,
        e_h=e_h,
        e_w=e_w,
        e_cost=e_cost,
        e_dist=np.rint(e_d).astype(np.int64),
        o_h=cat(oh, np.int64),
        o_c=cat(oc, np.int64),
        o_cost=cat(ocost, np.int64),
        dk=dk,
        bound=bound,
        x_h=cat([x[0] for x in x_parts], np.int64),
        x_c=cat([x[1] for x in x_parts], np.int64),
        x_d=cat([x[2] for x in x_parts], np.float64),
    )
