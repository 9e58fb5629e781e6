"""report.html's decisions pieces in a real headless Chromium: the copy button next to a
finding gives TOML that, pasted into ``audit-decisions.toml``, accepts that finding on the
next crawl of the (loopback) demo site; the report shows it apart as accepted."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_decisions import _rows, _run, demo_site  # noqa: F401  (fixture)

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium)", allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    pytest.skip("playwright is not installed (pip install -e '.[dev]')", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _page_with_evidence(folder: Path) -> tuple[int, dict[str, Any]]:
    lines = (folder / "pages.jsonl").read_text("utf-8").splitlines()
    for index, line in enumerate(lines):
        doc = json.loads(line)
        if doc.get("findings") and doc["findings"][0].get("evidence"):
            return index, doc
    raise AssertionError("no page with an evidenced finding")


def test_copy_button_toml_accepts_the_finding(
    browser: Any,
    demo_site: tuple[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    base, _www = demo_site
    conf = tmp_path / "audit.toml"
    conf.write_text('[decisions]\nfile = "decisions.toml"\n', "utf-8")
    first = _run(base, conf, tmp_path / "r1")
    index, doc = _page_with_evidence(first)
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((first / "report.html").resolve().as_uri() + f"#page-{index}")
    item = page.locator("#detail-body li.finding").first
    item.locator("details.accept summary").click()
    item.locator("button.copy-toml").click()
    page.wait_for_function("document.querySelector('button.copy-toml').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert errors == []
    entry = tomllib.loads(copied)["accept"][0]
    assert entry["url"] == doc["url"]
    assert entry["code"] == doc["findings"][0]["code"]
    (tmp_path / "decisions.toml").write_text(copied, "utf-8")
    second = _run(base, conf, tmp_path / "r2")
    rows = [
        r
        for r in _rows(second, "findings.csv")
        if r["url"] == entry["url"] and r["code"] == entry["code"]
    ]
    assert "accept[1]" in [r["decision"] for r in rows]
    page = browser.new_page()
    page.goto((second / "report.html").resolve().as_uri())
    assert (
        page.locator("#accepted-count").inner_text()
        == f"accepted: {sum(1 for r in _rows(second, 'findings.csv') if r['decision'])}"
    )
    page.close()
