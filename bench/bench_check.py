#!/usr/bin/env python3
"""Start-up and single-page cost of ``content-audit check``.

Prints the median wall time of `content-audit check FILE` (a whole process, as an editor
runs it), of `import content_audit`, and the in-process cost of audit_page per page.
Targets (issue 2 / 6): check ≤ 1 s median, import ≤ 0.5 s.

    .venv/bin/python bench/bench_check.py [FILE] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGE = ROOT / "tests" / "fixtures" / "seed_prolotherapy.html"


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("content-audit"))
    python = sys.executable

    wall([exe, "check", str(args.file)])  # warm the OS file cache and .pyc files
    check_text = [wall([exe, "check", str(args.file)]) for _ in range(args.runs)]
    check_json = [
        wall([exe, "check", str(args.file), "--format", "json"]) for _ in range(args.runs)
    ]
    imports = [wall([python, "-c", "import content_audit"]) for _ in range(args.runs)]
    bare = [wall([python, "-c", "pass"]) for _ in range(args.runs)]

    from content_audit.audit import audit_page
    from content_audit.config import load_config

    html = args.file.read_text(encoding="utf-8", errors="replace")
    config = load_config()
    audit_page(html, "https://clinic.example/page/", config)  # first call loads lexicons
    per_page = []
    for _ in range(50):
        start = time.perf_counter()
        audit_page(html, "https://clinic.example/page/", config)
        per_page.append(time.perf_counter() - start)

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.1f} ms"

    print(f"file: {args.file} ({args.file.stat().st_size:,} bytes), {args.runs} runs, medians")
    print(f"  content-audit check (text)     {ms(check_text)}   target ≤ 1000 ms")
    print(f"  content-audit check --format json {ms(check_json)}")
    print(f"  python -c 'import content_audit' {ms(imports)}   target ≤ 500 ms")
    print(f"  python -c 'pass' (interpreter)  {ms(bare)}")
    print(f"  audit_page in process (warm)    {ms(per_page)} per page")


if __name__ == "__main__":
    main()
