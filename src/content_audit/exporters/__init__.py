"""Exporters: every output of a site run, each a small class rendered from the run's store.

The run's store (``report.runstore.RunStore``, written through ``report.outputs.RunOutputs``)
receives every row of the run as it is produced: the inventory, each audited page's row
and JSON document, every finding (the pages', the cross-page checks', the history's review
drift), the teasers.  Every output is rendered from it, and none reads another's file back.
Three kinds, each with one registry function in this module:

- ``row_files``: the run's row files, rendered when the rows are complete (the driver's
  ``write_outputs`` step) and moved into place together: the four CSV files
  (``report.csv.CsvFile``), ``pages.jsonl`` (``report.details.PagesJsonl``) and
  ``inlinks.csv`` (``alerts.InlinksCsv``), each a ``report.outputs.RowFile``
  (``filename``, ``write(store, handle)``);
- ``registered``: files rendered once the history has compared the run, from the store and
  that comparison (``ExportContext``): ``changes.csv`` (``changes_csv.py``),
  ``report.html`` (``html_report.py``) and ``summary.md`` (``summary_md.py``), each an
  ``Exporter`` (``filename``, ``export``);
- ``published``: what an orchestrator shows of the finished run rather than a file: the
  Prefect flow's artifacts (``artifact.py``), rendered from the run's summary as records
  the flow posts (only the flow imports Prefect).

Adding an output format is one new module with one class, one line in one of the
registries, and its test (``summary_md.py`` and ``tests/test_exporters.py`` are the example).

Modelled on Scrapy's item exporters and its ``FEED_EXPORTERS`` setting: formats are small
classes over the same data, and none reads another's output back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..config import AuditConfig
from ..pipeline import WorstPage
from ..report.history import CHANGES_CSV, RunComparison, changes_markdown
from ..report.outputs import RowFile, idle_decisions
from ..report.runstore import RunStore

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .artifact import Publisher

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportContext:
    """A finished run as the exporters see it: its store, its counts, the history's verdict.

    Everything but the store is small (counts, the worst pages, the comparison with the
    previous run); a page-by-page exporter reads the store, never another exporter's file.
    """

    out_dir: Path
    config: AuditConfig
    site: str
    start: str
    urls: int
    failed_audits: int
    elapsed_s: float | None
    comparison: RunComparison | None
    """The history's comparison with the previous complete run (``None``: history off)."""
    trend_charts: tuple[Any, ...] = ()
    finding_counts: tuple[tuple[str, str, int], ...] = ()
    """``(code, severity, count)`` of every finding of the run (``RunOutputs``)."""
    worst: tuple[WorstPage, ...] = ()
    """The lowest-scoring articles (``pipeline.Tally.worst``), lowest first."""
    audited: int = 0
    today: date | None = None
    """The day decisions are judged on (default: today)."""
    store: RunStore | None = None
    """The run's store (``None``: an exporter of counts only, as in a test)."""


class Exporter(Protocol):
    """One output file rendered from a finished run."""

    filename: str

    def export(self, run: ExportContext) -> Path | None:
        """Write ``run.out_dir / filename`` (atomically) and return its path; ``None`` when
        the run has nothing for this file (``changes.csv`` without a history)."""
        ...


@dataclass(frozen=True, slots=True)
class ReportResult:
    """What the exporters wrote, and what the run's summary says of the history."""

    report: Path
    """``report.html``."""
    comparison: RunComparison | None
    markdown: str
    """What changed since the previous run, as Markdown (the flow's artifact)."""
    idle_decisions: tuple[str, ...] = ()
    """Keys of the maintainers' decisions that matched nothing in the run."""
    exported: tuple[Path, ...] = ()
    """Every exporter's file, in ``registered()`` order."""

    @property
    def files(self) -> tuple[Path, ...]:
        """report.html, changes.csv (when there is a history), then the others."""
        changes = [p for p in self.exported if p.name == CHANGES_CSV]
        others = tuple(p for p in self.exported if p != self.report and p.name != CHANGES_CSV)
        return (self.report, *changes, *others)


def row_files() -> tuple[RowFile, ...]:
    """The row files every site run writes when its rows are complete, in the order they
    are listed: the registry of row formats (``report.outputs.RowFile``)."""
    from ..alerts import InlinksCsv
    from ..report.csv import csv_files
    from ..report.details import PagesJsonl

    return (*csv_files(), PagesJsonl(), InlinksCsv())


def registered() -> tuple[Exporter, ...]:
    """The exporters of every site run, in the order they run: the one registry of files
    rendered after the history."""
    from .changes_csv import ChangesCsv
    from .html_report import HtmlReport
    from .summary_md import MarkdownSummary

    return (ChangesCsv(), HtmlReport(), MarkdownSummary())


def published() -> tuple[Publisher, ...]:
    """What the flow shows of a finished run in its orchestrator (the Prefect artifacts)."""
    from .artifact import RunArtifacts

    return (RunArtifacts(),)


def export_run(run: ExportContext, exporters: tuple[Exporter, ...] | None = None) -> ReportResult:
    """Render every registered exporter's file from ``run``; report.html is required."""
    written = {e.filename: e.export(run) for e in (exporters or registered())}
    report = written.get("report.html") or run.out_dir / "report.html"
    entries = run.config.decisions.entries
    today = run.today or date.today()
    idle = idle_decisions(run.store, entries, today) if entries and run.store else ()
    comparison = run.comparison
    if comparison is not None and written.get(CHANGES_CSV) is not None:
        comparison = replace(comparison, changes_csv=written[CHANGES_CSV])
    return ReportResult(
        report=report,
        comparison=comparison,
        markdown=changes_markdown(run.comparison),
        idle_decisions=idle,
        exported=tuple(path for path in written.values() if path is not None),
    )


__all__ = [
    "ExportContext",
    "Exporter",
    "ReportResult",
    "export_run",
    "published",
    "registered",
    "row_files",
]
