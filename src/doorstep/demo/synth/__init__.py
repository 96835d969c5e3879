"""A synthetic region: households, residents and staff, reproducible from a seed.

Used by `manage.py synth` (benchmarks at 1.69 million households), `manage.py demo`
and the import benchmark (CSV mode). Nothing here is real: names come from pools,
ID numbers are generated with valid check digits, coordinates are placed around
village points that are themselves generated where the area data has none.

Shape of the run:
  plan_region()        one VillagePlan per village: how many households and workers,
                       its point, its grids, its mix of naming traditions.
  village_households() a generator of HouseholdRecord for one village, seeded by
                       (seed, village code): same seed and areas, same households.
  synth_region()       writes plans to the database in chunks (core.bulk: COPY on
                       PostgreSQL) with bounded memory; synth_csv() writes the same
                       households in the import format instead.

Only what "Our line" (README.md) allows is generated: a name is a name, and a
language code only says which language to speak at the door.

The modules: `tables` (the fixed numbers, columns and records), `planning`, `people`,
`staff` and `writers`. Import from this package; the split is by responsibility only.
"""

from doorstep.demo.synth.people import IdNumbers, region_households, village_households
from doorstep.demo.synth.planning import plan_region
from doorstep.demo.synth.staff import leader_rows, worker_rows
from doorstep.demo.synth.tables import (
    CSV_COLUMNS,
    REFERENCE_DATE,
    Grid,
    HouseholdRecord,
    ResidentRecord,
    SynthError,
    SynthResult,
    VillagePlan,
)
from doorstep.demo.synth.writers import synth_csv, synth_region

__all__ = [
    "CSV_COLUMNS",
    "REFERENCE_DATE",
    "Grid",
    "HouseholdRecord",
    "IdNumbers",
    "ResidentRecord",
    "SynthError",
    "SynthResult",
    "VillagePlan",
    "leader_rows",
    "plan_region",
    "region_households",
    "synth_csv",
    "synth_region",
    "village_households",
    "worker_rows",
]
