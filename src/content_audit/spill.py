"""The page digests of a site audit, kept in a scratch SQLite file instead of in memory.

The cross-page checks need one ``PageDigest`` per audited page (``site.SiteIndex``); held in
memory that was ~2.1 KB a page in the crawl's parent process (measured with tracemalloc on
a 10k-page sitegen run: 21 MB of unpickled digests), so ~250 MB for a 100k-page clinic
group.  ``DigestSpill`` gives ``SiteIndex`` two ``MutableMapping`` stores backed by one
SQLite file, so the parent's memory no longer grows with the site's pages:

- ``pages``: url -> ``PageDigest`` without its teasers (and links, which ``SiteIndex.add``
  folds into one set);
- ``teasers``: url -> the page's ``TeaserDigest`` tuple.

Why two: the teasers are most of what it costs to decode a digest (pickled, ~18 of its ~22
µs: five small records per article), and only one check reads them, while the topic,
duplicate and near-duplicate checks pass over every page several times.

Why this shape:

- Mapping semantics are a dict's, so the findings (and their order) are those of the
  in-memory index: a key keeps the position of its first insertion when it is overwritten
  (``INSERT ... ON CONFLICT DO UPDATE`` keeps the rowid) and iteration is ``ORDER BY rowid``.
- Writes are cheap for the parent (it competes with the audit workers for the cores):
  values are encoded as plain tuples and pickled (no zlib: it cost the parent 57 µs a page
  for a file that is deleted minutes later), buffered, and written ``batch`` at a time in one
  transaction; the file is scratch, so no journal and no fsync.  Any read flushes first.
- The file lives in the run's report folder (``.site-digests.<random>.<pid>.tmp``), not in the
  system temp dir: ``/tmp`` is often a tmpfs, i.e. RAM, which would defeat the point; the
  report folder is on the disk the run writes to anyway and is locked by the run
  (``resume.CrawlState``).  ``close`` (or leaving the ``with`` block, also on an exception)
  deletes it; a finaliser does so if the object is dropped unclosed.  A run killed by a
  signal cannot: the next ``DigestSpill`` in the folder deletes the files of processes that
  are gone, and a resumed run's crawl state deletes every other process's ``.*.<pid>.tmp``.

Values are pickled: the file is written and read only by this process.
"""

from __future__ import annotations

import errno
import os
import pickle
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, ItemsView, Iterator, MutableMapping, ValuesView
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any, Generic, Self, TypeVar

from .model import Kind, PageDigest, RecentPost, TeaserDigest

_V = TypeVar("_V")

BATCH = 512
"""Values buffered before they are written in one transaction."""

RECENT_MEMO = 256
"""Distinct Recent Posts lists a decoder keeps (a site has one, or a few, at a time)."""

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_KINDS = {kind.value: kind for kind in Kind}


class DigestCodec:
    """Encodes a digest dataclass as a plain tuple of its fields, in ``dataclasses.fields``
    order, and back: a field added to the dataclass is stored and read back with no change
    here.  ``kind`` (an enum) is stored by value, ``teasers`` as tuples of their fields, and
    ``recent_posts`` as a pickled tuple of tuples, decoded once per distinct value (the
    same sidebar on page after page: it was half of the cost of decoding a page) and
    shared, the memo bounded by ``limit``."""

    def __init__(self, cls: type[Any] = PageDigest, limit: int = RECENT_MEMO) -> None:
        self.cls = cls
        names = tuple(f.name for f in fields(cls))
        self._get = attrgetter(*names)
        self._kind = names.index("kind") if "kind" in names else -1
        self._teasers = names.index("teasers") if "teasers" in names else -1
        self._recent_at = names.index("recent_posts") if "recent_posts" in names else -1
        self._recent: dict[bytes, tuple[RecentPost, ...]] = {}
        self._limit = limit

    def encode(self, digest: Any) -> bytes:
        values = list(self._get(digest))
        if self._kind >= 0:
            values[self._kind] = values[self._kind].value
        if self._teasers >= 0:
            values[self._teasers] = tuple(map(_teaser_fields, values[self._teasers]))
        if self._recent_at >= 0:
            values[self._recent_at] = pickle.dumps(
                tuple(map(_recent_fields, values[self._recent_at])), _PROTOCOL
            )
        return pickle.dumps(tuple(values), _PROTOCOL)

    def decode(self, blob: bytes) -> Any:
        values = list(pickle.loads(blob))
        if self._kind >= 0:
            values[self._kind] = _KINDS[values[self._kind]]
        if self._teasers >= 0:
            teasers = values[self._teasers]
            values[self._teasers] = tuple([TeaserDigest(*t) for t in teasers]) if teasers else ()
        if self._recent_at >= 0:
            values[self._recent_at] = self._recent_posts(values[self._recent_at])
        return self.cls(*values)

    def _recent_posts(self, blob: bytes) -> tuple[RecentPost, ...]:
        posts = self._recent.get(blob)
        if posts is None:
            if len(self._recent) >= self._limit:  # a site whose sidebars all differ
                self._recent.clear()
            posts = tuple([RecentPost(*r) for r in pickle.loads(blob)])
            self._recent[blob] = posts
        return posts


_teaser_fields = attrgetter(*(f.name for f in fields(TeaserDigest)))
"""A teaser digest as a plain tuple, in field order (``TeaserDigest(*fields)`` rebuilds it)."""
_recent_fields = attrgetter(*(f.name for f in fields(RecentPost)))
_PAGES = DigestCodec(PageDigest)
"""The page encoder (a decoder is one per mapping, for its Recent Posts memo)."""


def _encode_teasers(teasers: tuple[TeaserDigest, ...]) -> bytes:
    return pickle.dumps(tuple(_teaser_fields(t) for t in teasers), _PROTOCOL)


def _decode_teasers(blob: bytes) -> tuple[TeaserDigest, ...]:
    return tuple([TeaserDigest(*t) for t in pickle.loads(blob)])


class SpilledMapping(MutableMapping[str, _V], Generic[_V]):
    """A ``str``-keyed mapping in one table of a ``DigestSpill``, with a dict's order.

    ``values()`` and ``items()`` stream the table in one query (``MutableMapping``'s
    defaults would look every key up again).  Not for use from two threads at once.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        table: str,
        encode: Callable[[_V], bytes],
        decode: Callable[[bytes], _V],
        batch: int = BATCH,
        where: str | None = None,
    ) -> None:
        """``where``: the folder the file is in, named by a full disk's ``OSError``."""
        self._conn, self._table = conn, table
        self._where = where
        self._encode, self._decode = encode, decode
        self._batch = batch
        self._pending: dict[str, bytes] = {}
        conn.execute(f"CREATE TABLE {table} (url TEXT PRIMARY KEY, value BLOB NOT NULL)")
        self._upsert = (
            f"INSERT INTO {table} (url, value) VALUES (?, ?) "
            "ON CONFLICT (url) DO UPDATE SET value = excluded.value"
        )
        self._select = f"SELECT value FROM {table} WHERE url = ?"

    def flush(self) -> None:
        """Write the buffered values (one transaction)."""
        if self._pending:
            rows, self._pending = list(self._pending.items()), {}
            with disk_full_is_oserror(self._where), self._conn:
                self._conn.executemany(self._upsert, rows)

    def __setitem__(self, key: str, value: _V) -> None:
        self._pending[key] = self._encode(value)
        if len(self._pending) >= self._batch:
            self.flush()

    def __getitem__(self, key: str) -> _V:
        blob = self._pending.get(key)
        if blob is None:
            row = self._conn.execute(self._select, (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            blob = row[0]
        return self._decode(blob)

    def __contains__(self, key: object) -> bool:
        if key in self._pending:
            return True
        return self._conn.execute(self._select, (key,)).fetchone() is not None

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __delitem__(self, key: str) -> None:
        self.flush()
        with self._conn:
            deleted = self._conn.execute(f"DELETE FROM {self._table} WHERE url = ?", (key,))
        if not deleted.rowcount:
            raise KeyError(key)

    def __len__(self) -> int:
        self.flush()
        return int(self._conn.execute(f"SELECT count(*) FROM {self._table}").fetchone()[0])

    def _rows(self, columns: str) -> Iterator[Any]:
        self.flush()
        return self._conn.execute(f"SELECT {columns} FROM {self._table} ORDER BY rowid")

    def __iter__(self) -> Iterator[str]:
        return (url for (url,) in self._rows("url"))

    def values(self) -> ValuesView[_V]:
        return _Values(self)

    def items(self) -> ItemsView[str, _V]:
        return _Items(self)


class _Values(ValuesView[_V]):
    """``values()`` of a ``SpilledMapping``: re-iterable, one query per iteration."""

    _mapping: SpilledMapping[_V]

    def __iter__(self) -> Iterator[_V]:
        decode = self._mapping._decode
        return (decode(blob) for (blob,) in self._mapping._rows("value"))


class _Items(ItemsView[str, _V]):
    """``items()`` of a ``SpilledMapping``: re-iterable, one query per iteration."""

    _mapping: SpilledMapping[_V]

    def __iter__(self) -> Iterator[tuple[str, _V]]:
        decode = self._mapping._decode
        return ((url, decode(blob)) for url, blob in self._mapping._rows("url, value"))


class ScratchFile:
    """The owner of one scratch SQLite file (``open_scratch``): ``close`` deletes it, and so
    does garbage collection or the interpreter's exit if nobody closed it.  A context
    manager around the run that uses it."""

    def _own(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._finalizer = weakref.finalize(self, remove_scratch, conn, path)

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        """Delete the file (idempotent); the owner is unusable afterwards."""
        self._finalizer()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DigestSpill(ScratchFile):
    """The scratch file of one run's digests and its two mappings (see the module docstring).

    ``pages`` and ``teasers`` are the stores of a ``site.SiteIndex``; ``close`` deletes the
    file.  Use it as a context manager around the run.
    """

    def __init__(self, folder: str | Path | None = None, batch: int = BATCH) -> None:
        directory = Path(folder) if folder is not None else Path(tempfile.gettempdir())
        directory.mkdir(parents=True, exist_ok=True)
        self._conn, self.path = open_scratch(directory, ".site-digests.")
        self._own(self._conn, self.path)
        try:
            self._conn.execute("PRAGMA journal_mode = OFF")
            self._conn.execute("PRAGMA synchronous = OFF")
            where = str(directory)
            self.pages: SpilledMapping[PageDigest] = SpilledMapping(
                self._conn, "pages", _PAGES.encode, DigestCodec().decode, batch, where
            )
            self.teasers: SpilledMapping[tuple[TeaserDigest, ...]] = SpilledMapping(
                self._conn, "teasers", _encode_teasers, _decode_teasers, batch, where
            )
        except BaseException:
            self.close()
            raise


@contextmanager
def disk_full_is_oserror(where: str | None) -> Iterator[None]:
    """A scratch file's full disk (SQLite's ``SQLITE_FULL``) as the ``OSError`` (ENOSPC) a
    full disk is everywhere else, naming the run folder ``where``: the command line turns
    it into one ``Error:`` line, as when a CSV file cannot be written."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), where) from None
        raise


def remove_dead_scratch(directory: Path, pattern: str) -> None:
    """Delete the scratch files (``pattern``, named ``.<name>.<random>.<pid>.tmp``) of
    processes that are gone (a run killed by a signal): the digest spill's and the run
    store's (``report/runstore.py``)."""
    for path in directory.glob(pattern):
        pid = path.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def open_scratch(directory: Path, prefix: str) -> tuple[sqlite3.Connection, Path]:
    """A new scratch SQLite file ``<prefix><random>.<pid>.tmp`` in ``directory``, opened,
    after deleting those of processes that are gone (``remove_dead_scratch``); the file
    goes again if it cannot be opened.  The digest spill and the run's store
    (``report.runstore``) both live in one.

    check_same_thread is off: the flow may run a task in another thread than the one
    that wrote the rows (never both at once)."""
    remove_dead_scratch(directory, f"{prefix}*.tmp")
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=f".{os.getpid()}.tmp", dir=directory)
    os.close(fd)  # an empty file is an empty SQLite database
    path = Path(name)
    try:
        return sqlite3.connect(path, check_same_thread=False), path
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def remove_scratch(conn: sqlite3.Connection, path: Path | None) -> None:
    """Close a scratch database and delete its file (none for an in-memory one)."""
    try:
        conn.close()
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
