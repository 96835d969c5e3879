"""What the optimizer is given and what it answers, as NumPy arrays.

Households live in *cells* (their village or grid). Workers belong to one
*eligibility class*: a unit's staff share the class of their unit (the unit's twinned
villages), other staff share the class of their area (its whole subtree). A class
covers a set of cells; a worker may serve exactly the households of the cells their
class covers (casework.services.pairings.ineligible_households says the same, row by
row). With the same-county rule a class is split per county (graph.refine_by_county).

Distances are planar, in metres, in a sinusoidal projection centred on the problem
(`project`): within a county the error is well under 1%, and one metric for the
candidate search, the costs and the bound keeps the bound honest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EARTH_RADIUS_M = 6_371_000.0

# Unserved reasons (stored on PlanChange.reason; the pages translate them).
REASON_NO_LOCATION = "no_location"
REASON_NO_ELIGIBLE_WORKER = "no_eligible_worker"
REASON_CAPACITY = "capacity"


def project(lat: np.ndarray, lon: np.ndarray, *, lat0: float, lon0: float) -> np.ndarray:
    """(n, 2) planar coordinates in metres (sinusoidal projection around lon0)."""
    lat_r = np.radians(np.asarray(lat, dtype=np.float64))
    lon_r = np.radians(np.asarray(lon, dtype=np.float64) - lon0)
    x = EARTH_RADIUS_M * lon_r * np.cos(lat_r)
    y = EARTH_RADIUS_M * (lat_r - np.radians(lat0))
    return np.column_stack([x, y])


@dataclass(frozen=True)
class Params:
    """The user's choices. Penalties and the continuity weight are in metres of travel:
    "a worker who shares no language costs as much as 5 km more travel"."""

    continuity_weight: int = 2_000
    language_penalty: int = 5_000
    skill_penalty: int = 1_000
    same_county: bool = False
    k_nearest: int = 5
    k_language: int = 2
    max_arcs: int = 12  # per household, cheapest first (0: keep every candidate arc)
    # Leaving a household unserved must cost more than any chain of re-pairings that
    # would serve it; vulnerable households are served first.
    # 100,000 km of travel: far above any real chain, and small enough that OR-Tools'
    # cost scaling has few phases (10**10 was a third slower).
    unserved_cost: int = 10**8
    vulnerable_unserved_cost: int = 2 * 10**8
    # Twinning (the pairing-relatives programme): pairings of a twinned unit's
    # officials with its villages' households are kept, and a twinned village's
    # unpaired households go to the unit's officials first, capacity permitting: each
    # such pair costs this much less (1,000 km: above any distance within a county,
    # far below the unserved cost, so serving everyone still comes first).
    keep_twinned: bool = True
    twin_bonus: int = 1_000_000
    processes: int = 2
    baseline: bool = True  # also run the greedy baseline on the same costs
    dual: bool = True  # kept for callers; the certificate is always computed
    # Pricing (optimizer/pricing.py): rounds of adding the pairs with a negative
    # reduced cost before the plan settles for a certified bound instead of 0 %.
    max_rounds: int = 40
    price_per_household: int = 16

    def __post_init__(self) -> None:
        if self.k_nearest < 1:
            raise ValueError("k_nearest must be at least 1")


@dataclass
class Problem:
    """Households (h_*), workers (w_*), cells and eligibility classes.

    Masks: languages and skills are bit sets (bit i = the i-th code); `h_need` holds
    the skills that fit the household's open needs (0: no open need, no penalty).
    `w_cap` is what each worker may still take in this problem (capacity minus the
    pairings they hold outside it). `h_current` is the index of the current worker, or
    -1 (also when the current worker is not part of the problem).
    """

    h_xy: np.ndarray  # (H, 2) float64, metres; NaN when the household has no location
    h_cell: np.ndarray  # (H,) int32
    h_lang: np.ndarray  # (H,) uint32
    h_need: np.ndarray  # (H,) uint32
    h_vulnerable: np.ndarray  # (H,) bool
    h_current: np.ndarray  # (H,) int32
    w_xy: np.ndarray  # (W, 2) float64
    w_lang: np.ndarray  # (W,) uint32
    w_skill: np.ndarray  # (W,) uint32
    w_cap: np.ndarray  # (W,) int32
    w_class: np.ndarray  # (W,) int32
    w_county: np.ndarray  # (W,) int32, -1 unknown
    cell_county: np.ndarray  # (C,) int32
    class_ptr: np.ndarray  # (K+1,) int64: CSR rows of the cells each class covers
    class_cells: np.ndarray  # (nnz,) int32
    # (W,) bool: the worker is an official of a twinned unit (their class is a unit's).
    w_twin: np.ndarray | None = None

    @property
    def n_households(self) -> int:
        return len(self.h_cell)

    @property
    def n_workers(self) -> int:
        return len(self.w_class)

    @property
    def n_cells(self) -> int:
        return len(self.cell_county)

    @property
    def n_classes(self) -> int:
        return len(self.class_ptr) - 1

    def validate(self) -> None:
        H, W = self.n_households, self.n_workers
        for name, arr, n in (
            ("h_xy", self.h_xy, H),
            ("h_lang", self.h_lang, H),
            ("h_need", self.h_need, H),
            ("h_vulnerable", self.h_vulnerable, H),
            ("h_current", self.h_current, H),
            ("w_xy", self.w_xy, W),
            ("w_lang", self.w_lang, W),
            ("w_skill", self.w_skill, W),
            ("w_cap", self.w_cap, W),
            ("w_county", self.w_county, W),
            ("w_twin", self.w_twin if self.w_twin is not None else np.zeros(W, bool), W),
        ):
            if len(arr) != n:
                raise ValueError(f"{name} has {len(arr)} rows, expected {n}")
        if H and (self.h_cell.min() < 0 or self.h_cell.max() >= self.n_cells):
            raise ValueError("h_cell out of range")
        if W and (self.w_class.min() < 0 or self.w_class.max() >= self.n_classes):
            raise ValueError("w_class out of range")
        if (self.w_cap < 0).any():
            raise ValueError("negative capacity")
        if H and self.h_current.max() >= W:
            raise ValueError("h_current out of range")


@dataclass
class Result:
    """The optimizer's answer: a worker index per household, or -1 with a reason."""

    assignment: np.ndarray  # (H,) int32
    reason: np.ndarray  # (H,) object: "" when served, else a REASON_* code
    objective: int = 0  # the flow's cost on the candidate graph (unserved arcs included)
    stats: dict = field(default_factory=dict)  # JSON-ready: timings and sizes
    greedy: np.ndarray | None = None  # the greedy baseline's worker per household
    bound: np.ndarray | None = None  # per household, a lower bound of its pairing's cost
    # A lower bound of the complete eligible graph's optimum (same objective as
    # `objective`: pairing costs plus the unserved households' cost), from the dual
    # prices (optimizer/pricing.py); equal to `objective` when certified optimal.
    dual_bound: int | None = None
    greedy_objective: int | None = None
    kept_twinned: np.ndarray | None = None  # (H,) bool: a twinned pairing kept as it is
