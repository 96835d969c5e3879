"""The exact minimum-cost flow, one independent component at a time, certified on
the complete eligible graph.

Network of a component: supply 1 on each household; arcs household → worker
(capacity 1, candidate cost), worker → sink (the worker's capacity), household → sink
("unserved", capacity 1, a cost larger than any chain of re-pairings; larger still
for vulnerable households). The sink takes every household's unit, so the network is
always feasible; anything but OPTIMAL from OR-Tools is raised, never returned as a
partial answer. The candidate graph starts sparse (graph.arcs_for) and grows by
pricing (pricing.py): the pairs of the complete graph whose reduced cost under the
flow's dual prices is negative are added and the flow solved again, until there is
none (the optimum of the complete graph, certified: the dual bound equals the cost)
or `params.max_rounds` (the plan then carries the certified bound and the gap).

Each component is built, solved, priced and measured against the greedy baseline in
the same process; components go to `params.processes` forked processes, largest
first, and come back as arrays.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from doorstep.pairing.optimizer import baseline, pricing
from doorstep.pairing.optimizer import graph as graph_mod
from doorstep.pairing.optimizer.problem import (
    REASON_CAPACITY,
    REASON_NO_ELIGIBLE_WORKER,
    REASON_NO_LOCATION,
    Params,
    Problem,
    Result,
)


class SolverError(RuntimeError):
    """OR-Tools did not prove an optimum: the plan fails, loudly."""


@dataclass
class _Part:
    households: np.ndarray
    assign: np.ndarray
    greedy: np.ndarray
    bound: np.ndarray
    objective: int  # pairing costs + unserved costs of the component's optimum
    penalty: int  # of which unserved costs
    lower_bound: int  # of the complete eligible graph's optimum (pricing.py)
    greedy_objective: int
    arcs: int
    rounds: int
    arcs_added: int
    examined: int
    certified: bool


# Set in the parent before forking; children read it copy-on-write.
_STATE: tuple | None = None


def _group(comp: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(comp, kind="stable")
    order = order[comp[order] >= 0]
    return order, np.searchsorted(comp[order], np.arange(n + 1))


@dataclass
class _Net:
    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    costs: np.ndarray
    flows: np.ndarray
    objective: int


def _flow(ci, nh, nw, nc, h_loc, w_loc, cost, oh_loc, oc_loc, o_cost, wc_loc, cap, unserved):
    """The exact min-cost flow of the candidate graph. Nodes: households, workers,
    class overflow nodes, the sink. Arcs, in this order: candidate pairs, overflow
    (household → its class's node), class node → each of its workers, worker → sink,
    unserved."""
    sink = nh + nw + nc
    n_e, n_o = len(h_loc), len(oh_loc)
    tails = np.concatenate(
        [h_loc, oh_loc, nh + nw + wc_loc, nh + np.arange(nw), np.arange(nh)]
    ).astype(np.int64)
    heads = np.concatenate(
        [nh + w_loc, nh + nw + oc_loc, nh + np.arange(nw), np.full(nw, sink), np.full(nh, sink)]
    ).astype(np.int64)
    caps = np.concatenate([np.ones(n_e + n_o, np.int64), cap, cap, np.ones(nh, np.int64)])
    costs = np.concatenate([cost, o_cost, np.zeros(2 * nw, np.int64), unserved]).astype(np.int64)
    smcf = min_cost_flow.SimpleMinCostFlow()
    ids = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_nodes_supplies(
        np.arange(sink + 1),
        np.concatenate([np.ones(nh, np.int64), np.zeros(nw + nc, np.int64), [-nh]]),
    )
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise SolverError(f"component {ci}: min-cost flow status {status}")
    return _Net(tails, heads, caps, costs, smcf.flows(ids), int(smcf.optimal_cost()))


def _match(problem: Problem, params: Params, hh: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Workers for households `hh` sent through a class's overflow node, from `slots`
    (a worker once per place it fed): the cheapest assignment when small, by position
    along the longer axis otherwise (never above the pessimistic cost counted)."""
    if len(hh) * len(slots) <= 4_000_000:
        hi = np.repeat(hh, len(slots))
        wi = np.tile(slots, len(hh))
        dist = np.sqrt(((problem.h_xy[hi] - problem.w_xy[wi]) ** 2).sum(axis=1))
        cost = graph_mod.edge_costs(problem, params, hi, wi, dist).reshape(len(hh), len(slots))
        rows, cols = linear_sum_assignment(cost)
        out = np.empty(len(hh), dtype=np.int64)
        out[rows] = slots[cols]
        return out
    axis = int(np.ptp(problem.h_xy[hh], axis=0).argmax())
    out = np.empty(len(hh), dtype=np.int64)
    out[np.argsort(problem.h_xy[hh, axis])] = slots[np.argsort(problem.w_xy[slots, axis])]
    return out


def _solve_component(ci: int) -> _Part:
    """Solve on the candidate graph, price the complete graph with the flow's dual
    prices, add the pairs with a negative reduced cost, and again, until none is left
    (certified optimal) or the round limit (certified bound)."""
    problem, params, el, w_grp, c_grp = _STATE  # type: ignore[misc]
    classes = c_grp[0][c_grp[1][ci] : c_grp[1][ci + 1]]
    ws = w_grp[0][w_grp[1][ci] : w_grp[1][ci + 1]]  # sorted: _group keeps index order
    arcs = graph_mod.arcs_for(problem, params, el, classes)
    hs = arcs.households
    nh, nw = len(hs), len(ws)
    cap = problem.w_cap[ws].astype(np.int64)
    unserved = np.where(
        problem.h_vulnerable[hs], params.vulnerable_unserved_cost, params.unserved_cost
    ).astype(np.int64)
    W = max(problem.n_workers, 1)
    e_h, e_w, e_cost = arcs.e_h, arcs.e_w, arcs.e_cost
    # The greedy baseline first, on the initial arcs (it searches further by itself
    # when they are full): its pairings join the graph, so the first flow already
    # serves as many households as greedy does, and pricing starts near the optimum.
    greedy = baseline.greedy_component(
        problem, params, el, classes, hs, e_h, e_w, e_cost, problem.w_cap.astype(np.int64)
    )
    gs = greedy >= 0
    g_cost = graph_mod.edge_costs(
        problem,
        params,
        hs[gs],
        greedy[gs],
        np.sqrt(((problem.h_xy[hs[gs]] - problem.w_xy[greedy[gs]]) ** 2).sum(axis=1)),
    )
    greedy_objective = int(g_cost.sum() + unserved[~gs].sum())
    g_key = hs[gs] * W + greedy[gs]
    have = np.sort(e_h * W + e_w)
    pos = np.minimum(np.searchsorted(have, g_key), max(len(have) - 1, 0))
    extra = (have[pos] != g_key) if len(have) else np.ones(len(g_key), bool)
    e_h = np.concatenate([e_h, hs[gs][extra]])
    e_w = np.concatenate([e_w, greedy[gs][extra]])
    e_cost = np.concatenate([e_cost, g_cost[extra]])
    nc = len(classes)
    oh_loc = np.searchsorted(hs, arcs.o_h)
    oc_loc = np.searchsorted(classes, arcs.o_c)
    wc_loc = np.searchsorted(classes, el.w_class[ws])
    rounds = added = examined = 0
    while True:
        rounds += 1
        h_loc = np.searchsorted(hs, e_h)
        w_loc = np.searchsorted(ws, e_w)
        net = _flow(
            ci, nh, nw, nc, h_loc, w_loc, e_cost, oh_loc, oc_loc, arcs.o_cost, wc_loc, cap, unserved
        )
        objective = net.objective
        n_e, n_o = len(h_loc), len(oh_loc)
        used = net.flows[:n_e] > 0
        over = net.flows[n_e : n_e + n_o] > 0
        assign = np.full(nh, -1, dtype=np.int64)
        assign[h_loc[used]] = e_w[used]
        served = (assign >= 0) | np.isin(np.arange(nh), oh_loc[over])
        du = pricing.duals(nh, nw, net, unserved)
        key = np.sort(e_h * W + e_w)
        pr = pricing.price(
            problem, params, el, classes, hs, ws, du, key, per_household=params.price_per_household
        )
        examined += pr.examined
        # a*_h over the complete graph: the pairs priced above and every graph arc
        # (the current worker's arc may lie outside the search radius).
        alpha_star = pr.alpha_star
        np.minimum.at(alpha_star, h_loc, e_cost + du.lam[w_loc])
        alpha_star = np.minimum(alpha_star, unserved)
        lower_bound = int(np.floor(alpha_star.sum() - (cap * du.lam).sum() + 1e-6))
        if len(pr.h) == 0 or rounds >= params.max_rounds:
            break
        added += len(pr.h)
        e_h = np.concatenate([e_h, pr.h])
        e_w = np.concatenate([e_w, pr.w])
        e_cost = np.concatenate([e_cost, pr.cost])
    if over.any():
        # Only when the round limit stopped pricing: pair the households sent through
        # each class node with the workers it fed, at their real cost (never above
        # the pessimistic price the objective counted, so the gap stays an upper one).
        feed = net.flows[n_e + n_o : n_e + n_o + nw]
        for c in np.unique(arcs.o_c[over]).tolist():
            hh = arcs.o_h[over & (arcs.o_c == c)]
            members = (el.w_class[ws] == c) & (feed > 0)
            slots = np.repeat(ws[members], feed[members])
            assign[np.searchsorted(hs, hh)] = _match(problem, params, hh, slots)
        ok = assign >= 0
        objective = int(
            graph_mod.edge_costs(
                problem,
                params,
                hs[ok],
                assign[ok],
                np.sqrt(((problem.h_xy[hs[ok]] - problem.w_xy[assign[ok]]) ** 2).sum(axis=1)),
            ).sum()
            + unserved[~ok].sum()
        )
    certified = len(pr.h) == 0 and not over.any()
    served = assign >= 0
    if certified and lower_bound != objective:
        raise SolverError(
            f"component {ci}: dual prices do not match the flow ({lower_bound} != {objective})"
        )
    penalty = int(unserved[~served].sum())
    return _Part(
        households=hs,
        assign=assign,
        greedy=greedy if params.baseline else np.full(nh, -1, dtype=np.int64),
        bound=arcs.bound,
        objective=objective,
        penalty=penalty,
        lower_bound=min(lower_bound, objective),
        greedy_objective=greedy_objective if params.baseline else 0,
        arcs=len(e_h),
        rounds=rounds,
        arcs_added=added,
        examined=examined,
        certified=certified,
    )


def _batch(ids: list[int], conn, counter) -> None:
    try:
        parts = []
        for ci in ids:
            parts.append(_solve_component(ci))
            with counter.get_lock():
                counter.value += 1
        conn.send(("ok", parts))
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
        conn.send(("error", repr(exc)))
    finally:
        conn.close()


def _split(sizes: list[int], processes: int) -> list[list[int]]:
    bins: list[list[int]] = [[] for _ in range(processes)]
    load = [0] * processes
    for ci in sorted(range(len(sizes)), key=lambda c: -sizes[c]):
        b = load.index(min(load))
        bins[b].append(ci)
        load[b] += sizes[ci]
    return bins


ProgressFn = Callable[[int, int], None]


def solve(problem: Problem, params: Params, *, progress: ProgressFn | None = None) -> Result:
    """The optimum on the complete eligible graph (certified by dual prices, or the
    certified bound when the round limit stops the pricing first), with the greedy
    baseline on the same costs. Raises SolverError rather than ever returning a
    partial answer."""
    global _STATE
    report = progress or (lambda done, total: None)
    t0 = time.perf_counter()
    original = problem
    el = el0 = graph_mod.eligibility(problem, params)
    keep = graph_mod.kept_twinned(problem, el) if params.keep_twinned else None
    if keep is not None and keep.any():
        # Kept twinned pairings are settled first; their officials have that much
        # less room for the rest.
        held = np.bincount(problem.h_current[keep], minlength=problem.n_workers)
        problem = replace(problem, w_cap=(problem.w_cap - held).astype(np.int32))
        el = graph_mod.eligibility(problem, params, exclude=keep)
    n = el.n_components
    w_grp = _group(el.w_comp, n)
    c_grp = _group(el.class_comp, n)
    h_grp = _group(el.h_comp, n)
    sizes = np.diff(h_grp[1]).tolist()
    H = problem.n_households
    assignment = np.full(H, -1, dtype=np.int64)
    greedy = np.full(H, -1, dtype=np.int64)
    bound = np.zeros(H, dtype=np.int64)
    parts: list[_Part] = []
    _STATE = (problem, params, el, w_grp, c_grp)
    processes = max(1, min(params.processes, n))
    try:
        if processes == 1:
            for ci in range(n):
                parts.append(_solve_component(ci))
                report(ci + 1, n)
        else:
            ctx = mp.get_context("fork")
            counter = ctx.Value("i", 0)
            jobs = []
            for ids in _split(sizes, processes):
                receive, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_batch, args=(ids, send, counter), daemon=True)
                proc.start()
                send.close()
                jobs.append((proc, receive))
            while jobs:
                for proc, conn in list(jobs):
                    if conn.poll(0.2):
                        kind, payload = conn.recv()
                        proc.join()
                        jobs.remove((proc, conn))
                        if kind != "ok":
                            raise SolverError(payload)
                        parts.extend(payload)
                    elif not proc.is_alive() and not conn.poll():
                        raise SolverError(f"a solver process ended with code {proc.exitcode}")
                report(counter.value, n)
    finally:
        _STATE = None
    objective = lower = penalty = greedy_objective = 0
    for p in parts:
        assignment[p.households] = p.assign
        greedy[p.households] = p.greedy
        bound[p.households] = p.bound
        objective += p.objective
        lower += p.lower_bound
        penalty += p.penalty
        greedy_objective += p.greedy_objective
    kept = keep if keep is not None else np.zeros(H, dtype=bool)
    if kept.any():
        assignment[kept] = problem.h_current[kept]
        greedy[kept] = problem.h_current[kept]
        kept_cost = int(
            graph_mod.edge_costs(
                problem,
                params,
                np.flatnonzero(kept),
                problem.h_current[kept],
                np.sqrt(
                    ((problem.h_xy[kept] - problem.w_xy[problem.h_current[kept]]) ** 2).sum(axis=1)
                ),
            ).sum()
        )
        objective += kept_cost
        lower += kept_cost
        greedy_objective += kept_cost
    problem = original
    t1 = time.perf_counter()

    reason = np.full(H, "", dtype=object)
    reason[el.h_no_location] = REASON_NO_LOCATION
    reason[el.h_no_class] = REASON_NO_ELIGIBLE_WORKER
    reason[(assignment < 0) & (el.h_comp >= 0)] = REASON_CAPACITY
    # Never a silent partial answer: every household is served or has a reason, and
    # nobody is over capacity or outside the hard constraints.
    if ((assignment < 0) & (reason == "")).any():
        raise SolverError("a household was left without a worker and without a reason")
    served = np.flatnonzero(assignment >= 0)
    if len(served):
        load = np.bincount(assignment[served], minlength=problem.n_workers)
        if (load > problem.w_cap).any():
            raise SolverError("a worker's capacity was exceeded")
        if not graph_mod.eligible(problem, el0, served, assignment[served]).all():
            raise SolverError("a pairing breaks the twinning, area or county rule")
    certified = all(p.certified for p in parts)
    return Result(
        assignment=assignment.astype(np.int32),
        reason=reason,
        objective=objective,
        stats={
            "seconds": round(t1 - t0, 3),
            "components": n,
            "largest_component": max(sizes, default=0),
            "candidate_arcs": sum(p.arcs for p in parts),
            "arcs_added": sum(p.arcs_added for p in parts),
            "pairs_priced": sum(p.examined for p in parts),
            "rounds": max((p.rounds for p in parts), default=0),
            "processes": processes,
            "certified": certified,
            "objective": objective,
            "lower_bound": lower,
            "unserved_cost": penalty,
            # Of the plan's pairing cost (unserved costs left out of the divisor, so
            # the share is not hidden behind them): 0 when certified optimal.
            "gap": gap(objective, lower, objective - penalty),
            "kept_twinned": int(kept.sum()),
        },
        greedy=greedy.astype(np.int32) if params.baseline else None,
        dual_bound=lower,
        greedy_objective=greedy_objective if params.baseline else None,
        bound=bound,
        kept_twinned=kept,
    )


def gap(value: int, lower: int, scale: int) -> float:
    """(value − lower bound) as a share of `scale` (the plan's pairing cost)."""
    return round(max(value - lower, 0) / max(abs(scale), 1), 6)
