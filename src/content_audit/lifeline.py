"""Processes that die with the one that started them (Linux ``PR_SET_PDEATHSIG``).

The audit pool's forkserver and its workers are children of the crawling process.  When
that process is killed (SIGKILL, the OOM killer) nothing runs to stop them, and they stayed
alive, holding memory and the terminal's pipes.  ``die_with_parent`` asks the kernel to
send SIGKILL to the calling process when its parent exits: the forkserver calls it when it
starts (``forkserver_preload`` imports ``content_audit._lifeline_preload``), each worker in
its initializer (its parent is the forkserver).  Elsewhere than Linux it does nothing.

The kernel ties the signal to the parent *thread* that made the process: the pool is
made by the thread that runs the audit (the main thread in ``crawl`` and ``demo``); where
another thread makes it and ends first, the forkserver is stopped and ``AuditPool``
starts a new pool, as after any dead worker.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

__all__ = ["die_with_parent"]

PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>."""


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Have the kernel send ``sig`` to this process when its parent exits; True when set."""
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before the request: act on it now
        os.kill(os.getpid(), sig)
    return True
