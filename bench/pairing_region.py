"""Pairing optimizer at regional scale: the optimum on the candidate graph, the greedy
nearest-available baseline and the lower bound, side by side (docs/benchmarks.md,
"Pairing optimizer").

The region is generated in NumPy (doorstep.pairing.optimizer.synthetic): villages in
counties, village staff, units twinned with villages of their county, county-wide
staff, three languages, open needs, today's pairings. Run:

    .venv/bin/python bench/pairing_region.py --households 1690000 --workers 1120000

One pass times what a plan costs: the optimum certified on the complete eligible
graph by dual prices (pricing rounds until no excluded pair has a negative reduced
cost), with the greedy baseline on the same costs (--no-greedy leaves it out).
Objectives are pairing costs (distance + penalties − continuity − twinning priority)
plus the unserved households' cost, the same for both; the table shows them less the
optimum's unserved cost, and each one's excess over the lower bound as a share of the
optimum's pairing cost. Peak memory: the parent's and the largest solver process's
maximum resident set (the two solver processes run at once, so the machine's peak is
at most parent + 2 × child).
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
    params = Params(processes=args.processes, baseline=not args.no_greedy)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    last = [0]

    def progress(done: int, total: int) -> None:
        if done != last[0]:
            last[0] = done
            print(
                f"  {done}/{total} parts at {time.perf_counter() - t:.0f} s, "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )

    r = flow.solve(p, params, progress=progress)
    wall = time.perf_counter() - t
    cpu1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime for a, b in zip(cpu0, cpu1, strict=True)
    )
    s = r.stats
    print(
        f"optimizer + pricing + greedy: {wall:.1f} s wall, {cpu:.1f} s CPU, stats {s}", flush=True
    )
    print(
        f"peak RSS: parent {mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)} MiB, "
        f"largest solver process {mib(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)} MiB"
    )
    print(f"load after: {os.getloadavg()}", flush=True)
    lower = s["lower_bound"]
    scale = s["objective"] - s["unserved_cost"]  # the optimum's pairing cost
    rows = [("today", baseline.figures(p, params, p.h_current), None)]
    rows.append(("optimum", baseline.figures(p, params, r.assignment), s["objective"]))
    if r.greedy is not None:
        rows.append(("greedy", baseline.figures(p, params, r.greedy), r.greedy_objective))
    print()
    print(
        "| assignment | served | unserved (vulnerable) | total distance (km) | mean (m) | "
        "language coverage | skills fit | pairing cost (km) | objective (km) | "
        "above the lower bound |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    unserved_cost = s["unserved_cost"]
    for name, f, obj in rows:
        above = "" if obj is None else f"{flow.gap(obj, lower, scale):.2%}"
        shown = "" if obj is None else f"{(obj - unserved_cost) / 1000:,.0f}"
        print(
            f"| {name} | {f['served']:,} | {f['unserved']:,} ({f['vulnerable_unserved']:,}) | "
            f"{f['distance_m'] / 1000:,.0f} | {f['mean_distance_m']:,.0f} | "
            f"{f['language_coverage']:.3f} | {f['skills_fit']:,}/{f['need_households']:,} | "
            f"{f['cost'] / 1000:,.0f} | {shown} | {above} |"
        )
    print(
        f"| lower bound (dual prices, complete eligible graph) | | | | | | | | "
        f"{(lower - s['unserved_cost']) / 1000:,.0f} | certified: {s['certified']} |"
    )
    print(f"load at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
