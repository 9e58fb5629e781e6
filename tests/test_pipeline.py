"""pipeline.py, the library path (no Prefect): sites crawled on loopback.

A site is generated (or the demo site copied) after the server has bound its port, so its
sitemap and canonical URLs carry the real origin; truth.csv and redirects.tsv say what must
be found.  The sitegen sites (planted defects, truth_links.csv) need ``../shared``; the
others are the bundled demo site (tests/sites.py).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from content_audit.config import load_config
from content_audit.demo import PROLOTHERAPY_PATH
from content_audit.demo.server import SiteServer, read_redirects, serve_demo
from content_audit.pipeline import SiteRunSummary, link_latest, report_dir
from content_audit.report.html import read_page_data
from content_audit.run import audit_site

from .conftest import need_shared
from .sites import copy_demo_site


@dataclass(frozen=True)
class ServedSite:
    base_url: str
    folder: Path

    def truth(self) -> list[dict[str, str]]:
        return read_csv(self.folder / "truth.csv")

    def redirects(self) -> list[dict[str, str]]:
        return read_csv(self.folder / "redirects.tsv", delimiter="\t")

    def teasers(self) -> set[tuple[str, str]]:
        """(page URL, absolute href) of every teaser truth_links.csv lists."""
        return {
            (self.base_url + row["source_path"], self.base_url + row["href"])
            for row in read_csv(self.folder / "truth_links.csv")
            if row["role"] == "teaser"
        }


def teaser_pairs(out: Path) -> set[tuple[str, str]]:
    return {(row["page_url"], row["href"]) for row in read_csv(out / "teasers.csv")}


TEASER_FLAGS = {
    "404": "teaser_dead",
    "redirect": "teaser_redirect",
    "stale": "teaser_stale",
    "self": "teaser_self",
    "offtopic": "teaser_offtopic",
}
"""truth_links.csv flag -> the cross-page finding code it must produce."""
SCORED_CODES = (*TEASER_FLAGS.values(), "title_duplicate")
_TEASER_LABEL = re.compile(r": teaser (\d+) ")


def site_findings_vs_truth(
    out: Path, site: ServedSite
) -> tuple[dict[str, set[object]], dict[str, set[object]]]:
    """(truth, found) per scored code, from sitegen's truth and the run's CSV files.

    Teasers are (page URL, href): a finding names its page in ``url`` and its teaser by
    position in the message, and teasers.csv gives that teaser's href.  Titles are page URLs.
    Only pages the crawl could audit (200, not robots-blocked) are expected to have any.
    """
    truth = site.truth()
    audited = {r["url"] for r in truth if r["status"] == "200" and r["robots_disallowed"] == "0"}
    want: dict[str, set[object]] = defaultdict(set)
    for row in read_csv(site.folder / "truth_links.csv"):
        page = site.base_url + row["source_path"]
        if row["role"] != "teaser" or page not in audited:
            continue
        for flag in row["flags"].split(";"):
            if flag in TEASER_FLAGS:
                want[TEASER_FLAGS[flag]].add((page, site.base_url + row["href"]))
    for row in truth:
        if row["url"] in audited and row["duplicate_title_group"] not in ("", "0"):
            want["title_duplicate"].add(row["url"])
    href_of = {(t["page_url"], t["position"]): t["href"] for t in read_csv(out / "teasers.csv")}
    got: dict[str, set[object]] = defaultdict(set)
    for f in read_csv(out / "findings.csv"):
        if f["code"] in TEASER_FLAGS.values():
            label = _TEASER_LABEL.search(f["message"])
            assert label is not None, f
            got[f["code"]].add((f["url"], href_of[(f["url"], label.group(1))]))
        elif f["code"] == "title_duplicate":
            got[f["code"]].add(f["url"])
    return want, got


def assert_counts_match_findings(out: Path) -> None:
    """pages.csv errors/warnings = the page's rows in findings.csv, cross-page ones included."""
    counted = Counter((f["url"], f["severity"]) for f in read_csv(out / "findings.csv"))
    for page in read_csv(out / "pages.csv"):
        assert int(page["errors"]) == counted[(page["url"], "error")], page["url"]
        assert int(page["warnings"]) == counted[(page["url"], "warning")], page["url"]


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def by_url(rows: list[dict[str, str]], key: str = "url") -> dict[str, dict[str, str]]:
    return {row[key]: row for row in rows}


def serve_sitegen(folder: Path, pages: int, seed: int = 7) -> Iterator[ServedSite]:
    """Bind a loopback port, generate a sitegen site for that origin, serve it."""
    # Without ../shared this is skipped with the reason (a failure in CI, which has it).
    sitegen = need_shared("sitegen/sitegen.py")
    (folder / "www").mkdir(parents=True, exist_ok=True)
    server = SiteServer(folder / "www")
    subprocess.run(
        [
            sys.executable,
            str(sitegen),
            "--pages",
            str(pages),
            "--seed",
            str(seed),
            "--out",
            str(folder),
            "--base-url",
            server.base_url,
            "-q",
        ],
        check=True,
    )
    server.redirects = read_redirects(folder / "redirects.tsv")
    with server:
        yield ServedSite(server.base_url, folder)


def serve_demo_copy(folder: Path, pages: int = 0) -> Iterator[ServedSite]:
    """Bind a loopback port, copy the demo site (grown to ``pages``) for it, serve it."""
    (folder / "www").mkdir(parents=True, exist_ok=True)
    server = SiteServer(folder / "www")
    copy_demo_site(folder, server.base_url, pages)
    server.redirects = read_redirects(folder / "redirects.tsv")
    with server:
        yield ServedSite(server.base_url, folder)


@pytest.fixture(scope="module")
def site300(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    yield from serve_sitegen(tmp_path_factory.mktemp("site300"), 300)


@pytest.fixture(scope="module")
def run300(site300: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> SiteRunSummary:
    out = tmp_path_factory.mktemp("report300")
    config = load_config(overrides={"crawl.concurrency": 4})
    return audit_site(site300.base_url + "/", config, out, workers=2)


@pytest.mark.slow
def test_every_truth_url_is_in_the_inventory(site300: ServedSite, run300: SiteRunSummary) -> None:
    inventory = by_url(read_csv(run300.out_dir / "inventory.csv"))
    assert len(inventory) == run300.urls
    for row in site300.truth():
        found = inventory[row["url"]]
        if row["robots_disallowed"] == "1":
            assert found["status"] == "" and found["error"] == "robots"
            assert found["audited"] == "false"
        else:
            assert found["status"] == row["status"] == "200"
            assert found["final_url"] == row["url"]
            assert found["audited"] == "true", row["url"]
    for hop in site300.redirects():
        found = inventory[site300.base_url + hop["source"]]
        assert found["final_url"] == site300.base_url + hop["final"]
        assert int(found["redirect_hops"]) == int(hop["hops_to_final"])
    assert all(url.startswith(site300.base_url) for url in inventory)


@pytest.mark.slow
def test_pages_csv_elements_and_kinds_agree_with_truth(
    site300: ServedSite, run300: SiteRunSummary
) -> None:
    pages = by_url(read_csv(run300.out_dir / "pages.csv"))
    truth = [r for r in site300.truth() if r["robots_disallowed"] == "0"]
    assert set(pages) == {r["url"] for r in truth}
    kind_of = {"complete": "article", "incomplete": "article", "listing": "listing"}
    kinds_ok = sum(pages[r["url"]]["kind"] == kind_of.get(r["kind"], "other") for r in truth)
    assert kinds_ok / len(truth) >= 0.95
    articles = [r for r in truth if r["kind"] in ("complete", "incomplete")]
    agree = 0
    for row in articles:
        page = pages[row["url"]]
        agree += all(
            (page[name] == "true") == (row[name] != "absent")
            for name in ("definition", "uses", "mechanism", "consult")
        )
    assert agree / len(articles) >= 0.98


@pytest.mark.slow
def test_teasers_and_findings_are_streamed(site300: ServedSite, run300: SiteRunSummary) -> None:
    teasers = read_csv(run300.out_dir / "teasers.csv")
    assert site300.teasers() <= teaser_pairs(run300.out_dir)
    assert all(t["truncated"] in ("true", "false") for t in teasers)
    findings = read_csv(run300.out_dir / "findings.csv")
    pages = by_url(read_csv(run300.out_dir / "pages.csv"))
    for url, page in pages.items():
        errors = sum(1 for f in findings if f["url"] == url and f["severity"] == "error")
        assert errors == int(page["errors"])
    assert run300.audited == len(pages) and run300.failed_audits == 0
    assert [w.score for w in run300.worst] == sorted(w.score for w in run300.worst)


@pytest.fixture(scope="module")
def site150(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    yield from serve_sitegen(tmp_path_factory.mktemp("site150"), 150)


@pytest.fixture(scope="module")
def run150(site150: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> SiteRunSummary:
    out = tmp_path_factory.mktemp("report150")
    config = load_config(overrides={"crawl.concurrency": 4})
    return audit_site(site150.base_url + "/", config, out, workers=2)


def test_cross_page_findings_match_the_truth(site150: ServedSite, run150: SiteRunSummary) -> None:
    want, got = site_findings_vs_truth(run150.out_dir, site150)
    for code in SCORED_CODES:
        assert want[code], f"sitegen planted no {code} on this site"
        assert got[code] - want[code] == set(), f"{code}: false positives"
        assert want[code] - got[code] == set(), f"{code}: missed"
    counts = dict(run150.site_findings)
    assert all(counts[code] >= len(want[code]) for code in SCORED_CODES)


def test_pages_count_cross_page_findings_like_the_report(run150: SiteRunSummary) -> None:
    out = run150.out_dir
    assert_counts_match_findings(out)
    soup = BeautifulSoup((out / "report.html").read_text(encoding="utf-8"), "lxml")
    pages = by_url(read_csv(out / "pages.csv"))
    site_urls = {f["url"] for f in read_csv(out / "findings.csv") if f["code"] in SCORED_CODES}
    assert site_urls
    for row in soup.select("#pages tbody tr"):
        url = row.select_one(".url").get_text()
        badges = row.select("td")[5].get_text(" ", strip=True)
        shown = {sev: n for n, sev in re.findall(r"(\d+) ([EW])", badges)}
        assert int(shown.get("E", 0)) == int(pages[url]["errors"]), url
        assert int(shown.get("W", 0)) == int(pages[url]["warnings"]), url


CLUB_PATH = "/blog/joining-the-oakland-country-club/"


def check_demo_site_findings(out: Path) -> None:
    """The model article's first teaser is itself, its second the off-topic club post:
    both findings on the article's URL in findings.csv, and in report.html's page detail."""
    pages = read_csv(out / "pages.csv")
    [prolo] = [p["url"] for p in pages if p["url"].endswith(PROLOTHERAPY_PATH)]
    teasers = read_csv(out / "teasers.csv")
    hrefs = {t["position"]: t["href"] for t in teasers if t["page_url"] == prolo}
    found = {
        (f["code"], _TEASER_LABEL.search(f["message"]).group(1))  # type: ignore[union-attr]
        for f in read_csv(out / "findings.csv")
        if f["url"] == prolo and f["code"].startswith("teaser_")
    }
    assert ("teaser_self", "1") in found and hrefs["1"] == prolo
    assert ("teaser_offtopic", "2") in found and hrefs["2"].endswith(CLUB_PATH)
    on_first_two = {code for code, position in found if position in ("1", "2")}
    assert on_first_two == {"teaser_self", "teaser_offtopic"}
    data = read_page_data((out / "report.html").read_text(encoding="utf-8"))
    [page] = [p for p in data if p["url"] == prolo]
    messages = {f["code"]: f["message"] for f in page["findings"]}
    assert "teaser 1 links to the page itself" in messages["teaser_self"]
    assert "joining-the-oakland-country-club" in messages["teaser_offtopic"]
    assert_counts_match_findings(out)


def test_demo_article_teasers_are_checked_across_pages(tmp_path: Path) -> None:
    with serve_demo() as server:
        summary = audit_site(
            server.base_url + "/",
            load_config(),
            workers=2,
            reports_root=tmp_path,
            site_name="demo",
        )
    assert summary.out_dir.parent == tmp_path / "demo"
    check_demo_site_findings(summary.out_dir)


@pytest.fixture(scope="module")
def site60(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """The demo site: sitegen's 60 pages (seed 7) and two posts, truth.csv included."""
    yield from serve_demo_copy(tmp_path_factory.mktemp("site60"))


def test_the_digests_wait_for_the_checks_on_disk_not_in_memory(
    site60: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent keeps the digests in a scratch file in the report folder, removed with the
    run; checked on them, the findings are those of the in-memory index."""
    from content_audit import pipeline
    from content_audit.site import SiteIndex
    from content_audit.spill import SpilledMapping

    seen: dict[str, object] = {}
    checks = pipeline.run_site_checks

    def probed(site, config, writer):  # type: ignore[no-untyped-def]
        assert isinstance(site.index.digests, SpilledMapping)
        seen["files"] = sorted(p.name for p in (tmp_path / "out").glob(".site-digests.*.tmp"))
        in_memory = SiteIndex()
        for page in site.index.digests.values():
            in_memory.add(replace(page, teasers=site.index.teasers[page.url]))
        in_memory.linked = site.index.linked
        seen["in_memory"] = in_memory.check(
            site.inventory, config, crawl_complete=site.crawl_complete
        )
        seen["spilled"] = site.check(config)
        return checks(site, config, writer)

    monkeypatch.setattr(pipeline, "run_site_checks", probed)
    audit_site(site60.base_url + "/", load_config(), tmp_path / "out", workers=0)
    assert len(seen["files"]) == 1  # type: ignore[arg-type]
    assert seen["spilled"] and seen["spilled"] == seen["in_memory"]
    assert not list((tmp_path / "out").glob(".site-digests.*"))


def test_a_crash_while_writing_leaves_no_report(
    site60: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from content_audit.report import runstore

    calls = {"n": 0}
    original = runstore.RunStore.add_fetch

    def failing(self, result, audit=None, doc=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 30:
            raise OSError("disk full")
        return original(self, result, audit, doc)

    monkeypatch.setattr(runstore.RunStore, "add_fetch", failing)
    with pytest.raises(OSError, match="disk full"):
        audit_site(site60.base_url + "/", load_config(), tmp_path / "out", workers=0)
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    # No report, only the crawl state a second attempt resumes from (test_resume.py).
    assert left == [".crawl-state.sqlite", ".crawl-state.sqlite.lock"]


def test_a_page_that_fails_to_audit_is_a_row(
    site60: ServedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import content_audit.audit as audit_module

    broken = site60.truth()[5]["url"]
    real = audit_module.audit_page

    def audit_page(html, url=None, config=None, today=None, site_chrome=frozenset()):  # type: ignore[no-untyped-def]
        if url == broken:
            raise ValueError("parser exploded")
        return real(html, url, config, today=today, site_chrome=site_chrome)

    monkeypatch.setattr(audit_module, "audit_page", audit_page)
    summary = audit_site(site60.base_url + "/", load_config(), tmp_path, workers=0)
    inventory = by_url(read_csv(tmp_path / "inventory.csv"))
    assert inventory[broken]["error"] == "audit_failed"
    assert inventory[broken]["audited"] == "false"
    failed = [f for f in read_csv(tmp_path / "findings.csv") if f["code"] == "audit_failed"]
    assert [f["url"] for f in failed] == [broken]
    assert "parser exploded" in failed[0]["evidence"]
    assert summary.failed_audits == 1
    assert broken not in by_url(read_csv(tmp_path / "pages.csv"))


SMALL_BATCHES = {"crawl.batch_size": 6, "crawl.max_batch_size": 6, "crawl.max_pages": 30}
"""Five batches or so of site60: a broken pool in the first would fail all the others."""


def test_batches_double_up_to_the_largest(site60: ServedSite, tmp_path: Path) -> None:
    """The first batch is small so the workers start early; the next ones double, up to
    ``max_batch_size``, so a big site costs few batches (Prefect task runs)."""
    from content_audit.crawl import Crawler
    from content_audit.pipeline import PendingAudit, run_batches
    from content_audit.report.outputs import RunOutputs

    config = load_config(overrides={"crawl.batch_size": 3, "crawl.max_batch_size": 10})
    sizes: list[int] = []
    with Crawler(site60.base_url + "/", config) as crawler, RunOutputs(tmp_path) as writer:

        def fetch(items):  # type: ignore[no-untyped-def]
            sizes.append(len(items))
            return crawler.fetch_batch(items)

        crawler.discover()
        tally = run_batches(
            crawler,
            writer,
            config.crawl.batch_size,
            max_batch_size=config.crawl.max_batch_size,
            fetch=fetch,
            submit_audit=lambda results: PendingAudit(results, config),
        )
    assert sizes[:4] == [3, 6, 10, 10]
    assert max(sizes) == 10
    assert tally.audited >= 50 and tally.urls >= sum(sizes)


def _audited_in_order(out: Path) -> list[str]:
    """pages.csv URLs in the order written: batch by batch, as the crawl audited them."""
    return [row["url"] for row in read_csv(out / "pages.csv")]


@pytest.fixture(scope="module")
def clean60(site60: ServedSite, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The pages a run of site60 audits, in order (small batches, in this process)."""
    out = tmp_path_factory.mktemp("clean60")
    config = load_config(overrides=SMALL_BATCHES)
    audit_site(site60.base_url + "/", config, out, workers=0)
    return _audited_in_order(out)


@pytest.mark.slow
def test_a_page_that_kills_its_worker_costs_only_its_own_row(
    site60: ServedSite,
    clean60: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A worker killed by a page (SIGKILL, as by the OOM killer) breaks the process pool and
    every chunk in flight in it; the pool is replaced, the chunks are audited again, and
    only the page that kills the worker every time is an ``audit_failed`` row."""
    from content_audit import pipeline

    from .workerdeath import audit_or_die

    killer = clean60[2]  # in the first batch: every later batch needs the new pool
    monkeypatch.setattr(pipeline, "audit_pages", partial(audit_or_die, kill=frozenset({killer})))
    config = load_config(overrides=SMALL_BATCHES)
    summary = audit_site(site60.base_url + "/", config, tmp_path, workers=2)
    assert len(clean60) > 3 * 6  # several batches after the one that broke the pool
    assert _audited_in_order(tmp_path) == [url for url in clean60 if url != killer]
    failed = [f for f in read_csv(tmp_path / "findings.csv") if f["code"] == "audit_failed"]
    assert [f["url"] for f in failed] == [killer]
    assert "worker died" in failed[0]["evidence"]
    assert by_url(read_csv(tmp_path / "inventory.csv"))[killer]["error"] == "audit_failed"
    assert summary.failed_audits == 1 and summary.audited == len(clean60) - 1
    assert "an audit worker died" in caplog.text  # the shared pool really broke


@pytest.mark.slow
def test_a_worker_lost_once_costs_no_row(
    site60: ServedSite, clean60: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that dies for a reason outside the page (here: the first time any worker
    meets one of the first batch's pages) loses nothing: its pages are audited again."""
    from content_audit import pipeline

    from .workerdeath import audit_or_die

    flag = tmp_path / "died"
    kill = frozenset(clean60[:6])
    monkeypatch.setattr(pipeline, "audit_pages", partial(audit_or_die, kill=kill, once=str(flag)))
    summary = audit_site(
        site60.base_url + "/", load_config(overrides=SMALL_BATCHES), tmp_path / "out", workers=2
    )
    assert flag.exists()  # a worker did die
    assert _audited_in_order(tmp_path / "out") == clean60
    assert summary.failed_audits == 0


def test_the_worker_returns_each_pages_digest_with_its_audit(fixtures_dir: Path) -> None:
    from content_audit.pipeline import audit_pages

    url = "https://clinic.example/blog/prolotherapy/?utm_source=x"
    html = (fixtures_dir / "seed_prolotherapy.html").read_text(encoding="utf-8")
    [outcome] = audit_pages([(url, html)], load_config())
    assert outcome.audit is not None and outcome.error is None
    digest = outcome.digest
    assert digest is not None
    assert digest.url == "https://clinic.example/blog/prolotherapy/"  # crawler's normal form
    assert len(digest.teasers) == len(outcome.audit.page.teasers) > 0
    assert digest.words > 300 and digest.sketch and digest.post


def test_the_worker_judges_review_age_against_today(fixtures_dir: Path) -> None:
    """The core never reads the clock; the pipeline hands it today's date."""
    from content_audit.pipeline import audit_pages

    html = (fixtures_dir / "health" / "trusted_article.html").read_text(encoding="utf-8")
    [outcome] = audit_pages([("https://clinic.example/blog/x/", html)], load_config())
    assert outcome.audit is not None
    codes = {f.code for f in outcome.audit.findings}
    assert "review_overdue" in codes  # lastReviewed 2021-03-02 is over 24 months old


def test_default_report_dir_and_latest_link(tmp_path: Path) -> None:
    when = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    first = report_dir("https://Clinic.example:8443/blog/", tmp_path, now=when)
    assert first == tmp_path / "clinic.example_8443" / "20250304T050607Z"
    assert report_dir("http://x.test/", tmp_path, site_name="demo").parent == tmp_path / "demo"
    first.mkdir(parents=True)
    latest = link_latest(first)
    assert latest.resolve() == first.resolve()
    second = first.parent / "20250305T000000Z"
    second.mkdir()
    assert link_latest(second).resolve() == second.resolve()
