#!/usr/bin/env python3
"""Draw the sixth real-site label sample: every bratton-pt medical-library page left.

Candidates are found as for the fifth sample (``bench/data/realsample5/sample.py``): a
breadth-first walk over the ``<a href>`` links of the served files (root-relative or relative,
same host), from ``/`` on helms-performance and from ``/desktop/`` on bratton-pt (scope
``/desktop/``); 404 pages, feeds, sitemaps and robots are skipped.  Excluded: every page in
``../shared/corpus/labels.tsv``, every page of the first five samples
(``bench/data/realsample/sample.tsv``, ``bench/data/realsample2/sample.tsv``,
``bench/data/realsample3/sample.tsv``, ``bench/data/realsample4/sample.tsv``,
``bench/data/realsample5/sample.tsv``) and the bratton pages looked at while tuning (``TUNED``,
as listed in ``bench/data/realsample2/README.md``, unchanged).
The sorted candidate lists are sampled with ``random.Random(6666)``, one generator: all helms
candidates first (drawn in random order; none are left), then bratton.  ``TOTAL`` is no longer a
target: every remaining candidate is taken (after the fifth sample only ``library_*`` pages are
left, about 36), any non-library pages first as before; the seed only fixes the row order.

    .venv/bin/python bench/data/realsample6/sample.py > bench/data/realsample6/sample.tsv
"""

from __future__ import annotations

import csv
import random
import sys
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2].parent / "shared"
EARLIER = (
    HERE.parent / "realsample" / "sample.tsv",
    HERE.parent / "realsample2" / "sample.tsv",
    HERE.parent / "realsample3" / "sample.tsv",
    HERE.parent / "realsample4" / "sample.tsv",
    HERE.parent / "realsample5" / "sample.tsv",
)
SEED = 6666
# take every remaining candidate: no size target
TOTAL = 10**6
SITES = (
    ("helms", SHARED / "realsites" / "helms-performance", "/", "/"),
    ("bratton", SHARED / "realsites" / "bratton-pt", "/desktop/", "/desktop/"),
)
SKIP = ("404", "feed", "sitemap", "robots")
# bratton-pt pages looked at while tuning the detector (relative to bratton-pt/desktop/)
TUNED = (
    "library_elbow_3",
    "library_treatments_87",
    "library_knee_54",
    "library_treatments_33",
    "library_knee_7",
    "library_elbow_50",
    "library_hip_9",
    "library_shoulder_33",
    "library_wrist_38",
    "library_ankle_12",
    "library_treatments_47",
    "library_knee_75",
    "library_treatments_2",
    "library_privacybar_terms",
    "services/gait-balance-training",
)


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


def excluded(site_root: Path) -> set[Path]:
    """Files of this site in the corpus labels, the earlier samples or the tuning list."""
    with open(SHARED / "corpus" / "labels.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    out = {(site_root / r["source"].rpartition(":")[2]).resolve() for r in rows}
    for earlier in EARLIER:
        with open(earlier, encoding="utf-8", newline="") as handle:
            out |= {
                (SHARED / "realsites" / r["file"]).resolve()
                for r in csv.DictReader(handle, delimiter="\t")
            }
    if site_root.name == "bratton-pt":
        out |= {(site_root / "desktop" / t / "index.html").resolve() for t in TUNED}
    return out


def main() -> int:
    rng = random.Random(SEED)
    print("site\turl_path\tfile")
    left = TOTAL
    for name, root, start, scope in SITES:
        done = excluded(root)
        pages = reachable(root, start, scope)
        cands = sorted(p for p, f in pages.items() if f.resolve() not in done)
        # one file can be reached by two paths (with and without the slash): keep one
        seen_files: set[Path] = set()
        unique = []
        for path in cands:
            if pages[path].resolve() not in seen_files:
                seen_files.add(pages[path].resolve())
                unique.append(path)
        if name == "helms":
            want = min(left, len(unique))
            drawn = rng.sample(unique, want)
            print(
                f"# {name}: {len(pages)} reachable, {len(unique)} candidates, {want} drawn",
                file=sys.stderr,
            )
        else:
            library = [p for p in unique if p.strip("/").rpartition("/")[2].startswith("library_")]
            other = [p for p in unique if p not in library]
            # no library cap; TOTAL is unbounded, so every remaining candidate is drawn
            n_other = min(left, len(other))
            n_library = min(left - n_other, len(library))
            drawn = rng.sample(other, n_other) + rng.sample(library, n_library)
            want = len(drawn)
            print(
                f"# {name}: {len(pages)} reachable, {len(unique)} candidates "
                f"({len(library)} library, {len(other)} other), "
                f"{n_other} other + {n_library} library drawn",
                file=sys.stderr,
            )
        for path in drawn:
            print(f"{name}\t{path}\t{pages[path].relative_to(SHARED / 'realsites')}")
        left -= want
    return 0


if __name__ == "__main__":
    sys.exit(main())
