"""``changes.csv``: what changed since the previous complete run of the site, one row each.

Rendered from the history's comparison of the run (``report.history.RunRecorder.finish``),
formula-guarded and written atomically (``report.history.write_changes_csv``).  A run
without a history has no comparison, and no changes.csv.
"""

from __future__ import annotations

from pathlib import Path

from ..report.history import CHANGES_CSV, write_changes_csv
from . import ExportContext


class ChangesCsv:
    """The run's differences with the previous run (``report.history.CHANGES_COLUMNS``)."""

    filename = CHANGES_CSV

    def export(self, run: ExportContext) -> Path | None:
        if run.comparison is None:
            return None
        return write_changes_csv(run.out_dir / self.filename, run.comparison.changes)
