"""Where editors write: ``check --watch`` and the pre-commit hook (``content-audit drafts``)."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from content_audit.cli import cli
from content_audit.watch import file_signature, watch_file

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("content-audit")
DRAFT = """---
title: Knee pain after running
---

Knee pain is common in runners. Rest, ice and easy stretching help most people.
"""
HARDER = DRAFT + (
    "\nThe musculoskeletal sequelae of repetitive patellofemoral loading are characterised by "
    "degenerative chondromalacia, which is frequently accompanied by inflammatory synovitis.\n"
)


def _read_until(proc: subprocess.Popen, needle: str, timeout_s: float) -> tuple[str, float]:
    """Lines of ``proc``'s stdout until one holds ``needle``: (text, seconds waited)."""
    start = time.monotonic()
    out: list[str] = []
    box: dict[str, str] = {}

    def reader() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            out.append(line)
            if needle in line:
                box["hit"] = line
                return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout_s)
    return "".join(out), (time.monotonic() - start) if "hit" in box else float("inf")


def test_watch_picks_up_a_save_within_a_second(tmp_path: Path) -> None:
    draft = tmp_path / "knee.md"
    draft.write_text(DRAFT, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "120", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(SCRIPT), "check", str(draft), "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        text, _ = _read_until(proc, "watching", 30)
        assert "watching" in text, text + proc.stderr.read() if proc.poll() is not None else text
        time.sleep(0.05)
        draft.write_text(HARDER, encoding="utf-8")  # a real save
        saved_at = time.monotonic()
        text, _ = _read_until(proc, "saved:", 10)
        seen_after = time.monotonic() - saved_at
        assert "saved:" in text and "grade" in text, text
        print(f"save picked up and re-checked after {seen_after:.3f} s")
        assert seen_after < 1.0, f"picked up after {seen_after:.2f} s"  # poll + audit
        rest, _ = _read_until(proc, "new: jargon_unexplained", 5)
        assert "new: jargon_unexplained" in text + rest
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_watch_file_calls_on_each_save(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one", encoding="utf-8")
    calls: list[tuple[int, int] | None] = []
    edits = iter(["two!", "two!", "three!!"])

    def sleep(_: float) -> None:  # each look follows one "save"
        text = next(edits, None)
        if text is not None and text != path.read_text(encoding="utf-8"):
            os.utime(path, ns=(time.time_ns(), time.time_ns() + len(calls) * 1_000_000_000))
            path.write_text(text, encoding="utf-8")

    watch_file(path, lambda: calls.append(file_signature(path)), sleep=sleep, rounds=4)
    assert len(calls) == 3  # the first check, then two real changes (one save was a no-op)


def test_watch_refuses_url_and_stdin() -> None:
    for target in ("-", "https://clinic.example/"):
        result = CliRunner().invoke(cli, ["check", target, "--watch"])
        assert result.exit_code == 2 and "--watch needs a file" in result.output


# ---------------------------------------------------------------------------- pre-commit

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _hook() -> dict:
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return hook


def _sample_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "site"
    (repo / "_posts").mkdir(parents=True)
    (repo / "_posts" / "good.md").write_text(DRAFT, encoding="utf-8")
    (repo / "_posts" / "empty.md").write_text("", encoding="utf-8")
    (repo / "README.txt").write_text("not a draft", encoding="utf-8")
    return repo


def test_hook_definition() -> None:
    hook = _hook()
    assert hook["id"] == "content-audit-drafts"
    assert hook["language"] == "python" and hook["entry"] == "content-audit drafts"
    assert hook["files"] == r"\.(md|markdown|mdown|mkd)$"


def test_hook_entry_runs_as_pre_commit_would(tmp_path: Path) -> None:
    """Equivalent of ``pre-commit try-repo`` without a network install: the entry, split
    as pre-commit splits it (shlex), with the hook's args, then the staged files that match
    ``files``, run in the repository from the installed console script."""
    import re

    hook = _hook()
    repo = _sample_repo(tmp_path)
    files = sorted(
        str(p.relative_to(repo))
        for p in repo.rglob("*")
        if p.is_file() and re.search(hook["files"], str(p.relative_to(repo)))
    )
    assert files == ["_posts/empty.md", "_posts/good.md"]
    entry = shlex.split(hook["entry"])
    env = {**os.environ, "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        [*entry, *hook.get("args", []), "_posts/good.md"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "_posts/good.md:" in run.stdout and "score" in run.stdout
    run = subprocess.run(
        [*entry, *files], cwd=repo, capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 2 and "_posts/empty.md: Error:" in run.stderr


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_try_repo(tmp_path: Path) -> None:  # pragma: no cover - needs pre-commit
    repo = _sample_repo(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    run = subprocess.run(
        ["pre-commit", "try-repo", str(ROOT), "content-audit-drafts", "--files", "_posts/good.md"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout + run.stderr
