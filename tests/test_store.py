"""Run history in a real SQLite database, and the diff between two runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from content_audit import store
from content_audit.errors import StoreError
from content_audit.model import (
    ElementResult,
    Finding,
    Kind,
    Page,
    PageAudit,
    Readability,
    Severity,
)


def make_audit(
    url: str,
    *,
    score: int = 90,
    grade: float = 7.0,
    consult: bool = True,
    codes: tuple[str, ...] = (),
    title: str = "T",
) -> PageAudit:
    elements = tuple(
        ElementResult(name, name != "consult" or consult)
        for name in ("definition", "uses", "mechanism", "consult")
    )
    findings = tuple(Finding(code, Severity.WARNING, f"{url}: {code}", None, url) for code in codes)
    return PageAudit(
        url=url,
        page=Page(url=url, title=title),
        kind=Kind.ARTICLE,
        readability=Readability(flesch_kincaid_grade=grade, words=500, sentences=30),
        elements=elements,
        findings=findings,
        score=score,
    )


@pytest.fixture
def conn() -> sqlite3.Connection:
    return store.connect(":memory:")


def test_runs_are_recorded_and_listed(conn: sqlite3.Connection) -> None:
    run = store.start_run(conn, "clinic.example", "https://clinic.example/", "reports/x")
    assert store.record_pages(conn, run, [make_audit("u1"), make_audit("u2")]) == 2
    store.finish_run(conn, run, urls=5)
    (info,) = store.list_runs(conn, "clinic.example")
    assert (info.id, info.pages, info.urls, info.status) == (run, 2, 5, "complete")
    assert store.list_runs(conn, "other.example") == []


def test_diff_between_two_runs(conn: sqlite3.Connection) -> None:
    first = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(
        conn,
        first,
        [
            make_audit("a", codes=("title_too_long",)),
            make_audit("b", score=80, grade=7.0),
            make_audit("gone"),
        ],
    )
    store.finish_run(conn, first, urls=3)
    second = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(
        conn,
        second,
        [
            make_audit("a", codes=("meta_description_missing",)),
            make_audit("b", score=65, grade=9.2, consult=False),
            make_audit("new"),
        ],
    )
    store.finish_run(conn, second, urls=3)
    assert store.previous_run(conn, second).id == first  # type: ignore[union-attr]
    changes = {(c.url, c.change) for c in store.diff_runs(conn, first, second)}
    assert changes == {
        ("new", "page_added"),
        ("gone", "page_removed"),
        ("a", "finding_new"),
        ("a", "finding_fixed"),
        ("b", "element_lost"),
        ("b", "score_changed"),
        ("b", "grade_changed"),
    }


def test_unfinished_runs_are_not_a_baseline(conn: sqlite3.Connection) -> None:
    crashed = store.start_run(conn, "s", "https://s/", None)
    later = store.start_run(conn, "s", "https://s/", None)
    assert store.previous_run(conn, later) is None
    assert crashed < later


def test_file_database_persists_and_refuses_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "history.sqlite"
    conn = store.connect(path)
    store.start_run(conn, "s", "https://s/", None)
    conn.close()
    conn = store.connect(f"sqlite:///{path}")
    assert len(store.list_runs(conn)) == 1
    with conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        store.connect(path)


def test_bad_locations(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="sqlite"):
        store.connect("postgresql://127.0.0.1/db")
    garbage = tmp_path / "not-a-db.sqlite"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot use"):
        store.connect(garbage)
    with pytest.raises(StoreError, match="no run"):
        store.get_run(store.connect(":memory:"), 42)
