"""Pairing optimizer at regional scale: the optimum on the candidate graph, the greedy
nearest-available baseline and the lower bound, side by side (docs/benchmarks.md,
"Pairing optimizer").

The region is generated in NumPy (doorstep.pairing.optimizer.synthetic): villages in
counties, village staff, units twinned with villages of their county, county-wide
staff, three languages, open needs, today's pairings. Run:

    .venv/bin/python bench/pairing_region.py --households 1690000 --workers 1120000

Pass 1 times the optimizer alone (what a plan costs); pass 2 adds, in the same
components, the greedy baseline and the relaxation's lower bound (a second flow in
which overflow arcs cost a floor instead of a pessimistic price). Peak memory: the parent's and the largest
solver process's maximum resident set (the two solver processes run at once, so the
machine's peak is at most parent + 2 × child).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from doorstep.pairing.optimizer import baseline, flow, synthetic  # noqa: E402
from doorstep.pairing.optimizer.problem import Params  # noqa: E402


def mib(kib: int) -> int:
    return kib // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_690_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--capacity", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-greedy", action="store_true")
    args = parser.parse_args()
    workers = args.workers or int(args.households * 1.12 / 1.69)
    print(f"load before: {os.getloadavg()}", flush=True)
    t = time.perf_counter()
    p = synthetic.region(args.households, workers, seed=args.seed, capacity=args.capacity)
    print(
        f"region: {p.n_households} households, {p.n_workers} workers, "
        f"{p.n_cells} villages, {p.n_classes} classes ({time.perf_counter() - t:.1f} s)"
    )
    params = Params(processes=args.processes, baseline=False, dual=False)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = flow.solve(p, params)
    wall = time.perf_counter() - t
    cpu1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime for a, b in zip(cpu0, cpu1, strict=True)
    )
    opt = baseline.figures(p, params, r.assignment)
    served = r.assignment >= 0
    simple_bound = int(r.bound[served].sum())
    bound = None
    print(f"optimizer: {wall:.1f} s wall, {cpu:.1f} s CPU, stats {r.stats}", flush=True)
    print(
        f"peak RSS: parent {mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)} MiB, "
        f"largest solver process {mib(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)} MiB"
    )
    print(f"load after optimizer: {os.getloadavg()}", flush=True)
    rows = [("today", baseline.figures(p, params, p.h_current)), ("optimum", opt)]
    if not args.no_greedy:
        t = time.perf_counter()
        g = flow.solve(p, Params(processes=args.processes, baseline=True, dual=True))
        print(f"pass 2 (optimum + greedy + relaxation bound): {time.perf_counter() - t:.1f} s")
        rows.append(("greedy", baseline.figures(p, params, g.greedy)))
        bound = g.dual_bound
    bound = bound if bound is not None else simple_bound
    print()
    print(
        "| assignment | served | unserved (vulnerable) | total distance (km) | mean (m) | "
        "language coverage | skills fit | cost (m) | gap to bound |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, f in rows:
        gap = (f["cost"] - bound) / bound if bound and name != "today" else None
        print(
            f"| {name} | {f['served']:,} | {f['unserved']:,} ({f['vulnerable_unserved']:,}) | "
            f"{f['distance_m'] / 1000:,.0f} | {f['mean_distance_m']:,.0f} | "
            f"{f['language_coverage']:.3f} | {f['skills_fit']:,}/{f['need_households']:,} | "
            f"{f['cost'] / 1000:,.0f} k | {'' if gap is None else f'{gap:.1%}'} |"
        )
    print(f"| lower bound (relaxation) | | | | | | | {bound / 1000:,.0f} k | |")
    print(f"| each household's cheapest arc | | | | | | | {simple_bound / 1000:,.0f} k | |")
    print(f"load at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
