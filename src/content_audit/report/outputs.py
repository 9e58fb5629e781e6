"""The run's outputs: its store as it is written, its row files, its record in the history.

The run driver (``run.py``) writes every row through ``RunOutputs``: into the run's store
(``runstore.RunStore``), the run's finding counts and the history.  Once the cross-page
checks are written, ``commit`` renders the row files (the four CSV files, ``pages.jsonl``)
from the store; the driver then calls ``record_history`` (the run completed in the
history, compared with the previous one), and the exporters (``content_audit.exporters``:
changes.csv, report.html, summary.md) render their files from the same store and the
comparison.  No output is read back to make another.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from ..checks import FINDINGS
from ..config import AuditConfig
from ..decisions import Decision, unmatched
from ..model import Finding, PageAudit, Severity
from .csv import AUDIT_FAILED, failed_finding
from .details import page_line
from .files import temp_path
from .history import RunComparison, RunRecorder, history_location
from .runstore import RunStore

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..model import FetchResult

log = logging.getLogger(__name__)

HISTORY_CHUNK = 2000
"""Cross-page findings are stored in the history this many at a time as the checks stream
them (one transaction each), so they are never all held in memory."""


class RowFile(Protocol):
    """One file of the run's rows, rendered from the run's store once the rows are complete:
    the four CSV files (``report.csv.CsvFile``) and ``pages.jsonl``
    (``report.details.PagesJsonl``), the registry ``exporters.row_files``."""

    filename: str

    def write(self, store: RunStore, handle: TextIO) -> None:
        """Write the whole file to ``handle`` (a temporary file ``commit`` moves into place)."""
        ...


class RowSink(Protocol):
    """What the crawl loop writes a run's rows into: ``RunOutputs``."""

    out_dir: Path

    def write_fetch(self, result: FetchResult, audit: PageAudit | None = None) -> None: ...

    def write_failed(self, result: FetchResult, message: str) -> None: ...

    def write_site_findings(self, findings: Iterable[Finding]) -> None: ...

    def write_inlinks(self, inlinks: Mapping[str, int]) -> None: ...

    def flush(self) -> None: ...


class RunOutputs:
    """The run's store as it is written, and the files rendered from it when it is complete.

    Every row of the run passes here once: into the store (``RunStore``: inventory, pages
    with their JSON documents, findings, teasers), into the run's finding counts
    (``finding_counts``, for the summaries) and, for audited pages, into the history.
    Audits are queued as rows are written and stored in the history on ``flush`` (the
    crawl loop flushes after every batch), so the database sees one transaction per batch
    and memory holds at most one batch of audits.  ``commit`` adds the history's
    ``review_drift`` findings, then renders every row file (``row_files``: the four CSV
    files, ``pages.jsonl``) from the store and moves them into place together; ``abort``
    deletes them and marks the run failed in the history.  The store stays open for the
    exporters that run after the history (report.html); ``close`` deletes it.
    """

    def __init__(
        self,
        out_dir: str | Path,
        recorder: RunRecorder | None = None,
        *,
        row_files: Callable[[], Sequence[RowFile]] | None = None,
        store: RunStore | None = None,
    ) -> None:
        """``row_files``: the files rendered on ``commit`` (default ``exporters.row_files``,
        the registry); ``store``: the run's store (default: a scratch file in ``out_dir``)."""
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.recorder = recorder
        if row_files is None:
            from ..exporters import row_files as registered_files

            row_files = registered_files
        self.row_files: tuple[RowFile, ...] = tuple(row_files())
        self.store = store if store is not None else RunStore(self.out_dir)
        self._queued: list[PageAudit] = []
        self._rows: list[tuple[str, str, str, str, str | None]] = []
        self._counts: Counter[tuple[str, str]] = Counter()
        self._temps: list[Path] = []
        self._committed = False

    def write_fetch(self, result: FetchResult, audit: PageAudit | None = None) -> None:
        if audit is None:
            self.store.add_fetch(result)
            return
        url = result.final_url or result.url
        self.store.add_fetch(result, audit, page_line(audit, url))
        self._counts.update((f.code, str(f.severity)) for f in audit.findings)
        if self.recorder is not None:
            self._queued.append(audit)
            for f in audit.findings:
                self._to_history(f, f.url or url)

    def write_failed(self, result: FetchResult, message: str) -> None:
        self.store.add_failed(result, message)
        self._counts[(AUDIT_FAILED, str(Severity.ERROR))] += 1
        failed = failed_finding(result, message)
        self._to_history(failed, failed.url or "")

    def write_site_findings(self, findings: Iterable[Finding]) -> None:
        """Cross-page findings, one at a time (they come streamed from the checks and are
        never all in memory): into the store, the counts and the history."""
        for f in findings:
            self._counts[(f.code, str(f.severity))] += 1
            self.store.add_site_findings((f,))
            self._to_history(f, f.url or "")

    def write_inlinks(self, inlinks: Mapping[str, int]) -> None:
        """How many crawled pages link to each URL (``inlinks.csv``, the alerts' ranking)."""
        self.store.add_inlinks(inlinks)

    def _to_history(self, f: Finding, url: str) -> None:
        """Queue a finding the page's own history record does not hold: cross-page ones and
        failed audits (not history-scope ones, which the recorder makes itself, nor those
        the maintainers accepted).  Stored on ``flush``, or every ``HISTORY_CHUNK`` rows
        while the cross-page checks stream theirs."""
        if self.recorder is None or f.decision is not None:
            return
        if _scope(f.code) in ("page", "history"):
            return
        self._rows.append((url, f.code, str(f.severity), f.message, f.evidence or None))
        if len(self._rows) >= HISTORY_CHUNK:
            self.recorder.record_rows(self._rows)
            self._rows = []

    def finding_counts(self) -> tuple[tuple[str, str, int], ...]:
        """``(code, severity, count)`` of every finding of the run (findings.csv), by code.

        Counted as the rows are written (a few dozen keys, whatever the site's size)."""
        return tuple((code, sev, n) for (code, sev), n in sorted(self._counts.items()))

    def flush(self) -> None:
        self.store.flush()
        if self.recorder is not None and self._queued:
            self.recorder.record(self._queued)
        if self.recorder is not None and self._rows:
            self.recorder.record_rows(self._rows)
        self._queued = []
        self._rows = []

    def commit(self) -> dict[str, Path]:
        """Render every row file from the store and move them into place together; returns
        file name -> path, in ``row_files`` order."""
        if self._committed:
            raise RuntimeError("the run's outputs are already committed")
        self.flush()
        if self.recorder is not None:
            # Every page is in the history now: review drift can be judged.  Its findings
            # are the run's like the cross-page ones (findings.csv, the pages' counts); the
            # recorder stores them in the history itself (``RunRecorder.finish``).
            for f in self.recorder.drift_findings():
                self._counts[(f.code, str(f.severity))] += 1
                self.store.add_site_findings((f,))
        files: dict[str, Path] = {}
        try:
            for fmt in self.row_files:
                target = self.out_dir / fmt.filename
                temp = temp_path(target)
                self._temps.append(temp)
                with open(temp, "w", encoding="utf-8", newline="") as handle:
                    fmt.write(self.store, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                files[fmt.filename] = target
            for fmt in self.row_files:
                os.replace(temp_path(self.out_dir / fmt.filename), self.out_dir / fmt.filename)
        except BaseException:
            self._remove_temps()
            raise
        self._temps = []
        self._committed = True
        return files

    def _remove_temps(self) -> None:
        for temp in self._temps:
            try:
                temp.unlink(missing_ok=True)
            except OSError as exc:  # every temporary file goes that can
                log.warning("could not remove %s: %s", temp, exc)
        self._temps = []

    def abort(self) -> None:
        """The run failed before its files were committed: no partial file is left, the
        store is deleted and the run is marked failed in the history."""
        self._remove_temps()
        self.close()
        if self.recorder is not None:
            try:
                self.recorder.fail()
            except Exception as exc:  # the original error matters more
                log.warning("could not mark the run failed in the history: %s", exc)
            self.recorder.close()
            self.recorder = None

    def close(self) -> None:
        """Delete the store (once the exporters that read it have run)."""
        self.store.close()

    def __enter__(self) -> RunOutputs:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            try:
                self.commit()
            finally:
                self.close()
        else:
            self.abort()


def open_recorder(
    config: AuditConfig, site: str, start: str, out_dir: Path, reports_root: str | Path
) -> RunRecorder | None:
    """Start recording the run, or ``None`` when the history is turned off.

    Without ``report.history`` the database is ``history.sqlite`` in ``reports_root``: the
    pipeline passes the reports root, or the parent of an explicit ``--out`` folder, so the
    history always sits next to the run folders it describes.

    Raises ``StoreError`` when the database cannot be used (the run should not silently
    lose its history).
    """
    if not config.report.record_history:
        return None
    drift = config.health.drift and "review_drift" not in config.disabled_checks
    return RunRecorder.open(
        history_location(config, reports_root), site, start, out_dir, drift=drift
    )


def record_history(
    recorder: RunRecorder | None, site: str, urls: int
) -> tuple[RunComparison | None, list[Any]]:
    """Complete the run in the history and compare it with the previous complete run.

    Every finding of the run is in the history already: the pages' with their pages, the
    cross-page ones and failed audits as ``RunOutputs`` wrote them; ``finish`` adds the
    review drift.  Returns the comparison (``changes.csv`` is its exporter's) and the
    trend charts (``None`` and none without a history).  The recorder is closed.
    """
    if recorder is None:
        return None, []
    try:
        comparison = recorder.finish(urls=urls)
        charts = panel_charts(recorder, site)
    finally:
        recorder.close()
    return comparison, charts


def panel_charts(recorder: RunRecorder, site: str) -> list[Any]:
    """The trends panel of report.html (last runs of the site); none if it cannot be made."""
    try:
        from .trends import PANEL_RUNS, site_trends, trend_charts

        return trend_charts(site_trends(recorder.conn, site, PANEL_RUNS))
    except Exception as exc:  # a panel must never cost the run its report
        log.warning("trends panel left out of report.html: %s", exc)
        return []


def idle_decisions(store: RunStore, entries: tuple[Decision, ...], today: date) -> tuple[str, ...]:
    """Keys of the maintainers' entries that matched nothing in the run (its store)."""
    used = store.decisions_used()
    urls = store.page_urls()
    return tuple(d.key for d in unmatched(entries, used, urls, today))


def _scope(code: str) -> str:
    spec = FINDINGS.get(code)
    return spec.scope if spec is not None else ""
