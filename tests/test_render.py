"""Pages that need a browser (render.py): script shells, template samples, axe-core.

The parts that need no browser run everywhere; those that drive Debian's Chromium are
skipped with the reason when it (or Playwright) is missing, unless REQUIRE_BROWSER_TESTS=1
(CI sets it) turns the skip into a failure.  Only loopback addresses.
"""

from __future__ import annotations

import csv
import os
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from content_audit.cli import cli
from content_audit.config import load_config
from content_audit.model import FetchResult
from content_audit.render import (
    AXE_COLUMNS,
    Rendered,
    RenderingCrawler,
    check_browser,
    is_script_shell,
    open_rendering,
    template_signature,
    wants_browser,
    wcag_of,
)

from .conftest import FIXTURES

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"


def _browser_ready() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "playwright / axe-playwright-python not installed (pip install -e '.[dev]')"
    return None


def needs_browser() -> None:
    why = _browser_ready()
    if why is not None:
        if REQUIRED:
            pytest.fail(why)
        pytest.skip(why)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _inventory(folder: Path) -> list[dict[str, str]]:
    with (folder / "inventory.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


def _findings(folder: Path) -> list[dict[str, str]]:
    with (folder / "findings.csv").open(newline="") as fh:
        return list(csv.DictReader(fh))


# --- no browser needed --------------------------------------------------------------------


def test_script_shell() -> None:
    spa = (FIXTURES / "spa" / "index.htm").read_text()
    assert is_script_shell(spa)
    seed = (FIXTURES / "seed_prolotherapy.html").read_text()
    assert not is_script_shell(seed)
    assert not is_script_shell("<html><body><p>short</p></body></html>")  # no script


def test_template_signature_groups_pages_of_one_template() -> None:
    a = '<body class="single postid-12 single-post"><header class="site"></header><main>A</main>'
    b = '<body class="single postid-99 single-post"><header class="site"></header><main>B</main>'
    c = '<body class="home page"><header class="site"></header><main>C</main>'
    assert template_signature(a) == template_signature(b)
    assert template_signature(a) != template_signature(c)


def test_wcag_of_axe_tags() -> None:
    assert wcag_of(["wcag2a", "wcag244", "wcag412", "best-practice"]) == "2.4.4,4.1.2"


def test_render_is_off_by_default() -> None:
    config = load_config()
    assert config.crawl.render == "never"
    assert not wants_browser(config)


def _missing_browser_config(tmp_path: Path) -> Path:
    path = tmp_path / "ca.toml"
    path.write_text(f'[crawl]\nbrowser = "{tmp_path / "no-chromium"}"\n')
    return path


@pytest.mark.parametrize("flag", [["--render"], ["--render", "always"], ["--axe", "2"]])
def test_render_and_axe_without_chromium_exit_2(tmp_path: Path, flag: list[str]) -> None:
    config = _missing_browser_config(tmp_path)
    code, out, err = run(
        "crawl", "http://127.0.0.1:9/", "--config", str(config), "--no-prefect", *flag
    )
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "no Chromium at" in lines[0]


def test_plain_crawl_works_without_chromium(tmp_path: Path, static_server: str) -> None:
    config = _missing_browser_config(tmp_path)
    out = tmp_path / "out"
    code, _, err = run(
        "crawl",
        f"{static_server}/seed_prolotherapy.html",
        "--config",
        str(config),
        "--no-prefect",
        "--workers",
        "0",
        "--max-pages",
        "1",
        "--out",
        str(out),
    )
    assert code in (0, 1), err
    rows = _inventory(out)
    assert rows[0]["rendered"] == "false"
    codes = {f["code"] for f in _findings(out)}
    assert "link_text_vague" in codes  # the "[...]" teasers, in findings.csv
    soup = BeautifulSoup((out / "report.html").read_text(), "html.parser")
    panel = soup.find("section", attrs={"aria-labelledby": "h-access"})
    assert panel is not None
    links = {a.get_text(" ", strip=True): a["href"] for a in panel.find_all("a")}
    assert links["2.4.4 Link Purpose (In Context)"] == (
        "https://www.w3.org/WAI/WCAG21/Understanding/link-purpose-in-context.html"
    )
    assert "link_text_vague" in panel.get_text()


def test_check_browser_names_the_missing_path(tmp_path: Path) -> None:
    from content_audit.config import CrawlConfig
    from content_audit.render import BrowserUnavailable

    with pytest.raises(BrowserUnavailable, match="no Chromium at"):
        check_browser(CrawlConfig(browser=str(tmp_path / "none")))


# --- with Debian's Chromium -----------------------------------------------------------------


def _crawl_spa(static_server: str, out: Path, *extra: str) -> tuple[int, float]:
    began = time.perf_counter()
    code, _, err = run(
        "crawl",
        f"{static_server}/spa/index.htm",
        "--no-prefect",
        "--workers",
        "0",
        "--max-pages",
        "1",
        "--out",
        str(out),
        *extra,
    )
    assert code in (0, 1), err
    return code, time.perf_counter() - began


def test_spa_is_empty_without_render_and_whole_with_it(tmp_path: Path, static_server: str) -> None:
    needs_browser()
    _crawl_spa(static_server, tmp_path / "plain")
    plain = _findings(tmp_path / "plain")
    assert "h1_missing" in {f["code"] for f in plain}
    assert _inventory(tmp_path / "plain")[0]["rendered"] == "false"

    _crawl_spa(static_server, tmp_path / "rendered", "--render")
    rows = _inventory(tmp_path / "rendered")
    assert rows[0]["rendered"] == "true"
    codes = {f["code"] for f in _findings(tmp_path / "rendered")}
    assert "h1_missing" not in codes
    assert "missing_definition" not in codes
    assert {"link_text_vague", "image_alt_filename"} <= codes  # built by the script
    with (tmp_path / "rendered" / "pages.csv").open(newline="") as fh:
        page = next(csv.DictReader(fh))
    assert page["title"] == "Knee Pain Guide | Bayview Clinic"
    assert int(page["words"]) > 60


def test_axe_runs_on_sampled_pages(tmp_path: Path, static_server: str) -> None:
    needs_browser()
    _crawl_spa(static_server, tmp_path / "axe", "--render", "--axe", "1")
    with (tmp_path / "axe" / "axe.csv").open(newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == AXE_COLUMNS
        rows = list(reader)
    assert {r["url"] for r in rows} == {f"{static_server}/spa/index.htm"}
    image_alt = [r for r in rows if r["rule"] == "image-alt"]  # the logo without alt
    assert image_alt and image_alt[0]["wcag"] == "1.1.1" and image_alt[0]["nodes"] == "1"
    soup = BeautifulSoup((tmp_path / "axe" / "report.html").read_text(), "html.parser")
    panel = soup.find("section", attrs={"aria-labelledby": "h-access"})
    assert panel is not None
    assert "image-alt" in panel.get_text()
    assert "May 11, 2027" in panel.get_text() and "May 10, 2028" in panel.get_text()


# --- the wrapper, with a stand-in browser (no Chromium needed) --------------------------------


class _FakeBrowser:
    def __init__(self) -> None:
        self.asked: list[str] = []
        self.closed = False

    def render(self, urls: list[str]) -> list[Rendered]:
        self.asked += urls
        html = "<html><body><main><h1>Built</h1><p>" + "word " * 80 + "</p></main></body></html>"
        return [Rendered(u, html, 0.01) for u in urls]

    def close(self) -> None:
        self.closed = True


class _FakeCrawler:
    def __init__(self, results: list[FetchResult]) -> None:
        self.results = results
        self.stats: Counter[str] = Counter()
        self.closed = False

    def fetch_items(self, items: list[object]) -> list[FetchResult]:
        return list(self.results)

    def account(self, results: list[FetchResult]) -> list[FetchResult]:
        return results

    def close(self) -> None:
        self.closed = True


def _result(url: str, html: str) -> FetchResult:
    return FetchResult(url=url, source="link", depth=1, status=200, final_url=url, html=html)


@pytest.mark.parametrize(("mode", "expected"), [("auto", 1), ("always", 2), ("never", 0)])
def test_rendering_crawler_renders_shells(mode: str, expected: int) -> None:
    config = load_config()
    config = replace(config, crawl=replace(config.crawl, render=mode))
    spa = (FIXTURES / "spa" / "index.htm").read_text()
    seed = (FIXTURES / "seed_prolotherapy.html").read_text()
    crawler = _FakeCrawler(
        [_result("http://127.0.0.1/spa", spa), _result("http://127.0.0.1/a", seed)]
    )
    browser = _FakeBrowser()
    wrapped = RenderingCrawler(crawler, config, browser=browser)  # type: ignore[arg-type]
    rows = wrapped.fetch_batch([])
    assert sum(r.rendered for r in rows) == expected
    assert len(browser.asked) == expected
    if expected:
        assert "<h1>Built</h1>" in next(r.html for r in rows if r.rendered)
    assert len(wrapped.samples) == (1 if mode == "always" else 2)  # templates met
    assert wrapped.stats is crawler.stats  # the rest is the crawler's
    wrapped.close()
    assert browser.closed and crawler.closed


def test_off_path_needs_no_wrapper() -> None:
    config = load_config()
    crawler = _FakeCrawler([])
    assert open_rendering(crawler, config) is crawler


def test_playwright_is_imported_lazily() -> None:
    import json
    import subprocess
    import sys

    code = (
        "import content_audit.cli, content_audit.pipeline, content_audit.render\n"
        "import content_audit.report.html\n"
        "import sys, json; print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert not [m for m in loaded if m.startswith(("playwright", "axe_playwright_python"))]
