"""Atomic file writes for the reports: a temporary file in the same folder, then a rename.

Why: a run killed half-way (SIGKILL, a full disk, a crash in a template) must never leave a
``report.html`` or ``changes.csv`` that looks complete.  The text goes to a hidden
``.<name>.<pid>.tmp`` next to the target, is flushed and fsynced, and ``os.replace`` (atomic
on POSIX within one file system) moves it into place; on an exception the temporary file is
deleted and any previous version of the target stays intact.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def temp_path(target: Path) -> Path:
    """The hidden temporary name ``target`` is written under before it is committed."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


@contextmanager
def atomic_write(target: str | Path, newline: str | None = None) -> Iterator[TextIO]:
    """Open a UTF-8 text file that appears at ``target`` only when the block succeeds."""
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(path)
    handle = open(temp, "w", encoding="utf-8", newline=newline)  # noqa: SIM115
    try:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(temp, path)
    except BaseException:
        handle.close()
        temp.unlink(missing_ok=True)
        raise
