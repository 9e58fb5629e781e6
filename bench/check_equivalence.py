#!/usr/bin/env python3
"""Prove a performance change changed no result: audit every page, compare with a baseline.

For each ``*.html`` under the given directories (recursively) this writes one line: the
page's relative path, the ``content-audit check --format json`` document
(``json.dumps(audit_to_dict(audit_page(html, url, cfg, today=2026-11-25)))``) and a hash of
``repr(audit)`` (every field of the PageAudit, the extracted Page included, with floats at
full precision), so a change in extraction that the JSON contract does not show still counts.

    .venv/bin/python bench/check_equivalence.py DIR [DIR ...] --record baseline.jsonl
    .venv/bin/python bench/check_equivalence.py DIR [DIR ...] --compare baseline.jsonl

``--compare`` prints the number of pages identical / different / missing and the first few
differing paths, and exits 1 unless every page is byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 25)


def pages(dirs: list[str]) -> list[tuple[str, Path]]:
    """(key, path) for every HTML file, keyed by directory name + relative path."""
    found = []
    for d in dirs:
        root = Path(d)
        for path in sorted(root.rglob("*.html")):
            found.append((f"{root.name}/{path.relative_to(root).as_posix()}", path))
    return found


def audit_one(item: tuple[str, Path]) -> str:
    """One baseline line for one page."""
    from content_audit.audit import audit_page
    from content_audit.config import load_config
    from content_audit.serialize import audit_to_dict

    key, path = item
    html = path.read_text(encoding="utf-8", errors="replace")
    url = "https://clinic.example/" + key.split("/", 1)[1]
    audit = audit_page(html, url, load_config(), today=TODAY)
    doc = json.dumps(audit_to_dict(audit))
    digest = hashlib.sha256(repr(audit).encode("utf-8")).hexdigest()
    return json.dumps({"key": key, "json": doc, "repr": digest})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", metavar="FILE")
    mode.add_argument("--compare", metavar="FILE")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    items = pages(args.dirs)
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        lines = list(pool.map(audit_one, items, chunksize=16))
    if args.record:
        Path(args.record).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"recorded {len(lines)} pages to {args.record}")
        return 0
    base = {}
    for line in Path(args.compare).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        base[rec["key"]] = rec
    same = diff = missing = 0
    shown = []
    for line in lines:
        rec = json.loads(line)
        old = base.get(rec["key"])
        if old is None:
            missing += 1
        elif old["json"] == rec["json"] and old["repr"] == rec["repr"]:
            same += 1
        else:
            diff += 1
            if len(shown) < 10:
                part = "json" if old["json"] != rec["json"] else "repr"
                shown.append(f"  {rec['key']} ({part} differs)")
    print(f"identical: {same}  different: {diff}  not in baseline: {missing}")
    for s in shown:
        print(s)
    return 0 if diff == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
