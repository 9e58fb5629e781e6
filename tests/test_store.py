"""Run history in a real SQLite database, and the diff between two runs."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_audit import store
from content_audit.errors import StoreError
from content_audit.model import (
    ElementResult,
    Finding,
    Kind,
    Page,
    PageAudit,
    Readability,
    Section,
    Severity,
)

from .tristate import verdicts


def make_audit(
    url: str,
    *,
    score: int = 90,
    grade: float = 7.0,
    consult: bool = True,
    codes: tuple[str, ...] = (),
    title: str = "T",
    text: str = "",
    reviewed: str | None = None,
) -> PageAudit:
    elements = tuple(
        ElementResult(name, name != "consult" or consult)
        for name in ("definition", "uses", "mechanism", "consult")
    )
    findings = tuple(Finding(code, Severity.WARNING, f"{url}: {code}", None, url) for code in codes)
    return PageAudit(
        url=url,
        page=Page(
            url=url,
            title=title,
            sections=(Section("", 0, tuple(text.split("\n\n"))),) if text else (),
            date_reviewed=reviewed,
        ),
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


# --------------------------------------------------------------------------- schema v1 -> v2

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, site TEXT NOT NULL, start_url TEXT NOT NULL,
    started_at TEXT NOT NULL, finished_at TEXT, status TEXT NOT NULL DEFAULT 'running',
    out_dir TEXT, pages INTEGER NOT NULL DEFAULT 0, urls INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_site ON runs (site, id);
CREATE TABLE pages (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, url TEXT NOT NULL,
    title TEXT NOT NULL, kind TEXT NOT NULL, score INTEGER NOT NULL,
    definition INTEGER NOT NULL, uses INTEGER NOT NULL, mechanism INTEGER NOT NULL,
    consult INTEGER NOT NULL, flesch_kincaid_grade REAL NOT NULL, words INTEGER NOT NULL,
    errors INTEGER NOT NULL, warnings INTEGER NOT NULL, PRIMARY KEY (run_id, url)
);
CREATE TABLE findings (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE, url TEXT NOT NULL,
    code TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL, evidence TEXT
);
CREATE INDEX findings_run ON findings (run_id, url, code);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO runs (site, start_url, started_at, finished_at, status, pages, urls)
    VALUES ('s', 'https://s/', '2025-01-10T00:00:00+00:00', '2025-01-10T00:01:00+00:00',
            'complete', 1, 1);
INSERT INTO pages VALUES (1, '/a/', 'A', 'article', 90, 1, 1, 1, 1, 7.0, 500, 0, 0);
INSERT INTO findings VALUES (1, '/a/', 'title_too_long', 'warning', 'long', NULL);
"""


def test_a_version_1_database_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    old = sqlite3.connect(path)
    old.executescript(V1_SCHEMA)
    old.close()

    conn = store.connect(path)
    assert store.schema_version(conn) == store.SCHEMA_VERSION == 3
    columns = {row[1] for row in conn.execute("PRAGMA table_info(pages)")}
    assert {"text_sha1", "reviewed_on"} <= columns
    (kept,) = conn.execute("SELECT * FROM pages WHERE run_id = 1").fetchall()
    assert (kept["url"], kept["score"], kept["text_sha1"], kept["reviewed_on"]) == (
        "/a/",
        90,
        None,
        None,
    )
    # The old run is still a baseline; its page has no fingerprint, so no drift.
    run = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(conn, run, [make_audit("/a/", text="New text.", reviewed="2024-03-03")])
    store.finish_run(conn, run, urls=1)
    assert store.previous_run(conn, run).id == 1  # type: ignore[union-attr]
    changes = {(c.url, c.change) for c in store.diff_runs(conn, 1, run)}
    assert changes == {("/a/", "finding_fixed")}
    assert store.find_drift(conn, run) == []
    conn.close()

    again = store.connect(path)  # a second open finds version 3: nothing to do
    assert store.schema_version(again) == 3
    assert again.execute("SELECT count(*) FROM pages").fetchone()[0] == 2
    again.close()


# --------------------------------------------------------------------------- review drift

REVIEWED = "March 3, 2024"
TEXT = "Prolotherapy is an injection.\n\nIt may help tendons heal."


def _two_runs(
    conn: sqlite3.Connection, before: list[PageAudit], after: list[PageAudit]
) -> tuple[int, int]:
    """Record two complete runs of site ``s``, the first on 2025-01-10."""
    first = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(conn, first, before)
    store.finish_run(conn, first, urls=len(before))
    with conn:
        conn.execute(
            "UPDATE runs SET started_at = '2025-01-10T09:00:00+00:00' WHERE id = ?", (first,)
        )
    second = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(conn, second, after)
    store.finish_run(conn, second, urls=len(after))
    return first, second


def _drift(conn: sqlite3.Connection, first: int, second: int) -> set[tuple[str, str, str]]:
    return {
        (c.url, c.before, c.after)
        for c in store.diff_runs(conn, first, second)
        if c.change == "review_drift"
    }


def test_text_changed_and_review_date_stayed_is_drift(conn: sqlite3.Connection) -> None:
    first, second = _two_runs(
        conn,
        [make_audit("/a/", text=TEXT, reviewed=REVIEWED)],
        [make_audit("/a/", text=TEXT.replace("may help", "helps"), reviewed=REVIEWED)],
    )
    assert _drift(conn, first, second) == {("/a/", "2024-03-03", "2024-03-03")}
    (drift,) = store.find_drift(conn, second)
    assert (drift.url, drift.reviewed_on, drift.changed_in, drift.since) == (
        "/a/",
        "2024-03-03",
        second,
        first,
    )
    switched_off = store.diff_runs(conn, first, second, drift=False)
    assert "review_drift" not in {c.change for c in switched_off}


def test_review_date_moved_after_the_change_is_not_drift(conn: sqlite3.Connection) -> None:
    edited = TEXT.replace("may help", "helps")
    first, second = _two_runs(
        conn,
        [
            make_audit("/reviewed/", text=TEXT, reviewed=REVIEWED),
            make_audit("/backdated/", text=TEXT, reviewed="2023-01-01"),
        ],
        [
            # reviewed again after the first run saw the old text
            make_audit("/reviewed/", text=edited, reviewed="2025-01-12"),
            # the date moved, but to a day before the first run: it never saw the new text
            make_audit("/backdated/", text=edited, reviewed=REVIEWED),
        ],
    )
    assert _drift(conn, first, second) == {("/backdated/", "2023-01-01", "2024-03-03")}
    assert [d.url for d in store.find_drift(conn, second)] == ["/backdated/"]


def test_unchanged_text_is_not_drift(conn: sqlite3.Connection) -> None:
    rewrapped = "  Prolotherapy is an\ninjection.\n\nIt may   help tendons heal. "
    first, second = _two_runs(
        conn,
        [
            make_audit("/same/", text=TEXT, reviewed=REVIEWED),
            make_audit("/unreviewed/", text=TEXT),
        ],
        [
            make_audit("/same/", text=rewrapped, reviewed=REVIEWED),  # only whitespace moved
            make_audit("/unreviewed/", text="Something else entirely."),  # no review claimed
        ],
    )
    assert store.text_sha1(rewrapped) == store.text_sha1(TEXT.replace("\n\n", "\n"))
    assert _drift(conn, first, second) == set()
    assert store.find_drift(conn, second) == []


def test_drift_stays_until_the_page_is_reviewed(conn: sqlite3.Connection) -> None:
    edited = TEXT.replace("may help", "helps")
    first, second = _two_runs(
        conn,
        [make_audit("/a/", text=TEXT, reviewed=REVIEWED)],
        [make_audit("/a/", text=edited, reviewed=REVIEWED)],
    )
    third = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(conn, third, [make_audit("/a/", text=edited, reviewed=REVIEWED)])
    store.finish_run(conn, third, urls=1)
    assert _drift(conn, second, third) == set()  # nothing changed between these two runs...
    (drift,) = store.find_drift(conn, third)  # ...but the edit of run 2 is still unreviewed
    assert (drift.changed_in, drift.since) == (second, first)

    fourth = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(conn, fourth, [make_audit("/a/", text=edited, reviewed="2025-02-01")])
    store.finish_run(conn, fourth, urls=1)
    assert store.find_drift(conn, fourth) == []


# The diff streams both runs as sorted cursors; this is its definition on whole runs in
# memory (what it replaced), which it must match change for change and in order.
def _diff_in_memory(conn: sqlite3.Connection, before: int, after: int) -> list[store.Change]:
    def pages(run: int) -> dict[str, sqlite3.Row]:
        rows = conn.execute("SELECT * FROM pages WHERE run_id = ?", (run,))
        return {row["url"]: row for row in rows}

    def findings(run: int) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        rows = conn.execute(
            "SELECT url, code, message FROM findings WHERE run_id = ? ORDER BY rowid", (run,)
        )
        for row in rows:
            found.setdefault((row["url"], row["code"]), row["message"])
        return found

    old, new = pages(before), pages(after)
    day = store.get_run(conn, before).started_at[:10]
    changes = [
        store.Change(u, "page_added", f"new page: {new[u]['title']}")
        for u in sorted(new.keys() - old.keys())
    ]
    changes += [
        store.Change(u, "page_removed", f"page gone: {old[u]['title']}")
        for u in sorted(old.keys() - new.keys())
    ]
    drifted = set()
    for u in sorted(old.keys() & new.keys()):
        changes.extend(store._page_changes(u, old[u], new[u]))
        o, n = old[u], new[u]
        if store.is_review_drift(
            o["text_sha1"], n["text_sha1"], o["reviewed_on"], n["reviewed_on"], day
        ):
            drifted.add(u)
            changes.append(
                store.Change(
                    u,
                    "review_drift",
                    f"text changed after its last medical review ({n['reviewed_on']})",
                    o["reviewed_on"] or "",
                    n["reviewed_on"],
                )
            )
    of, nf = findings(before), findings(after)
    for u, code in sorted(nf.keys() - of.keys()):
        if not (code == store.DRIFT_CODE and u in drifted) and (u in old or u not in new):
            changes.append(store.Change(u, "finding_new", nf[(u, code)], after=code))
    for u, code in sorted(of.keys() - nf.keys()):
        if u in new:
            changes.append(store.Change(u, "finding_fixed", of[(u, code)], before=code))
    return changes


_URLS = st.sampled_from(["a", "b", "B", "é", "z/1", "z/10", "z/2", "ü", "\U0001f600", ""])
_RUN = st.tuples(
    st.dictionaries(
        _URLS,
        st.tuples(
            st.integers(0, 3),
            st.booleans(),
            st.sampled_from(["x", "y"]),
            st.sampled_from([None, "2020-01-01", "2030-01-01"]),
        ),
        max_size=8,
    ),
    st.lists(
        st.tuples(
            _URLS, st.sampled_from(["c1", "c2", store.DRIFT_CODE]), st.sampled_from(["m1", "m2"])
        ),
        max_size=12,
    ),
)


@given(before=_RUN, after=_RUN)
@settings(max_examples=200, deadline=None)
def test_diff_runs_streams_to_the_in_memory_definition(
    before: tuple[dict, list], after: tuple[dict, list]
) -> None:
    conn = store.connect(":memory:")
    runs = []
    for pages, findings in (before, after):
        run = store.start_run(conn, "s", "https://s/", None)
        store.record_pages(
            conn,
            run,
            [
                make_audit(
                    url,
                    score=60 + 10 * score,
                    consult=consult,
                    text=text,
                    reviewed=reviewed,
                    codes=("c1",) if score % 2 else (),
                )
                for url, (score, consult, text, reviewed) in pages.items()
            ],
        )
        store.record_findings(conn, run, [(u, code, "warning", m, None) for u, code, m in findings])
        store.finish_run(conn, run, urls=len(pages))
        runs.append(run)
    assert store.diff_runs(conn, *runs) == _diff_in_memory(conn, *runs)


# --------------------------------------------------------------------------- element verdicts


def _with(audit: PageAudit, **status: str) -> PageAudit:
    return replace(audit, elements=verdicts(**status))


def test_element_verdicts_are_stored_and_their_moves_are_losses_and_gains(
    conn: sqlite3.Connection,
) -> None:
    moves = [
        ("found", "missing", "element_lost", "present", "absent", "disappeared"),
        ("found", "unclear", "element_lost", "present", "unclear", "became unclear"),
        ("unclear", "missing", "element_lost", "unclear", "absent", "disappeared (was unclear)"),
        ("missing", "found", "element_gained", "absent", "present", "added"),
        ("missing", "unclear", "element_gained", "absent", "unclear", "added, unclear"),
        ("unclear", "found", "element_gained", "unclear", "present", "made clear"),
        ("unclear", "unclear", None, "", "", ""),
    ]
    before = [_with(make_audit(f"/{i}/"), uses=m[0]) for i, m in enumerate(moves)]
    after = [_with(make_audit(f"/{i}/"), uses=m[1]) for i, m in enumerate(moves)]
    first, second = _two_runs(conn, before, after)
    stored = conn.execute(
        "SELECT uses, uses_status FROM pages WHERE run_id = ? ORDER BY url", (first,)
    ).fetchall()
    assert [tuple(r) for r in stored] == [(int(m[0] == "found"), m[0]) for m in moves]
    changes = {c.url: c for c in store.diff_runs(conn, first, second)}
    for i, (_, _, change, old, new, detail) in enumerate(moves):
        c = changes.get(f"/{i}/")
        if change is None:
            assert c is None
        else:
            assert c is not None
            assert (c.change, c.before, c.after, c.detail) == (change, old, new, f"uses {detail}")


V2_MIGRATION = """
ALTER TABLE pages ADD COLUMN text_sha1 TEXT;
ALTER TABLE pages ADD COLUMN reviewed_on TEXT;
UPDATE meta SET value = '2' WHERE key = 'schema_version';
INSERT INTO pages VALUES (1, '/b/', 'B', 'article', 70, 1, 1, 1, 0, 7.0, 500, 1, 0, NULL, NULL);
"""


def test_a_version_2_database_gains_element_statuses_and_still_compares(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    old = sqlite3.connect(path)
    old.executescript(V1_SCHEMA + V2_MIGRATION)
    old.close()

    conn = store.connect(path)
    assert store.schema_version(conn) == 3
    columns = [row[1] for row in conn.execute("PRAGMA table_info(pages)")]
    assert columns[-4:] == [f"{n}_status" for n in ("definition", "uses", "mechanism", "consult")]
    assert tuple(columns) == store.PAGE_COLUMNS
    rows = conn.execute("SELECT * FROM pages WHERE run_id = 1 ORDER BY url").fetchall()
    assert [store.element_status(r, "consult") for r in rows] == ["found", "missing"]
    assert all(r["consult_status"] is None for r in rows)  # old rows are not rewritten
    run = store.start_run(conn, "s", "https://s/", None)
    store.record_pages(
        conn,
        run,
        [
            _with(make_audit("/a/"), consult="unclear"),
            _with(make_audit("/b/"), consult="unclear"),
        ],
    )
    store.finish_run(conn, run, urls=2)
    lost_or_gained = {
        (c.url, c.change, c.before, c.after)
        for c in store.diff_runs(conn, 1, run)
        if c.change.startswith("element_")
    }
    assert lost_or_gained == {
        ("/a/", "element_lost", "present", "unclear"),
        ("/b/", "element_gained", "absent", "unclear"),
    }
    conn.close()
