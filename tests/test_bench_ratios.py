"""bench/run's issue #20 rows: flow vs library on clinic-size sites, flow vs advertools, and
the first run on an empty Prefect home vs a later one (from made-up medians)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_bench_run() -> ModuleType:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        loader = importlib.machinery.SourceFileLoader("bench_run", str(ROOT / "bench" / "run"))
        spec = importlib.util.spec_from_loader("bench_run", loader)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_the_issue_20_rows() -> None:
    bench = load_bench_run()

    def m(wall_s: float, pages_per_s: float) -> dict[str, float]:
        return {"wall_s": wall_s, "process_pages_per_s": pages_per_s, "body_s": 1.0}

    table = {
        100: {"library": m(2.0, 50), "flow": m(3.5, 28), "flow-first": m(7.0, 14)},
        1000: {"advertools": m(18.0, 55), "flow": m(6.0, 166)},
    }
    rows = {(r["ratio"], r["size"]): r for r in bench.ratios(table)}
    small = rows[("flow / library whole process (clinic-size site)", 100)]
    assert (small["value"], small["met"]) == (1.75, True)
    first = rows[("first flow run (empty Prefect home) - later run, process s", 100)]
    assert (first["value"], first["met"]) == (3.5, False)
    vs_advertools = rows[("flow / advertools whole-process pages/s", 1000)]
    assert vs_advertools["met"] is True and vs_advertools["value"] >= 3.0
    assert "flow-first" in bench.TOOLS
