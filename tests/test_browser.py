"""The HTML report in a real headless Chromium: sorting, filtering, page detail, no XSS.

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and Playwright for Python (never
``playwright install``: the system browser is used).  Skipped with the reason when either
is missing, unless ``REQUIRE_BROWSER_TESTS=1`` (CI sets it), which turns the skip into a
failure.  Screenshots go to ``test-artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from content_audit.audit import audit_page
from content_audit.report.details import DetailWriter
from content_audit.report.html import RunMeta, render_site_report
from content_audit.store import Change

from .reportdata import BASE, FIXTURES, XSS_URL, build_run
from .tristate import CANDIDATE, verdicts

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("REQUIRE_BROWSER_TESTS") == "1"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TITLE_PAYLOAD = '<script>window.__xss = "title"; alert(1)</script> Prolotherapy'

if not CHROMIUM.exists() and not REQUIRED:
    pytest.skip(
        f"{CHROMIUM} not found (apt-get install chromium); set REQUIRE_BROWSER_TESTS=1 to fail",
        allow_module_level=True,
    )
try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    if REQUIRED:
        raise
    pytest.skip("playwright is not installed (pip install -e '.[dev]')", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report of 16 demo pages and the XSS page, with a previous run to compare with."""
    out = tmp_path_factory.mktemp("browser-run")
    build_run(out, limit=16)
    changes = [
        Change(XSS_URL, "element_lost", "consult disappeared", "present", "absent"),
        Change(XSS_URL, "score_changed", "score -20", "100", "80"),
        Change(f"{BASE}/gone/", "page_removed", "page gone: <b>Gone</b>"),
    ]
    meta = RunMeta(
        site="demo",
        start=BASE + "/",
        generated_at="2026-01-05 06:00 UTC",
        urls=30,
        run_id=2,
        previous_run_id=1,
        previous_started_at="2025-12-29T06:00:00+00:00",
    )
    return render_site_report(out, meta, changes)


class Watch:
    """Console errors, uncaught exceptions and dialogs (alert) of one page."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _open(browser: Any, path: Path, width: int = 1280, height: int = 900) -> tuple[Page, Watch]:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(5000)
    watch = Watch(page)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, watch


def _visible_titles(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#pages tbody tr:not([hidden]) a.open", "links => links.map(a => a.textContent)"
    )


def _visible_column(page: Page, column: int) -> list[str]:
    return page.eval_on_selector_all(
        "#pages tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{column}].textContent.trim())",
    )


def test_report_sorts_filters_and_opens_a_page_detail(browser: Any, report: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page, watch = _open(browser, report)
    total = len(_visible_titles(page))
    assert total == 17

    # Sorting: scores start ascending; the score header sorts descending, then by grade.
    before = _visible_titles(page)
    page.click("#pages th:nth-child(3) button.sort")
    scores = [int(s) for s in _visible_column(page, 2)]
    assert scores == sorted(scores, reverse=True)
    assert _visible_titles(page) != before
    assert page.get_attribute("#pages th:nth-child(3)", "aria-sort") == "descending"
    page.focus("#pages th:nth-child(4) button.sort")  # the keyboard works too
    page.keyboard.press("Enter")
    grades = [float(g) if g != "-" else 0.0 for g in _visible_column(page, 3)]  # "-": no text
    assert grades == sorted(grades)
    page.click("#pages th:nth-child(1) button.sort")
    titles = [t.lower() for t in _visible_titles(page)]
    assert titles == sorted(titles)

    # Filtering: text, kind, missing element, severity, trend; each narrows the rows.
    page.fill("#f-text", "prolotherapy")
    shown = _visible_titles(page)
    assert 0 < len(shown) < total and all("prolotherapy" in t.lower() for t in shown)
    assert page.text_content("#f-count") == f"{len(shown)} of {total} pages"
    page.fill("#f-text", "")
    page.select_option("#f-kind", "listing")
    kinds = page.eval_on_selector_all(
        "#pages tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.kind)"
    )
    assert kinds and set(kinds) == {"listing"} and len(kinds) < total
    page.select_option("#f-kind", index=0)
    page.select_option("#f-severity", "error")
    errors = page.eval_on_selector_all(
        "#pages tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.sev)"
    )
    assert 0 < len(errors) < total and all("error" in s.split() for s in errors)
    page.select_option("#f-severity", index=0)
    page.select_option("#f-trend", "worse")
    assert _visible_titles(page) == [TITLE_PAYLOAD]
    page.click("#filters button[type=reset]")
    page.wait_for_function(
        f"document.querySelectorAll('#pages tbody tr:not([hidden])').length == {total}"
    )
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)

    # The XSS page's detail: its title and heading are text, its scripts never ran.
    xss = page.evaluate(
        "url => [...document.querySelectorAll('#pages tbody tr')]"
        ".find(r => r.querySelector('.url').textContent === url)"
        ".querySelector('a.open').dataset.page",
        XSS_URL,
    )
    page.click(f'#pages a.open[data-page="{xss}"]')
    page.wait_for_selector("dialog#detail[open] #detail-title")
    assert page.text_content("#detail-title") == TITLE_PAYLOAD
    outline = page.text_content("dialog#detail ol.outline")
    assert "<img src=x onerror=" in outline
    assert (
        page.eval_on_selector_all("dialog#detail img, dialog#detail script", "n => n.length") == 0
    )
    assert "consult disappeared" in page.text_content("dialog#detail")
    assert page.url.endswith(f"#page-{xss}")
    page.screenshot(path=str(ARTIFACTS / "report-detail.png"), full_page=False)
    page.keyboard.press("Escape")
    page.wait_for_selector("dialog#detail", state="hidden")
    # The dialog's "close" event, which drops the #page- fragment, is dispatched as a task
    # after the dialog is hidden: wait for it (fails after the timeout if it never comes).
    page.wait_for_function("() => !window.location.hash.startsWith('#page-')", timeout=5000)
    assert "#page-" not in page.url

    assert page.evaluate("typeof window.__xss") == "undefined"
    assert watch.dialogs == []
    assert watch.errors == []
    page.close()


def test_a_page_detail_link_opens_on_load_and_on_a_phone(browser: Any, report: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    page.set_default_timeout(5000)
    watch = Watch(page)
    page.goto(report.as_uri())
    index = page.get_attribute("#pages tbody tr:first-child a.open", "data-page")
    page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=False)
    page.goto(report.as_uri() + f"#page-{index}")
    page.reload()
    page.wait_for_selector("dialog#detail[open] #detail-title")
    assert page.text_content("#detail-title") == page.text_content(
        f'#pages a.open[data-page="{index}"]'
    )
    width = page.evaluate("document.querySelector('dialog#detail').getBoundingClientRect().width")
    assert width <= 390
    page.screenshot(path=str(ARTIFACTS / "report-phone-detail.png"), full_page=False)
    assert watch.errors == [] and watch.dialogs == []
    page.close()


def test_unclear_elements_filter_and_show_their_candidate(browser: Any, tmp_path: Path) -> None:
    """An unclear element: its own filter, a "? unclear" card quoting the candidate as text."""
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    plans = {"a": {}, "b": {"uses": "unclear"}, "c": {"consult": "missing"}}
    with DetailWriter(tmp_path) as writer:
        for slug, status in plans.items():
            url = f"{BASE}/blog/{slug}/"
            writer.write(audit_page(html, url, elements=verdicts(**status)), url)
    report = render_site_report(tmp_path, RunMeta(site="demo", start=BASE + "/"))
    page, watch = _open(browser, report)
    page.select_option("#f-missing", "?")
    urls = page.eval_on_selector_all(
        "#pages tbody tr:not([hidden]) .url", "cells => cells.map(c => c.textContent)"
    )
    assert urls == [f"{BASE}/blog/b/"]
    page.click("#pages tbody tr:not([hidden]) a.open")
    page.wait_for_selector("dialog#detail[open] li.element.unclear")
    card = "dialog#detail li.element.unclear"
    assert page.text_content(f"{card} .badge") == "? unclear"
    assert page.text_content(f"{card} blockquote") == CANDIDATE
    assert "confidence 0.40" in page.text_content(f"{card} p.candidate")
    assert page.eval_on_selector_all("dialog#detail it", "n => n.length") == 0
    assert watch.errors == [] and watch.dialogs == []
    page.close()
