"""The four CSV files of a site audit: their columns, their rows, and how a cell is written.

Columns are fixed here, in one place, and documented in ``COLUMNS``; reports from two runs
can be diffed because the columns and finding codes do not move.

The row functions (``inventory_row``, ``page_row``, ...) build each file's rows, raw, as
the run produces them; the run's store keeps them (``report/runstore.py``: a 10k-page site
must not hold 10k ``PageAudit`` records in memory, so each batch's rows go to its scratch
file as the batch completes), and ``CsvFile`` renders a file from the store once the run's
rows are complete.  Why atomic: a crash half-way must not leave an ``inventory.csv`` that
looks complete; ``report.outputs.RunOutputs.commit`` writes every file under a hidden
temporary name and moves them all into place only when all are written.

Crawled text (titles, excerpts, messages) is untrusted: a cell that starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return gets a leading apostrophe so a spreadsheet shows
it as text instead of running it as a formula (OWASP "CSV injection").  Numbers are written
as numbers and never guarded, so a negative reading ease stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import methodcaller
from typing import TYPE_CHECKING, Any, TextIO

from ..model import ELEMENT_NAMES, Finding, PageAudit, Severity

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ..model import FetchResult
    from .runstore import RunStore

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
  the badges of report.html.  The site checks run after the crawl; pages.csv is rendered
  from the run's store once they have, with the counts (``RunStore.page_rows``).
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


class CsvFile:
    """One of the four CSV files, rendered from the run's store (``report/runstore.py``):
    the header, then every row in the store's order, each cell formula-guarded (``_cell``).

    Written when the run's rows are complete (``RunOutputs.commit``), so pages.csv counts
    the cross-page findings as it is written instead of being rewritten to add them."""

    def __init__(self, filename: str, rows: Callable[[RunStore], Iterable[Sequence[Any]]]) -> None:
        self.filename = filename
        self.rows = rows

    def write(self, store: RunStore, handle: TextIO) -> None:
        columns = COLUMNS[self.filename]
        writer = csv.writer(handle)
        writer.writerow(columns)
        width = len(columns)
        for row in self.rows(store):
            if len(row) != width:
                raise ValueError(f"{self.filename}: row has {len(row)} cells, expected {width}")
            writer.writerow(list(map(_cell, row)))


def csv_files() -> tuple[CsvFile, ...]:
    """The four CSV files of a site run, in the order they are listed."""
    return (
        CsvFile(INVENTORY_CSV, methodcaller("inventory_rows")),
        CsvFile(PAGES_CSV, methodcaller("page_rows")),
        CsvFile(FINDINGS_CSV, methodcaller("finding_rows")),
        CsvFile(TEASERS_CSV, methodcaller("teaser_rows")),
    )
