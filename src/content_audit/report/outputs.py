"""The run's store: the run folder's streamed files and the run's record in the history.

The run driver (``run.py``) streams each audited page through ``RunOutputs`` (a
``ReportWriter`` that also writes the page's JSON line, queues it for the history and
counts the run's findings by code), commits it once the cross-page checks are written, then
calls ``record_history`` (the run completed in the history, ``changes.csv``); the
exporters (``content_audit.exporters``) render report.html and summary.md after that.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..checks import FINDINGS
from ..config import AuditConfig
from ..decisions import Decision, unmatched
from ..model import Finding, PageAudit, Severity
from .csv import AUDIT_FAILED, FINDINGS_CSV, PAGES_CSV, failed_finding, unguard_cell
from .history import RunComparison, RunRecorder, history_location

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..model import FetchResult

log = logging.getLogger(__name__)

HISTORY_CHUNK = 2000
"""Cross-page findings are stored in the history this many at a time as the checks stream
them (one transaction each), so they are never all held in memory."""


class RowStream(Protocol):
    """A streamed output of a run: rows appended as pages are audited, committed together.

    ``report.csv.ReportWriter`` (the four CSV files) and ``exporters.pages_jsonl`` are the
    registered ones (``exporters.streamed``); a stream that has nothing to say about a kind
    of row ignores it.  Nothing of a stream appears in the run folder before ``commit``.
    """

    def write_fetch(self, result: FetchResult, audit: PageAudit | None = None) -> None: ...

    def write_failed(self, result: FetchResult, message: str) -> None: ...

    def write_site_findings(self, findings: Iterable[Finding]) -> None: ...

    def flush(self) -> None: ...

    def commit(self) -> dict[str, Path]: ...

    def abort(self) -> None: ...


class RowSink(RowStream, Protocol):
    """What the crawl loop writes a run's rows into (``RunOutputs``; a bare ``ReportWriter``
    in tests): the streams' methods, and the run folder."""

    out_dir: Path


class RunOutputs:
    """The run's store as it is written: its streamed files, its counts, its history rows.

    Every row of the run passes here once and goes to each stream (``RowStream``, from the
    registry ``exporters.streamed``: the four CSV files, ``pages.jsonl``), into the run's
    finding counts (``finding_counts``, for the summaries) and, for audited pages, into the
    history.  Audits are queued as rows are written and stored in the history on ``flush``
    (the crawl loop flushes after every batch), so the database sees one transaction per
    batch and memory holds at most one batch of audits.  ``commit`` moves every stream's
    files into place; ``abort`` deletes them all and marks the run failed in the history.
    """

    def __init__(
        self,
        out_dir: str | Path,
        recorder: RunRecorder | None = None,
        *,
        streams: Callable[[Path], Sequence[RowStream]],
    ) -> None:
        """``streams`` opens the run's streams in a folder: ``exporters.streamed``, the
        registry (the four CSV files and pages.jsonl); none writes no file at all."""
        self.out_dir = Path(out_dir)
        self.recorder = recorder
        self._queued: list[PageAudit] = []
        self._rows: list[tuple[str, str, str, str, str | None]] = []
        self._counts: Counter[tuple[str, str]] = Counter()
        self.streams: tuple[RowStream, ...] = tuple(streams(self.out_dir))

    def write_fetch(self, result: FetchResult, audit: PageAudit | None = None) -> None:
        for stream in self.streams:
            stream.write_fetch(result, audit)
        if audit is not None:
            self._counts.update((f.code, str(f.severity)) for f in audit.findings)
            if self.recorder is not None:
                self._queued.append(audit)
                url = result.final_url or result.url
                for f in audit.findings:
                    self._to_history(f, f.url or url)

    def write_failed(self, result: FetchResult, message: str) -> None:
        for stream in self.streams:
            stream.write_failed(result, message)
        self._counts[(AUDIT_FAILED, str(Severity.ERROR))] += 1
        failed = failed_finding(result, message)
        self._to_history(failed, failed.url or "")

    def write_site_findings(self, findings: Iterable[Finding]) -> None:
        """Cross-page findings, one at a time to every stream (they come streamed from the
        checks and are never all in memory)."""
        for f in findings:
            self._counts[(f.code, str(f.severity))] += 1
            for stream in self.streams:
                stream.write_site_findings((f,))
            self._to_history(f, f.url or "")

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
        """``(code, severity, count)`` of every finding written to findings.csv, by code.

        Counted as the rows are written (a few dozen keys, whatever the site's size), so a
        summary never reads findings.csv back."""
        return tuple((code, sev, n) for (code, sev), n in sorted(self._counts.items()))

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()
        if self.recorder is not None and self._queued:
            self.recorder.record(self._queued)
        if self.recorder is not None and self._rows:
            self.recorder.record_rows(self._rows)
        self._queued = []
        self._rows = []

    def commit(self) -> dict[str, Path]:
        """Move every stream's files into place; returns file name -> path, in stream order."""
        self.flush()
        if self.recorder is not None:
            # Every page is in the history now: review drift can be judged, and its
            # findings join findings.csv (and the pages' counts) before the files move.
            self.write_site_findings(self.recorder.drift_findings())
            self.flush()
        files: dict[str, Path] = {}
        for n, stream in enumerate(self.streams):
            try:
                files.update(stream.commit())
            except BaseException:
                for later in self.streams[n + 1 :]:
                    later.abort()
                raise
        return files

    def abort(self) -> None:
        for stream in self.streams:
            try:
                stream.abort()
            except OSError as exc:  # every stream's files go, and the run is marked failed
                log.warning("could not remove a stream's temporary files: %s", exc)
        if self.recorder is not None:
            try:
                self.recorder.fail()
            except Exception as exc:  # the original error matters more
                log.warning("could not mark the run failed in the history: %s", exc)
            self.recorder.close()
            self.recorder = None

    def __enter__(self) -> RunOutputs:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def open_streams(
    out_dir: Path, factories: Iterable[Callable[[Path], RowStream]]
) -> list[RowStream]:
    """Open each stream in ``out_dir``; when one fails, the ones opened are aborted."""
    opened: list[RowStream] = []
    try:
        for factory in factories:
            opened.append(factory(out_dir))
    except BaseException:
        for stream in opened:
            stream.abort()
        raise
    return opened


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
    out_dir: str | Path, recorder: RunRecorder | None, site: str, urls: int
) -> tuple[RunComparison | None, list[Any]]:
    """Complete the run in the history: ``changes.csv`` and the report's trend charts.

    Every finding of the run is in the history already: the pages' with their pages, the
    cross-page ones and failed audits as ``RunOutputs`` wrote them (before, they were read
    back from the committed findings.csv here).  Returns the comparison with the previous
    run and the trend charts (``None`` and none without a history).  The recorder is closed.
    """
    if recorder is None:
        return None, []
    try:
        comparison = recorder.finish(Path(out_dir), urls=urls)
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


def idle_decisions(out: Path, entries: tuple[Decision, ...], today: date) -> tuple[str, ...]:
    """Keys of the entries that matched nothing in the run folder's CSV files."""
    used: set[str] = set()
    urls: set[str] = set()
    with open(out / FINDINGS_CSV, encoding="utf-8", newline="") as handle:
        used.update(row["decision"] for row in csv.DictReader(handle) if row.get("decision"))
    with open(out / PAGES_CSV, encoding="utf-8", newline="") as handle:
        urls.update(unguard_cell(row["url"]) for row in csv.DictReader(handle))
    return tuple(d.key for d in unmatched(entries, used, urls, today))


def _scope(code: str) -> str:
    spec = FINDINGS.get(code)
    return spec.scope if spec is not None else ""
