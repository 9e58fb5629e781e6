"""The marked-up article in a real headless Chromium: no console error, no script from page
text, in ``check --format html`` and in report.html's page detail.

Skipped here like ``test_browser.py`` (whose browser fixture and skip rules it reuses) when
Debian's chromium or Playwright is missing; CI sets ``REQUIRE_BROWSER_TESTS=1``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from content_audit.audit import audit_page
from content_audit.cli import cli
from content_audit.config import load_config
from content_audit.report.details import DetailWriter
from content_audit.report.html import RunMeta, render_site_report

from .conftest import FIXTURES
from .test_browser import Watch, _open, browser  # noqa: F401  (the module's skip rules too)

URL = "https://clinic.example/blog/prolotherapy/"
XSS_URL = "https://clinic.example/blog/xss/"


def test_check_html_article_renders_without_errors(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    for name in ("seed_prolotherapy.html", "xss_page.html"):
        result = CliRunner().invoke(cli, ["check", str(FIXTURES / name), "--format", "html"])
        path = tmp_path / f"{name}.report.html"
        path.write_text(result.output, encoding="utf-8")
        page, watch = _open(browser, path)
        if name.startswith("seed"):
            assert page.locator("section.article-markup abbr.term").count() >= 3
            assert page.locator("section.article-markup mark.el-label").count() >= 2
        assert page.evaluate("window.__xss") is None
        assert watch.errors == [] and watch.dialogs == []
        page.close()


def test_report_detail_shows_the_article(browser: Any, tmp_path: Path) -> None:  # noqa: F811
    run = tmp_path / "run"
    config = load_config()
    with DetailWriter(run) as writer:
        for name, url in (("seed_prolotherapy.html", URL), ("xss_page.html", XSS_URL)):
            html = (FIXTURES / name).read_text(encoding="utf-8")
            writer.write(audit_page(html, url, config), url)
    report = Path(render_site_report(run, RunMeta(site="demo")))
    page, watch = _open(browser, report)
    for index in page.eval_on_selector_all("#pages a.open", "a => a.map(x => x.dataset.page)"):
        page.goto(report.as_uri() + f"#page-{index}")
        page.reload()
        page.wait_for_selector("dialog#detail[open] #detail-title")
        if page.locator("dialog#detail .article-markup").count():
            assert page.locator("dialog#detail .article-markup p.art").count() >= 1
    assert page.evaluate("window.__xss") is None
    assert watch.errors == [] and watch.dialogs == []
    page.close()
