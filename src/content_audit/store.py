"""Run history in SQLite: runs, pages and findings, and the diff between two runs.

Every site audit is recorded so the next one can say what changed: new and fixed findings,
pages added and removed, score and grade moves, an element whose verdict moved between
found, unclear and missing (a consult prompt removed by an edit), and review drift (an
article whose text changed while its medical review date stayed).  The module owns the
schema and its version (``migrate`` upgrades an older database in place); all SQL is
parameterised; functions take a connection so tests can use ``:memory:``.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import StoreError
from .health import parse_date
from .model import ELEMENT_NAMES, Page, PageAudit, Severity

SCHEMA_VERSION = 3
"""1: runs, pages, findings.  2: pages.text_sha1 and pages.reviewed_on (review drift).
3: pages.<element>_status, each element's verdict (found / unclear / missing)."""
DRIFT_CODE = "review_drift"
"""The change type (``diff_runs``) and the finding code (``checks.py``) of review drift."""

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
    text_sha1 TEXT,
    reviewed_on TEXT,
    definition_status TEXT,
    uses_status TEXT,
    mechanism_status TEXT,
    consult_status TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE INDEX IF NOT EXISTS pages_url ON pages (url, run_id);
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

_MIGRATIONS: dict[int, tuple[tuple[str, str, str], ...]] = {
    1: (("pages", "text_sha1", "TEXT"), ("pages", "reviewed_on", "TEXT")),
    2: tuple(("pages", f"{name}_status", "TEXT") for name in ELEMENT_NAMES),
}
"""Version N -> the columns (table, column, type) version N + 1 adds to a version N database.

Columns are only ever added (``ALTER TABLE ... ADD COLUMN``, NULL in the old rows), so an old
database upgrades in place and its runs stay comparable; pages recorded before version 2 have
no text hash and are never reported as drift; pages recorded before version 3 have no element
status, and ``element_status`` reads theirs from the element's 0/1 column (found or missing:
no earlier version knew ``unclear``).
"""

PAGE_COLUMNS: tuple[str, ...] = (
    "run_id",
    "url",
    "title",
    "kind",
    "score",
    *ELEMENT_NAMES,
    "flesch_kincaid_grade",
    "words",
    "errors",
    "warnings",
    "text_sha1",
    "reviewed_on",
    *(f"{name}_status" for name in ELEMENT_NAMES),
)

STATUS_RANK = {"missing": 0, "unclear": 1, "found": 2}
"""Element verdicts from worst to best: a move down is ``element_lost``, up ``element_gained``."""
CHANGE_VALUES = {"found": "present", "unclear": "unclear", "missing": "absent"}
"""How ``element_lost``/``element_gained`` name a verdict in ``before``/``after``: the
``present``/``absent`` of earlier releases, and ``unclear``."""


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
    score_changed, grade_changed, element_lost, element_gained (``before``/``after``:
    ``present``, ``unclear`` or ``absent``; a move towards absent is a loss, even from
    present to unclear), kind_changed, review_drift (``before``/``after``: the medical
    review date in each run).
    """

    url: str
    change: str
    detail: str
    before: str = ""
    after: str = ""


APPLICATION_ID = 0x43417564
"""``PRAGMA application_id`` of a content-audit history ("CAud"): set when the database is
created, checked before anything is written, so ``--db`` pointed at another program's
SQLite file (or any file) is refused instead of given the history schema."""


def connect(location: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open the history database at a path or ``sqlite:///`` URL.

    Writing (the default) creates it when missing; an existing file must be a history
    database (``APPLICATION_ID``, or one made before the id by its tables), never an
    empty file or another program's database.  ``readonly`` (``history``, ``diff``) opens
    it with SQLite's ``mode=ro``: a history on a read-only disk or owned by another user
    can be read.
    """
    text = str(location)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :] or ":memory:"
    elif "://" in text:
        raise StoreError(f"{location}: only SQLite paths or sqlite:/// URLs are supported")
    memory = text == ":memory:"
    exists = not memory and Path(text).exists()
    if exists and not Path(text).is_file():
        raise StoreError(f"{location}: not a file, not a history database")
    if exists and Path(text).stat().st_size == 0:
        raise StoreError(f"{location}: an empty file, not a content-audit history database")
    if not memory and not exists and not readonly:
        try:
            Path(text).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{location}: cannot create the history database ({exc})") from None
    try:
        conn = _open_readonly(text) if readonly else sqlite3.connect(text, timeout=30)
    except sqlite3.Error as exc:
        raise StoreError(f"{location}: cannot open the history database ({exc})") from None
    try:
        conn.row_factory = sqlite3.Row
        if exists:
            _check_identity(conn, location)
        if readonly:
            version = schema_version(conn)
            if version == SCHEMA_VERSION:
                return conn
            if version < SCHEMA_VERSION:  # upgraded in place, as a site audit would
                conn.close()
                try:
                    return connect(location)
                except StoreError:
                    pass
            raise StoreError(
                f"{location}: history database has schema {version}, this content-audit "
                f"reads {SCHEMA_VERSION}"
                + ("; it cannot be upgraded here (read-only)" if version < SCHEMA_VERSION else "")
            )
        conn.execute("PRAGMA foreign_keys = ON")
        if not memory:
            conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{location}: cannot use the history database ({exc})") from None
    return conn


def _open_readonly(path: str) -> sqlite3.Connection:
    """``mode=ro``; where SQLite cannot make the WAL index beside a WAL database (a
    read-only folder or disk), ``immutable=1``: nobody can be writing it there."""
    uri = Path(path).resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", timeout=30, uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", timeout=30, uri=True)
    return conn


def _check_identity(conn: sqlite3.Connection, location: str | Path) -> None:
    """Refuse a database that is not a content-audit history (nothing is written yet)."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    if app_id == 0:  # made before the id was set: recognise it by its tables
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if {"meta", "runs", "pages", "findings"} <= tables and conn.execute(
            "SELECT 1 FROM meta WHERE key = 'schema_version'"
        ).fetchone():
            return
    raise StoreError(f"{location}: not a content-audit history database (another program's?)")


def migrate(conn: sqlite3.Connection) -> None:
    """Create the schema, upgrade an older one in place, or refuse a newer one.

    The upgrade runs in one ``BEGIN IMMEDIATE`` transaction that re-reads the version, so
    two processes opening the same old database cannot both alter it, and a failure leaves
    the old schema intact.
    """
    with conn:
        conn.executescript(_SCHEMA)
    conn.execute("BEGIN IMMEDIATE")
    try:
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
        elif int(row[0]) < SCHEMA_VERSION:
            for version in range(int(row[0]), SCHEMA_VERSION):
                for table, column, kind in _MIGRATIONS.get(version, ()):
                    present = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
                    if column not in present:
                        conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )
        if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def text_sha1(text: str) -> str | None:
    """The fingerprint of an article text: sha1 of its words joined by single spaces.

    Whitespace is normalised so a re-wrapped paragraph or a changed indent in the theme is
    not an edit; ``None`` for a page without article text (nothing to drift).
    """
    words = " ".join(text.split())
    return hashlib.sha1(words.encode("utf-8")).hexdigest() if words else None


def reviewed_on(page: Page) -> str | None:
    """The page's medical review date (JSON-LD ``lastReviewed``, "Medically reviewed on"),
    as an ISO date, or ``None``.

    Only a review counts, not an update or publication date: WordPress moves
    ``dateModified`` on every save, so a page whose text was edited would always look
    freshly "reviewed" and its drift would never show.
    """
    parsed = parse_date(page.date_reviewed)
    return parsed.isoformat() if parsed else None


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
    finding_rows: list[tuple[Any, ...]] = []
    for audit in audits:
        url = audit.url or ""
        results = [audit.element(name) for name in ELEMENT_NAMES]
        page_rows.append(
            (
                run_id,
                url,
                audit.page.title,
                audit.kind.value,
                audit.score,
                *(int(e.present) for e in results),
                audit.readability.flesch_kincaid_grade,
                audit.readability.words,
                audit.count(Severity.ERROR),
                audit.count(Severity.WARNING),
                text_sha1(audit.page.text),
                reviewed_on(audit.page),
                *(e.status for e in results),
            )
        )
        finding_rows.extend(
            (run_id, url, f.code, f.severity.value, f.message, f.evidence)
            for f in audit.findings
            if f.decision is None  # accepted by the maintainers: not a finding to track
        )
    with conn:
        conn.executemany(_INSERT_PAGE, page_rows)
        conn.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?)", finding_rows)
    return len(page_rows)


_INSERT_PAGE = (
    f"INSERT OR REPLACE INTO pages ({', '.join(PAGE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in PAGE_COLUMNS)})"
)


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


def supersede_run(conn: sqlite3.Connection, run_id: int) -> None:
    """Mark an unfinished run ``interrupted``: a resumed run records its pages anew."""
    with conn:
        conn.execute(
            "UPDATE runs SET status = 'interrupted' WHERE id = ? AND status != 'complete'",
            (run_id,),
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


def diff_runs(
    conn: sqlite3.Connection, before: int, after: int, *, drift: bool = True
) -> list[Change]:
    """Everything that changed from run ``before`` to run ``after``, page by page.

    With ``drift``, a page whose text changed while its review date did not move (see
    ``is_review_drift``) is a ``review_drift`` change; the ``review_drift`` finding the
    recorder stores for it is then not listed again as ``finding_new``.

    Order: pages added, pages removed, then each common page's changes, then findings new
    and fixed, each part sorted by URL (and code).  Both runs are read as two cursors
    sorted by URL and merged, never loaded: memory grows with what changed, not with the
    site (two 10k-page runs held as rows and finding maps took ~130 MB).
    """
    before_day = get_run(conn, before).started_at[:10]
    added: list[Change] = []
    removed: list[Change] = []
    changed: list[Change] = []
    drifted: set[str] = set()
    query = "SELECT * FROM pages WHERE run_id = ? ORDER BY url"  # the primary key's order
    pairs = _merge_sorted(
        conn.execute(query, (before,)), conn.execute(query, (after,)), lambda row: row["url"]
    )
    for url, old, new in pairs:
        if old is None:
            assert new is not None  # one side at least
            added.append(Change(url, "page_added", f"new page: {new['title']}"))
        elif new is None:
            removed.append(Change(url, "page_removed", f"page gone: {old['title']}"))
        else:
            changed.extend(_page_changes(url, old, new))
            if drift and is_review_drift(
                old["text_sha1"],
                new["text_sha1"],
                old["reviewed_on"],
                new["reviewed_on"],
                before_day,
            ):
                drifted.add(url)
                changed.append(
                    Change(
                        url,
                        "review_drift",
                        f"text changed after its last medical review ({new['reviewed_on']})",
                        old["reviewed_on"] or "",
                        new["reviewed_on"],
                    )
                )
    found_new: list[Change] = []
    fixed: list[Change] = []
    keyed = lambda row: (row["url"], row["code"])  # noqa: E731
    for (url, code), old, new in _merge_sorted(
        _findings(conn, before, after), _findings(conn, after, before), keyed
    ):
        if old is None:
            assert new is not None  # one side at least
            if code == DRIFT_CODE and url in drifted:
                continue
            # A new page's findings are its "page_added"; a site-wide URL's are listed.
            if new["in_other"] or not new["in_own"]:
                found_new.append(Change(url, "finding_new", new["message"], after=code))
        elif new is None and old["in_other"]:
            fixed.append(Change(url, "finding_fixed", old["message"], before=code))
    return [*added, *removed, *changed, *found_new, *fixed]


def _merge_sorted(
    old: Iterable[sqlite3.Row], new: Iterable[sqlite3.Row], key: Callable[[sqlite3.Row], Any]
) -> Iterator[tuple[Any, sqlite3.Row | None, sqlite3.Row | None]]:
    """Merge two row streams sorted by ``key`` (unique within each): ``(key, old, new)``
    with ``None`` on the side that lacks the key."""
    old_iter, new_iter = iter(old), iter(new)
    a, b = next(old_iter, None), next(new_iter, None)  # a row is never None
    while a is not None or b is not None:
        ka: Any = key(a) if a is not None else None
        kb: Any = key(b) if b is not None else None
        if b is None or (a is not None and ka < kb):
            yield ka, a, None
            a = next(old_iter, None)
        elif a is None or kb < ka:
            yield kb, None, b
            b = next(new_iter, None)
        else:
            yield ka, a, b
            a, b = next(old_iter, None), next(new_iter, None)


def is_review_drift(
    old_sha1: str | None,
    new_sha1: str | None,
    old_review: str | None,
    new_review: str | None,
    before_day: str,
) -> bool:
    """Whether text that changed between two runs went out without a medical review.

    The text changed (both runs have a fingerprint and they differ) on a page that states
    a review date, and that date either did not move forward or is older than the day of
    the earlier run (the last time the old text was seen), so the review cannot have seen
    the new text.  ISO dates compare as strings.  A page without a review date is not
    drift: it never claimed a review (``reviewer_missing``/``review_overdue`` cover it).
    """
    if not (old_sha1 and new_sha1 and new_review) or old_sha1 == new_sha1:
        return False
    moved = old_review is None or new_review > old_review
    return not moved or new_review < before_day


@dataclass(frozen=True, slots=True)
class Drift:
    """A page of a run whose current text was never reviewed (``review_drift``).

    ``changed_in`` is the run where the current text first appeared, ``since`` the last
    run that still had the earlier text (the baseline of the comparison).
    """

    url: str
    reviewed_on: str
    changed_in: int
    since: int
    since_started_at: str
    previous_review: str | None


def find_drift(conn: sqlite3.Connection, run_id: int) -> list[Drift]:
    """The pages of ``run_id`` whose text changed after their last medical review.

    Unlike ``diff_runs`` (two runs), this looks back through the site's history: for each
    page, the last complete earlier run with a *different* text is the baseline, so drift
    found in one run stays a finding in the next runs until the review date moves past the
    edit, and is not reported "fixed" just because the text stayed the same since.
    """
    run = get_run(conn, run_id)
    rows = conn.execute(
        """
        WITH cur AS (
            SELECT url, text_sha1, reviewed_on FROM pages
            WHERE run_id = :run AND text_sha1 IS NOT NULL AND reviewed_on IS NOT NULL
        ),
        base AS (
            SELECT cur.url AS url, max(p.run_id) AS since
            FROM cur
            JOIN pages AS p ON p.url = cur.url
            JOIN runs AS r ON r.id = p.run_id
            WHERE r.site = :site AND r.status = 'complete' AND p.run_id < :run
                AND p.text_sha1 IS NOT NULL AND p.text_sha1 != cur.text_sha1
            GROUP BY cur.url
        )
        SELECT cur.url, cur.text_sha1, cur.reviewed_on, base.since,
            old.text_sha1 AS old_sha1, old.reviewed_on AS old_review,
            r.started_at AS since_started_at,
            (SELECT min(p2.run_id) FROM pages AS p2 JOIN runs AS r2 ON r2.id = p2.run_id
             WHERE p2.url = cur.url AND p2.run_id > base.since AND r2.site = :site
                AND (r2.status = 'complete' OR r2.id = :run)) AS changed_in
        FROM cur
        JOIN base ON base.url = cur.url
        JOIN pages AS old ON old.run_id = base.since AND old.url = cur.url
        JOIN runs AS r ON r.id = base.since
        ORDER BY cur.url
        """,
        {"run": run_id, "site": run.site},
    ).fetchall()
    return [
        Drift(
            url=row["url"],
            reviewed_on=row["reviewed_on"],
            changed_in=int(row["changed_in"] or run_id),
            since=int(row["since"]),
            since_started_at=row["since_started_at"],
            previous_review=row["old_review"],
        )
        for row in rows
        if is_review_drift(
            row["old_sha1"],
            row["text_sha1"],
            row["old_review"],
            row["reviewed_on"],
            row["since_started_at"][:10],
        )
    ]


def _page_changes(url: str, old: sqlite3.Row, new: sqlite3.Row) -> Iterator[Change]:
    if old["kind"] != new["kind"]:
        yield Change(url, "kind_changed", "page kind changed", old["kind"], new["kind"])
    for name in ELEMENT_NAMES:
        before, after = element_status(old, name), element_status(new, name)
        if before != after:
            lost = STATUS_RANK[after] < STATUS_RANK[before]
            yield Change(
                url,
                "element_lost" if lost else "element_gained",
                _ELEMENT_MOVES[before, after].format(name=name),
                CHANGE_VALUES[before],
                CHANGE_VALUES[after],
            )
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


_ELEMENT_MOVES = {
    ("found", "missing"): "{name} disappeared",
    ("found", "unclear"): "{name} became unclear",
    ("unclear", "missing"): "{name} disappeared (was unclear)",
    ("missing", "found"): "{name} added",
    ("missing", "unclear"): "{name} added, unclear",
    ("unclear", "found"): "{name} made clear",
}
"""The ``detail`` of an element change, by (before, after) verdict."""


def element_status(row: sqlite3.Row, name: str) -> str:
    """An element's verdict in a stored page row: its ``<name>_status`` column, or for a
    page recorded before schema 3 (NULL there), what its 0/1 column says."""
    status = row[f"{name}_status"]
    if status in STATUS_RANK:
        return str(status)
    return "found" if row[name] else "missing"


def _findings(conn: sqlite3.Connection, run_id: int, other: int) -> Iterator[sqlite3.Row]:
    """One run's findings sorted by (url, code), the first (by rowid) of each pair, with
    whether the URL is a page of this run (``in_own``) and of the ``other`` run."""
    rows = conn.execute(
        """
        SELECT url, code, message,
            EXISTS (SELECT 1 FROM pages AS p WHERE p.run_id = f.run_id AND p.url = f.url)
                AS in_own,
            EXISTS (SELECT 1 FROM pages AS p WHERE p.run_id = :other AND p.url = f.url)
                AS in_other
        FROM findings AS f WHERE run_id = :run ORDER BY url, code, rowid
        """,
        {"run": run_id, "other": other},
    )
    last: tuple[str, str] | None = None
    for row in rows:
        key = (row["url"], row["code"])
        if key != last:
            last = key
            yield row


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
