"""Run history in SQLite: runs, pages and findings, and the diff between two runs.

Every site audit is recorded so the next one can say what changed: new and fixed findings,
pages added and removed, score and grade moves, and an element that disappeared (a consult
prompt removed by an edit).  The module owns the schema and its version; all SQL is
parameterised; functions take a connection so tests can use ``:memory:``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import StoreError
from .model import ELEMENT_NAMES, PageAudit, Severity

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site TEXT NOT NULL,
    start_url TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    out_dir TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    urls INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS runs_site ON runs (site, id);
CREATE TABLE IF NOT EXISTS pages (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    score INTEGER NOT NULL,
    definition INTEGER NOT NULL,
    uses INTEGER NOT NULL,
    mechanism INTEGER NOT NULL,
    consult INTEGER NOT NULL,
    flesch_kincaid_grade REAL NOT NULL,
    words INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    evidence TEXT
);
CREATE INDEX IF NOT EXISTS findings_run ON findings (run_id, url, code);
"""


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One recorded run of a site audit."""

    id: int
    site: str
    start_url: str
    started_at: str
    finished_at: str | None
    status: str
    out_dir: str | None
    pages: int
    urls: int


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two runs, on one page.

    ``change`` is one of: page_added, page_removed, finding_new, finding_fixed,
    score_changed, grade_changed, element_lost, element_gained, kind_changed.
    """

    url: str
    change: str
    detail: str
    before: str = ""
    after: str = ""


def connect(location: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the history database at a path or ``sqlite:///`` URL."""
    text = str(location)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :] or ":memory:"
    elif "://" in text:
        raise StoreError(f"{location}: only SQLite paths or sqlite:/// URLs are supported")
    if text != ":memory:":
        Path(text).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(text, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if text != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{location}: cannot use the history database ({exc})") from None
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Create the schema, or refuse a database written by a newer content-audit."""
    with conn:
        conn.executescript(_SCHEMA)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        elif int(row[0]) > SCHEMA_VERSION:
            raise StoreError(
                f"history database has schema {row[0]}, newer than this content-audit "
                f"({SCHEMA_VERSION}); upgrade content-audit"
            )


def start_run(conn: sqlite3.Connection, site: str, start_url: str, out_dir: str | None) -> int:
    """Record the start of a run and return its id."""
    with conn:
        cursor = conn.execute(
            "INSERT INTO runs (site, start_url, started_at, out_dir) VALUES (?, ?, ?, ?)",
            (site, start_url, _now(), out_dir),
        )
    return int(cursor.lastrowid or 0)


def record_pages(conn: sqlite3.Connection, run_id: int, audits: Iterable[PageAudit]) -> int:
    """Store a batch of page audits of a run (one transaction); returns how many."""
    page_rows = []
    finding_rows = []
    for audit in audits:
        url = audit.url or ""
        flags = [int(audit.element(name).present) for name in ELEMENT_NAMES]
        page_rows.append(
            (
                run_id,
                url,
                audit.page.title,
                audit.kind.value,
                audit.score,
                *flags,
                audit.readability.flesch_kincaid_grade,
                audit.readability.words,
                audit.count(Severity.ERROR),
                audit.count(Severity.WARNING),
            )
        )
        finding_rows.extend(
            (run_id, url, f.code, f.severity.value, f.message, f.evidence) for f in audit.findings
        )
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", page_rows
        )
        conn.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?)", finding_rows)
    return len(page_rows)


def record_findings(
    conn: sqlite3.Connection, run_id: int, rows: Iterable[tuple[str, str, str, str, str | None]]
) -> None:
    """Store findings that are not tied to one page audit (cross-page checks)."""
    with conn:
        conn.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?)", ((run_id, *row) for row in rows)
        )


def finish_run(
    conn: sqlite3.Connection, run_id: int, *, urls: int, status: str = "complete"
) -> None:
    """Mark a run finished; only finished runs are compared with later ones."""
    with conn:
        pages = conn.execute("SELECT count(*) FROM pages WHERE run_id = ?", (run_id,)).fetchone()[0]
        conn.execute(
            "UPDATE runs SET finished_at = ?, status = ?, pages = ?, urls = ? WHERE id = ?",
            (_now(), status, pages, urls, run_id),
        )


def list_runs(conn: sqlite3.Connection, site: str | None = None) -> list[RunInfo]:
    """Runs, newest first, of one site or of all."""
    query = "SELECT * FROM runs" + (" WHERE site = ?" if site else "") + " ORDER BY id DESC"
    rows = conn.execute(query, (site,) if site else ()).fetchall()
    return [RunInfo(**dict(row)) for row in rows]


def get_run(conn: sqlite3.Connection, run_id: int) -> RunInfo:
    row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise StoreError(f"no run with id {run_id} in the history database")
    return RunInfo(**dict(row))


def previous_run(conn: sqlite3.Connection, run_id: int) -> RunInfo | None:
    """The last complete run of the same site before ``run_id``."""
    run = get_run(conn, run_id)
    row = conn.execute(
        "SELECT * FROM runs WHERE site = ? AND id < ? AND status = 'complete' "
        "ORDER BY id DESC LIMIT 1",
        (run.site, run_id),
    ).fetchone()
    return RunInfo(**dict(row)) if row else None


def diff_runs(conn: sqlite3.Connection, before: int, after: int) -> list[Change]:
    """Everything that changed from run ``before`` to run ``after``, page by page."""
    old = _pages(conn, before)
    new = _pages(conn, after)
    changes: list[Change] = []
    for url in sorted(new.keys() - old.keys()):
        changes.append(Change(url, "page_added", f"new page: {new[url]['title']}"))
    for url in sorted(old.keys() - new.keys()):
        changes.append(Change(url, "page_removed", f"page gone: {old[url]['title']}"))
    for url in sorted(old.keys() & new.keys()):
        changes.extend(_page_changes(url, old[url], new[url]))
    old_findings = _findings(conn, before)
    new_findings = _findings(conn, after)
    for url, code in sorted(new_findings.keys() - old_findings.keys()):
        if url in old or url not in new:
            changes.append(Change(url, "finding_new", new_findings[(url, code)], after=code))
    for url, code in sorted(old_findings.keys() - new_findings.keys()):
        if url in new:
            changes.append(Change(url, "finding_fixed", old_findings[(url, code)], before=code))
    return changes


def _page_changes(url: str, old: sqlite3.Row, new: sqlite3.Row) -> Iterator[Change]:
    if old["kind"] != new["kind"]:
        yield Change(url, "kind_changed", "page kind changed", old["kind"], new["kind"])
    for name in ELEMENT_NAMES:
        if old[name] and not new[name]:
            yield Change(url, "element_lost", f"{name} disappeared", "present", "absent")
        elif new[name] and not old[name]:
            yield Change(url, "element_gained", f"{name} added", "absent", "present")
    if old["score"] != new["score"]:
        delta = new["score"] - old["score"]
        yield Change(
            url, "score_changed", f"score {delta:+d}", str(old["score"]), str(new["score"])
        )
    grade_delta = new["flesch_kincaid_grade"] - old["flesch_kincaid_grade"]
    if abs(grade_delta) >= 0.5:
        yield Change(
            url,
            "grade_changed",
            f"reading grade {grade_delta:+.1f}",
            f"{old['flesch_kincaid_grade']:.1f}",
            f"{new['flesch_kincaid_grade']:.1f}",
        )


def _pages(conn: sqlite3.Connection, run_id: int) -> dict[str, sqlite3.Row]:
    rows = conn.execute("SELECT * FROM pages WHERE run_id = ?", (run_id,))
    return {row["url"]: row for row in rows}


def _findings(conn: sqlite3.Connection, run_id: int) -> dict[tuple[str, str], str]:
    """(url, code) -> message of one run's findings; one entry per code and page."""
    rows = conn.execute(
        "SELECT url, code, message FROM findings WHERE run_id = ? ORDER BY rowid", (run_id,)
    )
    found: dict[tuple[str, str], str] = {}
    for row in rows:
        found.setdefault((row["url"], row["code"]), row["message"])
    return found


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
