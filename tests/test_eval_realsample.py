"""Floors of the element, kind and teaser figures on labelled pages of the two real sites.

Two samples of 40 pages each (``bench/data/realsample``, ``realsample2``), labelled before
the detector's output on them was seen; their first, blind measurements are in their
READMEs.  These floors
keep what later work reached from sliding back; they skip with the reason when
``../shared/realsites`` is absent (CI, which has it, requires them).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from content_audit.model import ELEMENT_NAMES

ROOT = Path(__file__).resolve().parents[1]

# Skipped with the reason when ../shared/realsites is absent; a failure under
# REQUIRE_SHARED_TESTS=1 (conftest.need_shared).
pytestmark = pytest.mark.needs_shared("realsites/helms-performance", "realsites/bratton-pt")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "eval_realsample", ROOT / "bench" / "eval_realsample.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_realsample"] = module
    spec.loader.exec_module(module)
    return module


def _figures(data: str) -> dict[str, float]:
    bench = _bench()
    labels = bench.read_tsv(ROOT / "bench" / "data" / data / "labels.tsv")
    results = []
    for name, (_, prefix, _) in bench.SITES.items():
        results += bench.audit_site_pages(name, [r for r in labels if r["id"].startswith(prefix)])
    assert len(results) == 40
    return bench.figures(results, ELEMENT_NAMES)


@pytest.fixture(scope="module", params=["realsample", "realsample2"])
def figures(request: pytest.FixtureRequest) -> tuple[str, dict[str, float]]:
    return request.param, _figures(request.param)


# Below what the two samples reach today (sample 1 / sample 2): kind 0.950 / 0.975,
# definition 0.826 / 0.847, uses 0.967 / 0.935, mechanism 0.919 / 0.930, consult 1.0 / 1.0,
# teasers precision 1.0 / 1.0 and recall 0.964 / 0.958.  realsample3 is not pinned: it
# is the held-out measurement (bench/data/realsample3/README.md).
FLOORS = {
    "kind": 0.92,
    "definition_f1": 0.80,
    "uses_f1": 0.92,
    "mechanism_f1": 0.88,
    "consult_f1": 0.97,
    "teasers_precision": 0.95,
    "teasers_recall": 0.93,
}


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_real_site_sample_floor(figures: tuple[str, dict[str, float]], figure: str) -> None:
    data, values = figures
    assert values[figure] >= FLOORS[figure], data
