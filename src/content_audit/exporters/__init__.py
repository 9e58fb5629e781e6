"""Exporters: every output format of a site run, one module each, registered here.

Two kinds, each one small interface, each with one registry function in this module:

- ``streamed``: formats written row by row as the run goes, into the run's store
  (``report.outputs.RunOutputs``): the four CSV files (``report/csv.py``) and
  ``pages.jsonl`` (``report/details.py``), each a ``report.outputs.RowStream`` (``write_fetch``,
  ``write_failed``, ``write_site_findings``, ``flush``, ``commit``, ``abort``) whose files
  appear only when the run commits;
- ``registered``: files rendered once the store is committed and the history completed,
  from the finished run (``ExportContext``): ``report.html`` (``html_report.py``) and
  ``summary.md`` (``summary_md.py``), each an ``Exporter`` (``filename``, ``export``).

Adding an output format is one new module with one class, one line in one of the two
registries, and its test (``summary_md.py`` and ``tests/test_exporters.py`` are the example).

Modelled on Scrapy's item exporters and its ``FEED_EXPORTERS`` setting: formats are small
classes over the same data, and none reads another's output back.  (``report.html`` still
reads ``pages.jsonl`` and the cross-page rows of ``findings.csv``, as it did before this
registry: rendering it from the store alone is the next step of issue #15.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ..config import AuditConfig
from ..pipeline import WorstPage
from ..report.history import RunComparison, changes_markdown
from ..report.outputs import RowStream, idle_decisions, open_streams

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportContext:
    """A finished run as the exporters see it: what the run counted, the history's verdict.

    Everything here is small (counts, the worst pages, the comparison with the previous
    run); a page-by-page exporter reads the run folder's committed files."""

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


class Exporter(Protocol):
    """One output file rendered from a finished run."""

    filename: str

    def export(self, run: ExportContext) -> Path:
        """Write ``run.out_dir / filename`` (atomically) and return its path."""
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
        changes = self.comparison.changes_csv if self.comparison else None
        others = tuple(p for p in self.exported if p != self.report)
        return (self.report, *((changes,) if changes is not None else ()), *others)


def streamed(out_dir: Path) -> list[RowStream]:
    """The streams every site run writes as it goes, opened in ``out_dir``: the registry of
    streamed formats (``report.outputs.RowStream``), in the order their files are listed."""
    from ..report.csv import ReportWriter
    from ..report.details import JsonlStream

    return open_streams(out_dir, (ReportWriter, JsonlStream))


def registered() -> tuple[Exporter, ...]:
    """The exporters of every site run, in the order they run: the one registry."""
    from .html_report import HtmlReport
    from .summary_md import MarkdownSummary

    return (HtmlReport(), MarkdownSummary())


def export_run(run: ExportContext, exporters: tuple[Exporter, ...] | None = None) -> ReportResult:
    """Render every registered exporter's file from ``run``; report.html is required."""
    written = {e.filename: e.export(run) for e in (exporters or registered())}
    report = written.get("report.html", run.out_dir / "report.html")
    entries = run.config.decisions.entries
    today = run.today or date.today()
    idle = idle_decisions(run.out_dir, entries, today) if entries else ()
    return ReportResult(
        report=report,
        comparison=run.comparison,
        markdown=changes_markdown(run.comparison),
        idle_decisions=idle,
        exported=tuple(written.values()),
    )


__all__ = ["ExportContext", "Exporter", "ReportResult", "export_run", "registered", "streamed"]
