"""Keeper of the shared Prefect API server: runs it, stops it once nobody has used it for a while.

``python -m content_audit.flows.server_keeper STATE IDLE_S -- COMMAND...`` starts COMMAND
(uvicorn serving Prefect's API) and watches STATE, the file that flow runs find the server
by: each run holds a lease (a file named after its pid in ``STATE.leases/``) and touches
STATE when it starts and ends.  When no lease is held by a live process and STATE is
older than IDLE_S seconds, or STATE is gone, or the server exits, the keeper stops the
server, removes STATE and exits.  Standard library only: it must start fast.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

POLL_S = 2.0


def leases_of(state: Path) -> Path:
    return state.with_name(state.name + ".leases")


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


def main(argv: list[str]) -> int:
    state, idle_s, command = Path(argv[0]), float(argv[1]), argv[argv.index("--") + 1 :]
    server = subprocess.Popen(command)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and server.poll() is None:
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
        try:
            if state.is_file() and f'"pid": {os.getpid()},' in state.read_text():
                state.unlink()
        except OSError:
            pass
    return server.returncode or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
