"""``check --watch``: re-check a draft each time it is saved, say what changed.

Polls the file's modification time and size (no dependency, works on every filesystem an
editor saves to, network mounts included); an editor that saves by renaming a new file
over the old one changes both.  A shell: the audit itself is the caller's function.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .model import PageAudit, Severity

__all__ = ["POLL_S", "describe_change", "file_signature", "watch_file"]

POLL_S = 0.2
"""Seconds between two looks at the file: a save is picked up within this (plus the audit)."""

T = TypeVar("T")


def file_signature(path: Path) -> tuple[int, int] | None:
    """(mtime in ns, size) of ``path``; ``None`` while it does not exist (mid-save)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def watch_file(
    path: Path,
    on_change: Callable[[], None],
    *,
    poll_s: float = POLL_S,
    sleep: Callable[[float], None] = time.sleep,
    rounds: int | None = None,
) -> None:
    """Call ``on_change`` now and each time ``path`` is saved, until interrupted.

    ``rounds`` (tests) stops after that many looks.  Ctrl-C propagates: the CLI turns
    it into exit 130.
    """
    last = file_signature(path)
    on_change()
    done = 0
    while rounds is None or done < rounds:
        sleep(poll_s)
        done += 1
        now = file_signature(path)
        if now is None or now == last:
            continue
        last = now
        on_change()


def describe_change(
    before: PageAudit, after: PageAudit, needed_before: int | None, needed_after: int | None
) -> list[str]:
    """A few lines on what changed between two saves: score, grade, rewrite N, findings."""
    lines = []
    rb, ra = before.readability, after.readability
    parts = [
        f"score {before.score} → {after.score}"
        if before.score != after.score
        else f"score {after.score}",
        f"grade {rb.flesch_kincaid_grade:.1f} → {ra.flesch_kincaid_grade:.1f}"
        if rb.flesch_kincaid_grade != ra.flesch_kincaid_grade
        else f"grade {ra.flesch_kincaid_grade:.1f}",
        f"words {rb.words} → {ra.words}" if rb.words != ra.words else f"words {ra.words}",
    ]
    if needed_before != needed_after:
        parts.append(f"sentences to rewrite {_n(needed_before)} → {_n(needed_after)}")
    lines.append(", ".join(parts))
    old = {(f.code, f.message) for f in before.findings}
    new = {(f.code, f.message) for f in after.findings}
    old_codes = {c for c, _ in old}
    new_codes = {c for c, _ in new}
    severity = {f.code: f.severity for f in after.findings}
    for code in sorted(new_codes - old_codes):
        mark = "!" if severity.get(code) is Severity.ERROR else "+"
        lines.append(f"  {mark} new: {code}")
    for code in sorted(old_codes - new_codes):
        lines.append(f"  ✓ fixed: {code}")
    for code in sorted(old_codes & new_codes):
        if {m for c, m in old if c == code} != {m for c, m in new if c == code}:
            lines.append(f"  ~ changed: {code}")
    if len(lines) == 1 and old == new:
        lines.append("  no finding changed")
    return lines


def _n(value: int | None) -> str:
    return "—" if value is None else str(value)
