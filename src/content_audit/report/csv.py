"""The four CSV files of a site audit, streamed row by row and committed atomically.

Columns are fixed here, in one place, and documented in ``COLUMNS``; reports from two runs
can be diffed because the columns and finding codes do not move.

Why streaming: a 10k-page site must not hold 10k ``PageAudit`` records in memory, so each
batch's rows go straight to disk as the batch completes.  Why atomic: a crash half-way
must not leave an ``inventory.csv`` that looks complete.  Rows go to hidden temporary files
in the output folder and ``os.replace`` moves all four into place only on ``commit``;
``abort`` (or leaving the ``with`` block on an exception) deletes them.

Crawled text (titles, excerpts, messages) is untrusted: a cell that starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe so a spreadsheet shows
it as text instead of running it as a formula (OWASP "CSV injection").  Numbers are written
as numbers and never guarded, so a negative reading ease stays a number.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..model import ELEMENT_NAMES, Finding, PageAudit, Severity

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..model import FetchResult

INVENTORY_CSV = "inventory.csv"
PAGES_CSV = "pages.csv"
FINDINGS_CSV = "findings.csv"
TEASERS_CSV = "teasers.csv"

INVENTORY_COLUMNS: tuple[str, ...] = (
    "url",
    "source",
    "depth",
    "status",
    "final_url",
    "redirect_hops",
    "content_type",
    "bytes",
    "elapsed_s",
    "error",
    "kind",
    "audited",
    "rendered",
)
PAGES_COLUMNS: tuple[str, ...] = (
    "url",
    "title",
    "kind",
    "score",
    *ELEMENT_NAMES,
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "words",
    "errors",
    "warnings",
    *(f"{name}_status" for name in ELEMENT_NAMES),
)
FINDINGS_COLUMNS: tuple[str, ...] = ("url", "code", "severity", "message", "evidence", "decision")
TEASERS_COLUMNS: tuple[str, ...] = ("page_url", "position", "text", "href", "truncated", "block")

COLUMNS: dict[str, tuple[str, ...]] = {
    INVENTORY_CSV: INVENTORY_COLUMNS,
    PAGES_CSV: PAGES_COLUMNS,
    FINDINGS_CSV: FINDINGS_COLUMNS,
    TEASERS_CSV: TEASERS_COLUMNS,
}
"""File name -> its columns, in order.

- ``inventory.csv``: every URL the crawl met, one row each, fetched or not.  ``source`` is
  how it was found (``start``, ``sitemap``, ``link``, ``redirect``); ``status`` is empty when
  nothing was fetched; ``error`` is the crawler's reason code (``robots``, ``offsite``,
  ``max_pages``, ``timeout``, ...) or ``audit_failed``; ``kind`` is the audited page kind;
  ``audited`` says whether a row exists in pages.csv; ``rendered`` that the page was
  audited as headless Chromium rendered it (``crawl --render``, a script shell).
- ``pages.csv``: one row per audited HTML page; element columns are ``true``/``false``
  (``true`` only when the element is ``found``), and the ``<element>_status`` columns,
  appended last (columns are added, never moved), hold the verdict: ``found``,
  ``unclear`` or ``missing``.
  ``errors`` and ``warnings`` count *every* open (not accepted) finding of that severity
  on the page's URL: its own checks and the cross-page ones (``teaser_*``,
  ``title_duplicate``, ...) alike, so they equal the page's open rows in findings.csv and
  the badges of report.html.  The site checks run after the crawl, when the page's row
  is already streamed; the counts are added to those rows on ``commit``.
- ``findings.csv``: one row per finding, by stable ``code`` (see the README table); the
  cross-page findings come after every page's own.  ``decision`` (appended last) names
  the maintainers' entry that accepts the finding (``accept[2]``, ``decisions.py``), empty
  when it is open; accepted findings are not counted in pages.csv.
- ``teasers.csv``: one row per teaser on a page (a related-post excerpt, a listing card...),
  ``position`` from 1; ``block`` (appended last: columns are a contract) names the block it
  came from, one of ``model.TEASER_BLOCKS``.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

AUDIT_FAILED = "audit_failed"
"""Finding code and inventory error of an HTML page whose audit raised."""


def guard_cell(value: Any) -> Any:
    """Make a crawled string safe to open in a spreadsheet; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unguard_cell(value: str) -> str:
    """Undo ``guard_cell``: drop the apostrophe put before ``=``, ``+``, ``-``, ``@``, tab, CR."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _cell(value: Any) -> Any:
    # Exact types first: every cell of every row passes here (~100 a page).
    kind = type(value)
    if kind is str:
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if kind is int:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return _flag(value)
    if isinstance(value, float):
        return round(value, 3)
    return guard_cell(value)


def inventory_row(result: FetchResult, kind: str = "", audited: bool = False) -> tuple[Any, ...]:
    """The inventory.csv row of one URL the crawl met."""
    error = result.error or ""
    return (
        result.url,
        result.source,
        result.depth,
        result.status,
        result.final_url,
        len(result.redirects or ()),
        result.content_type,
        result.bytes,
        result.elapsed_s,
        error,
        kind,
        audited,
        result.rendered,
    )


def page_row(audit: PageAudit, url: str) -> tuple[Any, ...]:
    """The pages.csv row of one audited page."""
    read = audit.readability
    return (
        url,
        audit.page.title,
        str(audit.kind),
        audit.score,
        *(audit.element(name).present for name in ELEMENT_NAMES),
        read.flesch_kincaid_grade,
        read.flesch_reading_ease,
        read.words,
        audit.count(Severity.ERROR),
        audit.count(Severity.WARNING),
        *(audit.element(name).status for name in ELEMENT_NAMES),
    )


def finding_rows(findings: Iterable[Finding], url: str) -> Iterator[tuple[Any, ...]]:
    """findings.csv rows; a finding without its own URL belongs to the page."""
    for f in findings:
        yield (f.url or url, f.code, str(f.severity), f.message, f.evidence, f.decision)


def teaser_rows(audit: PageAudit, url: str) -> Iterator[tuple[Any, ...]]:
    """teasers.csv rows, numbered from 1 in page order when extraction gave no position."""
    for index, teaser in enumerate(audit.page.teasers, start=1):
        yield (
            url,
            teaser.position or index,
            teaser.text,
            teaser.href,
            teaser.truncated,
            teaser.block,
        )


def failed_finding(result: FetchResult, message: str) -> Finding:
    """The ``audit_failed`` error of an HTML page whose audit raised (``message``: why)."""
    url = result.final_url or result.url
    return Finding(
        code=AUDIT_FAILED,
        severity=Severity.ERROR,
        message=f"{url}: the page could not be audited",
        evidence=message,
        url=url,
    )


class ReportWriter:
    """Streams rows to the four CSV files of one run, committed together at the end.

    Use as a context manager: leaving the block normally commits (moves the temporary
    files into place), leaving it on an exception aborts (deletes them).  Nothing named
    ``inventory.csv`` exists in the folder until ``commit`` succeeds.
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, int] = dict.fromkeys(COLUMNS, 0)
        self._temps: dict[str, Path] = {}
        self._files: dict[str, io.TextIOWrapper] = {}
        self._writers: dict[str, Any] = {}
        self._closed = False
        self._site_counts: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        try:
            for name, columns in COLUMNS.items():
                temp = self.out_dir / f".{name}.{os.getpid()}.tmp"
                handle = open(temp, "w", encoding="utf-8", newline="")  # noqa: SIM115
                self._temps[name] = temp
                self._files[name] = handle
                writer = csv.writer(handle)
                writer.writerow(columns)
                self._writers[name] = writer
        except BaseException:
            self.abort()
            raise

    def write(self, name: str, rows: Iterable[Sequence[Any]]) -> None:
        """Append rows (tuples in the file's column order) to one of the files."""
        writer = self._writers[name]
        width = len(COLUMNS[name])
        count = 0
        try:
            for row in rows:
                if len(row) != width:
                    raise ValueError(f"{name}: row has {len(row)} cells, expected {width}")
                writer.writerow(list(map(_cell, row)))
                count += 1
        finally:
            self.rows[name] += count

    def write_fetch(self, result: FetchResult, audit: PageAudit | None = None) -> None:
        """The inventory row of a URL, and its page, findings and teaser rows when audited."""
        if audit is None:
            self.write(INVENTORY_CSV, [inventory_row(result)])
            return
        url = result.final_url or result.url
        self.write(INVENTORY_CSV, [inventory_row(result, str(audit.kind), True)])
        self.write(PAGES_CSV, [page_row(audit, url)])
        self.write(FINDINGS_CSV, finding_rows(audit.findings, url))
        self.write(TEASERS_CSV, teaser_rows(audit, url))

    def write_failed(self, result: FetchResult, message: str) -> None:
        """An HTML page whose audit raised: an inventory row and an error finding."""
        url = result.final_url or result.url
        row = list(inventory_row(result))
        row[INVENTORY_COLUMNS.index("error")] = AUDIT_FAILED
        self.write(INVENTORY_CSV, [row])
        self.write(FINDINGS_CSV, finding_rows([failed_finding(result, message)], url))

    def write_site_findings(self, findings: Iterable[Finding]) -> None:
        """Cross-page findings (``site.py``): findings.csv rows, counted into pages.csv.

        Each finding is on its own URL; its severity is added to that page's
        ``errors``/``warnings`` when the files are committed (see ``COLUMNS``).
        """
        for f in findings:
            url = f.url or ""
            self.write(FINDINGS_CSV, finding_rows([f], url))
            if f.decision is None and f.severity in (Severity.ERROR, Severity.WARNING):
                self._site_counts[guard_cell(url)][f.severity != Severity.ERROR] += 1

    def flush(self) -> None:
        for handle in self._files.values():
            handle.flush()

    def commit(self) -> dict[str, Path]:
        """Close the files and move them into place; returns name -> final path."""
        if self._closed:
            raise RuntimeError("report already closed")
        for handle in self._files.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        self._closed = True
        if self._site_counts:
            try:
                self._add_site_counts()
            except BaseException:
                self.abort()
                raise
        final = {}
        for name, temp in self._temps.items():
            target = self.out_dir / name
            os.replace(temp, target)
            final[name] = target
        return final

    def _add_site_counts(self) -> None:
        """Rewrite the (closed) pages.csv temporary file with cross-page findings counted.

        One sequential pass, row by row: the file is as large as the site, memory is not.
        """
        source = self._temps[PAGES_CSV]
        temp = source.with_name(source.name + ".counted")
        errors, warnings = PAGES_COLUMNS.index("errors"), PAGES_COLUMNS.index("warnings")
        try:
            with (
                open(source, encoding="utf-8", newline="") as reader,
                open(temp, "w", encoding="utf-8", newline="") as out,
            ):
                writer = csv.writer(out)
                for n, row in enumerate(csv.reader(reader)):
                    counts = self._site_counts.get(row[0]) if n else None
                    if counts is not None:
                        row[errors] = str(int(row[errors]) + counts[0])
                        row[warnings] = str(int(row[warnings]) + counts[1])
                    writer.writerow(row)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, source)
        finally:
            temp.unlink(missing_ok=True)

    def abort(self) -> None:
        """Close and delete the temporary files; the folder keeps no partial report."""
        for handle in self._files.values():
            if not handle.closed:
                # A full disk fails the last flush too; the file goes anyway.
                with contextlib.suppress(OSError):
                    handle.close()
        self._closed = True
        for temp in self._temps.values():
            temp.unlink(missing_ok=True)

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and not self._closed:
            self.commit()
        elif not self._closed:
            self.abort()
