#!/usr/bin/env python3
"""Prove a performance change changed no result: ``audit_page`` by the old code and the new.

Runs this file twice as a worker, once with ``PYTHONPATH`` on the old ``src`` (by default the
``src`` of ``git merge-base HEAD main``, exported with ``git archive``) and once on the new
(this tree's ``src``).  Each worker audits every ``*.html`` under the given directories
(recursively; by default the real-site corpus, the real sites, a sitegen site if one was
generated at /tmp/perf300/www, and ``tests/fixtures``) with
``audit_page(html, url, load_config(), today=2026-11-25)`` and writes, per page, the
serialized PageAudit (``serialize.audit_to_dict``, the ``check --format json`` document) and
``repr(audit)`` (every field of the PageAudit, the extracted Page and its access notes
included, floats at full precision).  The two outputs are compared page by page.

    .venv/bin/python bench/check_same_audit.py [DIR ...] [--old REF | --old-src DIR]
        [--added-field NAME=DEFAULT ...]

A change that adds a field at the end of a record (``Page.extraction_fallback``) changes every
``repr``: ``--added-field extraction_fallback=None`` drops ``, extraction_fallback=None``
from the new side's ``repr`` before comparing, so a page where the field holds anything
but its default still differs.

Prints pages identical / different / missing, and for the first few differing pages the
part that differs (``json`` or ``repr``) and the first differing characters; exits 1
unless every page is identical in both.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 25)
DEFAULT_DIRS = (
    ROOT.parent / "shared" / "corpus" / "real",
    ROOT.parent / "shared" / "realsites",
    Path("/tmp/perf300/www"),
    ROOT / "tests" / "fixtures",
)


def pages(dirs: list[str]) -> list[tuple[str, str]]:
    """(key, path) for every HTML file, keyed by directory name + relative path."""
    found = []
    for d in dirs:
        root = Path(d)
        for path in sorted(root.rglob("*.html")):
            found.append((f"{root.name}/{path.relative_to(root).as_posix()}", str(path)))
    return found


def audit_one(item: tuple[str, str]) -> tuple[str, str, str]:
    """(key, JSON document, repr) of one page's PageAudit."""
    from content_audit.audit import audit_page
    from content_audit.config import load_config
    from content_audit.serialize import audit_to_dict

    key, path = item
    html = Path(path).read_text(encoding="utf-8", errors="replace")
    url = "https://clinic.example/" + key.split("/", 1)[1]
    audit = audit_page(html, url, load_config(), today=TODAY)
    return key, json.dumps(audit_to_dict(audit), sort_keys=True), repr(audit)


def worker(dirs: list[str], out: str, workers: int) -> None:
    import content_audit

    print(f"  worker: content_audit from {Path(content_audit.__file__).parent}", file=sys.stderr)
    items = pages(dirs)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        rows = list(pool.map(audit_one, items, chunksize=8))
    with open(out, "w", encoding="utf-8") as fh:
        for key, doc, rep in rows:
            fh.write(json.dumps({"key": key, "json": doc, "repr": rep}) + "\n")


def export_src(ref: str, into: Path) -> Path:
    """``src`` of commit ``ref`` of this repository, unpacked under ``into``."""
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "src"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def run_worker(src: Path, dirs: list[str], out: Path, workers: int) -> None:
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, __file__, "--worker", str(out), "--workers", str(workers), *dirs]
    subprocess.run(cmd, check=True, env=env, cwd=str(ROOT))


def first_diff(a: str, b: str) -> str:
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    lo = max(0, i - 60)
    return f"at char {i}:\n      old ...{a[lo : i + 80]!r}\n      new ...{b[lo : i + 80]!r}"


def load(path: Path) -> dict[str, dict[str, str]]:
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        rows[rec["key"]] = rec
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*")
    ap.add_argument("--old", default=None, help="git ref of the old code (default: merge-base)")
    ap.add_argument("--old-src", help="the old code's src directory (instead of --old)")
    ap.add_argument("--new-src", default=str(ROOT / "src"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--added-field",
        action="append",
        default=[],
        metavar="NAME=DEFAULT",
        help="a field the new code added: its default is dropped from the new repr",
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    dirs = args.dirs or [str(d) for d in DEFAULT_DIRS if d.is_dir()]
    if args.worker:
        worker(dirs, args.worker, args.workers)
        return 0
    with tempfile.TemporaryDirectory(prefix="same-audit-") as tmp:
        tmpdir = Path(tmp)
        if args.old_src:
            old_src = Path(args.old_src)
            label = str(old_src)
        else:
            ref = args.old
            if ref is None:
                ref = subprocess.run(
                    ["git", "-C", str(ROOT), "merge-base", "HEAD", "main"],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.strip()
            old_src = export_src(ref, tmpdir / "old")
            label = ref
        print(f"old: {label}\nnew: {args.new_src}\npages under: {', '.join(dirs)}")
        t0 = time.monotonic()
        run_worker(old_src, dirs, tmpdir / "old.jsonl", args.workers)
        run_worker(Path(args.new_src), dirs, tmpdir / "new.jsonl", args.workers)
        old, new = load(tmpdir / "old.jsonl"), load(tmpdir / "new.jsonl")
    same = diff = 0
    shown: list[str] = []
    for key, rec in new.items():
        base = old.get(key)
        if base is None:
            continue
        for added in args.added_field:
            rec["repr"] = rec["repr"].replace(f", {added})", ")")
        if base["json"] == rec["json"] and base["repr"] == rec["repr"]:
            same += 1
            continue
        diff += 1
        if len(shown) < 5:
            part = "json" if base["json"] != rec["json"] else "repr"
            shown.append(f"  {key} ({part} differs) {first_diff(base[part], rec[part])}")
    missing = len(set(old) ^ set(new))
    print(
        f"pages: {len(new)}  identical: {same}  different: {diff}  "
        f"in one run only: {missing}  ({time.monotonic() - t0:.0f} s)"
    )
    for s in shown:
        print(s)
    return 0 if diff == 0 and missing == 0 and same > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
