"""Element accuracy is a test, not a printout: floors on the labelled real-page corpus.

The corpus (``../shared/corpus``: 46 article pages from 15 clinic sites, labelled by the
rubric beside it) lives outside the repository; without it these tests skip with the reason.
The figures come from ``bench/eval_elements.py``, which also prints them per site and on the
site split (half A / half B of the sites, sorted by name).  Floors sit a little under what
the detector measures today, so a change that makes it worse on real pages fails here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
CORPUS = SHARED / "corpus"

pytestmark = pytest.mark.needs_shared("corpus/labels.tsv")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "eval_elements", ROOT / "bench" / "eval_elements.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_elements"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return _bench().evaluate(CORPUS)


FLOORS_F1 = {"definition": 0.95, "uses": 0.95, "mechanism": 0.95, "consult": 0.95}


@pytest.mark.parametrize("element", sorted(FLOORS_F1))
def test_f1_of_found_on_the_corpus(report: dict[str, Any], element: str) -> None:
    assert report["corpus"][element]["f1"] >= FLOORS_F1[element]


def test_missing_is_rarely_wrong(report: dict[str, Any]) -> None:
    """The errors a maintainer reads: of the elements called missing, how many are."""
    assert report["corpus"]["all"]["missing_precision"] >= 0.95
    for half in "AB":
        assert report["halves"][half]["all"]["missing_precision"] >= 0.90


def test_unclear_stays_a_minority(report: dict[str, Any]) -> None:
    """The issue's bound is on all verdicts together.  Per element a quarter: mechanism's
    weak forms ("because", "during the visit") and the learned candidates that spare unseen
    sites false ``missing_mechanism`` errors leave about a fifth of its corpus verdicts
    open (on all 238 labelled articles, fewer than the patterns alone)."""
    assert report["corpus"]["all"]["unclear_share"] <= 0.15
    for element in ("definition", "uses", "mechanism", "consult"):
        assert report["corpus"][element]["unclear_share"] <= 0.25, element


def test_site_split_halves(report: dict[str, Any]) -> None:
    """Each half of the sites, as a new clinic's site would be measured."""
    for half in "AB":
        assert report["halves"][half]["all"]["f1"] >= 0.95, half
        for element in ("definition", "uses", "mechanism", "consult"):
            assert report["halves"][half][element]["f1"] >= 0.90, (half, element)


def test_found_evidence_is_mostly_the_labelled_sentence(report: dict[str, Any]) -> None:
    assert report["corpus"]["all"]["evidence_hit"] >= 0.70
