"""Keeper of the shared Prefect API server: runs it, stops it once nobody has used it for a while.

``python .../server_keeper.py STATE IDLE_S -- COMMAND...`` detaches (see below), starts
COMMAND (uvicorn serving Prefect's API, with a lifeline to the keeper: it dies with it) and
watches STATE, the file that flow runs find the server by: each run holds a lease (a file
named after its pid in ``STATE.leases/``) and touches STATE when it starts and ends.  When
no lease is held by a live process and STATE is older than IDLE_S seconds, or STATE is
gone, or the server exits, the keeper stops the server, removes STATE and exits.  SIGTERM
or SIGINT stop it the same way.  The server's own messages go to ``STATE.log``.

Detached: the keeper is started by a flow run but is none of its processes.  It forks at
once; the first process prints the second's pid on its standard output and exits, so the
keeper is reparented (to init) and never a descendant of the run; the second starts a
session of its own (no terminal's Ctrl-C, no signal to the run's process group reaches
it) and lets go of the run's standard streams (a caller waiting for the run's output to
end does not wait for the keeper).  It outlives a run killed by SIGKILL, as it outlives
every run, and still ends by itself: a dead run's lease is stale, so ``IDLE_S`` after the
run's last touch of STATE it stops.

If the server exits by itself, the keeper records its exit status in STATE (``"exit"``):
the run that started it retries on another port when uvicorn could not bind its own.

Standard library only, run as a file: it must start fast (the package's ``__init__`` is
not imported).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

POLL_S = 2.0


def leases_of(state: Path) -> Path:
    return state.with_name(state.name + ".leases")


def log_of(state: Path) -> Path:
    return state.with_name(state.name + ".log")


def live_leases(state: Path) -> int:
    """How many leases are held by live processes (stale ones are removed)."""
    count = 0
    folder = leases_of(state)
    if not folder.is_dir():
        return 0
    for lease in folder.iterdir():
        try:
            os.kill(int(lease.name), 0)
            count += 1
        except ProcessLookupError:
            lease.unlink(missing_ok=True)
        except (ValueError, PermissionError):
            count += 1
    return count


def idle(state: Path, idle_s: float) -> bool:
    try:
        age = time.time() - state.stat().st_mtime
    except FileNotFoundError:
        return True
    return age > idle_s and live_leases(state) == 0


def detach() -> None:
    """Fork; the parent prints the child's pid and exits; the child leads a new session
    with /dev/null as its standard streams."""
    pid = os.fork()
    if pid:
        os.write(1, f"{pid}\n".encode())
        os._exit(0)
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if null > 2:
        os.close(null)


def main(argv: list[str]) -> int:
    state, idle_s, command = Path(argv[0]), float(argv[1]), argv[argv.index("--") + 1 :]
    detach()
    with open(log_of(state), "ab") as log:
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    stopping = False
    ended_by_itself = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            if server.poll() is not None:
                ended_by_itself = True
                break
            time.sleep(POLL_S)
            if server.poll() is None and idle(state, idle_s):
                break
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        _release(state, ended_by_itself, server.returncode)
    return server.returncode or 0


def _release(state: Path, ended_by_itself: bool, returncode: int | None) -> None:
    """Remove STATE if it still names this keeper (or, when the server ended by itself,
    record its exit status there for the run waiting on it)."""
    try:
        recorded = json.loads(state.read_text())
        if recorded.get("pid") != os.getpid():
            return
        if ended_by_itself:
            recorded["exit"] = returncode
            state.write_text(json.dumps(recorded) + "\n")
        else:
            state.unlink()
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":
    # Run as a file, this folder is first on sys.path: drop it (``server.py`` is here).
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    sys.exit(main(sys.argv[1:]))
