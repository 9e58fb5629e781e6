"""The run driver (``content_audit.run``): one order of steps, its failure handling, on real
loopback crawls of the bundled demo site (the flow's side is in ``test_flow.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from content_audit.config import load_config
from content_audit.run import STEPS, SiteRun, audit_site

from .test_pipeline import ServedSite, serve_demo_copy


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    yield from serve_demo_copy(tmp_path_factory.mktemp("rundemo"))


def record_steps(monkeypatch: pytest.MonkeyPatch, fail: str | None = None) -> list[str]:
    """Wrap every step of ``SiteRun`` to note its name as it runs (``fail``: raise there)."""
    called: list[str] = []
    for name in STEPS:
        real = getattr(SiteRun, name)

        def step(self: SiteRun, _real: object = real, _name: str = name) -> object:
            called.append(_name)
            if _name == fail:
                raise RuntimeError(f"{_name} broke")
            return _real(self)  # type: ignore[operator]

        monkeypatch.setattr(SiteRun, name, step)
    return called


def test_the_library_path_runs_the_drivers_steps_in_order(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called = record_steps(monkeypatch)
    summary = audit_site(demo.base_url + "/", load_config(), workers=0, reports_root=tmp_path)
    assert called == list(STEPS)
    assert (summary.out_dir.parent / "latest").resolve() == summary.out_dir.resolve()
    assert (summary.out_dir / "report.html").is_file()


def test_a_run_in_a_folder_of_its_own_choosing_does_not_publish(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    called = record_steps(monkeypatch)
    audit_site(demo.base_url + "/", load_config(), tmp_path / "out", workers=0)
    assert called == [s for s in STEPS if s != "publish"]
    assert not (tmp_path / "latest").exists()


@pytest.mark.parametrize("failing", ["site_checks", "write_reports"])
def test_a_failed_step_stops_the_run_and_keeps_its_crawl_state(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """Before the outputs are committed, a failure leaves no report; after, the CSVs stay.
    Either way no later step runs, ``latest`` is not moved, the crawl state is kept (a
    run started again resumes) and the history marks the run failed or unfinished."""
    called = record_steps(monkeypatch, fail=failing)
    with pytest.raises(RuntimeError, match=f"{failing} broke"):
        audit_site(demo.base_url + "/", load_config(), workers=0, reports_root=tmp_path)
    assert called == list(STEPS[: STEPS.index(failing) + 1])
    site_dir = next(p for p in tmp_path.iterdir() if p.is_dir())
    assert not (site_dir / "latest").exists()
    (run_dir,) = [p for p in site_dir.iterdir() if p.is_dir()]
    names = {p.name for p in run_dir.iterdir()}
    assert ".crawl-state.sqlite" in names
    assert "report.html" not in names
    assert not [n for n in names if n.startswith(".site-digests")]  # the spill is gone
    if failing == "site_checks":
        assert "findings.csv" not in names
        assert not [n for n in names if n.endswith(".tmp")]
    else:
        assert "findings.csv" in names
