"""Shared fixtures: paths, a clean environment, a loopback web server, and ``../shared``.

``../shared`` (beside the clone) holds what the repository does not: the real-page corpus
and ``sitegen``, the generator of sites with planted defects and their truth files.  A clone
with nothing beside it still passes ``make test``: a test that needs ``../shared`` says so
with ``@pytest.mark.needs_shared("sitegen/sitegen.py")`` (or, inside a fixture,
``need_shared("corpus")``) and is skipped with the reason.  With ``REQUIRE_SHARED_TESTS=1``
(``.ci/run`` sets it when ``../shared`` is there) such a skip is a failure instead, so CI
runs every one of them.  Only the relative ``../shared`` is ever looked at.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
"""``../shared`` beside the clone (may be absent)."""
SEED_TEXT = FIXTURES / "seed_prolotherapy.txt"
"""The model article's text (a copy of ``../shared/seed/000_9ad4b3a0b8af1526.txt``)."""
CORPUS = SHARED / "corpus"
# A flow run in a test gets a temporary API server of its own, stopped with the run: the
# shared one (content_audit.flows.server) would outlive the session.  Its own tests ask for
# it.  ``_clean_env`` removes every CONTENT_AUDIT_* variable before each test, so it sets
# this one again (before, it removed it too: a test's `content-audit crawl` subprocess left
# a shared server and its keeper for 900 s in ~/.prefect).
TEST_SERVER_KEEP_S = "0"
os.environ["CONTENT_AUDIT_PREFECT_SERVER_KEEP_S"] = TEST_SERVER_KEEP_S
SESSION_MARK = "PYTEST_CONTENT_AUDIT_SESSION"
"""In the environment of this session and of every process it starts (inherited): how
``pytest_sessionfinish`` finds the processes a test left behind.  Not a CONTENT_AUDIT_*
variable, so ``_clean_env`` leaves it."""
_SESSION_ID = f"{os.getpid()}-{time.time_ns()}"
os.environ[SESSION_MARK] = _SESSION_ID
SITEGEN = SHARED / "sitegen" / "sitegen.py"

NEEDS_SHARED = "needs ../shared/"
"""Every skip for a missing ``../shared`` file starts with this (counted at the end)."""


def shared_required() -> bool:
    return os.environ.get("REQUIRE_SHARED_TESTS") == "1"


def need_shared(relative: str) -> Path:
    """``../shared/<relative>``, or skip the test (fail it under ``REQUIRE_SHARED_TESTS=1``)."""
    path = SHARED / relative
    if not path.exists():
        where = f"not in {SHARED}" if SHARED.is_dir() else f"{SHARED} is absent"
        reason = (
            f"{NEEDS_SHARED}{relative} ({where}): clone the repository beside the project's "
            "shared/ folder for the full run (CI does: REQUIRE_SHARED_TESTS=1)"
        )
        if shared_required():
            pytest.fail(f"REQUIRE_SHARED_TESTS=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return path


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "needs_shared(*paths): needs these files under ../shared (skipped when absent, "
        "a failure with REQUIRE_SHARED_TESTS=1)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("needs_shared"):
        for relative in marker.args:
            need_shared(relative)


_SKIPPED_FOR_SHARED: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and NEEDS_SHARED in str(longrepr[2]):
        _SKIPPED_FOR_SHARED.add(report.nodeid)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _SKIPPED_FOR_SHARED:
        terminalreporter.write_line(
            f"{len(_SKIPPED_FOR_SHARED)} tests skipped because ../shared is absent or "
            f"incomplete ({SHARED}: the real-page corpus, sitegen); clone beside the "
            "project's shared/ folder for the full run (CI=true bash .ci/run there requires "
            "them)."
        )


def _processes_left_behind() -> dict[int, str]:
    """Live processes (not zombies) with this session's mark in their environment that are
    not this process or its descendants (those end with it: the audit pools' forkservers
    hold a lifeline), by pid, with their command lines."""
    parents: dict[int, int] = {}
    marked: dict[int, str] = {}
    needle = f"{SESSION_MARK}={_SESSION_ID}".encode()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
            if fields[0] == "Z":
                continue
            parents[int(proc.name)] = int(fields[1])
            if needle in (proc / "environ").read_bytes().split(b"\0"):
                marked[int(proc.name)] = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
        except (OSError, ValueError, IndexError):
            continue
    me = os.getpid()

    def ours(pid: int) -> bool:
        seen = 0
        while pid > 1 and seen < 64:
            if pid == me:
                return True
            pid, seen = parents.get(pid, 0), seen + 1
        return False

    return {pid: cmd for pid, cmd in marked.items() if not ours(pid)}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A test session leaves no process behind (a shared Prefect API server and its keeper,
    a crawl's workers): the ones found are listed, stopped, and fail the session."""
    if not Path("/proc/self/environ").exists():
        return
    left = _processes_left_behind()
    deadline = time.monotonic() + 10  # a keeper with keep 0 s, a server, may be stopping
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = _processes_left_behind()
    if not left:
        return
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"the test session left {len(left)} process(es) running (now killed):"]
    lines += [f"  {pid}: {cmd[:300]}" for pid, cmd in sorted(left.items())]
    if reporter is not None:
        for line in lines:
            reporter.write_line(line, red=True)
    else:
        print("\n".join(lines))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CONTENT_AUDIT_* variable of the developer's shell leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith("CONTENT_AUDIT_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONTENT_AUDIT_PREFECT_SERVER_KEEP_S", TEST_SERVER_KEEP_S)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def static_server() -> Iterator[str]:
    """Serve tests/fixtures on 127.0.0.1 (a free port) for the session; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(FIXTURES))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
