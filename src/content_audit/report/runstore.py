"""The run's store: every row of a site run as it is produced, in one scratch SQLite file.

A site run produces its rows one batch at a time (the inventory row of every URL met, the
page row, JSON document, findings and teasers of every audited page), then the cross-page
findings, then the history's ``review_drift`` findings.  They all go here, once, as they
are produced; every output of the run is rendered from here by a small exporter
(``content_audit.exporters``): the four CSV files and ``pages.jsonl`` when the run's rows
are complete, report.html and summary.md once the history has compared the run.  So no
output is parsed back from another: before this store, report.html read pages.jsonl and
parsed the cross-page rows back out of findings.csv (taking the formula guard off again),
and pages.csv was written, then rewritten at commit to add the cross-page counts.

Why a file, and this shape:

- A 10k-page run must not hold its pages in memory; the rows of a 1k-page sitegen run are
  ~28 MB (nearly all of it the pages' JSON documents, ~20 KB each).  Rows are buffered
  and written ``BATCH`` at a time in one transaction (the crawl loop flushes after every
  batch), and read back in insertion order with one query per output, so memory holds a
  batch of rows at most, whatever the site's size.
- Scratch: no journal, no fsync; the file lives in the run folder (``/tmp`` is often RAM)
  under a hidden ``.run-store.<random>.<pid>.tmp`` name, deleted by ``close`` (or a
  finaliser); a run killed by a signal leaves it for the next store in the folder (or the
  resumed run's crawl state) to delete, as the digest spill does (``spill.py``).
- Rows are the CSV files' own tuples (``report/csv.py`` builds them, raw: the formula
  guard is the CSV exporter's, applied when a cell is written), pickled; findings are
  columns, because report.html, the decisions and pages.csv's counts query them.
- A full disk is an ``OSError`` (ENOSPC) naming the run folder, like a CSV write that
  fails, so the command line says it in one ``Error:`` line.
"""

from __future__ import annotations

import json
import pickle
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks import FINDINGS
from ..model import Finding, PageAudit, Severity
from ..spill import ScratchFile, disk_full_is_oserror, open_scratch
from .csv import (
    AUDIT_FAILED,
    INVENTORY_COLUMNS,
    PAGES_COLUMNS,
    failed_finding,
    finding_rows,
    inventory_row,
    page_row,
    teaser_rows,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..model import FetchResult

BATCH = 500
"""Rows buffered before they are written in one transaction (also flushed per batch):
~25 pages of a sitegen site, whose JSON documents are most of the buffer (~0.5 MB)."""
CACHE_KIB = 512
"""SQLite's page cache for the store (its default is 2 MB): rows are appended, then each
table is read once in order, so a cache buys nothing and would add to the run's peak."""

PAGE, FAILED, SITE = 0, 1, 2
"""Where a finding row came from: a page's own audit, a failed audit, or the run as a whole
(the cross-page checks, a redirect to credentials, the history's review drift).  ``SITE``
findings count in their page's ``errors``/``warnings`` of pages.csv."""

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_ERROR = INVENTORY_COLUMNS.index("error")
_ERRORS, _WARNINGS = PAGES_COLUMNS.index("errors"), PAGES_COLUMNS.index("warnings")

_SCHEMA = """
CREATE TABLE inventory (seq INTEGER PRIMARY KEY, row BLOB NOT NULL);
CREATE TABLE pages (seq INTEGER PRIMARY KEY, url TEXT NOT NULL, row BLOB NOT NULL, doc TEXT);
CREATE TABLE findings (
    seq INTEGER PRIMARY KEY, url TEXT NOT NULL, code TEXT NOT NULL, severity TEXT NOT NULL,
    message TEXT NOT NULL, evidence TEXT, decision TEXT, origin INTEGER NOT NULL
);
CREATE TABLE teasers (seq INTEGER PRIMARY KEY, row BLOB NOT NULL);
CREATE TABLE inlinks (url TEXT PRIMARY KEY, n INTEGER NOT NULL);
"""

FindingRow = tuple[str, str, str, str, str | None, str | None]
"""A findings.csv row, raw: url, code, severity, message, evidence, decision."""


class RunStore(ScratchFile):
    """The rows of one site run (see the module docstring); ``close`` deletes the file.

    ``folder=None`` keeps the store in memory (tests, small tools).  Not for use from two
    threads at once; the flow's tasks use it one after another from their threads.
    """

    def __init__(self, folder: str | Path | None = None, batch: int = BATCH) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.path: Path | None = None
        self._batch = batch
        self._inventory: list[tuple[bytes]] = []
        self._pages: list[tuple[str, bytes, str | None]] = []
        self._findings: list[tuple[Any, ...]] = []
        self._teasers: list[tuple[bytes]] = []
        self._pending = 0
        if self.folder is None:
            self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._conn, self.path = open_scratch(self.folder, ".run-store.")
        self._own(self._conn, self.path)
        try:
            self._conn.execute("PRAGMA journal_mode = OFF")
            self._conn.execute("PRAGMA synchronous = OFF")
            self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            with disk_full_is_oserror(str(self.folder) if self.folder else None):
                self._conn.executescript(_SCHEMA)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ writing

    def add_fetch(
        self, result: FetchResult, audit: PageAudit | None = None, doc: str | None = None
    ) -> None:
        """The inventory row of a URL; with its audit, the page's row, findings, teasers,
        and ``doc``, its JSON document as one line (``pages.jsonl``, report.html)."""
        if audit is None:
            self._inventory.append((_dumps(inventory_row(result)),))
            self._count(1)
            return
        url = result.final_url or result.url
        self._inventory.append((_dumps(inventory_row(result, str(audit.kind), True)),))
        self._pages.append((url, _dumps(page_row(audit, url)), doc))
        before = len(self._findings)
        self._findings.extend((*row, PAGE) for row in finding_rows(audit.findings, url))
        teasers = [(_dumps(row),) for row in teaser_rows(audit, url)]
        self._teasers.extend(teasers)
        self._count(2 + len(self._findings) - before + len(teasers))

    def add_failed(self, result: FetchResult, message: str) -> None:
        """An HTML page whose audit raised: an inventory row and an ``audit_failed`` error."""
        url = result.final_url or result.url
        row = list(inventory_row(result))
        row[_ERROR] = AUDIT_FAILED
        self._inventory.append((_dumps(tuple(row)),))
        self._findings.extend(
            (*r, FAILED) for r in finding_rows([failed_finding(result, message)], url)
        )
        self._count(2)

    def add_site_findings(self, findings: Iterable[Finding]) -> None:
        """Findings of the run as a whole, each on its own URL (streamed from the checks)."""
        for f in findings:
            self._findings.append(
                (f.url or "", f.code, str(f.severity), f.message, f.evidence, f.decision, SITE)
            )
            self._count(1)

    def add_inlinks(self, inlinks: Mapping[str, int]) -> None:
        """URL -> how many crawled pages link to it (``site.SiteIndex.inlinks``)."""
        self.flush()
        where = str(self.folder) if self.folder is not None else None
        with disk_full_is_oserror(where), self._conn:
            self._conn.executemany(
                "INSERT INTO inlinks (url, n) VALUES (?, ?) "
                "ON CONFLICT (url) DO UPDATE SET n = excluded.n",
                inlinks.items(),
            )

    def _count(self, rows: int) -> None:
        self._pending += rows
        if self._pending >= self._batch:
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows (one transaction)."""
        if not self._pending:
            return
        inventory, self._inventory = self._inventory, []
        pages, self._pages = self._pages, []
        findings, self._findings = self._findings, []
        teasers, self._teasers = self._teasers, []
        self._pending = 0
        where = str(self.folder) if self.folder is not None else None
        with disk_full_is_oserror(where), self._conn:
            self._conn.executemany("INSERT INTO inventory (row) VALUES (?)", inventory)
            self._conn.executemany("INSERT INTO pages (url, row, doc) VALUES (?, ?, ?)", pages)
            self._conn.executemany(
                "INSERT INTO findings (url, code, severity, message, evidence, decision, "
                "origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
                findings,
            )
            self._conn.executemany("INSERT INTO teasers (row) VALUES (?)", teasers)

    # ------------------------------------------------------------------ reading

    def _select(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Any]:
        self.flush()
        return self._conn.execute(sql, params)

    def inventory_rows(self) -> Iterator[tuple[Any, ...]]:
        """inventory.csv rows, raw, in the order the crawl met the URLs."""
        return (
            pickle.loads(row) for (row,) in self._select("SELECT row FROM inventory ORDER BY seq")
        )

    def teaser_rows(self) -> Iterator[tuple[Any, ...]]:
        """teasers.csv rows, raw, page by page."""
        return (
            pickle.loads(row) for (row,) in self._select("SELECT row FROM teasers ORDER BY seq")
        )

    def finding_rows(self) -> Iterator[FindingRow]:
        """findings.csv rows, raw: every page's own, failed audits, then the run's."""
        return self._select(
            "SELECT url, code, severity, message, evidence, decision FROM findings ORDER BY seq"
        )

    def inlink_rows(self) -> Iterator[tuple[str, int]]:
        """(url, inlinks), most linked first (``inlinks.csv``); ties by URL."""
        return self._select("SELECT url, n FROM inlinks ORDER BY n DESC, url")

    def page_rows(self) -> Iterator[tuple[Any, ...]]:
        """pages.csv rows, raw, with each page's open cross-page errors and warnings counted
        (the run's findings are known by now: the rows are rendered, never rewritten)."""
        counts = self.site_counts()
        for url, blob in self._select("SELECT url, row FROM pages ORDER BY seq"):
            row = pickle.loads(blob)
            added = counts.get(url)
            if added is not None:
                row = list(row)
                row[_ERRORS] += added[0]
                row[_WARNINGS] += added[1]
            yield tuple(row)

    def site_counts(self) -> dict[str, tuple[int, int]]:
        """URL -> (errors, warnings) of the run's open ``SITE`` findings on it."""
        counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        for url, severity, n in self._select(
            "SELECT url, severity, count(*) FROM findings WHERE origin = ? AND decision IS "
            "NULL AND severity IN (?, ?) GROUP BY url, severity",
            (SITE, str(Severity.ERROR), str(Severity.WARNING)),
        ):
            counts[url][severity != str(Severity.ERROR)] += n
        return {url: (e, w) for url, (e, w) in counts.items()}

    def document_lines(self) -> Iterator[str]:
        """The audited pages' JSON documents, one line each, in page order."""
        return (
            doc
            for (doc,) in self._select("SELECT doc FROM pages WHERE doc IS NOT NULL ORDER BY seq")
        )

    def documents(self) -> Iterator[dict[str, Any]]:
        """The same documents, parsed (report.html's two passes)."""
        return (json.loads(line) for line in self.document_lines())

    def extra_findings(self) -> dict[str, list[dict[str, Any]]]:
        """URL -> the findings a page's document does not hold (every code whose registry
        scope is not ``page``: the cross-page checks, review drift), in the run's order."""
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for url, code, severity, message, evidence, decision in self.finding_rows():
            spec = FINDINGS.get(code)
            if spec is not None and spec.scope == "page":
                continue
            found[url].append(
                {
                    "code": code,
                    "severity": severity,
                    "message": message,
                    "evidence": evidence or None,
                    "decision": decision or None,
                }
            )
        return found

    def decisions_used(self) -> set[str]:
        """Keys of the maintainers' decisions that accepted a finding of the run."""
        return {
            key
            for (key,) in self._select(
                "SELECT DISTINCT decision FROM findings WHERE decision IS NOT NULL "
                "AND decision != ''"
            )
        }

    def page_urls(self) -> set[str]:
        """The URLs of the audited pages."""
        return {url for (url,) in self._select("SELECT url FROM pages")}


def _dumps(row: tuple[Any, ...]) -> bytes:
    return pickle.dumps(row, _PROTOCOL)
