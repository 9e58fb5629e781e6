"""bench/eval_kind.py: the site split and its scoring, and the kind-accuracy floors it pins."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

sys.path.insert(0, str(ROOT / "bench"))
try:
    from eval_kind import CorpusPage, score_kinds, site_halves
finally:
    sys.path.pop(0)


def _page(ident: str, site: str, kind: str) -> CorpusPage:
    return CorpusPage(ident, "", "https://corpus.invalid/", site, 0, kind)


def test_site_halves_are_deterministic_and_disjoint() -> None:
    sites = ["d", "b", "a", "c", "e", "b"]
    first, second = site_halves(sites)
    assert first == ("a", "c", "e") and second == ("b", "d")
    assert site_halves(list(reversed(sites))) == (first, second)


def test_score_kinds_per_site_and_halves() -> None:
    pages = [
        _page("a1", "a", "article"),
        _page("a2", "a", "other"),
        _page("b1", "b", "listing"),
        _page("c1", "c", "article"),
    ]
    scores = score_kinds(pages, ["article", "article", "listing", "article"])
    assert scores.accuracy == 0.75
    assert scores.per_site == {"a": (1, 2), "b": (1, 1), "c": (1, 1)}
    assert scores.halves == (2 / 3, 1.0)  # half 1 = sites a, c; half 2 = site b
    assert scores.misses == ("a2: truth other, got article",)
