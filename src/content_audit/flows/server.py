"""A temporary Prefect API server for one flow run, when no server is configured.

Without ``PREFECT_API_URL`` Prefect starts a temporary ("ephemeral") API server itself: a
``uvicorn`` subprocess.  To do so it imports ``prefect.server.api.server`` into the flow's
own process, which pulls in FastAPI, SQLAlchemy and the server's models: 4 s of CPU on a
busy 2-core machine (measured), spent before the flow starts, in a process that then never
serves a request.  ``temporary_api_server`` starts the same subprocess, with the same
command line and environment as Prefect's, without that import, and stops it when the run
is over (after draining the log and event workers, as Prefect's own test harness does).

With ``PREFECT_API_URL`` set (a ``prefect server start`` or Prefect Cloud, as a deployment
runs), or ephemeral mode turned off, it does nothing.
"""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress

PORT_IN_USE_EXIT = 3
"""uvicorn's exit status when it cannot bind its port (Prefect retries on it too)."""
SERVER_NICENESS = 10
"""How much lower the server's CPU priority is than the flow's, once it is up.

The flow does not wait for it: task runs are created and their states recorded through
events that the flow's events worker sends in the background, so the server's work during
a crawl is bookkeeping.  At the same priority it takes its share of the two cores from the
audit workers; lower, it runs on the CPU they leave idle (between batches, during the site
checks and report writing).  The few calls the flow does wait for (the flow run's own
states, artifacts) take milliseconds of server CPU."""


@contextmanager
def temporary_api_server(timeout_s: float | None = None) -> Iterator[str | None]:
    """Run the body against a temporary API server; yields its API URL (or the configured
    one, or ``None`` when ephemeral mode is off and Prefect will say so itself)."""
    import prefect.context
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        yield settings.api.url
        return
    # Prefect's log and event workers are process-wide and keep the API they started with:
    # any left from an earlier server would carry this run's task runs there.
    _drain_workers()
    timeout = timeout_s or settings.server.ephemeral.startup_timeout_seconds
    env = {**os.environ, **settings.to_environment_variables(exclude_unset=True)}
    process, api_url = _start(env, timeout)
    try:
        with ExitStack() as stack:
            stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))
            # Threads that copied their context before this (Prefect's services) see it too.
            global_context = getattr(prefect.context, "_temporary_global_settings_context", None)
            if global_context is not None:
                stack.enter_context(global_context(prefect.context.get_settings_context()))
            try:
                yield api_url
            finally:
                _drain_workers()
    finally:
        _stop(process)


def _start(env: dict[str, str], timeout_s: float) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn on a free loopback port and wait until the API answers."""
    import prefect

    deadline = time.monotonic() + timeout_s
    while True:
        port = _free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(prefect.__module_path__.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env={
                **env,
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
            },
        )
        api_url = f"http://127.0.0.1:{port}/api"
        try:
            if _wait_healthy(process, api_url, deadline):
                _warm_up(api_url)
                _lower_priority(process.pid)
                return process, api_url
        except BaseException:
            _stop(process)
            raise
        if process.returncode != PORT_IN_USE_EXIT:
            _stop(process)
            raise RuntimeError(
                f"the temporary Prefect API server did not start within {timeout_s:.0f} s"
                + (f" (exit status {process.returncode})" if process.returncode else "")
            )


def _wait_healthy(process: subprocess.Popen[bytes], api_url: str, deadline: float) -> bool:
    """True once ``/health`` answers; False if the process exits or time runs out."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    return False


def _warm_up(api_url: str) -> None:
    """Make the new server build its routing tables now, not during the flow run.

    FastAPI builds each included router's matching table on the first request that walks
    it: ~0.5 s of the server's CPU (measured), which on a 2-core machine would be taken
    from the first audit batches.  A path no route matches walks every router; the 404 it
    answers is expected.
    """
    with suppress(urllib.error.URLError, OSError):  # the 404 is an HTTPError, a URLError
        urllib.request.urlopen(f"{api_url}/content-audit-warm-up", timeout=30).close()


def _lower_priority(pid: int) -> None:
    """Give the server a lower CPU priority than the flow's (see ``SERVER_NICENESS``)."""
    with suppress(OSError):  # not permitted, or not on this platform: same priority then
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + SERVER_NICENESS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _drain_workers() -> None:
    """Send the pending logs and events, and stop the workers that send them (the next
    log or event starts new ones, bound to the API of the moment).

    ``drain_all`` drains every Prefect queue service that exists (the log workers share
    the registry of the event workers) and, unlike ``APILogWorker.instance()``, never
    starts one: a new one would start Prefect's own temporary server.
    """
    from prefect.events.worker import EventsWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        result = EventsWorker.drain_all()
        if inspect.isawaitable(result):
            await result

    run_coro_as_sync(drain())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
