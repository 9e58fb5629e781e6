"""Run history seen from a site audit (report/history.py) and the history/diff commands."""

from __future__ import annotations

# Nothing here reads ../shared (the fixtures and the bundled demo site are in the
# repository), so no test of this file is skipped without it.
import csv
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.model import Finding, Severity
from content_audit.report.history import (
    CHANGES_COLUMNS,
    CHANGES_CSV,
    RunComparison,
    RunRecorder,
    changes_markdown,
    write_changes_csv,
)
from content_audit.store import Change, connect, list_runs

from .sites import copy_demo_site
from .tristate import verdicts

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "seed_prolotherapy.html"


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- changes.csv


@pytest.mark.parametrize("payload", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"])
def test_changes_csv_neutralises_formulas(tmp_path: Path, payload: str) -> None:
    change = Change(f"{payload}url", "finding_new", f"{payload} detail", "80", payload)
    path = write_changes_csv(tmp_path / CHANGES_CSV, [change])
    (row,) = read_csv(path)
    assert list(row) == list(CHANGES_COLUMNS)
    assert row["url"] == "'" + payload + "url"
    assert row["detail"] == "'" + payload + " detail"
    assert row["after"] == "'" + payload
    assert row["before"] == "80"  # a plain value is left alone
    assert row["change"] == "finding_new"


def test_changes_csv_has_a_header_when_nothing_changed(tmp_path: Path) -> None:
    path = write_changes_csv(tmp_path / CHANGES_CSV, [])
    assert path.read_text(encoding="utf-8").splitlines() == [",".join(CHANGES_COLUMNS)]


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from content_audit.report.history import write_changes_csv
    from content_audit.store import Change

    def slow():
        for i in range(100000):
            yield Change(f"https://clinic.example/{i}/", "score_changed", "x" * 500, "1", "2")
            if i == 200:
                print("writing", flush=True)
            if i > 200:
                time.sleep(0.01)

    write_changes_csv(sys.argv[1], slow())
    """
)


def test_killed_changes_writer_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / CHANGES_CSV
    write_changes_csv(target, [Change("https://clinic.example/a/", "page_added", "new page: A")])
    before = target.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(target)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        (temp,) = tmp_path.glob(f".{CHANGES_CSV}.*.tmp")
        assert temp.stat().st_size > 0
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == [CHANGES_CSV]


# --------------------------------------------------------------------------- RunRecorder


def _without_consult(html: str) -> str:
    """The seed article with its consult prompt section removed (an editor's slip)."""
    start = html.index('<h2 class="wp-block-heading">Confer With a Medical Expert</h2>')
    end = html.index('<div class="sharedaddy', start)
    return html[:start] + html[end:]


def test_recorder_compares_with_the_previous_complete_run(tmp_path: Path) -> None:
    config = load_config()
    html = SEED.read_text(encoding="utf-8")
    url = "https://clinic.example/prolotherapy/"
    db = tmp_path / "history.sqlite"

    first = RunRecorder.open(db, "clinic.example", url, tmp_path / "r1")
    first.record([audit_page(html, url, config)])
    first.record_findings(
        [Finding("teaser_dead", Severity.ERROR, "teaser to a 404", url=url, target=url + "x/")]
    )
    comparison = first.finish(tmp_path / "r1", urls=1)
    first.close()
    assert comparison.previous is None and comparison.changes == ()
    assert read_csv(tmp_path / "r1" / CHANGES_CSV) == []
    assert "first recorded run" in changes_markdown(comparison)

    broken = RunRecorder.open(db, "clinic.example", url, None)  # a run that crashed
    broken.fail()
    broken.close()

    edited = _without_consult(html).replace("<title>", "<title>Edited: ")
    second = RunRecorder.open(db, "clinic.example", url, tmp_path / "r2")
    second.record([audit_page(edited, url, config)])
    comparison = second.finish(tmp_path / "r2", urls=1)
    second.close()

    assert comparison.previous is not None and comparison.previous.id == first.run_id
    kinds = {(c.change, c.before, c.after) for c in comparison.changes}
    assert ("element_lost", "present", "absent") in kinds
    assert ("finding_new", "", "missing_consult") in kinds
    assert ("finding_fixed", "teaser_dead", "") in kinds
    rows = read_csv(tmp_path / "r2" / CHANGES_CSV)
    assert {r["change"] for r in rows} == {c.change for c in comparison.changes}
    assert comparison.worse() == [url]
    markdown = changes_markdown(comparison)
    assert f"since run #{first.run_id}" in markdown and "element_lost" in markdown

    conn = connect(db)
    assert [r.status for r in list_runs(conn, "clinic.example")] == [
        "complete",
        "failed",
        "complete",
    ]
    conn.close()


def test_changes_markdown_escapes_page_urls() -> None:
    from content_audit.report.history import RunComparison
    from content_audit.store import RunInfo

    prev = RunInfo(1, "s", "https://s/", "2026-01-01T00:00:00+00:00", None, "complete", None, 1, 1)
    url = "https://s/a|b/<img src=x>[x](javascript:1)"
    comparison = RunComparison(2, "s", prev, (Change(url, "score_changed", "score -5", "9", "4"),))
    text = changes_markdown(comparison)
    assert f"- `{url}`: score 9 → 4" in text.splitlines()


# --------------------------------------------------------------------------- two runs of a site


def _edit_between_runs(folder: Path) -> tuple[str, str]:
    """Remove one article's consult section (an article whose consult is then missing, not
    unclear) and retitle another; returns their paths."""
    rows = read_csv(folder / "truth.csv")
    complete = [r for r in rows if r["kind"] == "complete" and r["consult_heading"]]
    for cut in complete:
        page = folder / "www" / cut["path"].strip("/") / "index.html"
        html = page.read_text(encoding="utf-8")
        tag = cut["heading_tag"]
        start = html.index(f'<{tag} class="wp-block-heading">{cut["consult_heading"]}</{tag}>')
        end = html.index('</div>\n<footer class="entry-footer">', start)
        edited = html[:start] + html[end:]
        if audit_page(edited, cut["url"]).element("consult").status == "missing":
            page.write_text(edited, encoding="utf-8")
            break
    else:
        raise AssertionError("no article whose consult goes missing without its section")
    retitled = next(r for r in complete if r is not cut)
    page = folder / "www" / retitled["path"].strip("/") / "index.html"
    html = page.read_text(encoding="utf-8")
    start, end = html.index("<title>") + len("<title>"), html.index("</title>")
    page.write_text(html[:start] + "=HYPERLINK(evil)" + html[end:], encoding="utf-8")
    return cut["path"], retitled["path"]


def test_two_runs_of_an_edited_site_write_what_changed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from content_audit.cli import cli
    from content_audit.demo.server import SiteServer, read_redirects
    from content_audit.run import audit_site

    folder = tmp_path / "site"
    (folder / "www").mkdir(parents=True)
    server = SiteServer(folder / "www")
    copy_demo_site(folder, server.base_url)  # sitegen's 60 pages, truth.csv
    server.redirects = read_redirects(folder / "redirects.tsv")
    db = tmp_path / "history.sqlite"
    config = load_config(overrides={"report.history": str(db)})
    with server:
        first = audit_site(server.base_url + "/", config, tmp_path / "r1", workers=0)
        cut, retitled = _edit_between_runs(folder)
        second = audit_site(server.base_url + "/", config, tmp_path / "r2", workers=0)

    assert read_csv(tmp_path / "r1" / CHANGES_CSV) == []  # the first run has no baseline
    rows = read_csv(tmp_path / "r2" / CHANGES_CSV)
    cut_url, retitled_url = server.base_url + cut, server.base_url + retitled
    changes = {(r["url"], r["change"], r["before"], r["after"]) for r in rows}
    assert (cut_url, "element_lost", "present", "absent") in changes
    assert (cut_url, "finding_new", "", "missing_consult") in changes
    assert any(u == cut_url and c == "score_changed" and int(a) < int(b) for u, c, b, a in changes)
    assert {u for u, *_ in changes} == {cut_url, retitled_url}  # nothing else moved
    retitled_codes = {(c, b or a) for u, c, b, a in changes if u == retitled_url}
    assert ("finding_fixed", "title_too_long") in retitled_codes
    assert ("finding_new", "title_too_short") in retitled_codes
    assert second.report is not None and "1 pages got worse" in second.changes_markdown
    assert "first recorded run" in first.changes_markdown

    report = (tmp_path / "r2" / "report.html").read_text(encoding="utf-8")
    assert "=HYPERLINK(evil)" in report  # shown in the report as the page's title...
    pages_csv = (tmp_path / "r2" / "pages.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(evil)" in pages_csv  # ...but never a formula in a spreadsheet

    runner = CliRunner()
    result = runner.invoke(
        cli, ["history", first.start.split("//")[1].rstrip("/"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()[1:]] == ["2", "1"]
    result = runner.invoke(cli, ["diff", "1", "2", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "element_lost: consult disappeared (present -> absent)" in result.output
    assert cut in result.output  # pages are named by path in the history
    result = runner.invoke(cli, ["diff", "1", "2", "--db", str(db), "--format", "csv"])
    (header, *_rest) = csv.reader(result.output.splitlines())
    assert tuple(header) == CHANGES_COLUMNS and len(_rest) == len(rows)


def test_history_commands_exit_2_on_a_bad_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from content_audit.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["history", "demo", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and "no history database" in result.output
    assert not (tmp_path / "none.sqlite").exists()
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(cli, ["diff", "1", "2", "--db", str(broken)])
    assert result.exit_code == 2 and result.output.startswith("Error: ")
    db = tmp_path / "h.sqlite"
    RunRecorder.open(db, "demo", "http://127.0.0.1:1/", None).close()
    result = runner.invoke(cli, ["diff", "1", "7", "--db", str(db)])
    assert result.exit_code == 2 and "no run with id 7" in result.output
    result = runner.invoke(cli, ["diff", "1", "2", "--db", "postgresql://x/y"])
    assert result.exit_code == 2 and "sqlite" in result.output


# --------------------------------------------------------------------------- review drift

REVIEW_LINE = '<span class="reviewed-on">Medically reviewed on {}</span>'


def _set_review(page: Path, when: str) -> None:
    """Add (or replace) the "Medically reviewed on" line in the article's entry meta."""
    html = page.read_text(encoding="utf-8")
    if 'class="reviewed-on"' in html:
        start = html.index('<span class="reviewed-on">')
        end = html.index("</span>", start) + len("</span>")
        html = html[:start] + REVIEW_LINE.format(when) + html[end:]
    else:
        html = html.replace("</div></header>", REVIEW_LINE.format(when) + "</div></header>", 1)
    page.write_text(html, encoding="utf-8")


def _edit_paragraph(page: Path) -> None:
    """Reword the first paragraph of the article body (an editor's change)."""
    html = page.read_text(encoding="utf-8")
    start = html.index("<p>", html.index('<div class="entry-content">')) + len("<p>")
    page.write_text(html[:start] + "Updated advice: " + html[start:], encoding="utf-8")


def _reviewed_seed(edit: str = "") -> str:
    html = SEED.read_text(encoding="utf-8")
    html = html.replace(
        "</span></div>\n</header>",
        "</span>" + REVIEW_LINE.format("March 3, 2024") + "</div>\n</header>",
        1,
    )
    return html.replace("Musculoskeletal pain is", edit + "Musculoskeletal pain is", 1)


def _recorded_run(db: Path, html: str, *, drift: bool = True) -> RunComparison:
    url = "https://clinic.example/prolotherapy/"
    recorder = RunRecorder.open(db, "clinic.example", url, None, drift=drift)
    recorder.record([audit_page(html, url, load_config())])
    comparison = recorder.finish(None, urls=1)
    recorder.close()
    return comparison


def test_drift_finding_stays_until_reviewed_and_can_be_turned_off(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite"
    _recorded_run(db, _reviewed_seed())
    second = _recorded_run(db, _reviewed_seed("Edited. "))
    third = _recorded_run(db, _reviewed_seed("Edited. "))  # nothing changed since

    assert [c.change for c in second.changes].count("review_drift") == 1
    assert third.changes == ()  # the finding is carried: no finding_new, no finding_fixed
    (carried,) = third.drift
    assert f"changed in run #{second.run_id}" in carried.message
    markdown = changes_markdown(third)
    assert "Nothing changed." in markdown
    assert "1 pages changed after their last medical review" in markdown

    off = _recorded_run(db, _reviewed_seed("Edited again. "), drift=False)
    assert off.drift == ()
    assert ("finding_fixed", "review_drift") in {(c.change, c.before) for c in off.changes}
    assert "review_drift" not in {c.change for c in off.changes}
    config = load_config(overrides={"health.drift": False})
    assert config.health.drift is False and load_config().health.drift is True


def test_text_edited_after_its_review_is_drift_on_that_page_only(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from content_audit.demo.server import SiteServer, read_redirects
    from content_audit.report.html import read_page_data
    from content_audit.run import audit_site

    folder = tmp_path / "site"
    (folder / "www").mkdir(parents=True)
    server = SiteServer(folder / "www")
    copy_demo_site(folder, server.base_url)  # sitegen's 60 pages, truth.csv
    server.redirects = read_redirects(folder / "redirects.tsv")
    articles = [r["path"] for r in read_csv(folder / "truth.csv") if r["kind"] == "complete"]
    drifted, rereviewed, untouched = articles[:3]
    files = {path: folder / "www" / path.strip("/") / "index.html" for path in articles[:3]}
    for path in (drifted, rereviewed, untouched):
        _set_review(files[path], "March 3, 2024")
    config = load_config(overrides={"report.history": str(tmp_path / "history.sqlite")})
    with server:
        first = audit_site(server.base_url + "/", config, tmp_path / "r1", workers=0)
        _edit_paragraph(files[drifted])  # the review date stays
        _edit_paragraph(files[rereviewed])
        _set_review(files[rereviewed], datetime.now(UTC).strftime("%B %d, %Y"))
        second = audit_site(server.base_url + "/", config, tmp_path / "r2", workers=0)

    url = server.base_url + drifted
    assert "review_drift" not in {r["change"] for r in read_csv(tmp_path / "r1" / CHANGES_CSV)}
    rows = read_csv(tmp_path / "r2" / CHANGES_CSV)
    drift_rows = [r for r in rows if r["change"] == "review_drift"]
    assert [(r["url"], r["before"], r["after"]) for r in drift_rows] == [
        (url, "2024-03-03", "2024-03-03")
    ]
    assert not any(r["change"] == "finding_new" and r["after"] == "review_drift" for r in rows)

    findings = read_csv(tmp_path / "r2" / "findings.csv")
    findings = [r for r in findings if r["code"] == "review_drift"]
    assert [(r["url"], r["severity"]) for r in findings] == [(url, "warning")]
    assert url in findings[0]["message"] and "2024-03-03" in findings[0]["message"]
    conn = connect(tmp_path / "history.sqlite")
    run_ids = [r.id for r in list_runs(conn)]
    stored = conn.execute("SELECT run_id, url FROM findings WHERE code = 'review_drift'").fetchall()
    seen = {
        (row["url"], row["run_id"]): (row["text_sha1"], row["reviewed_on"])
        for row in conn.execute("SELECT url, run_id, text_sha1, reviewed_on FROM pages")
    }
    conn.close()
    # Both edits were seen; only the page whose review date stayed is drift.
    (new_run, old_run) = run_ids
    for path in (drifted, rereviewed):
        assert seen[(path, old_run)][0] != seen[(path, new_run)][0]
    assert seen[(rereviewed, new_run)][1] > seen[(rereviewed, old_run)][1] == "2024-03-03"
    assert seen[(untouched, new_run)] == seen[(untouched, old_run)]
    assert [(r["run_id"], r["url"]) for r in stored] == [(run_ids[0], drifted)]
    assert f"run #{run_ids[0]}" in findings[0]["message"]
    pages = {r["url"]: r for r in read_csv(tmp_path / "r2" / "pages.csv")}
    before = {r["url"]: r for r in read_csv(tmp_path / "r1" / "pages.csv")}
    assert int(pages[url]["warnings"]) == int(before[url]["warnings"]) + 1
    report = (tmp_path / "r2" / "report.html").read_text(encoding="utf-8")
    page = next(p for p in read_page_data(report) if p["url"] == url)
    assert "review_drift" in {f["code"] for f in page["findings"]}
    assert "Text changed after its medical review" in report  # the changes table
    assert url in second.changes_markdown and "medical review" in second.changes_markdown
    assert "review_drift" not in first.changes_markdown


# --------------------------------------------------------------------------- element verdicts


def test_unclear_verdicts_flow_into_changes_csv_and_the_diff_command(tmp_path: Path) -> None:
    """found -> unclear is a loss (the page got worse), unclear -> found a gain."""
    from click.testing import CliRunner

    from content_audit.cli import cli

    html = SEED.read_text(encoding="utf-8")
    url = "https://clinic.example/prolotherapy/"
    other = "https://clinic.example/other/"
    db = tmp_path / "history.sqlite"
    plans = [
        {url: verdicts(), other: verdicts(mechanism="unclear")},
        {url: verdicts(consult="unclear"), other: verdicts()},
    ]
    comparison = None
    for n, plan in enumerate(plans, 1):
        recorder = RunRecorder.open(db, "clinic.example", url, tmp_path / f"r{n}")
        recorder.record([audit_page(html, u, elements=given) for u, given in plan.items()])
        comparison = recorder.finish(tmp_path / f"r{n}", urls=2)
        recorder.close()
    assert comparison is not None
    rows = {
        (r["url"], r["change"]): r
        for r in read_csv(tmp_path / "r2" / CHANGES_CSV)
        if r["change"].startswith("element_")
    }
    lost, gained = rows[url, "element_lost"], rows[other, "element_gained"]
    assert (lost["detail"], lost["before"], lost["after"]) == (
        "consult became unclear",
        "present",
        "unclear",
    )
    assert (gained["detail"], gained["before"], gained["after"]) == (
        "mechanism made clear",
        "unclear",
        "present",
    )
    assert len(rows) == 2
    assert comparison.worse() == [url]
    codes = {(c.url, c.change, c.after or c.before) for c in comparison.changes}
    assert (url, "finding_new", "unclear_consult") in codes
    assert (other, "finding_fixed", "unclear_mechanism") in codes
    result = CliRunner().invoke(cli, ["diff", "1", "2", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "element_lost: consult became unclear (present -> unclear)" in result.output
    assert "element_gained: mechanism made clear (unclear -> present)" in result.output
