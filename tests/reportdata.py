"""Run folders for the report tests, built from real audits of real HTML files.

``build_run`` audits the demo site's pages (and the XSS fixture) with ``audit_page`` and
streams them to ``pages.jsonl`` exactly as the pipeline does, so the HTML report is tested
on what a crawl produces without crawling.
"""

from __future__ import annotations

from pathlib import Path

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.model import FetchResult
from content_audit.report.details import DetailWriter, page_line
from content_audit.report.runstore import RunStore

ROOT = Path(__file__).resolve().parents[1]
DEMO_WWW = ROOT / "src" / "content_audit" / "demo" / "site" / "www"
FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://127.0.0.1:8000"
XSS_URL = f"{BASE}/blog/xss/"


def demo_pages(limit: int | None = None) -> list[tuple[str, str]]:
    """(url, html) of the bundled demo site's pages, in a stable order."""
    files = sorted(DEMO_WWW.rglob("index.html"))[:limit]
    pages = []
    for path in files:
        rel = path.parent.relative_to(DEMO_WWW).as_posix()
        url = f"{BASE}/" if rel == "." else f"{BASE}/{rel}/"
        pages.append((url, path.read_text(encoding="utf-8")))
    return pages


def build_run(out_dir: Path, limit: int | None = 12, xss: bool = True, step: int = 4) -> Path:
    """Audit ``limit`` demo pages, every ``step``-th (articles, listings, other pages), and
    the XSS page into ``out_dir/pages.jsonl``."""
    config = load_config()
    pages = demo_pages()[::step][:limit]
    if xss:
        pages.append((XSS_URL, (FIXTURES / "xss_page.html").read_text(encoding="utf-8")))
    with DetailWriter(out_dir) as writer:
        for url, html in pages:
            writer.write(audit_page(html, url, config), url)
    return writer.path


def build_store(limit: int | None = 12, xss: bool = True, step: int = 4) -> RunStore:
    """The pages of ``build_run`` in a run's store (in memory), as a site run writes them:
    report.html is rendered from a store in a site run."""
    config = load_config()
    pages = demo_pages()[::step][:limit]
    if xss:
        pages.append((XSS_URL, (FIXTURES / "xss_page.html").read_text(encoding="utf-8")))
    store = RunStore()
    for url, html in pages:
        audit = audit_page(html, url, config)
        fetched = FetchResult(url, source="link", depth=1, status=200, final_url=url)
        store.add_fetch(fetched, audit, page_line(audit, url))
    return store
