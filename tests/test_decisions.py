"""Maintainers' decisions (``decisions.py``): parse, match, lapse, expire, override; and
on a real loopback crawl of the demo site, an accepted finding that stays accepted."""

from __future__ import annotations

import csv
import functools
import http.server
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.decisions import (
    accept_findings,
    decision_toml,
    match_finding,
    parse_decisions,
    unmatched,
)
from content_audit.demo import demo_root
from content_audit.errors import ConfigError
from content_audit.model import Finding, Severity
from content_audit.run import audit_site

from .sites import copy_demo_site

URL = "https://clinic.example/blog/knee/"


def _finding(code: str = "grade_over_target", evidence: str | None = "A long sentence.") -> Finding:
    return Finding(code, Severity.WARNING, f"{URL}: hard", evidence=evidence, url=URL)


def test_parse_errors_name_file_and_entry() -> None:
    with pytest.raises(ConfigError, match=r"d\.toml: accept\[2\]: reason is required"):
        parse_decisions(
            '[[accept]]\nurl="a"\ncode="x"\nreason="r"\n[[accept]]\nurl="b"\ncode="y"\n',
            "d.toml",
        )
    with pytest.raises(ConfigError, match=r"d\.toml: override\[1\]: element must be one of"):
        parse_decisions('[[override]]\nurl="a"\nelement="x"\nverdict="found"\nreason="r"', "d.toml")
    with pytest.raises(ConfigError, match=r"d\.toml: accept\[1\]: until must be a date"):
        parse_decisions('[[accept]]\nurl="a"\ncode="x"\nreason="r"\nuntil="soon"', "d.toml")
    with pytest.raises(ConfigError, match=r"d\.toml: unknown table acept"):
        parse_decisions('[[acept]]\nurl="a"', "d.toml")


def test_glob_match_sentence_lapse_and_expiry() -> None:
    entries = parse_decisions(
        '[[accept]]\nurl = "https://clinic.example/blog/*"\ncode = "grade_over_target"\n'
        'evidence = "A long  sentence."\nreason = "needed"\nuntil = 2027-01-31\n'
    )
    assert match_finding(entries, _finding(), URL, date(2027, 1, 31)) is entries[0]
    # the sentence changed: the finding reopens
    assert match_finding(entries, _finding(evidence="A new sentence."), URL, None) is None
    # expired the day after ``until``
    assert match_finding(entries, _finding(), URL, date(2027, 2, 1)) is None
    assert match_finding(entries, _finding(code="title_missing"), URL, None) is None
    accepted = accept_findings(entries, (_finding(),), URL, date(2026, 1, 1))
    assert accepted[0].decision == "accept[1]"
    assert unmatched(entries, set(), {URL}, date(2026, 1, 1)) == entries
    assert unmatched(entries, {"accept[1]"}, {URL}, date(2026, 1, 1)) == ()


def test_copied_toml_accepts_the_finding() -> None:
    f = _finding(evidence='He said "stop"\tnow.')
    text = decision_toml(URL, f.code, f.evidence)
    tomllib.loads(text)
    assert match_finding(parse_decisions(text), f, URL, None) is not None


def _article() -> str:
    with demo_root() as root:
        return (
            root / "www/blog/dermatologys-approach-to-treating-unwanted-hair/index.html"
        ).read_text("utf-8")


def test_override_changes_verdict_and_score(tmp_path: Path) -> None:
    base = load_config()
    html = _article()
    before = audit_page(html, URL, base, today=date(2026, 12, 1))
    assert before.kind == "article"
    assert before.element("consult").status != "found"
    entries = parse_decisions(
        f'[[override]]\nurl = "{URL}"\nelement = "consult"\nverdict = "found"\n'
        'reason = "The booking widget asks the reader to call."\n'
    )
    config = replace(base, decisions=replace(base.decisions, entries=entries))
    after = audit_page(html, URL, config, today=date(2026, 12, 1))
    assert after.element("consult").status == "found"
    assert after.score > before.score
    assert not any(
        f.code.startswith("element_") and "consult" in f.message and f.decision is None
        for f in after.findings
        if f.severity is Severity.ERROR
    )
    expired = parse_decisions(
        f'[[override]]\nurl = "{URL}"\nelement = "consult"\nverdict = "found"\n'
        'reason = "r"\nuntil = 2026-11-30\n'
    )
    config = replace(base, decisions=replace(base.decisions, entries=expired))
    assert audit_page(html, URL, config, today=date(2026, 12, 1)).score == before.score


def test_decisions_file_from_config(tmp_path: Path) -> None:
    (tmp_path / "audit.toml").write_text('[decisions]\nfile = "mine.toml"\n', "utf-8")
    (tmp_path / "mine.toml").write_text(
        '[[accept]]\nurl = "*"\ncode = "thin_content"\nreason = "stubs"\n', "utf-8"
    )
    config = load_config(tmp_path / "audit.toml")
    assert [d.key for d in config.decisions.entries] == ["accept[1]"]
    (tmp_path / "bad.toml").write_text('[decisions]\nentries = "x"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"unknown key decisions\.entries"):
        load_config(tmp_path / "bad.toml")


# ------------------------------------------------------------------ a real site, crawled


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def demo_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The demo site copied to tmp_path and served on 127.0.0.1 (editable between runs)."""
    www = tmp_path / "site" / "www"
    handler = functools.partial(_Quiet, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    copy_demo_site(tmp_path / "site", base)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, www
    finally:
        server.shutdown()
        server.server_close()


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _run(base: str, conf: Path, out: Path) -> Path:
    config = load_config(conf, overrides={"crawl.max_pages": 12, "crawl.delay_s": 0})
    audit_site(base + "/", config, out, workers=0)
    return out


def _page_counts(folder: Path, url: str) -> tuple[int, int]:
    row = next(r for r in _rows(folder, "pages.csv") if r["url"] == url)
    return int(row["errors"]), int(row["warnings"])


def test_accepted_finding_sticks_across_crawls_and_reopens(
    demo_site: tuple[str, Path], tmp_path: Path
) -> None:
    base, www = demo_site
    conf = tmp_path / "audit.toml"
    conf.write_text('[decisions]\nfile = "decisions.toml"\n', "utf-8")
    first = _run(base, conf, tmp_path / "r1")
    findings = _rows(first, "findings.csv")
    assert all(r["decision"] == "" for r in findings)
    # a page finding whose evidence is a sentence of the page's HTML
    target = next(
        r
        for r in findings
        if r["evidence"]
        and r["severity"] in ("warning", "error")
        and r["url"].startswith(base + "/blog/")
        and r["evidence"] in _html(www, base, r["url"])
    )
    errors, warnings = _page_counts(first, target["url"])
    (tmp_path / "decisions.toml").write_text(
        decision_toml(target["url"], target["code"], target["evidence"], "Our style."), "utf-8"
    )
    for n in (2, 3):  # two crawls: it stays accepted
        run = _run(base, conf, tmp_path / f"r{n}")
        rows = [
            r
            for r in _rows(run, "findings.csv")
            if r["url"] == target["url"] and r["code"] == target["code"]
        ]
        assert [r["decision"] for r in rows if r["evidence"] == target["evidence"]] == ["accept[1]"]
        drop = (1, 0) if target["severity"] == "error" else (0, 1)
        assert _page_counts(run, target["url"]) == (errors - drop[0], warnings - drop[1])
    # the sentence changes: the finding reopens
    page = _page_file(www, base, target["url"])
    old = target["evidence"]
    page.write_text(
        page.read_text("utf-8").replace(old, old.replace(" ", "  ", 1) + " Also"), "utf-8"
    )
    last = _run(base, conf, tmp_path / "r4")
    reopened = [
        r
        for r in _rows(last, "findings.csv")
        if r["url"] == target["url"] and r["code"] == target["code"]
    ]
    assert reopened and all(r["decision"] == "" for r in reopened)


def _page_file(www: Path, base: str, url: str) -> Path:
    path = url[len(base) :].strip("/")
    return www / path / "index.html" if path else www / "index.html"


def _html(www: Path, base: str, url: str) -> str:
    page = _page_file(www, base, url)
    return page.read_text("utf-8") if page.is_file() else ""
