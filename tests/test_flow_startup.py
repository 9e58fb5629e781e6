"""Issue #20: what ``content-audit crawl`` and ``demo`` do around a flow run to keep
Prefect's fixed cost off the critical path.  Each in a process of its own: the point is
what happens before Prefect is imported, and at the interpreter's end."""

from __future__ import annotations

import os
import subprocess
import sys


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
