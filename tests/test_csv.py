"""report/csv.py: fixed columns, formula guarding; the run's row files, committed atomically
(``report.outputs.RunOutputs``: rows into the run's store, files rendered from it)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.model import ELEMENT_NAMES, FetchResult, Severity
from content_audit.report.csv import (
    COLUMNS,
    FINDINGS_CSV,
    INVENTORY_COLUMNS,
    INVENTORY_CSV,
    PAGES_COLUMNS,
    PAGES_CSV,
    CsvFile,
    guard_cell,
)
from content_audit.report.outputs import RunOutputs

from .conftest import FIXTURES
from .tristate import verdicts


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("What Is Prolotherapy?", "What Is Prolotherapy?"),
        ("a=b", "a=b"),
        (-4.5, -4.5),
        (3, 3),
    ],
)
def test_guard_cell(value: object, expected: object) -> None:
    assert guard_cell(value) == expected


def _result(url: str, **kw: object) -> FetchResult:
    base = dict(source="link", depth=1, status=200, final_url=url, content_type="text/html")
    base.update(kw)
    return FetchResult(url, **base)  # type: ignore[arg-type]


def test_commit_writes_headers_rows_and_guards(tmp_path: Path) -> None:
    with RunOutputs(tmp_path) as writer:
        writer.write_fetch(_result("http://x.test/a/", redirects=(("http://x.test/b", 301),)))
        writer.write_fetch(_result("http://x.test/pdf", status=None, error="robots"))
        writer.write_failed(_result("http://x.test/c/"), "=ValueError: boom")
    for name, columns in COLUMNS.items():
        with open(tmp_path / name, encoding="utf-8", newline="") as handle:
            assert tuple(next(csv.reader(handle))) == columns
    rows = _read(tmp_path / INVENTORY_CSV)
    assert [r["url"] for r in rows] == ["http://x.test/a/", "http://x.test/pdf", "http://x.test/c/"]
    assert rows[0]["redirect_hops"] == "1" and rows[0]["audited"] == "false"
    assert rows[1]["status"] == "" and rows[1]["error"] == "robots"
    assert rows[2]["error"] == "audit_failed"
    findings = _read(tmp_path / FINDINGS_CSV)
    assert findings[0]["code"] == "audit_failed" and findings[0]["severity"] == "error"
    assert findings[0]["evidence"] == "'=ValueError: boom"
    assert _read(tmp_path / PAGES_CSV) == []
    assert not list(tmp_path.glob(".*.tmp"))


def test_exception_leaves_no_complete_looking_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), RunOutputs(tmp_path) as writer:
        writer.write_fetch(_result("http://x.test/a/"))
        writer.flush()
        raise RuntimeError("crash mid-run")
    assert list(tmp_path.iterdir()) == []


def test_previous_report_survives_a_failed_rewrite(tmp_path: Path) -> None:
    with RunOutputs(tmp_path) as writer:
        writer.write_fetch(_result("http://x.test/old/"))
    with pytest.raises(KeyboardInterrupt), RunOutputs(tmp_path) as writer:
        writer.write_fetch(_result("http://x.test/new/"))
        raise KeyboardInterrupt
    assert [r["url"] for r in _read(tmp_path / INVENTORY_CSV)] == ["http://x.test/old/"]


def test_row_width_is_checked() -> None:
    short = CsvFile(INVENTORY_CSV, lambda store: [("too", "short")])
    with pytest.raises(ValueError, match="expected"):
        short.write(None, io.StringIO())  # type: ignore[arg-type]
    assert len(INVENTORY_COLUMNS) == 13
    assert INVENTORY_COLUMNS[-1] == "rendered"  # appended: columns are contracts


def test_pages_csv_keeps_element_flags_and_appends_their_status(tmp_path: Path) -> None:
    old = ("url", "title", "kind", "score", *ELEMENT_NAMES)
    old += ("flesch_kincaid_grade", "flesch_reading_ease", "words", "errors", "warnings")
    assert (*old, *(f"{n}_status" for n in ELEMENT_NAMES)) == PAGES_COLUMNS
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    given = verdicts(uses="unclear", consult="missing")
    audit = audit_page(html, "http://x.test/a/", today=date(2026, 11, 25), elements=given)
    with RunOutputs(tmp_path) as writer:
        writer.write_fetch(_result("http://x.test/a/", html=html), audit)
    (row,) = _read(tmp_path / PAGES_CSV)
    flags = {n: row[n] for n in ELEMENT_NAMES}
    statuses = {n: row[f"{n}_status"] for n in ELEMENT_NAMES}
    assert flags == {"definition": "true", "uses": "false", "mechanism": "true", "consult": "false"}
    assert statuses == {
        "definition": "found",
        "uses": "unclear",
        "mechanism": "found",
        "consult": "missing",
    }
    assert int(row["warnings"]) == audit.count(Severity.WARNING) >= 1
    codes = {r["code"] for r in _read(tmp_path / FINDINGS_CSV)}
    assert {"unclear_uses", "missing_consult"} <= codes


def test_teasers_csv_appends_block_after_the_original_columns() -> None:
    from content_audit.report.csv import TEASERS_COLUMNS, TEASERS_CSV, teaser_rows

    assert COLUMNS[TEASERS_CSV] == TEASERS_COLUMNS
    assert TEASERS_COLUMNS == ("page_url", "position", "text", "href", "truncated", "block")
    from content_audit.audit import audit_page

    html = (Path(__file__).parent / "fixtures" / "seed_prolotherapy.html").read_text("utf-8")
    audit = audit_page(html, "https://clinic.example/blog/prolotherapy/")
    rows = list(teaser_rows(audit, "https://clinic.example/blog/prolotherapy/"))
    assert len(rows) == 6 and all(len(r) == len(TEASERS_COLUMNS) for r in rows)
    assert {r[-1] for r in rows} == {"related"}
