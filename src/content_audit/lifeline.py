"""Processes that die with the one that started them (Linux ``PR_SET_PDEATHSIG``).

The audit pool's forkserver and its workers are children of the crawling process.  When
that process is killed (SIGKILL, the OOM killer) nothing runs to stop them, and they stayed
alive, holding memory and the terminal's pipes.  ``die_with_parent`` asks the kernel to
send SIGKILL to the calling process when its parent exits: the forkserver calls it when it
starts (``forkserver_preload`` imports ``content_audit._lifeline_preload``), each worker in
its initializer (its parent is the forkserver).  Elsewhere than Linux it does nothing.

Run as a script, ``python .../lifeline.py MODULE ARGS...`` runs ``python -m MODULE ARGS...``
with that lifeline: how a flow run's temporary Prefect API server dies with the run, and the
shared one with its keeper (``flows/server.py``).  As a file, not ``-m``: the package's
``__init__`` (0.3 s of imports) stays out of the server's start-up.

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

__all__ = ["command", "die_with_parent", "forks_children"]

PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>."""


_FORKED_FROM: int | None = None
"""The pid of the process this one was forked from, when that process said it forks its
children (``forks_children``): the audit pool's forkserver, whose workers inherit it."""


def forks_children() -> None:
    """Called by a process whose children are its forks (the forkserver): a child's
    ``die_with_parent`` then knows which parent it must have."""
    global _FORKED_FROM
    _FORKED_FROM = os.getpid()


def die_with_parent(sig: int = signal.SIGKILL, parent: int | None = None) -> bool:
    """Have the kernel send ``sig`` to this process when its parent exits; True when set.

    ``parent``: the pid the parent should have (default: the process that forked this one,
    if it called ``forks_children``, else the current parent); if the process already has
    another, the parent is gone and ``sig`` is sent at once.  Without it, a worker whose
    forkserver died between the fork and this call (a crawl killed while its pool starts)
    took init for its parent and lived on (seen on a busy machine)."""
    if not sys.platform.startswith("linux"):
        return False
    if parent is None:
        forked_from = _FORKED_FROM
        parent = forked_from if forked_from not in (None, os.getpid()) else os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before the request: act on it now
        os.kill(os.getpid(), sig)
    return True


def command(module: str, *args: str, parent: int | None = None) -> list[str]:
    """The command line that runs ``python -m module args...`` with a lifeline to
    ``parent`` (default: this process; 0: whichever process starts it)."""
    parent = os.getpid() if parent is None else parent
    return [sys.executable, os.path.abspath(__file__), str(parent), module, *args]


def _main(argv: list[str]) -> None:
    import runpy

    die_with_parent(parent=int(argv[0]) or None)
    sys.argv = [argv[1], *argv[2:]]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    # Run as a file, this folder is first on sys.path: the package's modules must not
    # shadow others (``site``, ``config``...) in the module run.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    _main(sys.argv[1:])
