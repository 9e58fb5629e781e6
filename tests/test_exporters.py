"""The exporters (``content_audit.exporters``): the registry and ``summary.md``, on real runs.

Two library-path runs of the bundled demo site served on loopback, with a page edited in
between, under one reports root (so the second is compared with the first in the real
SQLite history): summary.md's counts must be those of findings.csv, its worst pages the
lowest-scoring articles of pages.csv, and its new/fixed columns those of changes.csv.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from content_audit.config import load_config
from content_audit.exporters import ExportContext, export_run, registered, row_files
from content_audit.pipeline import SiteRunSummary
from content_audit.report.csv import unguard_cell
from content_audit.report.runstore import RunStore
from content_audit.run import audit_site

from .test_pipeline import ServedSite, read_csv, serve_demo_copy

EDITED = "/about-us/"
"""A page whose meta description the second run no longer finds."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    yield from serve_demo_copy(tmp_path_factory.mktemp("exportdemo"))


@pytest.fixture(scope="module")
def two_runs(
    demo: ServedSite, tmp_path_factory: pytest.TempPathFactory
) -> tuple[SiteRunSummary, SiteRunSummary]:
    root = tmp_path_factory.mktemp("exportroot")
    config = load_config()
    first = audit_site(demo.base_url + "/", config, root / "r1", workers=0)
    page = demo.folder / "www" / EDITED.strip("/") / "index.html"
    html = page.read_text(encoding="utf-8")
    edited = re.sub(r'<meta name="description"[^>]*>', "", html, count=1)
    assert edited != html
    page.write_text(edited, encoding="utf-8")
    second = audit_site(demo.base_url + "/", config, root / "r2", workers=0)
    return first, second


def summary_rows(text: str) -> dict[tuple[str, str], list[int]]:
    """The "Findings by code" table: (code, severity) -> [count, new, fixed]."""
    rows = {}
    for match in re.finditer(r"^\| `([a-z_0-9]+)` \| (\w+) \| (\d+) \|(.*)$", text, re.M):
        extra = [int(n) for n in re.findall(r"\d+", match[4])]
        rows[(match[1], match[2])] = [int(match[3]), *extra]
    return rows


def test_every_registered_exporter_writes_its_file(
    two_runs: tuple[SiteRunSummary, SiteRunSummary],
) -> None:
    for summary in two_runs:
        names = {e.filename for e in registered()}
        assert {"report.html", "summary.md"} <= names
        for name in names:
            assert (summary.out_dir / name).is_file(), name
            assert summary.out_dir / name in summary.files
        assert not list(summary.out_dir.glob(".*.tmp"))  # written atomically


def test_summary_counts_are_those_of_findings_csv(
    two_runs: tuple[SiteRunSummary, SiteRunSummary],
) -> None:
    for summary in two_runs:
        findings = read_csv(summary.out_dir / "findings.csv")
        expected = Counter((f["code"], f["severity"]) for f in findings)
        text = (summary.out_dir / "summary.md").read_text(encoding="utf-8")
        rows = summary_rows(text)
        assert {key: row[0] for key, row in rows.items()} == dict(expected)
        assert f"{len(findings)} findings" in text
        assert f"{summary.audited} pages audited, {summary.urls} URLs met" in text


def test_summary_lists_the_worst_articles_lowest_first(
    two_runs: tuple[SiteRunSummary, SiteRunSummary],
) -> None:
    summary = two_runs[1]
    pages = [p for p in read_csv(summary.out_dir / "pages.csv") if p["kind"] == "article"]
    lowest = sorted(int(p["score"]) for p in pages)[:10]
    text = (summary.out_dir / "summary.md").read_text(encoding="utf-8")
    section = text.split("## Worst pages", 1)[1].split("\n## ", 1)[0]
    listed = [int(n) for n in re.findall(r"^\| (\d+) \| \d+ \|", section, re.M)]
    assert listed == lowest
    worst_url = min(pages, key=lambda p: int(p["score"]))["url"]
    assert f"`{unguard_cell(worst_url)}`" in section


def test_summary_says_what_changed_since_the_last_run(
    two_runs: tuple[SiteRunSummary, SiteRunSummary],
) -> None:
    first, second = two_runs
    assert "is the first recorded run" in (first.out_dir / "summary.md").read_text("utf-8")
    text = (second.out_dir / "summary.md").read_text(encoding="utf-8")
    assert "## Changes since run #1" in text
    changes = read_csv(second.out_dir / "changes.csv")
    new = Counter(c["after"] for c in changes if c["change"] == "finding_new")
    fixed = Counter(c["before"] for c in changes if c["change"] == "finding_fixed")
    assert new["meta_description_missing"] >= 1  # the edited page
    rows = summary_rows(text)
    for (code, _), (_, new_n, fixed_n) in rows.items():
        assert (new_n, fixed_n) == (new[code], fixed[code]), code
    for code in fixed:
        assert any(c == code for c, _ in rows) or f"`{code}`" in text


class Plain:
    """A format of its own: what adding an exporter takes (one class, one file)."""

    filename = "pages.txt"

    def export(self, run: ExportContext) -> Path:
        target = run.out_dir / self.filename
        target.write_text(f"{run.audited} pages\n", encoding="utf-8")
        return target


def test_an_exporter_is_one_class_over_the_finished_run(tmp_path: Path) -> None:
    """Run through ``export_run`` like the registered ones, without a history."""
    context = ExportContext(
        out_dir=tmp_path,
        config=load_config(),
        site="clinic",
        start="https://clinic.example/",
        urls=3,
        failed_audits=0,
        elapsed_s=1.0,
        comparison=None,
        audited=2,
    )
    result = export_run(context, (Plain(),))
    assert result.exported == (tmp_path / "pages.txt",)
    assert (tmp_path / "pages.txt").read_text(encoding="utf-8") == "2 pages\n"
    assert result.comparison is None
    assert "history is turned off" in result.markdown


class UrlList:
    """A row file of its own (``report.outputs.RowFile``): audited URLs, one a line, rendered
    from the run's store like the CSV files."""

    filename = "urls.txt"

    def write(self, store: RunStore, handle: TextIO) -> None:
        for row in store.page_rows():
            handle.write(row[0] + "\n")


def test_a_row_file_is_one_class_beside_the_registered_ones(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real run with one more row file: it gets every audited page from the store, its
    file is committed with the CSV files and listed in the run's files."""
    from content_audit import run

    monkeypatch.setattr(run, "row_files", lambda: (*row_files(), UrlList()))
    summary = audit_site(demo.base_url + "/", load_config(), tmp_path / "out", workers=0)
    urls = (tmp_path / "out" / "urls.txt").read_text(encoding="utf-8").split()
    pages = [unguard_cell(p["url"]) for p in read_csv(tmp_path / "out" / "pages.csv")]
    assert urls == pages and len(urls) == summary.audited
    assert tmp_path / "out" / "urls.txt" in summary.files
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_a_failed_run_leaves_no_row_file(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from content_audit import pipeline, run

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("checks broke")

    monkeypatch.setattr(run, "row_files", lambda: (*row_files(), UrlList()))
    monkeypatch.setattr(pipeline, "run_site_checks", broken)
    with pytest.raises(RuntimeError, match="checks broke"):
        audit_site(demo.base_url + "/", load_config(), tmp_path / "out", workers=0)
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert left == [".crawl-state.sqlite", ".crawl-state.sqlite.lock"]


def test_no_exporter_reads_another_exporters_file(
    demo: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose only row file is inventory.csv still renders report.html, changes.csv and
    summary.md in full: every page, every cross-page finding, from the run's store (before
    the store, report.html read pages.jsonl and parsed findings.csv back)."""
    from content_audit import run
    from content_audit.report.csv import INVENTORY_CSV, csv_files
    from content_audit.report.html import read_page_data

    config = load_config()
    full = audit_site(demo.base_url + "/", config, tmp_path / "full" / "out", workers=0)
    only_inventory = tuple(f for f in csv_files() if f.filename == INVENTORY_CSV)
    monkeypatch.setattr(run, "row_files", lambda: only_inventory)
    bare = audit_site(demo.base_url + "/", config, tmp_path / "bare" / "out", workers=0)
    left = sorted(p.name for p in bare.out_dir.iterdir() if not p.name.startswith("."))
    assert left == [
        "changes.csv", "inventory.csv", "report.html", "summary.md"
    ]  # fmt: skip
    pages = read_page_data((full.out_dir / "report.html").read_text(encoding="utf-8"))
    again = read_page_data((bare.out_dir / "report.html").read_text(encoding="utf-8"))
    assert again == pages and len(pages) == full.audited
    cross = [f for p in pages for f in p["findings"] if f["code"].startswith("teaser_")]
    assert cross  # the demo site has broken teasers: they joined their pages
    for name in ("summary.md", "changes.csv"):
        assert (bare.out_dir / name).read_bytes() == (full.out_dir / name).read_bytes(), name
    assert not list(bare.out_dir.glob(".run-store.*"))  # the store went with the run


def test_the_flows_artifacts_are_rendered_by_an_exporter(
    two_runs: tuple[SiteRunSummary, SiteRunSummary],
) -> None:
    """The flow only posts what ``exporters.published`` renders: summary, worst pages, links."""
    from content_audit.exporters import published

    summary = two_runs[1]
    (publisher,) = published()
    artifacts = {a.key: a for a in publisher.render(summary)}
    assert list(artifacts) == ["site-audit-summary", "worst-pages", "report-folder", "html-report"]
    assert artifacts["site-audit-summary"].kind == "markdown"
    assert "## Changes since run #1" in artifacts["site-audit-summary"].markdown
    table = artifacts["worst-pages"].table
    assert [row["score"] for row in table] == [p.score for p in summary.worst]
    assert artifacts["html-report"].link.endswith("/report.html")
