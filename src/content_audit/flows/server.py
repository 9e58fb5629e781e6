"""A temporary Prefect API server for one flow run, when no server is configured.

Without ``PREFECT_API_URL`` Prefect starts a temporary ("ephemeral") API server itself: a
``uvicorn`` subprocess.  To do so it imports ``prefect.server.api.server`` into the flow's
own process, which pulls in FastAPI, SQLAlchemy and the server's models: 4 s of CPU on a
busy 2-core machine (measured), spent before the flow starts, in a process that then never
serves a request.  ``temporary_api_server`` starts the same subprocess, with the same
command line and environment as Prefect's, without that import, and stops it when the run
is over (after draining the log and event workers, as Prefect's own test harness does).

With ``keep_s`` > 0 (what ``content-audit crawl`` and ``demo`` do, see
``SHARED_SERVER_KEEP_S``) the server is *shared*: started once per Prefect home and
database, reused by every later run while it lives, and stopped by its keeper
(``server_keeper``) once no run has used it for ``keep_s`` seconds.  Its start-up (3-5 s on a
busy 2-core machine, more on a first run that creates the database) is then paid once, not
by every run.  Prefect 3 has no public setting for this: its ephemeral server always lives
and dies with one process, and ``prefect server start`` is a foreground command meant to
be managed by the user.

A first run's wait for a new server is cut twice (issue #20): ``prestart_shared_server``
starts it before the run imports Prefect (when the environment alone decides Prefect's
settings), so the server's ~4.5 s of start-up CPU run beside the run's ~2 s of imports; and
on a fresh Prefect home its database is a copy of a pre-migrated empty one
(``template_db``), which halves that CPU (8.7-8.9 s with Prefect's migrations, measured).

Process hygiene (issue #19): a run's own server is started with a lifeline
(``content_audit.lifeline``): the kernel kills it when the run's process ends, however it
ends (SIGKILL included).  The shared server is deliberately *not* one of the run's
processes: its keeper detaches (a session of its own, reparented to init, none of the
run's standard streams; ``server_keeper``), so killing a run, its process group or its
session leaves it serving the next run, and it still ends by itself ``keep_s`` after its
last use (a killed run's lease is stale).  The server dies with its keeper.

With ``PREFECT_API_URL`` set (a ``prefect server start`` or Prefect Cloud, as a deployment
runs), or ephemeral mode turned off, it does nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from content_audit.flows import template_db

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
NO_HEARTBEATS = True
"""A flow run on a temporary server sends no heartbeats (``flows.heartbeat_frequency``
set to ``None``, Prefect's public way to turn them off).

A heartbeat is an event that tells a server's automations that a long flow run is still
alive (one every 180 s by default, so a run shorter than that sends one, at its start).
The temporary server runs no automation that reads them, and the heartbeat thread costs a
short run its wall time: when the flow ends Prefect joins the thread, which sleeps in 1 s
steps, so every run waited 0-1 s (0.5 s on average, measured: issue #20) for nothing.  A
run against a configured server (``PREFECT_API_URL``, where a zombie-run automation may
live) and a deployment's scheduled runs keep Prefect's default."""
SHARED_SERVER_KEEP_S = 900.0
"""How long the shared server outlives its last use (``CONTENT_AUDIT_PREFECT_SERVER_KEEP_S``
overrides it; 0 gives every run a temporary server of its own, stopped with the run)."""
STATE_FILE = "content-audit-server.json"


def shared_server_keep_s(environ: dict[str, str] | None = None) -> float:
    """``CONTENT_AUDIT_PREFECT_SERVER_KEEP_S`` if set, else ``SHARED_SERVER_KEEP_S``."""
    env = os.environ if environ is None else environ
    value = env.get("CONTENT_AUDIT_PREFECT_SERVER_KEEP_S", "").strip()
    return float(value) if value else SHARED_SERVER_KEEP_S


_WHILE_STARTING: list[Callable[[Callable[[], bool]], None]] = []
"""The ``while_starting`` of the ``temporary_api_server`` being entered (``_wait_healthy``
calls it once, on the first poll the server does not answer)."""


@contextmanager
def temporary_api_server(
    timeout_s: float | None = None,
    keep_s: float = 0.0,
    while_starting: Callable[[Callable[[], bool]], None] | None = None,
) -> Iterator[str | None]:
    """Run the body against a temporary API server; yields its API URL (or the configured
    one, or ``None`` when ephemeral mode is off and Prefect will say so itself).

    ``keep_s`` > 0: a shared server, reused if one lives, left running for ``keep_s``
    seconds after the run (see the module's documentation).

    ``while_starting``: called once, in this thread, when the body has to wait for a server
    that is starting (a first run, or the shared server had stopped): work the run needs
    anyway, done during that wait instead of after it.  It gets ``ready``, which says
    whether the wait is over (the server answers, died, or ran out of time), to stop at a
    good moment.  Not called when a server answers at once, nor with a configured API.  Its
    errors are ignored (the run redoes the work); an interrupt ends the wait."""
    _WHILE_STARTING[:] = [while_starting] if while_starting is not None else []
    try:
        with _temporary_api_server(timeout_s, keep_s) as api_url:
            _WHILE_STARTING.clear()
            yield api_url
    finally:
        _WHILE_STARTING.clear()


@contextmanager
def _temporary_api_server(timeout_s: float | None, keep_s: float) -> Iterator[str | None]:
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled or keep_s <= 0:
        _adopt_prestarted(None)  # a server started on a wrong guess is stopped
    if settings.api.url or not settings.server.ephemeral.enabled:
        yield settings.api.url
        return
    # Prefect's log and event workers are process-wide and keep the API they started with:
    # any left from an earlier server would carry this run's task runs there.
    _drain_workers()
    timeout = timeout_s or settings.server.ephemeral.startup_timeout_seconds
    env = {**os.environ, **settings.to_environment_variables(exclude_unset=True)}
    if keep_s > 0:
        with _shared_server(env, timeout, keep_s, settings) as api_url, _api_url(api_url):
            yield api_url
        return
    seeding = _seed(settings)
    # The server's own log goes to a file, as the shared server's does: a traceback its
    # services print (a full disk, a busy database) is not the user's to read on stderr.
    with tempfile.TemporaryFile() as log:
        process, api_url = _start(env, timeout, log)
        _remember(seeding)
        try:
            with _api_url(api_url):
                yield api_url
        finally:
            _stop(process)


@contextmanager
def _api_url(api_url: str) -> Iterator[None]:
    """The body runs with ``PREFECT_API_URL`` set to ``api_url`` and without flow run
    heartbeats (``NO_HEARTBEATS``); workers drained after.

    Only Prefect's public ``temporary_settings``: it sets the settings of this thread's
    context, which every Prefect thread the run uses inherits (the task runner's threads,
    Prefect's event loop threads and its log and event workers copy the context of the
    call that starts them; the workers are drained first, ``_drain_workers``, so none
    started before carries an older API).  A thread started with an empty context (a plain
    ``threading.Thread``) would see the settings Prefect read from the environment at
    import; nothing in the flow calls Prefect from such a thread
    (``tests/test_flows_server.py`` runs tasks in the task runner's threads with their
    logs, and checks that no other server was started).  Prefect's own test
    harness also swaps the process-global settings context; that is a private name of
    ``prefect.context`` (issue #20), not used here."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    updates: dict[Any, Any] = {PREFECT_API_URL: api_url}
    if NO_HEARTBEATS:
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    with temporary_settings(updates=updates):
        try:
            yield
        finally:
            _drain_workers()


@contextmanager
def _shared_server(
    env: dict[str, str], timeout_s: float, keep_s: float, settings: Any
) -> Iterator[str]:
    """The shared server's API URL: a live one found by its state file, else a new one.

    The state file lives in the Prefect home, named after the database the server uses; a
    lock file makes concurrent runs start one server, not several.  The run holds a lease
    (``server_keeper``) while it lasts, so the keeper never stops a server in use."""
    from content_audit.flows import server_keeper

    home = Path(settings.home).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    state = state_file(home, template_db.database_url(settings))
    prestarted = _adopt_prestarted(state)
    leases = server_keeper.leases_of(state)
    leases.mkdir(exist_ok=True)
    lease = leases / str(os.getpid())
    deadline = time.monotonic() + timeout_s
    with open(home / f"{state.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lease.touch()  # before a start too: a slow start is no quiet spell
        try:
            api_url = _live_shared(state, deadline)
            if api_url is not None and prestarted is not None:
                _started(prestarted.keeper, api_url)
                _remember(prestarted.seeding)
            if api_url is None:
                seeding = _seed(settings)
                api_url = _start_shared(env, timeout_s, keep_s, state)
                _remember(seeding)
            state.touch()
        except BaseException:
            lease.unlink(missing_ok=True)
            raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    try:
        yield api_url
    finally:
        lease.unlink(missing_ok=True)
        with suppress(OSError):
            state.touch()


@dataclass(frozen=True)
class Prestarted:
    """A shared server this process started before importing Prefect."""

    state: Path
    keeper: int
    seeding: template_db.Seeding | None


_PRESTARTED: list[Prestarted] = []


def prestart_shared_server(environ: dict[str, str] | None = None) -> bool:
    """Start the shared API server now, before Prefect is imported, when no live one is
    found; True if one was started.

    A run that needs a new server (the first run on a machine, or after the keeper stopped
    it) then has it start on the other core while this process imports Prefect and the
    flow (1.5-2.5 s, measured), instead of after.  Without importing Prefect the settings
    are not known for certain, so it only acts when the environment alone decides them: no
    ``PREFECT_API_URL``, no ``PREFECT_*`` server or database setting other than
    ``PREFECT_HOME`` and the database URL, no profile in the Prefect home's
    ``profiles.toml`` that sets anything but ephemeral mode, no ``prefect.toml``,
    ``.env`` or ``[tool.prefect]`` in the working folder.  ``temporary_api_server`` then
    checks the guess against Prefect's settings: the server is adopted if it is the one
    they name, else stopped (``_adopt_prestarted``)."""
    env = os.environ if environ is None else environ
    guess = _guess_shared_state(env)
    if guess is None:
        return False
    state, database_url = guess
    keep_s = shared_server_keep_s(dict(env))
    if keep_s <= 0:
        return False
    home = state.parent
    try:
        home.mkdir(parents=True, exist_ok=True)
        with open(home / f"{state.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if _keeper_of(state) is not None:  # live, or starting: nothing to do
                    return False
                settings = _UrlSettings(database_url)
                seeding = _seed(settings)
                deadline = time.monotonic() + 30
                keeper, _ = _launch_shared(dict(env), keep_s, state, deadline)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except (OSError, RuntimeError):
        return False
    _PRESTARTED.append(Prestarted(state, keeper, seeding))
    return True


def _guess_shared_state(env: Any) -> tuple[Path, str] | None:
    """The state file and database URL of the shared server, from the environment alone
    (``None`` when files or variables could make Prefect's settings differ)."""
    settable = {
        "PREFECT_HOME",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL",
        "PREFECT_API_DATABASE_CONNECTION_URL",
        "PREFECT_SERVER_ANALYTICS_ENABLED",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
        "PREFECT_LOGGING_LEVEL",
    }
    for name in env:
        if not name.startswith("PREFECT_") or name in settable:
            continue
        if name.startswith(("PREFECT_API_", "PREFECT_SERVER_", "PREFECT_PROFILE")):
            return None
    home = Path(env.get("PREFECT_HOME") or "~/.prefect").expanduser()
    if not home.is_absolute():
        return None
    profiles = home / "profiles.toml"
    if profiles.exists():
        import tomllib

        try:
            document = tomllib.loads(profiles.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        active = document.get("active", "ephemeral")
        chosen = document.get("profiles", {}).get(active, {})
        allowed = {"PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "PREFECT_SERVER_EPHEMERAL_ENABLED"}
        if not isinstance(chosen, dict) or any(
            key not in allowed or str(value).lower() != "true" for key, value in chosen.items()
        ):
            return None
    cwd = Path.cwd()
    if (cwd / "prefect.toml").exists() or (cwd / ".env").exists():
        return None
    with suppress(OSError):
        if "[tool.prefect" in (cwd / "pyproject.toml").read_text(encoding="utf-8"):
            return None
    database_url = (
        env.get("PREFECT_SERVER_DATABASE_CONNECTION_URL")
        or env.get("PREFECT_API_DATABASE_CONNECTION_URL")
        or f"{template_db.SQLITE_PREFIX}{home}/prefect.db"
    )
    return state_file(home, database_url), database_url


class _UrlSettings:
    """What ``template_db.seed`` reads of Prefect's settings, from a known database URL."""

    def __init__(self, url: str) -> None:
        self.server = type("Server", (), {"database": type("Db", (), {"connection_url": url})})


def _keeper_of(state: Path) -> int | None:
    """The live keeper recorded in ``state`` (serving, or starting), if any."""
    try:
        recorded = json.loads(state.read_text())
        keeper = int(recorded["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return keeper if _alive(keeper) and "exit" not in recorded else None


def _adopt_prestarted(state: Path | None) -> Prestarted | None:
    """The server ``prestart_shared_server`` started, if it is the one ``state`` names;
    one started on a wrong guess is stopped."""
    adopted = None
    while _PRESTARTED:
        prestarted = _PRESTARTED.pop()
        if prestarted.state == state:
            adopted = prestarted
            continue
        with suppress(OSError):
            recorded = json.loads(prestarted.state.read_text())
            if recorded.get("pid") == prestarted.keeper:
                prestarted.state.unlink()
        _stop_keeper(prestarted.keeper)
    return adopted


def _seed(settings: Any) -> template_db.Seeding | None:
    """A pre-migrated empty database for a server about to create one (``template_db``)."""
    try:
        return template_db.seed(settings, template_db.prefect_version())
    except Exception:  # never worse than Prefect's own start: it creates the database
        return None


def _remember(seeding: template_db.Seeding | None) -> None:
    with suppress(Exception):
        template_db.remember(seeding, template_db.prefect_version())


def _live_shared(state: Path, deadline: float) -> str | None:
    """The API URL in ``state`` if its keeper lives and the API answers (waiting until
    ``deadline`` for one that is starting: ``prestart_shared_server``)."""
    try:
        recorded = json.loads(state.read_text())
        keeper = int(recorded["pid"])
        if not _alive(keeper) or "exit" in recorded:
            return None
        api_url = str(recorded["api_url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if _healthy(api_url, 5):
        return api_url
    if _wait_healthy(partial(_alive, keeper), api_url, deadline):
        return api_url
    _stop_keeper(keeper)  # it never answered: a new one is started
    return None


def _healthy(api_url: str, timeout_s: float) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def state_file(home: Path, database_url: str) -> Path:
    """The shared server's state file: in the Prefect home, named after its database."""
    tag = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    return home / f"{STATE_FILE[:-5]}-{tag}.json"


def _start_shared(env: dict[str, str], timeout_s: float, keep_s: float, state: Path) -> str:
    """Start the keeper and its server, detached from this run (``server_keeper``), and
    wait until the API answers."""
    from content_audit.flows import server_keeper

    deadline = time.monotonic() + timeout_s
    while True:
        keeper, api_url = _launch_shared(env, keep_s, state, deadline)
        if _wait_healthy(partial(_alive, keeper), api_url, deadline):
            _started(keeper, api_url)
            return api_url
        status = _exit_status(state, keeper)
        if status != PORT_IN_USE_EXIT:
            _stop_keeper(keeper)
            state.unlink(missing_ok=True)
            raise RuntimeError(
                f"the shared Prefect API server did not start within {timeout_s:.0f} s"
                + (f" (exit status {status})" if status else "")
                + _log_tail(server_keeper.log_of(state))
            )


def _launch_shared(
    env: dict[str, str], keep_s: float, state: Path, deadline: float
) -> tuple[int, str]:
    """Start the keeper (it starts the server) and record it in ``state``; no waiting for
    the API.  Returns the keeper's pid and the API's URL."""
    from content_audit.flows import server_keeper

    port = _free_port()
    starter = subprocess.Popen(
        [
            sys.executable,
            server_keeper.__file__,
            str(state),
            str(keep_s),
            "--",
            *_server_command(port, parent=0),  # 0: its parent, the keeper
        ],
        env=_server_env(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        out, _ = starter.communicate(timeout=max(1.0, deadline - time.monotonic()))
        keeper = int(out.split()[0])
    except (subprocess.TimeoutExpired, ValueError, IndexError):
        _stop(starter)
        raise RuntimeError("the shared Prefect API server's keeper did not start") from None
    api_url = f"http://127.0.0.1:{port}/api"
    state.write_text(json.dumps({"pid": keeper, "api_url": api_url}, indent=None) + "\n")
    return keeper, api_url


def _started(keeper: int, api_url: str) -> None:
    """A server this run started answers: warm it up, then lower its priority."""
    _warm_up(api_url)
    with suppress(OSError):  # the keeper and the server: the keeper's process group
        os.setpriority(os.PRIO_PGRP, keeper, os.getpriority(os.PRIO_PROCESS, 0) + SERVER_NICENESS)


def _alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie is not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return not Path("/proc/self").exists()  # with /proc, its absence said it is gone


def _running(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is None


def _exit_status(state: Path, keeper: int) -> int | None:
    """The server's exit status the keeper recorded in ``state``, if it did."""
    deadline = time.monotonic() + 2  # it writes it just before it exits
    while True:
        try:
            recorded = json.loads(state.read_text())
            if recorded.get("pid") == keeper and "exit" in recorded:
                return int(recorded["exit"])
        except (OSError, ValueError, TypeError, AttributeError):
            pass
        if _alive(keeper) or time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def _stop_keeper(pid: int) -> None:
    """SIGTERM to the keeper (it stops its server), SIGKILL to its group if it lingers."""
    with suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        with suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


def _log_tail(log: Path | IO[bytes], lines: int = 5) -> str:
    """The last lines of a server's log (a file, or an open one read from its start), as the
    end of an error message; empty when there are none."""
    try:
        if isinstance(log, Path):
            text = log.read_text(errors="replace")
        else:
            log.seek(0)
            text = log.read().decode(errors="replace")
    except OSError:
        return ""
    tail = text.strip().splitlines()[-lines:]
    return (": " + " / ".join(line.strip() for line in tail)) if tail else ""


def _start(
    env: dict[str, str], timeout_s: float, log: IO[bytes]
) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn on a free loopback port, its output to ``log``, and wait until the API
    answers."""
    deadline = time.monotonic() + timeout_s
    while True:
        port = _free_port()
        # With a lifeline: it dies with this process, however this one ends.
        process = subprocess.Popen(
            _server_command(port),
            env=_server_env(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        api_url = f"http://127.0.0.1:{port}/api"
        try:
            if _wait_healthy(partial(_running, process), api_url, deadline):
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
                + _log_tail(log)
            )


def _server_command(port: int, parent: int | None = None) -> list[str]:
    """Prefect's own command line for its ephemeral server, run with a lifeline: the server
    dies with ``parent`` (default: this process; 0: the process that starts it)."""
    from content_audit.lifeline import command

    return command(
        "uvicorn",
        "--app-dir",
        str(_prefect_folder().parent),  # where Prefect's server command runs from
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
        parent=parent,
    )


def _prefect_folder() -> Path:
    """Prefect's package folder (``prefect.__module_path__``) without importing Prefect."""
    import importlib.util

    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        raise RuntimeError("Prefect is not installed")
    return Path(spec.origin).parent


def _server_env(env: dict[str, str]) -> dict[str, str]:
    return {
        **env,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }


def _wait_healthy(alive: Callable[[], bool], api_url: str, deadline: float) -> bool:
    """True once ``/health`` answers; False if the process dies (``alive()`` is False) or
    time runs out."""
    while time.monotonic() < deadline:
        if not alive():
            return False
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        if _WHILE_STARTING:

            def ready() -> bool:
                return time.monotonic() >= deadline or not alive() or _healthy(api_url, 1)

            with suppress(Exception):
                _WHILE_STARTING.pop()(ready)
            continue
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

    # A queue service says "Still processing items: N items remaining..." as it drains a
    # non-empty queue (a run that failed as soon as its flow started leaves its last state
    # events queued): progress of the drain, which then completes, not a problem for the
    # user.  Its logger is named after the service's class.
    quiet = [logging.getLogger(name) for name in ("EventsWorker", "APILogWorker")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        run_coro_as_sync(drain())
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
