"""A wall-clock budget for one page's audit, enforced with ``SIGALRM``.

A hostile page (or a user's pattern like ``(a+)+$``) can make a regular expression or a
Python loop run for minutes.  The core stays pure and never reads the clock; the shells
(the audit workers in ``pipeline.py`` and ``content-audit check``) run each page under
``time_budget(config.crawl.audit_budget_s)``.  CPython checks for signals between
bytecodes and inside ``re``'s matching loop, so the alarm stops a runaway match too.

``BudgetExceeded`` derives from ``BaseException``, like ``KeyboardInterrupt``, so no
``except Exception`` inside the core can swallow it and carry on with a half-built page.

The alarm needs the main thread of a process: audit workers, ``check`` and the in-process
path of the library have it; an audit run on another thread (a Dask worker's, a Prefect
task runner's) goes without the budget.  A timer already armed (pytest-timeout's) is
kept: it is re-armed with what is left of it when the page is done.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

__all__ = ["BudgetExceeded", "time_budget"]


class BudgetExceeded(BaseException):
    """One page's audit took longer than its budget; ``seconds`` is the budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"not audited within {seconds:g} s (crawl.audit_budget_s)")


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise ``BudgetExceeded`` in the body once ``seconds`` of wall-clock time have passed.

    ``seconds <= 0`` means no budget; off the main thread the body runs without one.
    """
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    began = time.monotonic()

    def expired(signum: int, frame: FrameType | None) -> None:
        if time.monotonic() - began >= seconds * 0.999:
            raise BudgetExceeded(seconds)
        if callable(previous):  # an outer timer due first (pytest-timeout): its turn
            previous(signum, frame)
        else:
            signal.setitimer(signal.ITIMER_REAL, max(seconds - (time.monotonic() - began), 1e-3))

    previous = signal.signal(signal.SIGALRM, expired)
    outer_s, outer_interval_s = signal.setitimer(signal.ITIMER_REAL, seconds)
    if 0 < outer_s < seconds:
        signal.setitimer(signal.ITIMER_REAL, outer_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_s > 0:
            left = outer_s - (time.monotonic() - began)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval_s)
