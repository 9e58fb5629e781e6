"""bench/run end to end on the smallest sitegen site, served by a real nginx on 127.0.0.1.

Checks the plumbing, not the speed: every requested tool ran in its own process, the
table and the JSON carry its row and the ratios, the disk run audited exactly the pages
the HTTP run did, and the figures are sane.  advertools is a bench-only extra: its part
runs only where it is installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None
)
HAS_ADVERTOOLS = importlib.util.find_spec("advertools") is not None

pytestmark = [
    pytest.mark.slow,
    pytest.mark.needs_shared("sitegen/sitegen.py"),
    pytest.mark.skipif(NGINX is None, reason="needs nginx (apt-get install nginx)"),
]


def test_bench_run_on_a_tiny_site(tmp_path: Path) -> None:
    tools = ["library", "disk"] + (["advertools"] if HAS_ADVERTOOLS else [])
    figures = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run"),
            "--pages",
            "60",
            "--runs",
            "1",
            "--tools",
            ",".join(tools),
            "--workers",
            "1",
            "--sites-dir",
            str(tmp_path / "sites"),
            "--json",
            str(figures),
            "--python",
            sys.executable,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for tool in tools:
        assert f"| 60 | {tool} |" in table
    assert "| HTTP / disk pages/s (library path) | 60 |" in table
    if HAS_ADVERTOOLS:
        assert "| content-audit library / advertools pages/s | 60 |" in table

    document = json.loads(figures.read_text(encoding="utf-8"))
    medians = document["medians"]["60"]
    assert set(medians) == set(tools)
    # 60 pages answer 200; the 3 portal pages are disallowed by robots.txt.
    assert medians["library"]["pages"] == medians["disk"]["pages"] == 57
    assert medians["library"]["urls"] == medians["disk"]["urls"]
    for tool in tools:
        m = medians[tool]
        assert m["runs"] == 1
        assert 0 < m["body_s"] <= m["wall_s"] + 0.5
        assert m["pages_per_s"] > 1
        assert 20 < m["peak_tree_rss_mb"] < 1500
    if HAS_ADVERTOOLS:
        assert medians["advertools"]["pages"] == 57
    names = {r["ratio"] for r in document["ratios"]}
    assert "HTTP / disk pages/s (library path)" in names
    assert all(r["value"] is None or r["value"] > 0 for r in document["ratios"])
    assert len(document["runs"]) == len(tools)

    # The cached site is reused by the next run (same manifest, port still free).
    again = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run"),
            "--pages",
            "60",
            "--runs",
            "1",
            "--tools",
            "disk",
            "--workers",
            "1",
            "--sites-dir",
            str(tmp_path / "sites"),
            "--python",
            sys.executable,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "reusing" in again.stdout


def test_bench_run_refuses_an_unknown_tool(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run"), "--tools", "library,wget"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "unknown tool(s) wget" in done.stderr
