"""Floors of the element, kind and teaser figures on labelled pages of the two real sites.

Six samples (``bench/data/realsample`` .. ``realsample6``: every page of the two sites
outside ``../shared/corpus``), each labelled before the detector's output on it was seen;
each one's first, blind measurement is in its README.  These floors keep what later work
reached from sliding back; they skip with the reason when ``../shared/realsites`` is absent
(CI, which has it, requires them).  Samples 5 and 6 have few mechanism and consult
positives (7 and 4; 2 and 1), so those two figures are not pinned there.
"""

from __future__ import annotations

import functools
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
    assert len(results) == len(labels)
    return bench.figures(results, ELEMENT_NAMES)


SAMPLES = ["realsample", "realsample2", "realsample3", "realsample4", "realsample5", "realsample6"]


@functools.cache
def _cached(data: str) -> dict[str, float]:
    return _figures(data)


# A little below what the samples reach today (samples 1 .. 6): kind 0.950 / 0.975 / 1.0 /
# 0.950 / 0.975 / 0.972; definition 0.875 / 0.885 / 0.926 / 0.889 / 0.897 / 0.923; uses
# 0.967 / 0.935 / 0.966 / 0.917 / 0.967 / 1.0; mechanism 0.919 / 0.930 / 0.973 / 0.870 (/
# 0.769 / 0.750 on 7 and 4 positives); consult 1.0 (0.0 on sample 6's single positive);
# teasers precision 1.0 everywhere, recall 0.964 / 0.958 / 0.857 / 0.875 / 1.0 / 1.0 (the
# misses are title-only "related" grids the rubric calls navigation).
FLOORS = {
    "kind": 0.92,
    "definition_f1": 0.85,
    "uses_f1": 0.90,
    "mechanism_f1": 0.85,
    "consult_f1": 0.97,
    "teasers_precision": 0.95,
    "teasers_recall": 0.84,
}
FEW_POSITIVES = {
    "realsample5": {"mechanism_f1", "consult_f1"},
    "realsample6": {"mechanism_f1", "consult_f1"},
}


@pytest.mark.parametrize(
    ("data", "figure"),
    [
        (data, figure)
        for data in SAMPLES
        for figure in sorted(FLOORS)
        if figure not in FEW_POSITIVES.get(data, ())
    ],
)
def test_real_site_sample_floor(data: str, figure: str) -> None:
    assert _cached(data)[figure] >= FLOORS[figure], data
