"""Issue 19: no page, server, disk or signal can stall, flood or corrupt a run.

Beside ``test_fault_matrix.py`` (the site audit against misbehaving servers), these tests
drive ``check``, the configuration, the history and the process with real files, FIFOs,
devices, loopback servers and signals.  Each one failed on main before its fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from content_audit.config import CrawlConfig
from content_audit.errors import InputError
from content_audit.target import load_target

pytestmark = pytest.mark.timeout(60)

CLI = str(Path(sys.executable).with_name("content-audit"))
PAGE = b"<html><head><title>A page</title></head><body><h1>A page</h1><p>Text.</p></body></html>"


def run_cli(*args: str, timeout: float = 30, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,  # type: ignore[arg-type]
    )


# ------------------------------------------------------------------ 1. bounded reads


def _feed_fifo(path: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        try:
            with open(path, "wb") as fifo:
                for i in range(0, len(data), 1 << 16):
                    fifo.write(data[i : i + (1 << 16)])
        except BrokenPipeError:
            pass  # the reader stopped at its cap: what the test wants

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_check_refuses_a_character_device_instead_of_reading_it_forever() -> None:
    began = time.monotonic()
    result = run_cli("check", "/dev/zero")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: /dev/zero: is a device"), result.stderr
    assert time.monotonic() - began < 20


def test_a_fifo_is_read_through_the_same_cap_as_a_file(tmp_path: Path) -> None:
    """The size check used to trust ``stat``: a FIFO says 0 bytes and was read to its end."""
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, PAGE + b"<p>" + b"a" * 3_000_000 + b"</p>")
    with pytest.raises(InputError, match="over the 1 MB limit"):
        load_target(str(fifo), CrawlConfig(max_bytes=1_000_000))
    writer.join(5)


def test_a_small_fifo_is_audited_like_a_file(tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, PAGE)
    document = load_target(str(fifo), CrawlConfig())
    writer.join(5)
    assert "<h1>A page</h1>" in document.html


def test_a_fifo_nobody_writes_to_ends_at_the_deadline(tmp_path: Path) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    began = time.monotonic()
    with pytest.raises(InputError, match=r"within 0\.5 s"):
        load_target(str(fifo), CrawlConfig(deadline_s=0.5))
    assert time.monotonic() - began < 3
