"""Writing an import: a real run checks the file in a reader thread while this thread
writes each finished batch through core.bulk (allocate_ids, then COPY on PostgreSQL)
inside one transaction; `import_households` is the entry point for both kinds of run."""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from doorstep.core.bulk import allocate_ids, analyze, bulk_insert
from doorstep.privacy.models import AuditAction
from doorstep.privacy.services import audit_record
from doorstep.registry.bulk_columns import HOUSEHOLD_COPY_FIELDS, RESIDENT_COPY_FIELDS
from doorstep.registry.importing.checks import _Abort, _Checks, _Household
from doorstep.registry.importing.reader import map_header, open_rows
from doorstep.registry.importing.spec import (
    M_CONFLICTED,
    M_NO_ROWS,
    ImportFileError,
    ImportReport,
)
from doorstep.registry.models import Household, HouseholdVulnerability, Resident
from doorstep.registry.search_keys import name_search_key


class _Run(_Checks):
    def run(self, path: str) -> ImportReport:
        header, rows, self.total = open_rows(path)
        positions, self.labels = map_header(header)
        if self.dry_run:
            rows_seen = self.parse(rows, positions)
        else:
            rows_seen = self.parse_beside_writing(rows, positions)
        self.report.rows = rows_seen
        if rows_seen == 0:
            raise ImportFileError(_(str(M_NO_ROWS)), row=2)
        if self.dry_run:
            self.id_duplicates()
        if self.progress:
            self.progress(rows_seen, rows_seen)
        return self.report

    def parse_beside_writing(self, rows, positions: list[int]) -> int:
        """A real run reads and checks the file in a second thread while this one writes
        the previous batch: COPY waits on PostgreSQL with the GIL released, so parsing
        and the database's work overlap instead of taking turns. Only this thread
        touches the database; the reader hands over finished batches (at most two
        waiting, so memory stays bounded) and any exception it meets."""
        handoff: queue.Queue = queue.Queue(maxsize=2)
        self.handoff = handoff
        self.stopped = threading.Event()
        result: list[int] = []

        def read() -> None:
            try:
                result.append(self.parse(rows, positions))
                self.hand_off(None)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the writing thread
                if not self.stopped.is_set():
                    handoff.put(exc)
            finally:
                rows.close()

        reader = threading.Thread(target=read, name="import-reader", daemon=True)
        reader.start()
        try:
            while True:
                item = handoff.get()
                if item is None:
                    break
                if isinstance(item, BaseException):
                    raise item
                self.batch_finish(item)
        finally:
            self.stopped.set()
            reader.join()
        return result[0]

    def hand_off(self, batch: list[_Household] | None) -> None:
        while True:
            if self.stopped.is_set():
                raise _Abort
            try:
                self.handoff.put(batch, timeout=0.2)
                return
            except queue.Full:
                continue

    def write(self, batch: list[_Household]) -> None:
        # Every problem raised _Abort already, so each household here is valid.
        ids = allocate_ids(Household, len(batch))
        now = self.now
        bulk_insert(
            Household,
            HOUSEHOLD_COPY_FIELDS,
            (
                (
                    pk,
                    h.household_no,
                    h.area_id,
                    h.area_path,
                    h.address,
                    h.latitude,
                    h.longitude,
                    h.phone,
                    h.languages,
                    h.income,
                    now,
                    now,
                    1,
                )
                for pk, h in zip(ids, batch, strict=True)
            ),
        )
        # Residents' ids are drawn here so that a person's category can name its resident.
        resident_ids = iter(allocate_ids(Resident, sum(len(h.residents) for h in batch)))
        member_ids = [[next(resident_ids) for _r in h.residents] for h in batch]
        bulk_insert(
            Resident,
            ["id", *RESIDENT_COPY_FIELDS],
            (
                (
                    rid,
                    pk,
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    "",
                    "",
                    name_search_key(r[1]),
                    now,
                    now,
                )
                for pk, h, members in zip(ids, batch, member_ids, strict=True)
                for rid, r in zip(members, h.residents, strict=True)
            ),
        )
        bulk_insert(
            HouseholdVulnerability,
            ["household", "resident", "category"],
            (
                *(
                    (pk, None, category)
                    for pk, h in zip(ids, batch, strict=True)
                    for category in h.vulnerabilities
                ),
                *(
                    (pk, members[index], category)
                    for pk, h, members in zip(ids, batch, member_ids, strict=True)
                    for index, category in h.person_vulnerabilities
                ),
            ),
        )
        # Other apps' columns (importing.extra), in the same transaction.
        by_extra: dict = {}
        for pk, h in zip(ids, batch, strict=True):
            for extra, value in h.extra_values:
                by_extra.setdefault(extra, []).append((pk, value))
        for extra, rows in by_extra.items():
            extra.write(rows, self.user)


def import_households(
    path: str,
    *,
    user=None,
    dry_run: bool,
    channel: str,
    progress: Callable[[int, int], None] | None = None,
    source_name: str = "",
) -> ImportReport:
    """Validate (dry run) or import the file at `path`; nothing is written unless every
    row is valid. `user` limits the areas to the user's own subtree (None: no limit,
    for operators at the command line). Raises nothing for bad input: file-level
    problems come back as an error on row 1."""
    try:
        if dry_run:
            return _Run(user=user, dry_run=True, progress=progress).run(path)
        try:
            with transaction.atomic():
                run = _Run(user=user, dry_run=False, progress=progress)
                report = run.run(path)
                audit_record(
                    actor=user,
                    action=AuditAction.IMPORT,
                    object_type="household_import",
                    channel=channel,
                    detail={
                        "file": source_name or os.path.basename(path),
                        "rows": report.rows,
                        "households": report.households,
                        "residents": report.residents,
                    },
                )
        except _Abort:
            conflicted = False
        except IntegrityError:
            # A unique constraint caught a duplicate while core.bulk wrote.
            conflicted = True
        else:
            report.written = True
            if report.rows >= 10000:
                analyze(Household, Resident, HouseholdVulnerability)
            return report
        # Something was wrong and nothing was written: list every problem.
        report = _Run(user=user, dry_run=True, progress=progress).run(path)
        report.dry_run = False
        if report.ok and conflicted:
            report.error_count = 1
            report.errors = [{"row": 0, "column": "", "message": _(str(M_CONFLICTED))}]
        return report
    except ImportFileError as exc:
        report = ImportReport(dry_run=dry_run, error_count=1)
        report.errors = [{"row": exc.row, "column": "", "message": exc.message}]
        return report
