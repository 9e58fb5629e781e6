"""A fresh Prefect home gets a pre-migrated empty database instead of running migrations.

The first time a Prefect API server starts on a SQLite database that does not exist yet, it
creates it by running every Alembic migration of Prefect's schema (~200 of them) and
registers its block types: about 4 s of CPU on top of the server's own start-up (measured on
the project's 2-core machine: 8.3 s of server CPU before it answered, against 4.0-4.4 s
with the database already there).  That is what made a first run on a machine 12-22 s
slower than a later one (issue #20).

So before a temporary server starts, ``seed`` copies a *template* into place when the
database file is missing: the same database, migrated and with the block types registered,
with no run, no deployment and no setting in it.  The server then finds its schema at the
head revision (Prefect's migrate-on-start has nothing to do) and only upserts its block
types.  Everything here is public: the database is the SQLite file of
``PREFECT_SERVER_DATABASE_CONNECTION_URL`` (by default ``$PREFECT_HOME/prefect.db``), the
template is made by a Prefect server of the same version, and a copy is used only for the
exact Prefect version that made it (its package metadata); a database that exists, a
database that is not a SQLite file, or another Prefect version is left to Prefect.

Where templates come from, first found wins:

1. the package: ``content_audit/data/prefect-template-<version>.db.gz``, made by
   ``scripts/build_prefect_template.py`` for the Prefect version the project pins in its
   tests (``tests/test_flows_server.py`` checks that it matches the installed one);
2. the user's cache, ``$XDG_CACHE_HOME/content-audit/`` (``~/.cache``): made at first use,
   by ``remember``, from the database a server has just created, before any run is in it.
"""

from __future__ import annotations

import functools
import gzip
import os
import shutil
import sqlite3
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SQLITE_PREFIX = "sqlite+aiosqlite:///"
PACKAGE_DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Seeding:
    """What ``seed`` did for one server start."""

    database: Path
    seeded_from: Path | None
    """The template copied into place; ``None`` when the server creates the database."""


@functools.cache
def prefect_version() -> str:
    """The installed Prefect's version, from its package metadata: without importing
    Prefect (1.5 s), which ``prestart_shared_server`` must not wait for."""
    from importlib.metadata import version

    return version("prefect")


def template_name(version: str) -> str:
    return f"prefect-template-{version}.db"


def cache_dir(environ: Any = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "content-audit"


def database_url(settings: Any) -> str:
    """The server's database URL (a secret setting: its plain value)."""
    url = settings.server.database.connection_url
    return str(url.get_secret_value() if hasattr(url, "get_secret_value") else url or "")


def database_path(settings: Any) -> Path | None:
    """The SQLite file of the server's database, if it is one (not in memory)."""
    return sqlite_path(database_url(settings))


def sqlite_path(url: str) -> Path | None:
    if not url.startswith(SQLITE_PREFIX):
        return None
    path = url[len(SQLITE_PREFIX) :].split("?", 1)[0]
    if not path or path.startswith(":memory:") or "mode=memory" in url:
        return None
    return Path(path).expanduser()


def find_template(version: str) -> Path | None:
    """The template for this Prefect version: shipped, else cached; ``None`` if neither."""
    shipped = PACKAGE_DATA / (template_name(version) + ".gz")
    if shipped.is_file():
        return shipped
    cached = cache_dir() / template_name(version)
    return cached if cached.is_file() else None


def seed(settings: Any, version: str) -> Seeding | None:
    """Copy the template into place when the database does not exist yet.

    ``None`` when the database is not a SQLite file or exists; else what was done.  The copy is made
    beside the database and linked into place only if the file is still missing, so a
    concurrent start never finds half a file, nor has its own database overwritten."""
    database = database_path(settings)
    if database is None:
        return None
    if database.exists():
        return None  # Prefect's own: migrated (or upgraded) by the server as usual
    template = find_template(version)
    if template is None:
        return Seeding(database, None)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=database.parent, prefix=f".{database.name}.", suffix=".seed", delete=False
        ) as out:
            partial = Path(out.name)
            opener = gzip.open if template.suffix == ".gz" else open
            with opener(template, "rb") as source:
                shutil.copyfileobj(source, out)
        try:
            os.link(partial, database)  # fails if a concurrent start got there first
        finally:
            partial.unlink(missing_ok=True)
    except OSError:
        return Seeding(database, None)
    return Seeding(database, template)


def remember(seeding: Seeding | None, version: str) -> Path | None:
    """After a server created a fresh database (no template was found), save a copy as
    this Prefect version's template in the cache; called once the server answers and
    before any flow run starts.  Returns the template written, if one was."""
    if seeding is None or seeding.seeded_from is not None or not seeding.database.is_file():
        return None
    target = cache_dir() / template_name(version)
    if target.exists():
        return None
    with suppress(OSError, sqlite3.Error):
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        save_copy(seeding.database, partial)
        os.replace(partial, target)
        return target
    return None


def save_copy(database: Path, out: Path) -> None:
    """A consistent single-file copy of a live SQLite database (the server may hold it)."""
    out.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(out)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.commit()
        finally:
            copy.close()
    finally:
        source.close()
