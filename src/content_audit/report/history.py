"""The run history seen from a site audit: record the run, compare it with the last one.

``store.py`` owns the database; this module is the glue the pipeline and the flow call:
``RunRecorder`` records the run's pages batch by batch as they are audited (so memory stays
flat), its cross-page findings at the end, then compares it with the previous complete run
of the same site; ``write_changes_csv`` writes the comparison's ``changes.csv`` (atomic,
formula-guarded like the other CSVs) for its exporter.
``changes_markdown`` summarises the comparison for the Prefect artifact.

Review drift (``[health] drift``) lives here because only the history can see it: a page
whose article text changed since an earlier run while its medical review date stayed.  It
is a ``review_drift`` change in ``changes.csv`` and a ``review_drift`` finding of the run
(``drift_findings``): ``RunOutputs`` puts the findings in the run's store before its row
files are rendered (findings.csv, pages.csv's counts), ``finish`` stores them in the
history.
"""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from .. import store
from ..checks import finding
from ..config import AuditConfig
from ..errors import StoreError
from ..model import Finding, PageAudit
from ..store import DRIFT_CODE, Change, Drift, RunInfo
from .csv import guard_cell
from .files import atomic_write

CHANGES_CSV = "changes.csv"
CHANGES_COLUMNS: tuple[str, ...] = ("url", "change", "detail", "before", "after")
"""``changes.csv``: one row per difference with the previous run of the same site.

``change`` is one of ``page_added``, ``page_removed``, ``finding_new`` (``after`` is the
code), ``finding_fixed`` (``before`` is the code), ``score_changed``, ``grade_changed``,
``element_lost``, ``element_gained`` (``before``/``after``: ``present``, ``unclear`` or
``absent``, found -> unclear -> missing being losses and the reverse gains), ``kind_changed``
(``before``/``after`` the values),
``review_drift`` (the text changed, ``before``/``after`` the medical review dates).
"""
HISTORY_FILE = "history.sqlite"
DEFAULT_REPORTS_ROOT = Path("reports")


@dataclass(frozen=True, slots=True)
class RunComparison:
    """A finished run and what changed since the previous complete run of its site."""

    run_id: int
    site: str
    previous: RunInfo | None
    changes: tuple[Change, ...]
    changes_csv: Path | None = None
    drift: tuple[Finding, ...] = ()
    """The run's ``review_drift`` findings: new in this run or carried from an earlier one."""

    def counts(self) -> list[tuple[str, int]]:
        """(change type, how many), in a stable order."""
        return sorted(Counter(c.change for c in self.changes).items())

    def worse(self) -> list[str]:
        """URLs whose score dropped or that lost a required element, worst drop first."""
        drops: dict[str, int] = {}
        for c in self.changes:
            if c.change == "score_changed" and _int(c.after) < _int(c.before):
                drops[c.url] = min(drops.get(c.url, 0), _int(c.after) - _int(c.before))
            elif c.change == "element_lost":
                drops.setdefault(c.url, 0)
        return sorted(drops, key=lambda url: (drops[url], url))


def history_location(config: AuditConfig, reports_root: str | Path) -> str:
    """The configured history database, or ``<reports_root>/history.sqlite``."""
    return config.report.history or str(Path(reports_root) / HISTORY_FILE)


class RunRecorder:
    """Records one site audit in the history database while it runs.

    ``open`` starts the run; ``record`` stores a batch of audits; ``record_findings`` the
    cross-page findings; ``finish`` marks the run complete, diffs it with the previous
    complete run of the same site and writes ``changes.csv``.  A run that fails is marked
    ``failed`` (``fail``) and is never used as the baseline of a later comparison.

    Pages on the start URL's origin are recorded by path (``/blog/x/``), other URLs in
    full: a site served on another port or scheme (the demo picks a free port each run, a
    clinic moves to https) still compares page by page.  Changes come back as full URLs.

    With ``drift`` (``[health] drift``), pages whose text changed after their last medical
    review are ``review_drift`` changes and findings (``drift_findings``).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        run_id: int,
        site: str,
        origin: str = "",
        *,
        drift: bool = True,
    ) -> None:
        self.conn = conn
        self.run_id = run_id
        self.site = site
        self.origin = origin
        self.drift = drift
        self._drift: tuple[Finding, ...] | None = None

    def key(self, url: str) -> str:
        """The history's name of a page: its path when it is on the start URL's origin."""
        if self.origin and (url == self.origin or url.startswith(self.origin + "/")):
            return url[len(self.origin) :] or "/"
        return url

    def url(self, key: str) -> str:
        """The full URL of a page recorded under ``key`` in this run."""
        return self.origin + key if self.origin and key.startswith("/") else key

    @classmethod
    def open(
        cls,
        location: str | Path,
        site: str,
        start_url: str,
        out_dir: str | Path | None,
        *,
        drift: bool = True,
    ) -> RunRecorder:
        conn = store.connect(location)
        try:
            run_id = store.start_run(conn, site, start_url, str(out_dir) if out_dir else None)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{location}: cannot record the run ({exc})") from None
        parts = urlsplit(start_url)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        return cls(conn, run_id, site, origin, drift=drift)

    def supersede(self, run_id: int) -> None:
        """Mark an earlier, unfinished attempt of this run ``interrupted`` (``resume.py``)."""
        store.supersede_run(self.conn, run_id)

    def record(self, audits: Iterable[PageAudit]) -> int:
        """Store one batch of page audits (and their findings) in one transaction."""
        return store.record_pages(
            self.conn, self.run_id, (replace(a, url=self.key(a.url or "")) for a in audits)
        )

    def record_findings(self, findings: Iterable[Finding], default_url: str = "") -> None:
        """Store cross-page findings (teasers, orphans, duplicates) of the run."""
        store.record_findings(
            self.conn,
            self.run_id,
            (
                (self.key(f.url or default_url), f.code, str(f.severity), f.message, f.evidence)
                for f in findings
                if f.decision is None
            ),
        )

    def record_rows(self, rows: Iterable[tuple[str, str, str, str, str | None]]) -> None:
        """Store finding rows ``(url, code, severity, message, evidence)`` as they are."""
        store.record_findings(
            self.conn,
            self.run_id,
            (
                (self.key(url), code, sev, message, evidence)
                for url, code, sev, message, evidence in rows
            ),
        )

    def drift_findings(self) -> tuple[Finding, ...]:
        """The ``review_drift`` findings of this run, from the pages recorded so far.

        Call it once every page is recorded (``RunOutputs.commit`` does, to put them in
        ``findings.csv``); the result is kept, so ``finish`` stores the same findings.
        """
        if not self.drift:
            return ()
        if self._drift is None:
            self._drift = tuple(
                drift_finding(d, self.url(d.url)) for d in store.find_drift(self.conn, self.run_id)
            )
        return self._drift

    def finish(self, out_dir: str | Path | None = None, *, urls: int) -> RunComparison:
        """Complete the run and compare it with the previous one; with ``out_dir``, also
        write its ``changes.csv`` there (a site run leaves that to its exporter,
        ``exporters.changes_csv``, with the others).

        The run's ``review_drift`` findings are stored in the history first, so the next
        run sees them (and ``finding_fixed`` once the page is reviewed again).
        """
        drift = self.drift_findings()
        self.record_findings(drift)
        store.finish_run(self.conn, self.run_id, urls=urls)
        previous = store.previous_run(self.conn, self.run_id)
        diff = (
            store.diff_runs(self.conn, previous.id, self.run_id, drift=self.drift)
            if previous
            else []
        )
        changes = tuple(replace(c, url=self.url(c.url)) for c in diff)
        path = None
        if out_dir is not None:
            path = write_changes_csv(Path(out_dir) / CHANGES_CSV, changes)
        return RunComparison(self.run_id, self.site, previous, changes, path, drift)

    def fail(self, urls: int = 0) -> None:
        """Mark the run failed so no later run compares itself with it."""
        store.finish_run(self.conn, self.run_id, urls=urls, status="failed")

    def close(self) -> None:
        self.conn.close()


def drift_finding(drift: Drift, url: str) -> Finding:
    """The ``review_drift`` finding of one page, named by its full URL."""
    review = drift.reviewed_on
    earlier = drift.previous_review or "none"
    return finding(
        DRIFT_CODE,
        f"{url}: the article text changed in run #{drift.changed_in} but its last medical "
        f"review is dated {review}",
        f"text differs from run #{drift.since} ({drift.since_started_at[:10]}); review date "
        f"then {earlier}, now {review}",
        url,
    )


def write_changes(handle: TextIO, changes: Iterable[Change]) -> None:
    """CSV rows of ``changes`` (header first), every text cell formula-guarded."""
    writer = csv.writer(handle)
    writer.writerow(CHANGES_COLUMNS)
    for c in changes:
        writer.writerow(
            [guard_cell(v or "") for v in (c.url, c.change, c.detail, c.before, c.after)]
        )


def write_changes_csv(path: str | Path, changes: Iterable[Change]) -> Path:
    """``changes.csv`` with a header even when nothing changed; written atomically."""
    target = Path(path)
    with atomic_write(target, newline="") as handle:
        write_changes(handle, changes)
    return target


@contextmanager
def open_history(location: str | None, config: AuditConfig) -> Iterator[sqlite3.Connection]:
    """An existing history database (``location``, else the configured or default one).

    Unlike ``store.connect``, a missing file is an error: ``history`` and ``diff`` read a
    history, they never start an empty one in the wrong folder.
    """
    where = location or history_location(config, DEFAULT_REPORTS_ROOT)
    path = where[len("sqlite:///") :] if where.startswith("sqlite:///") else where
    if "://" not in path and path != ":memory:" and not Path(path).is_file():
        raise StoreError(f"{where}: no history database here (run a site audit first)")
    conn = store.connect(where, readonly=True)  # reading only: never write, works read-only
    try:
        yield conn
    finally:
        conn.close()


def format_runs(runs: Sequence[RunInfo]) -> str:
    """The runs of a site as an aligned text table, newest first."""
    header = ("run", "started (UTC)", "status", "pages", "URLs", "reports")
    rows = [
        (
            str(r.id),
            r.started_at.replace("T", " ").replace("+00:00", ""),
            r.status,
            str(r.pages),
            str(r.urls),
            r.out_dir or "",
        )
        for r in runs
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines)


def format_changes(before: RunInfo, after: RunInfo, changes: Sequence[Change]) -> str:
    """A comparison for the terminal: counts by type, then each change by page."""
    lines = [
        f"Run #{before.id} ({before.site}, {before.started_at}) -> "
        f"run #{after.id} ({after.site}, {after.started_at})",
    ]
    if before.site != after.site:
        lines.append(f"Warning: the runs are of different sites ({before.site}, {after.site})")
    if not changes:
        lines.append("Nothing changed.")
        return "\n".join(lines)
    counts = Counter(c.change for c in changes)
    lines.append(", ".join(f"{n} {name}" for name, n in sorted(counts.items())))
    url = None
    for c in sorted(changes, key=lambda c: (c.url, c.change)):
        if c.url != url:
            url = c.url
            lines += ["", url]
        values = f" ({c.before or '-'} -> {c.after or '-'})" if c.before or c.after else ""
        lines.append(f"  {c.change}: {c.detail}{values}")
    return "\n".join(lines)


def changes_markdown(comparison: RunComparison | None, limit: int = 10) -> str:
    """A Markdown section for the flow's artifact: change counts and the pages that got worse."""
    if comparison is None:
        return "## Changes since the last run\n\nThe run history is turned off.\n"
    if comparison.previous is None:
        return (
            f"## Changes since the last run\n\nRun #{comparison.run_id} is the first recorded "
            f"run of `{comparison.site}`: the next run will be compared with it.\n"
        )
    prev = comparison.previous
    lines = [
        f"## Changes since run #{prev.id} ({prev.started_at})",
        "",
    ]
    if not comparison.changes:
        lines.append("Nothing changed.")
        return "\n".join(lines + _drift_lines(comparison, limit)) + "\n"
    lines += ["| change | count |", "|---|---|"]
    lines += [f"| {name} | {n} |" for name, n in comparison.counts()]
    worse = comparison.worse()
    if worse:
        lines += ["", f"**{len(worse)} pages got worse**:", ""]
        notes = _notes(comparison.changes)
        for url in worse[:limit]:
            lines.append(f"- {_code(url)}: {_md(notes.get(url, ''))}")
        if len(worse) > limit:
            lines.append(f"- … and {len(worse) - limit} more (see changes.csv)")
    return "\n".join(lines + _drift_lines(comparison, limit)) + "\n"


def _drift_lines(comparison: RunComparison, limit: int) -> list[str]:
    """The run's ``review_drift`` findings: pages whose text changed after their review."""
    drift = comparison.drift
    if not drift:
        return []
    lines = [
        "",
        f"**{len(drift)} pages changed after their last medical review** (`{DRIFT_CODE}`):",
        "",
    ]
    for f in drift[:limit]:
        lines.append(f"- {_code(f.url or '')}: {_md(f.message.removeprefix(f'{f.url}: '))}")
    if len(drift) > limit:
        lines.append(f"- … and {len(drift) - limit} more (see findings.csv)")
    return lines


def _notes(changes: Sequence[Change]) -> dict[str, str]:
    notes: dict[str, list[str]] = {}
    for c in changes:
        if c.change in ("score_changed", "element_lost"):
            text = f"score {c.before} → {c.after}" if c.change == "score_changed" else c.detail
            notes.setdefault(c.url, []).append(text)
    return {url: "; ".join(items) for url, items in notes.items()}


def _code(text: str) -> str:
    """A URL as a Markdown code span: nothing in it is read as a link or as HTML."""
    return "`" + text.replace("`", "%60").replace("\n", " ") + "`"


def _md(text: str) -> str:
    """Text for a Markdown list item: no table pipes, link brackets or HTML."""
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
