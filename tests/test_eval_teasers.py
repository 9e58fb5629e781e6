"""The corpus figure for teasers, pinned: page-level ``has_teasers`` precision and recall.

``bench/eval_teasers.py`` prints them for the whole corpus and for each half of a
deterministic site split (sites sorted by name, dealt alternately).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import SHARED

CORPUS = SHARED / "corpus"
BENCH = Path(__file__).resolve().parents[1] / "bench"


# Without ../shared this is skipped with the reason (a failure in CI, which has it).
@pytest.mark.needs_shared("corpus/labels.tsv")
def test_has_teasers_precision_and_recall_on_the_corpus_and_each_site_half() -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from eval_teasers import evaluate, site_halves
    finally:
        sys.path.remove(str(BENCH))
    result = evaluate(CORPUS)
    rows = result.pop("rows")
    halves = site_halves(rows)  # type: ignore[arg-type]
    assert len(halves) == 15 and set(halves.values()) == {"A", "B"}
    for scope in ("all", "A", "B"):
        precision, recall, _tp, _pred, true = result[scope]
        assert true > 0, scope
        assert precision >= 0.95 and recall >= 0.95, (scope, precision, recall)
