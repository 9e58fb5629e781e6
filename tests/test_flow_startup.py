"""Issue #20: what ``content-audit crawl`` and ``demo`` do around a flow run to keep
Prefect's fixed cost off the critical path (the audit pool's forkserver started before
Prefect is imported, the interpreter's last GC walk skipped); ``--no-prefect`` does none
of it.  Each in a process of its own: the point is what happens before Prefect is
imported, and at the interpreter's end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(script: str, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_the_command_line_freezes_the_gc_before_the_interpreter_ends() -> None:
    script = (
        "import atexit, gc\n"
        "from content_audit import cli\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "cli.main(['--help'])\n"
    )
    assert _run(script).splitlines()[-1] == "frozen True"


FORKSERVER_PROBE = """
import os, sys
from content_audit import pipeline

def forkservers():
    found = set()
    for pid in os.listdir('/proc'):
        try:
            with open(f'/proc/{pid}/stat') as stat:
                parent = int(stat.read().rpartition(')')[2].split()[1])
            with open(f'/proc/{pid}/cmdline', 'rb') as cmd:
                line = cmd.read()
        except (OSError, ValueError):
            continue
        if parent == os.getpid() and b'multiprocessing.forkserver' in line:
            found.add(int(pid))
    return found

assert pipeline.prestart_forkserver()
started = forkservers()
assert len(started) == 1, started
pool = pipeline.make_executor(2)
parents = {pool.submit(os.getppid).result(timeout=60) for _ in range(8)}
pool.shutdown()
print(sorted(started) == sorted(parents) == sorted(forkservers()))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_pool_forks_its_workers_from_the_prestarted_forkserver() -> None:
    assert _run(FORKSERVER_PROBE).splitlines()[-1] == "True"


CLI_PROBE = """
import json, sys
from content_audit import cli, pipeline

seen = []
prestart = pipeline.prestart_forkserver

def recorded():
    seen.append('prefect' in sys.modules)
    return prestart()

pipeline.prestart_forkserver = recorded
try:
    cli.main(sys.argv[1:])
finally:
    print(json.dumps({'prestarted': seen, 'prefect': 'prefect' in sys.modules}))
"""


@pytest.mark.slow
def test_the_flow_prestarts_the_forkserver_before_prefect_and_no_prefect_does_not(
    tmp_path: Path,
) -> None:
    env = {
        "PREFECT_HOME": str(tmp_path / "home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "CONTENT_AUDIT_PREFECT_SERVER_KEEP_S": "0",  # a server of the run's own
    }
    env_clean = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    for flag, want in (("--no-prefect", []), (None, [False])):
        args = ["demo", "--reports", str(tmp_path / "reports")] + ([flag] if flag else [])
        out = subprocess.run(
            [sys.executable, "-c", CLI_PROBE, *args],
            capture_output=True,
            text=True,
            timeout=240,
            env={**env_clean, **env},
            check=False,
        )
        assert out.returncode == 0, out.stderr[-3000:]
        record = json.loads(out.stdout.splitlines()[-1])
        # The flow: once, before Prefect was imported; the library path: never, and it
        # never imports Prefect at all.
        assert record == {"prestarted": want, "prefect": flag is None}, flag
        assert "Audited 59 pages" in out.stderr


def test_the_modules_a_run_imports_while_its_server_starts_exist() -> None:
    from content_audit.flows.audit_site import RUN_MODULES, import_run_modules

    import_run_modules()
    assert all(name in sys.modules for name in RUN_MODULES)
