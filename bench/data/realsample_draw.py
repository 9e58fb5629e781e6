"""Shared machinery of the real-site label samples (``bench/data/realsample*/sample.py``).

Each sample draws pages of the two mirrored sites in ``../shared/realsites/`` that nobody has
labelled yet.  The six draws were six near-copies of one script; what they share lives here and
each ``sample.py`` keeps only what makes its draw its own (seed, size, per-site quota,
stratification, the earlier samples and pages it excludes).

The draws are labelled data: every ``sample.tsv`` must stay reproducible byte for byte, so the
order of the steps below, the sorting of the candidates and the sequence of ``rng.sample``
calls on the one generator are the contract, not an implementation detail:

1. per site, in the order given: the pages a crawl reaches (:func:`reachable`), minus the
   excluded files (:func:`excluded`), sorted by URL path, optionally one path per file
   (:func:`candidates`);
2. one ``random.Random(seed)`` for the whole draw, sites drawn in order, each from what is left
   of the total (:func:`draw_site`);
3. ``site<TAB>url_path<TAB>file`` rows on stdout, a one-line summary per site on stderr
   (:func:`main`).
"""

from __future__ import annotations

import csv
import random
import sys
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

HERE = Path(__file__).resolve().parent
# ``../shared`` next to the repository: the mirrored sites and the corpus labels
SHARED = HERE.parents[1].parent / "shared"
REALSITES = SHARED / "realsites"
CORPUS_LABELS = SHARED / "corpus" / "labels.tsv"
# a crawl does not follow these (matched anywhere in the lower-cased path)
SKIP = ("404", "feed", "sitemap", "robots")
# the host the walk pretends to serve from, so relative and root-relative links resolve alike
BASE = "http://site.invalid"
HEADER = "site\turl_path\tfile"

# bratton-pt pages looked at while tuning the detector (relative to bratton-pt/desktop/);
# listed in bench/data/realsample2/README.md and excluded, unchanged, from samples 2-6
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


@dataclass(frozen=True)
class Site:
    """One mirrored site as a draw sees it.

    ``quota`` caps this site's share (sample 1: 20 each; sample 2: 15 helms pages); ``None``
    means whatever is left of the total.  ``stratify`` splits the candidates into medical-library
    pages (``library_*``) and the rest and draws the rest first (samples 3-6 on bratton), so
    the short library entries cannot crowd out services and conditions.  ``max_library`` is the
    number of places kept for library pages when the others are plentiful (15 in samples 3
    and 4); ``None`` (samples 5 and 6, where only library pages were left) keeps none: the other
    pages take what they can and the library pages fill the rest.  Either way, if there are too
    few other pages, all are taken and library pages fill the rest.  ``tuned`` names pages
    (relative to the scope folder) already looked at while tuning, so never drawn.
    """

    name: str
    folder: str
    start: str
    scope: str
    quota: int | None = None
    stratify: bool = False
    max_library: int | None = None
    tuned: tuple[str, ...] = ()

    @property
    def root(self) -> Path:
        return REALSITES / self.folder


# helms-performance is walked from its home page; bratton-pt only under /desktop/ (the mobile
# copies are 403 stubs)
HELMS = Site("helms", "helms-performance", "/", "/")
BRATTON = Site("bratton", "bratton-pt", "/desktop/", "/desktop/")


def file_for(root: Path, path: str) -> Path | None:
    """The HTML file a static server would answer ``path`` with, or None (not a page)."""
    rel = path.lstrip("/")
    files = [root / rel / "index.html"] if path.endswith("/") else [root / rel]
    if not path.endswith("/"):
        files += [root / rel / "index.html", root / (rel + ".html")]
    for cand in files:
        if cand.is_file() and cand.suffix == ".html":
            return cand
    return None


def reachable(root: Path, start: str, scope: str) -> dict[str, Path]:
    """URL path -> file of every page a crawl reaches from ``start``, breadth first.

    Walking the ``<a href>`` links (same host, under ``scope``) rather than listing the folder
    leaves out the redirect stubs and orphans no visitor meets; the dict keeps the walk's order.
    """
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
            parts = urlsplit(urljoin(BASE + path, a["href"].strip()))
            if f"{parts.scheme}://{parts.netloc}" != BASE or not parts.path.startswith(scope):
                continue
            if any(s in parts.path.lower() for s in SKIP):
                continue
            if parts.path not in seen:
                queue.append(parts.path)
    return seen


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def excluded(site: Site, earlier: Iterable[Path]) -> set[Path]:
    """Resolved files never to draw: the corpus, the earlier samples and the tuned pages.

    Files, not URL paths, because one page can be reached by several paths.
    """
    root = site.root
    out = {(root / r["source"].rpartition(":")[2]).resolve() for r in read_tsv(CORPUS_LABELS)}
    for tsv in earlier:
        out |= {(REALSITES / r["file"]).resolve() for r in read_tsv(tsv)}
    scope_dir = root / site.scope.strip("/")
    out |= {(scope_dir / t / "index.html").resolve() for t in site.tuned}
    return out


def candidates(
    pages: dict[str, Path], done: set[Path], *, one_path_per_file: bool = True
) -> list[str]:
    """Sorted URL paths of the pages not excluded (sorted so the seed alone fixes the draw).

    With ``one_path_per_file`` a file reached by two paths (``/desktop/faq`` and
    ``/desktop/faq/``) is one candidate, the first path in sorted order, so a page cannot be
    drawn twice.  Sample 1 was drawn without it and keeps being re-drawn without it.
    """
    cands = sorted(p for p, f in pages.items() if f.resolve() not in done)
    if not one_path_per_file:
        return cands
    seen_files: set[Path] = set()
    unique = []
    for path in cands:
        if pages[path].resolve() not in seen_files:
            seen_files.add(pages[path].resolve())
            unique.append(path)
    return unique


def is_library(path: str) -> bool:
    """A bratton medical-library page (entry or category): last segment ``library_*``."""
    return path.strip("/").rpartition("/")[2].startswith("library_")


def draw_site(rng: random.Random, site: Site, cands: Sequence[str], left: int) -> list[str]:
    """Draw this site's pages from ``cands`` with at most ``left`` places remaining.

    The ``rng.sample`` calls (one plain, or other-then-library when stratified) are the ones
    the original scripts made, in the same order, so the draws reproduce.
    """
    budget = left if site.quota is None else min(site.quota, left)
    if not site.stratify:
        return rng.sample(list(cands), min(budget, len(cands)))
    library = [p for p in cands if is_library(p)]
    other = [p for p in cands if p not in library]
    reserve = 0 if site.max_library is None else min(site.max_library, len(library))
    n_other = min(budget - reserve, len(other))
    n_library = min(budget - n_other, len(library))
    return rng.sample(other, n_other) + rng.sample(library, n_library)


def summary(site: Site, pages: dict[str, Path], cands: Sequence[str], drawn: list[str]) -> str:
    line = f"# {site.name}: {len(pages)} reachable, {len(cands)} candidates"
    if site.stratify:
        n_lib = sum(is_library(p) for p in cands)
        d_lib = sum(is_library(p) for p in drawn)
        return (
            f"{line} ({n_lib} library, {len(cands) - n_lib} other), "
            f"{len(drawn) - d_lib} other + {d_lib} library drawn"
        )
    return f"{line}, {len(drawn)} drawn"


def main(
    sites: Sequence[Site],
    *,
    seed: int,
    total: int,
    earlier: Sequence[Path] = (),
    one_path_per_file: bool = True,
    out: TextIO | None = None,
) -> int:
    """Draw the sample and print ``sample.tsv`` (to stdout unless ``out``); returns 0.

    ``earlier`` are the ``sample.tsv`` files of the samples drawn before, whose pages are
    excluded; ``total`` is the size target shared by the sites in order (sample 6 passes a
    bound no site reaches, so every candidate is taken and the seed only orders the rows).
    """
    out = sys.stdout if out is None else out
    rng = random.Random(seed)
    print(HEADER, file=out)
    left = total
    for site in sites:
        pages = reachable(site.root, site.start, site.scope)
        cands = candidates(pages, excluded(site, earlier), one_path_per_file=one_path_per_file)
        drawn = draw_site(rng, site, cands, left)
        print(summary(site, pages, cands, drawn), file=sys.stderr)
        for path in drawn:
            print(f"{site.name}\t{path}\t{pages[path].relative_to(REALSITES)}", file=out)
        left -= len(drawn)
    return 0


def earlier_samples(*names: str) -> tuple[Path, ...]:
    """The ``sample.tsv`` of each named sample folder next to this module."""
    return tuple(HERE / name / "sample.tsv" for name in names)
