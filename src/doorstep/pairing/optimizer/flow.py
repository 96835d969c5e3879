"""The exact minimum-cost flow, one independent component at a time.

Network of a component: supply 1 on each household; arcs household → worker
(capacity 1, candidate cost), household → class overflow node (capacity 1,
pessimistic cost), class node → each of its workers and worker → sink (capacity: the
worker's capacity), household → sink ("unserved", capacity 1, a cost larger than
any chain of re-pairings; larger still for vulnerable households). The sink takes
every household's unit, so the network is always feasible; anything but OPTIMAL from
OR-Tools is raised, never returned as a partial answer.

Each component is built, solved, and measured against the greedy baseline and the
lower bound in the same process; components go to `params.processes` forked
processes, largest first, and come back as arrays.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment

from doorstep.pairing.optimizer import baseline
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
    objective: int
    arcs: int
    overflow_arcs: int
    overflow_used: int
    dual: int = 0  # Lagrangian lower bound of the served households' cost


# Set in the parent before forking; children read it copy-on-write.
_STATE: tuple | None = None


def _group(comp: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(comp, kind="stable")
    order = order[comp[order] >= 0]
    return order, np.searchsorted(comp[order], np.arange(n + 1))


def _solve_component(ci: int) -> _Part:
    problem, params, el, w_grp, c_grp = _STATE  # type: ignore[misc]
    classes = c_grp[0][c_grp[1][ci] : c_grp[1][ci + 1]]
    ws = w_grp[0][w_grp[1][ci] : w_grp[1][ci + 1]]
    arcs = graph_mod.arcs_for(problem, params, el, classes)
    hs = arcs.households
    nh, nw, nc = len(hs), len(ws), len(classes)
    sink = nh + nw + nc
    h_loc = np.searchsorted(hs, arcs.e_h)
    w_loc = np.searchsorted(ws, arcs.e_w)  # ws is sorted: _group keeps index order
    oh_loc = np.searchsorted(hs, arcs.o_h)
    oc_loc = np.searchsorted(classes, arcs.o_c)
    wc_loc = np.searchsorted(classes, el.w_class[ws])
    cap = problem.w_cap[ws].astype(np.int64)
    unserved = np.where(
        problem.h_vulnerable[hs], params.vulnerable_unserved_cost, params.unserved_cost
    ).astype(np.int64)
    n_e, n_o = len(arcs.e_h), len(arcs.o_h)

    def network(o_h_loc, o_c_loc, o_cost):
        tails = np.concatenate(
            [h_loc, o_h_loc, nh + nw + wc_loc, nh + np.arange(nw), np.arange(nh)]
        )
        heads = np.concatenate(
            [
                nh + w_loc,
                nh + nw + o_c_loc,
                nh + np.arange(nw),
                np.full(nw, sink),
                np.full(nh, sink),
            ]
        )
        caps = np.concatenate(
            [np.ones(n_e + len(o_h_loc), dtype=np.int64), cap, cap, np.ones(nh, np.int64)]
        )
        costs = np.concatenate([arcs.e_cost, o_cost, np.zeros(2 * nw, np.int64), unserved])
        smcf = min_cost_flow.SimpleMinCostFlow()
        ids = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        smcf.set_nodes_supplies(
            np.arange(sink + 1),
            np.concatenate([np.ones(nh, np.int64), np.zeros(nw + nc, np.int64), [-nh]]),
        )
        status = smcf.solve()
        if status != smcf.OPTIMAL:
            raise SolverError(f"component {ci}: min-cost flow status {status}")
        return smcf, ids

    smcf, ids = network(oh_loc, oc_loc, arcs.o_cost)
    flows = smcf.flows(ids)
    assign = np.full(nh, -1, dtype=np.int64)
    used = flows[:n_e] > 0
    assign[h_loc[used]] = arcs.e_w[used]
    # Overflow: pair the households sent through each class node with the workers
    # that node fed, at their real cost (never above the pessimistic arc's).
    over = flows[n_e : n_e + n_o] > 0
    if over.any():
        feed = flows[n_e + n_o : n_e + n_o + nw]
        for c in np.unique(arcs.o_c[over]).tolist():
            hh = arcs.o_h[over & (arcs.o_c == c)]
            members = (el.w_class[ws] == c) & (feed > 0)
            slots = np.repeat(ws[members], feed[members])
            assign[np.searchsorted(hs, hh)] = _match(problem, params, hh, slots)
    greedy = (
        baseline.greedy_component(problem, el, arcs, problem.w_cap.astype(np.int64).copy())
        if params.baseline
        else np.full(nh, -1, dtype=np.int64)
    )
    served = assign >= 0
    penalty = int(unserved[~served].sum())
    dual = 0
    if params.dual:
        # The relaxation: overflow arcs priced at a floor instead of pessimistically
        # (every worker of class c off household h's list is at least x_d away, with
        # no penalty and no continuity bonus; reaching a listed worker through it
        # costs no more than its arc). Every pairing of the complete eligible graph
        # is a flow here at no more than its real cost, so this optimum is a lower
        # bound of the complete graph's; with the same (least) unserved penalty,
        # minus that penalty it bounds the served households' cost.
        key = arcs.x_h * max(len(el.class_ptr), 1) + arcs.x_c
        key, inverse = np.unique(key, return_inverse=True)
        floor = np.full(len(key), np.inf)
        np.minimum.at(floor, inverse, arcs.x_d)
        x_h = key // max(len(el.class_ptr), 1)
        x_c = key % max(len(el.class_ptr), 1)
        relaxed, _ids = network(
            np.searchsorted(hs, x_h),
            np.searchsorted(classes, x_c),
            np.floor(floor).astype(np.int64),
        )
        dual = int(relaxed.optimal_cost())
    return _Part(
        households=hs,
        assign=assign,
        greedy=greedy,
        bound=arcs.bound,
        objective=int(smcf.optimal_cost()),
        dual=dual - penalty,
        arcs=n_e,
        overflow_arcs=n_o,
        overflow_used=int(over.sum()),
    )


def _match(problem: Problem, params: Params, hh: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """Workers for households `hh` from `slots` (a worker once per free place): the
    cheapest assignment when small, by position along the longer axis otherwise
    (still never above the pessimistic cost the objective counted)."""
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
    """The optimum on the candidate graph, with the greedy baseline and the bound.
    Raises SolverError rather than ever returning a partial answer."""
    global _STATE
    report = progress or (lambda done, total: None)
    t0 = time.perf_counter()
    el = graph_mod.eligibility(problem, params)
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
    objective = 0
    dual = 0
    for p in parts:
        dual += p.dual
        assignment[p.households] = p.assign
        greedy[p.households] = p.greedy
        bound[p.households] = p.bound
        objective += p.objective
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
        if not graph_mod.eligible(problem, el, served, assignment[served]).all():
            raise SolverError("a pairing breaks the twinning, area or county rule")
    return Result(
        assignment=assignment.astype(np.int32),
        reason=reason,
        objective=objective,
        stats={
            "seconds": round(t1 - t0, 3),
            "components": n,
            "largest_component": max(sizes, default=0),
            "candidate_arcs": sum(p.arcs for p in parts),
            "overflow_arcs": sum(p.overflow_arcs for p in parts),
            "overflow_used": sum(p.overflow_used for p in parts),
            "processes": processes,
        },
        greedy=greedy.astype(np.int32) if params.baseline else None,
        dual_bound=dual if params.dual else None,
        bound=bound,
    )
