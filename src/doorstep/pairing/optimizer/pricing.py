"""Certifying the optimum on the complete eligible graph: dual prices and pricing.

The flow of one component is a transportation problem: every household h takes one
unit, either through an arc to an eligible worker w (cost c_hw) or unserved (cost
u_h); worker w takes at most cap_w. Its LP dual: household prices a_h and worker
prices l_w >= 0 with a_h <= c_hw + l_w for every eligible pair and a_h <= u_h. For
*any* l >= 0, setting a*_h = min(u_h, min over every eligible w of c_hw + l_w) gives
a feasible dual of the complete graph, so

    LB(l) = sum_h a*_h - sum_w cap_w * l_w

is a lower bound of the complete graph's optimum (weak duality). The candidate graph's
optimal flow comes with prices that make it tight (complementary slackness); a pair
outside the graph is useless when c_hw + l_w >= a_h (its reduced cost is not
negative). `duals` computes those prices from the optimal flow, `price` finds the
pairs of the complete graph that violate them with a KD-tree search bounded by the
prices (only workers with distance + l_w < a_h can violate, since c_hw >= distance
for every worker but the current one, which is always in the graph; searched as a
ball in (x, y, l) space), and flow.py adds
them and solves again until none is left: then LB equals the flow's cost and the plan
is certified optimal on the complete graph. If a round limit stops it first, the
plan carries the bound LB(l) and the gap, never a claim of optimality.

OR-Tools' SimpleMinCostFlow does not expose its node potentials, so they are
recomputed here: shortest-path distances from the sink in the residual graph of the
optimal flow (no negative cycle exists at an optimum), by a vectorised Bellman–Ford
that stops when nothing changes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from doorstep.pairing.optimizer import graph as graph_mod
from doorstep.pairing.optimizer.problem import Params, Problem


class DualError(RuntimeError):
    """The residual graph had a negative cycle: the flow was not optimal."""


def shortest_from(n: int, source: int, tail, head, cost, *, max_passes: int = 100_000):
    """Distances from `source` over arcs (tail, head, cost), costs possibly negative,
    by Bellman–Ford passes over every arc at once until no distance improves."""
    order = np.argsort(head, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order].astype(np.float64)
    starts = np.flatnonzero(np.r_[True, head[1:] != head[:-1]]) if len(head) else head[:0]
    heads = head[starts]
    d = np.full(n, np.inf)
    d[source] = 0.0
    for _ in range(max_passes):
        cand = d[tail] + cost
        best = np.minimum.reduceat(cand, starts) if len(starts) else cand
        better = best < d[heads]
        if not better.any():
            return d
        d[heads[better]] = best[better]
    raise DualError("Bellman–Ford did not settle: the flow is not optimal")


@dataclass
class Duals:
    alpha: np.ndarray  # per household of the component (float64)
    lam: np.ndarray  # per worker of the component, >= 0


def duals(nh: int, nw: int, net, unserved_cost: np.ndarray) -> Duals:
    """Optimal dual prices of the candidate graph's optimal flow `net` (flow._Net:
    households are nodes 0..nh-1, workers nh..nh+nw-1, the sink the last node).

    Residual arcs: every arc below its capacity (its cost) and every arc with flow,
    reversed (minus its cost). With d the distances from the sink, a_h = min(u_h, −d_h)
    and l_w = max(0, −d_w) satisfy every dual constraint of the graph and are tight
    on the flow (no negative cycle exists at an optimum).
    """
    fwd = net.flows < net.caps
    back = net.flows > 0
    n = int(max(net.tails.max(initial=0), net.heads.max(initial=0))) + 1
    d = shortest_from(
        n,
        n - 1,
        np.concatenate([net.tails[fwd], net.heads[back]]),
        np.concatenate([net.heads[fwd], net.tails[back]]),
        np.concatenate([net.costs[fwd], -net.costs[back]]).astype(np.float64),
    )
    alpha = np.minimum(unserved_cost.astype(np.float64), -d[:nh])
    lam = np.maximum(0.0, -d[nh : nh + nw])
    lam[~np.isfinite(lam)] = 0.0
    return Duals(alpha=alpha, lam=lam)


@dataclass
class Priced:
    """Pairs of the complete graph with a negative reduced cost, and the households'
    prices over the complete graph (a*_h above)."""

    h: np.ndarray  # global household indices
    w: np.ndarray  # global worker indices
    cost: np.ndarray  # their arc costs
    dist: np.ndarray
    alpha_star: np.ndarray  # per household of the component
    examined: int  # pairs whose reduced cost was computed


def _flatten(lists) -> tuple[np.ndarray, np.ndarray]:
    lens = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(lens.sum()))
    return np.repeat(np.arange(len(lists)), lens), flat


def price(
    problem: Problem,
    params: Params,
    el: graph_mod.Eligibility,
    classes: np.ndarray,
    hs: np.ndarray,
    ws: np.ndarray,
    du: Duals,
    in_graph: np.ndarray,
    *,
    per_household: int,
) -> Priced:
    """Every eligible pair (h, w) of the component with c_hw + l_w < a_h that is not
    in the graph (`in_graph`: sorted keys h * W + w), the `per_household` most
    negative of each household kept, and a*_h over the complete graph."""
    W = max(problem.n_workers, 1)
    alpha_star = du.alpha.copy()
    found_h: list[np.ndarray] = []
    found_w: list[np.ndarray] = []
    found_c: list[np.ndarray] = []
    found_d: list[np.ndarray] = []
    examined = 0
    lam_of = np.zeros(problem.n_workers)
    lam_of[ws] = du.lam
    for c in classes.tolist():
        workers = el.w_by_class[el.wc_ptr[c] : el.wc_ptr[c + 1]]
        cells = el.class_cells[el.class_ptr[c] : el.class_ptr[c + 1]]
        if len(workers) == 0 or len(cells) == 0:
            continue
        hh = np.concatenate([el.h_by_cell[el.cell_ptr[v] : el.cell_ptr[v + 1]] for v in cells])
        if len(hh) == 0:
            continue
        loc = np.searchsorted(hs, hh)
        # c_hw + l_w < a_h needs distance + l_w < a_h + bonus (c_hw >= distance − the
        # twinning bonus for every worker but the current one, always in the graph),
        # and sqrt(distance² + l_w²) <= distance + l_w: a ball of that radius around
        # (x_h, y_h, 0) among the workers at (x_w, y_w, l_w) holds every candidate
        # (both sides less the class's least price).
        bonus = graph_mod.twin_bonus(problem, params, hh, np.full(len(hh), workers[0]))
        low = lam_of[workers].min()  # prices are measured from the class's least
        radius = du.alpha[loc] + bonus - low
        ask = radius > 0
        if not ask.any():
            continue
        tree = cKDTree(np.column_stack([problem.w_xy[workers], lam_of[workers] - low]))
        hq = np.column_stack([problem.h_xy[hh[ask]], np.zeros(int(ask.sum()))])
        lists = tree.query_ball_point(hq, radius[ask], return_sorted=False)
        i_h, i_w = _flatten(lists)
        if len(i_h) == 0:
            continue
        ph = hh[ask][i_h]
        pw = workers[i_w]
        examined += len(ph)
        dist = np.sqrt(((problem.h_xy[ph] - problem.w_xy[pw]) ** 2).sum(axis=1))
        cost = graph_mod.edge_costs(problem, params, ph, pw, dist)
        red = cost + lam_of[pw]
        pl = np.searchsorted(hs, ph)
        np.minimum.at(alpha_star, pl, red)
        viol = red < du.alpha[pl] - 0.5
        if not viol.any():
            continue
        key = ph[viol] * W + pw[viol]
        pos = np.minimum(np.searchsorted(in_graph, key), max(len(in_graph) - 1, 0))
        new = (in_graph[pos] != key) if len(in_graph) else np.ones(len(key), bool)
        sel = np.flatnonzero(viol)[new]
        found_h.append(ph[sel])
        found_w.append(pw[sel])
        found_c.append(cost[sel])
        found_d.append(dist[sel])
    if not found_h:
        z = np.zeros(0, np.int64)
        return Priced(z, z, z, np.zeros(0), alpha_star, examined)
    h = np.concatenate(found_h)
    w = np.concatenate(found_w)
    cost = np.concatenate(found_c)
    dist = np.concatenate(found_d)
    key, first = np.unique(h * W + w, return_index=True)
    h, w, cost, dist = h[first], w[first], cost[first], dist[first]
    # The most violating first, at most `per_household` per household per round.
    red = cost + lam_of[w]
    by = np.lexsort((red, h))
    h, w, cost, dist = h[by], w[by], cost[by], dist[by]
    rank = np.arange(len(h)) - np.searchsorted(h, h, side="left")
    keep = rank < per_household
    return Priced(h[keep], w[keep], cost[keep], dist[keep], alpha_star, examined)
