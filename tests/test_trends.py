"""``content-audit trends``: five runs of the loopback demo site with planted changes
between them, and the movements read back exactly (text, CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from content_audit.cli import cli
from content_audit.config import load_config
from content_audit.run import audit_site

from .test_decisions import _rows, demo_site  # noqa: F401  (fixture)

TITLE = re.compile(r"<title>[^<]*</title>")
EDITED = "blog/dry-needling-benefits-uses-and-recovery-for-long-term-relief"
HARD = " ".join(
    ["Interdisciplinary musculoskeletal rehabilitation methodologies incorporating"]
    + ["neuromuscular electrophysiological considerations, biomechanical"] * 12
    + ["characterization, and individualized therapeutic prioritization."]
)
REMOVED = "blog/exploring-effective-treatments-for-hammertoes"


def _run(base: str, root: Path, n: int) -> Path:
    config = load_config(overrides={"crawl.delay_s": 0})
    out = root / f"run{n}"
    audit_site(base + "/", config, out, workers=0, site_name="clinic")
    return out


@pytest.fixture
def five_runs(demo_site: tuple[str, Path], tmp_path: Path) -> tuple[Path, list[Path]]:  # noqa: F811
    base, www = demo_site
    root = tmp_path / "reports"
    runs = [_run(base, root, 1)]
    # 2: one article removed
    shutil.rmtree(www / REMOVED)
    runs.append(_run(base, root, 2))
    # 3: one article loses its <title> and gets a long, hard paragraph (its score drops)
    page = www / EDITED / "index.html"
    original = page.read_text("utf-8")
    edited = TITLE.sub("", original, count=1)
    first = edited.index("<p>", edited.index("<h1"))
    edited = edited[:first] + "<p>" + HARD + "</p>" + edited[first:]
    page.write_text(edited, "utf-8")
    runs.append(_run(base, root, 3))
    # 4: nothing changes
    runs.append(_run(base, root, 4))
    # 5: the title is back
    page.write_text(original, "utf-8")
    runs.append(_run(base, root, 5))
    return root / "history.sqlite", runs


def _invoke(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["trends", "clinic", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_trends_show_planted_movements(five_runs: tuple[Path, list[Path]]) -> None:
    db, runs = five_runs
    records = json.loads(_invoke(db, "--format", "json"))
    assert len(records) == 5
    pages = [r["pages"] for r in records]
    articles = [r["articles"] for r in records]
    titles = [r["by_code"].get("title_missing", 0) for r in records]
    assert pages[1] == pages[0] - 1 and articles[1] == articles[0] - 1  # removed
    assert pages[1:] == [pages[1]] * 4
    assert titles[2] == titles[1] + 1 and titles[3] == titles[2] and titles[4] == titles[1]
    assert [r["worse"] for r in records] == [0, 0, 1, 0, 0]
    assert records[3]["errors"] == records[2]["errors"]
    assert records[2]["errors"] == records[1]["errors"] + 1
    # each figure agrees with the run's own CSV files
    for record, folder in zip(records, runs, strict=True):
        rows = _rows(folder, "pages.csv")
        arts = [r for r in rows if r["kind"] == "article"]
        assert record["pages"] == len(rows)
        assert record["articles"] == len(arts)
        complete = sum(
            all(r[f"{n}_status"] == "found" for n in ("definition", "uses", "mechanism", "consult"))
            for r in arts
        )
        assert record["complete_share"] == pytest.approx(complete / len(arts), abs=1e-3)
        found = _rows(folder, "findings.csv")
        for sev, key in (("error", "errors"), ("warning", "warnings")):
            assert record[key] == sum(1 for r in found if r["severity"] == sev)
        grades = sorted(float(r["flesch_kincaid_grade"]) for r in arts)
        assert record["median_grade"] == pytest.approx(statistics.median(grades), abs=0.051)
    text = _invoke(db)
    assert "Trends of clinic: 5 complete runs" in text
    table = list(csv.DictReader(io.StringIO(_invoke(db, "--format", "csv"))))
    assert [int(r["worse"]) for r in table] == [0, 0, 1, 0, 0]
    assert [int(r["code:title_missing"]) for r in table] == titles
    assert len(json.loads(_invoke(db, "--format", "json", "--last", "2"))) == 2
    _panel_in_chromium(runs[-1] / "report.html", [r["pages"] for r in records])


def _panel_in_chromium(report: Path, pages: list[int]) -> None:
    """The trends panel of the last run's report renders in Chromium, no console errors."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("/usr/bin/chromium not found")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report.resolve().as_uri())
            panel = page.locator("#trends")
            assert panel.is_visible()
            charts = panel.locator("svg.trend")
            assert charts.count() == 6
            first = charts.nth(0)
            assert first.locator("circle").count() == 5
            tips = first.locator("circle title").all_text_contents()
            assert [int(t.rsplit(": ", 1)[1]) for t in tips] == pages
            box = first.bounding_box()
            assert box is not None and box["width"] > 50 and box["height"] > 10
            assert errors == []
        finally:
            browser.close()
