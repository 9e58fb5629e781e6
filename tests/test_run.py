"""The run driver (``content_audit.run``): one order of steps, its failure handling, on real
loopback crawls of the bundled demo site (the flow's side is in ``test_flow.py``)."""

from __future__ import annotations

import time
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


def test_a_head_started_run_goes_on_where_it_stopped_with_the_same_reports(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``head_start`` (what the flow does while its API server starts, issue #20) opens,
    discovers and audits batches until told to stop; ``drive`` then goes on from there,
    discovering nothing twice, and the reports are those of an uninterrupted run."""
    from content_audit.run import drive, head_start

    config = load_config(overrides={"crawl.batch_size": 8, "crawl.max_batch_size": 8})
    start = demo.base_url + "/"
    whole = audit_site(start, config, tmp_path / "whole", workers=0)

    discoveries: list[str] = []
    real_discover = SiteRun.discover

    def discover(self: SiteRun) -> int:
        discoveries.append(self.start)
        return real_discover(self)

    monkeypatch.setattr(SiteRun, "discover", discover)
    run = SiteRun(start, config, tmp_path / "head", workers=0)
    asked: list[int] = []

    def ready() -> bool:  # asked before and after discovery, then after each batch
        asked.append(1)
        return len(asked) > 4

    head = head_start(run, ready)
    assert head.discovered and head.batches == 3 and head.failed == ""
    assert 0 < head.pages < whole.audited
    time.sleep(1.5)  # the front end's wait (the flow's API server starting)
    began = time.perf_counter()
    summary = drive(run)
    driven_s = time.perf_counter() - began
    # The audit's own time: the head start and drive, not the wait between them.
    assert summary.elapsed_s <= head.seconds + driven_s + 0.2
    assert discoveries == [start]  # once, by the head start
    assert (summary.audited, summary.urls) == (whole.audited, whole.urls)
    for name in ("pages.csv", "findings.csv", "teasers.csv", "pages.jsonl"):
        assert (tmp_path / "head" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert not (tmp_path / "head" / ".crawl-state.sqlite").exists()  # finished


def test_a_head_start_that_completes_the_crawl_leaves_drive_the_rest(
    demo: ServedSite, tmp_path: Path
) -> None:
    """The server took longer than the whole crawl: ``drive`` runs the steps after it, and
    counts each URL once."""
    from content_audit.run import drive, head_start

    start = demo.base_url + "/"
    whole = audit_site(start, load_config(), tmp_path / "whole", workers=0)
    run = SiteRun(start, load_config(), tmp_path / "head", workers=0)
    head = head_start(run, lambda: False)
    assert head.discovered and head.pages == whole.audited
    summary = drive(run)
    assert (summary.audited, summary.urls, summary.fetched) == (
        whole.audited,
        whole.urls,
        whole.fetched,
    )
    assert dict(summary.errors) == dict(whole.errors)


def test_a_head_start_whose_crawl_fails_fails_the_run_at_that_step(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure in the head start's crawl loop is raised again by ``drive`` in the step it
    happened in: no report, the crawl state kept to resume, as for any failed step."""
    from content_audit import pipeline
    from content_audit.run import drive, head_start

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("recording broke")

    monkeypatch.setattr(pipeline, "record_batch", broken)
    run = SiteRun(demo.base_url + "/", load_config(), tmp_path / "out", workers=0)
    head = head_start(run, lambda: False)
    assert head.discovered and head.failed == "RuntimeError" and head.batches == 0
    with pytest.raises(RuntimeError, match="recording broke"):
        drive(run)
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert ".crawl-state.sqlite" in names
    assert "report.html" not in names and "findings.csv" not in names
