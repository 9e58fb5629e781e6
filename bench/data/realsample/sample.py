#!/usr/bin/env python3
"""Draw the real-site label sample: 20 pages of helms-performance, 20 of bratton-pt/desktop.

Reachable pages are found the way a crawl meets them: a breadth-first walk over the
``<a href>`` links of the served files (root-relative or relative, same host), from ``/`` on
helms-performance and from ``/desktop/`` on bratton-pt (scope ``/desktop/``).  404 pages,
feeds, sitemaps and robots are skipped, and so is every page already in
``../shared/corpus/labels.tsv``.  The sorted candidate list is sampled with
``random.Random(2026)``: helms first, then bratton, 20 each, from one generator.

    .venv/bin/python bench/data/realsample/sample.py > bench/data/realsample/sample.tsv
"""

from __future__ import annotations

import csv
import random
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
SEED = 2026
N = 20
SITES = (
    ("helms", SHARED / "realsites" / "helms-performance", "/", "/"),
    ("bratton", SHARED / "realsites" / "bratton-pt", "/desktop/", "/desktop/"),
)
SKIP = ("404", "feed", "sitemap", "robots")


def file_for(root: Path, path: str) -> Path | None:
    rel = path.lstrip("/")
    candidates = [root / rel / "index.html"] if path.endswith("/") else [root / rel]
    if not path.endswith("/"):
        candidates += [root / rel / "index.html", root / (rel + ".html")]
    for cand in candidates:
        if cand.is_file() and cand.suffix == ".html":
            return cand
    return None


def reachable(root: Path, start: str, scope: str) -> dict[str, Path]:
    base = "http://site.invalid"
    seen: dict[str, Path] = {}
    queue = deque([start])
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        page = file_for(root, path)
        if page is None:
            continue
        seen[path] = page
        soup = BeautifulSoup(page.read_text(encoding="utf-8", errors="replace"), "html.parser")
        for a in soup.find_all("a", href=True):
            parts = urlsplit(urljoin(base + path, a["href"].strip()))
            if f"{parts.scheme}://{parts.netloc}" != base or not parts.path.startswith(scope):
                continue
            if any(s in parts.path.lower() for s in SKIP):
                continue
            if parts.path not in seen:
                queue.append(parts.path)
    return seen


def labelled(site_root: Path) -> set[Path]:
    with open(SHARED / "corpus" / "labels.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {(site_root / r["source"].rpartition(":")[2]).resolve() for r in rows}


def main() -> int:
    rng = random.Random(SEED)
    print("site\turl_path\tfile")
    for name, root, start, scope in SITES:
        done = labelled(root)
        pages = reachable(root, start, scope)
        cands = sorted(p for p, f in pages.items() if f.resolve() not in done)
        print(f"# {name}: {len(pages)} reachable, {len(cands)} candidates", file=sys.stderr)
        for path in rng.sample(cands, N):
            print(f"{name}\t{path}\t{pages[path].relative_to(SHARED / 'realsites')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
