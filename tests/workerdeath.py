"""An ``audit_pages`` whose worker process dies on chosen pages (for the pipeline tests).

``pipeline.PendingAudit`` submits ``pipeline.audit_pages`` to the pool by reference; a test
replaces it with ``functools.partial(audit_or_die, kill=...)``, which pickles to the worker
with its arguments.  The worker then dies as the OOM killer would kill it (SIGKILL, no
clean-up) when it meets a page of ``kill``, or, with ``once``, only the first time any
process meets one (a file created exclusively marks that it happened): a worker lost to
something outside the page.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence

from content_audit.config import AuditConfig
from content_audit.pipeline import AuditOutcome
from content_audit.pipeline import audit_pages as real_audit_pages


def audit_or_die(
    pages: Sequence[tuple[str, str]],
    config: AuditConfig,
    chrome: frozenset[str] = frozenset(),
    *,
    kill: frozenset[str],
    once: str | None = None,
) -> list[AuditOutcome]:
    for url, _ in pages:
        if url in kill and _first_time(once):
            os.kill(os.getpid(), signal.SIGKILL)
    return real_audit_pages(pages, config, chrome)


def _first_time(flag: str | None) -> bool:
    if flag is None:
        return True
    try:
        os.close(os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True
