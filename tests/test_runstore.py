"""The run's store (``report/runstore.py``): rows kept in order, queried, the file removed.

Real audits of a fixture page and real findings go in; what comes out is what the CSV
exporters, report.html and the decisions read.  A full disk is SQLite's ``SQLITE_FULL``
(made real here with ``PRAGMA max_page_count``) and must be the ``OSError`` a full disk is
everywhere else.
"""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.checks import finding
from content_audit.model import FetchResult, Finding, Severity
from content_audit.report.csv import PAGES_COLUMNS
from content_audit.report.details import page_line
from content_audit.report.runstore import RunStore

from .conftest import FIXTURES

URL = "http://x.test/a/"


def _result(url: str, **kw: object) -> FetchResult:
    base = dict(source="link", depth=1, status=200, final_url=url, content_type="text/html")
    base.update(kw)
    return FetchResult(url, **base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def audit():  # type: ignore[no-untyped-def]
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    return audit_page(html, URL, today=date(2026, 11, 25))


def test_rows_come_back_in_the_order_they_went_in(audit) -> None:  # type: ignore[no-untyped-def]
    with RunStore(batch=3) as store:  # flushed several times on the way
        store.add_fetch(_result("http://x.test/robots/", status=None, error="robots"))
        store.add_fetch(_result(URL), audit, page_line(audit, URL))
        store.add_failed(_result("http://x.test/c/"), "ValueError: boom")
        store.add_site_findings([finding("teaser_dead", "dead", url=URL)])
        urls = [row[0] for row in store.inventory_rows()]
        assert urls == ["http://x.test/robots/", URL, "http://x.test/c/"]
        codes = [row[1] for row in store.finding_rows()]
        assert codes == [*(f.code for f in audit.findings), "audit_failed", "teaser_dead"]
        assert [doc["url"] for doc in store.documents()] == [URL]
        assert len(list(store.teaser_rows())) == len(audit.page.teasers)
        assert store.page_urls() == {URL}
        store.add_inlinks({"http://x.test/c/": 2, "http://x.test/b/": 2, "http://x.test/d/": 5})
        assert list(store.inlink_rows()) == [  # most linked first, ties by URL
            ("http://x.test/d/", 5),
            ("http://x.test/b/", 2),
            ("http://x.test/c/", 2),
        ]


def test_pages_count_the_open_cross_page_errors_and_warnings(audit) -> None:  # type: ignore[no-untyped-def]
    errors, warnings = PAGES_COLUMNS.index("errors"), PAGES_COLUMNS.index("warnings")
    with RunStore() as store:
        store.add_fetch(_result(URL), audit, page_line(audit, URL))
        (own,) = store.page_rows()
        store.add_site_findings(
            [
                finding("teaser_dead", "an error", url=URL),
                finding("teaser_self", "a warning", url=URL),
                finding("orphans_not_checked", "a note: not counted", url=URL),
                Finding(
                    "teaser_stale", Severity.WARNING, "accepted", url=URL, decision="accept[1]"
                ),
                finding("teaser_dead", "another page's", url="http://x.test/b/"),
            ]
        )
        (row,) = store.page_rows()
        assert (row[errors], row[warnings]) == (own[errors] + 1, own[warnings] + 1)
        assert store.decisions_used() == {"accept[1]"}
        extra = store.extra_findings()
        assert [f["code"] for f in extra[URL]] == [
            "teaser_dead",
            "teaser_self",
            "orphans_not_checked",
            "teaser_stale",
        ]
        assert extra[URL][0]["evidence"] is None  # as written: never guarded, never unguarded


def test_the_file_lives_in_the_run_folder_until_closed(tmp_path: Path) -> None:
    dead = tmp_path / ".run-store.abc.999999999.tmp"  # a run killed by a signal left it
    dead.write_bytes(b"")
    store = RunStore(tmp_path)
    assert not dead.exists()
    assert store.path is not None and store.path.parent == tmp_path
    assert store.path.name.endswith(f".{os.getpid()}.tmp")
    store.close()
    store.close()  # idempotent
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_an_oserror_naming_the_run_folder(tmp_path: Path, audit) -> None:  # type: ignore[no-untyped-def]
    with RunStore(tmp_path) as store:
        store._conn.execute("PRAGMA max_page_count = 8")  # ~32 KB: a page document is more
        store.add_fetch(_result(URL), audit, page_line(audit, URL))
        with pytest.raises(OSError) as caught:
            store.flush()
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(tmp_path)
    assert not list(tmp_path.iterdir())
