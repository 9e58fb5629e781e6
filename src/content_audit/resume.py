"""Crawl state: a journal of a site audit's finished batches, so a killed run resumes.

Why a journal of results rather than a snapshot of the crawler: the crawl is deterministic
once what each fetch returned is fixed.  ``run_batches`` pops batches from the frontier in
breadth-first order and feeds each page's links back in batch order, so replaying the same
fetch results and audits in the same order rebuilds the same frontier, inventory, tally,
cross-page checks, history and reports, with no crawler internals to serialise.  So each
batch's raw fetch results (before redirect accounting, without the HTML) and its audit
outcomes are committed to SQLite in one transaction as the batch's audit completes.  A run
started again on the same output folder replays them: items already journaled take their
recorded fetch instead of the network and their recorded audit instead of the process pool,
and only what never finished is fetched and audited.  The CSV files, ``pages.jsonl`` and
the history are written again from the replay (they were never committed by the killed
run: the report writers are atomic), which costs unpickling and writing rows, a small
fraction of fetching and auditing.

The state file is ``<out_dir>/.crawl-state.sqlite``.  It is deleted when the run's reports
are complete, so a finished folder never resumes.  A state written with other settings (the
start URL, anything that changes what is crawled or found, or another content-audit
version) is set aside and the run starts over.  An advisory lock on the file keeps two runs
from writing the same folder at once.

Pickled records: the file is written and read only by this program, in a folder it
writes reports to; treat it like the reports themselves (do not load a state file from
someone else).  robots.txt and sitemaps are read again on resume (they are small, and a
crawl must follow the current robots.txt anyway).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from . import __version__
from .config import AuditConfig
from .errors import InputError
from .model import FetchResult

log = logging.getLogger(__name__)

STATE_FILE = ".crawl-state.sqlite"
FORMAT = "1"
HTML_PLACEHOLDER = ""
"""What a replayed fetch result carries instead of its page's HTML (never audited again:
its recorded audit is used).  Empty text is never a page the crawler hands on."""

_VOLATILE_CRAWL_KEYS = ("concurrency", "audit_workers", "dask_address", "delay_s")
"""Crawl settings a resumed run may change: they affect speed and politeness, not results."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fetches (url TEXT PRIMARY KEY, result BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS audits (url TEXT PRIMARY KEY, outcome BLOB NOT NULL);
"""


def fingerprint(start: str, config: AuditConfig) -> str:
    """What must match for a state file to be resumed: version, start URL, settings."""
    crawl = replace(config.crawl, **{key: _neutral(key) for key in _VOLATILE_CRAWL_KEYS})
    text = "\n".join((FORMAT, __version__, start, repr(replace(config, crawl=crawl))))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _neutral(key: str) -> Any:
    return "" if key == "dask_address" else 0


def pack(value: object) -> bytes:
    """A record as the state stores it: pickled, then zlib-compressed (fast level)."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes) -> Any:
    return pickle.loads(zlib.decompress(blob))


def has_state(out_dir: str | Path) -> bool:
    """True when ``out_dir`` holds the state of a run that did not finish."""
    return (Path(out_dir) / STATE_FILE).is_file()


def discard_state(out_dir: str | Path) -> None:
    """Delete the crawl state of ``out_dir`` (the next run there starts over)."""
    path = Path(out_dir) / STATE_FILE
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def unfinished_run(site_dir: str | Path) -> Path | None:
    """The newest run folder under ``reports/<site>/`` whose run did not finish, if any.

    Run folders are named by UTC timestamp, so the newest sorts last.  Only the newest
    folder is considered: an older unfinished run was superseded by a later one.
    """
    root = Path(site_dir)
    if not root.is_dir():
        return None
    runs = sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())
    if runs and has_state(runs[-1]):
        return runs[-1]
    return None


class CrawlState:
    """The journal of one run's finished batches (see the module docstring).

    ``open`` takes the folder's lock, keeps a matching state or starts a new one;
    ``recorded_fetches``/``recorded_outcomes`` look journaled items up by URL;
    ``save_batch`` commits one batch; ``finish`` deletes the file once the reports are
    complete; ``close`` releases the lock and keeps the file (the run may resume).
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: IO[bytes]) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock
        self.resumed_fetches = self._count("fetches")
        self.resumed_audits = self._count("audits")

    @classmethod
    def open(cls, out_dir: str | Path, start: str, config: AuditConfig) -> CrawlState:
        """Open (or start) the state of a run writing to ``out_dir``.

        Raises ``InputError`` when another live run holds the folder.
        """
        folder = Path(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / STATE_FILE
        lock = open(folder / (STATE_FILE + ".lock"), "wb")  # noqa: SIM115 - held until close
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise InputError(f"{folder}: another content-audit run is writing here") from None
        try:
            _remove_stale_temps(folder)
            conn = _connect_matching(path, fingerprint(start, config))
        except BaseException:
            lock.close()
            raise
        state = cls(path, conn, lock)
        if state.resumed_fetches:
            log.warning(
                "resuming the unfinished run in %s: %d fetched URLs and %d audited pages "
                "are taken from its crawl state",
                folder,
                state.resumed_fetches,
                state.resumed_audits,
            )
        return state

    def is_empty(self) -> bool:
        """True when no fetch or audit has been journaled (nothing to resume)."""
        return self._count("fetches") == 0 and self._count("audits") == 0

    def _count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    # -- meta ----------------------------------------------------------------------------

    def get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set(self, key: str, value: str) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value)
            )

    # -- journal -------------------------------------------------------------------------

    def recorded_fetches(self, urls: Sequence[str]) -> dict[str, FetchResult]:
        """The journaled raw fetch results of ``urls`` (HTML replaced by a placeholder)."""
        return {url: unpack(blob) for url, blob in self._select("fetches", "result", urls)}

    def recorded_outcomes(self, urls: Sequence[str]) -> dict[str, Any]:
        """The journaled audit outcomes (``pipeline.AuditOutcome``) of pages by URL."""
        return {url: unpack(blob) for url, blob in self._select("audits", "outcome", urls)}

    def _select(self, table: str, column: str, urls: Sequence[str]) -> list[tuple[str, bytes]]:
        if not urls or not (self.resumed_fetches or self.resumed_audits):
            return []
        found: list[tuple[str, bytes]] = []
        for i in range(0, len(urls), 500):  # SQLite's host-parameter limit
            part = list(urls[i : i + 500])
            marks = ",".join("?" * len(part))
            found += self.conn.execute(
                f"SELECT url, {column} FROM {table} WHERE url IN ({marks})", part
            ).fetchall()
        return found

    def save_batch(self, fetches: Iterable[FetchResult], outcomes: Mapping[str, object]) -> None:
        """Commit one batch: its raw fetch results and its audit outcomes, together.

        An outcome that arrived packed (``pipeline.AuditOutcome.packed``: the worker
        process pickles it anyway to send it) is stored as it came, not pickled again.
        """
        rows = [
            (r.url, pack(replace(r, html=HTML_PLACEHOLDER) if r.html is not None else r))
            for r in fetches
        ]
        audits = [
            (url, getattr(outcome, "packed", None) or pack(outcome))
            for url, outcome in outcomes.items()
        ]
        with self.conn:
            self.conn.executemany("INSERT OR REPLACE INTO fetches VALUES (?, ?)", rows)
            self.conn.executemany("INSERT OR REPLACE INTO audits VALUES (?, ?)", audits)

    # -- lifecycle -----------------------------------------------------------------------

    def finish(self) -> None:
        """The run's reports are complete: delete the state (the folder never resumes)."""
        self.conn.close()
        discard_state(self.path.parent)
        self._release(remove=True)

    def close(self) -> None:
        """Keep the state for a later run (this one stopped early) and release the lock."""
        try:
            self.conn.close()
        finally:
            self._release(remove=False)

    def _release(self, *, remove: bool) -> None:
        if self._lock.closed:
            return
        if remove:
            Path(self._lock.name).unlink(missing_ok=True)
        self._lock.close()

    def __enter__(self) -> CrawlState:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._lock.closed:
            self.close()


def _connect_matching(path: Path, print_: str) -> sqlite3.Connection:
    """Connect to the state at ``path``; a state of other settings is set aside first."""
    if path.exists():
        conn = sqlite3.connect(path)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            row = None
            log.warning("%s: unreadable crawl state (%s); starting over", path, exc)
        else:
            if row is not None and row[0] == print_:
                conn.execute("PRAGMA synchronous = NORMAL")
                return conn
            conn.close()
            if row is not None:
                log.warning(
                    "%s: crawl state of a run with other settings; starting over", path.parent
                )
        discard_state(path.parent)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    with conn:
        conn.executescript(_SCHEMA)
        conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (print_,))
    return conn


def _remove_stale_temps(folder: Path) -> None:
    """Delete report temporaries (``.<name>.<pid>.tmp``) left by a killed run.

    The caller holds the folder's lock, so no live run owns them.
    """
    for temp in folder.glob(".*.tmp"):
        pid = temp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid():
            temp.unlink(missing_ok=True)
    for temp in folder.glob(".*.tmp.counted"):
        temp.unlink(missing_ok=True)
