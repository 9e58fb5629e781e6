"""lifeline.py: processes that die with the one that started them (real processes, real
signals)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's"
)

ORPHAN = """
import os, sys
from content_audit import lifeline

lifeline.forks_children()        # as the audit pool's forkserver does
parent = os.getpid()
if os.fork() == 0:               # a worker, before its initializer has run
    with open(sys.argv[1], "w") as out:
        out.write(str(os.getpid()))
    while os.getppid() == parent:  # its forkserver dies (the crawl was killed)...
        pass
    lifeline.die_with_parent()   # ...before the worker asks for its lifeline
    with open(sys.argv[2], "w") as out:
        out.write("survived")
    os._exit(0)
while not os.path.exists(sys.argv[1]) or not open(sys.argv[1]).read():
    pass
os._exit(0)
"""


def test_a_worker_whose_forkserver_died_before_its_lifeline_dies_at_once(tmp_path: Path) -> None:
    pid_file, survived = tmp_path / "pid", tmp_path / "survived"
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN, str(pid_file), str(survived)], timeout=60, check=False
    )
    assert done.returncode == 0
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 30
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        stat = Path(f"/proc/{worker}/stat").read_text(errors="replace")
        if stat.rpartition(")")[2].split()[0] == "Z":
            break
        time.sleep(0.05)
    assert not survived.exists()  # it took init for its parent before: and lived on


def test_the_lifeline_command_runs_a_module_that_dies_with_its_parent(tmp_path: Path) -> None:
    """``lifeline.command``: how a flow run's own API server is started."""
    from content_audit.lifeline import command

    script = (
        "import subprocess, sys\n"
        "from content_audit.lifeline import command\n"
        "child = subprocess.Popen(command('http.server', '--bind', '127.0.0.1', '0'),"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(child.pid, flush=True)\n"
        "import time; time.sleep(60)\n"
    )
    assert command("uvicorn", "--port", "1")[2:] == [
        str(os.getpid()),
        "uvicorn",
        "--port",
        "1",
    ]
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        # The child's command line, read a few times: on a loaded machine one read of
        # /proc/<pid>/cmdline came back empty once (seen in two concurrent test sessions).
        cmdline = ""
        deadline = time.monotonic() + 10
        while "http.server" not in cmdline and time.monotonic() < deadline:
            cmdline = Path(f"/proc/{child}/cmdline").read_text()
            if "http.server" not in cmdline:
                time.sleep(0.05)
        assert "http.server" in cmdline
        parent.kill()  # SIGKILL: nothing of the parent runs
        parent.wait(10)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                state = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()[0]
            except OSError:
                break
            if state == "Z":
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the child outlived its parent")
    finally:
        parent.kill()
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)
