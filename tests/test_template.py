"""template.py and the site template of a site audit (pipeline.SiteTemplate).

A small clinic site is written to a folder and served on loopback: every page carries the
same booking blurb and "Why choose us" line in plain <div>s (no aside, no footer), which the
single-page extractor keeps as article text.  A site audit must learn them as the site's
template and stop finding the consult prompt in them; a CTA written for one page still counts.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.demo.server import SiteServer
from content_audit.model import Page, Section
from content_audit.run import audit_site
from content_audit.template import (
    HEADING_MARK,
    learn_template,
    line_key,
    page_lines,
    strip_chrome,
    template_id,
)

BOOK = "Call us today to book your appointment with our friendly team."
WHY = "Why choose Acme Physical Therapy? Our team has treated thousands of patients since 1998."
TREATMENTS = (
    "dry needling",
    "shockwave therapy",
    "cupping therapy",
    "kinesio taping",
    "laser therapy",
    "spinal decompression",
    "prolotherapy",
    "ultrasound therapy",
    "manual therapy",
    "traction therapy",
)
OWN_CTA = "shockwave therapy"
"""The one page with a consult prompt of its own."""


def article(name: str) -> str:
    title = name.title()
    own = (
        f"<p>If {name} sounds right for your heel pain, call our Bethesda office to schedule "
        f"a {name} visit with Dr. Lee.</p>"
        if name == OWN_CTA
        else ""
    )
    return f"""<!doctype html><html lang="en"><head><title>{title}: what it is and how it helps
</title></head><body><div class="top"><a href="/">Home</a></div><div class="content">
<h1>{title}</h1>
<h2>What is {title}?</h2>
<p>{title} is a treatment that a trained clinician uses to ease muscle pain and stiffness.</p>
<h2>What is {title} used for?</h2>
<p>{title} is used for back pain, neck pain, tendon problems and sports injuries.</p>
<h2>How does {title} work?</h2>
<p>{title} works by increasing blood flow to the tissue, which helps it heal.</p>
{own}
<div class="band"><div>{WHY}</div></div>
<div class="band"><div>{BOOK}</div></div>
</div></body></html>"""


def slug(name: str) -> str:
    return name.replace(" ", "-")


def write_site(root: Path) -> None:
    links = "".join(f'<li><a href="/{slug(n)}/">{n.title()}</a></li>' for n in TREATMENTS)
    (root / "index.html").write_text(
        f"<!doctype html><html><head><title>Acme Physical Therapy</title></head><body>"
        f"<h1>Acme Physical Therapy</h1><ul>{links}</ul><div>{WHY}</div><div>{BOOK}</div>"
        f"</body></html>",
        encoding="utf-8",
    )
    for name in TREATMENTS:
        folder = root / slug(name)
        folder.mkdir()
        (folder / "index.html").write_text(article(name), encoding="utf-8")


@dataclass(frozen=True)
class Served:
    base_url: str


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("clinic")
    write_site(root)
    server = SiteServer(root)
    server.start()
    try:
        yield Served(server.base_url)
    finally:
        server.stop()


def pages_csv(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "pages.csv", encoding="utf-8", newline="") as handle:
        return {row["url"]: row for row in csv.DictReader(handle)}


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the core


def test_line_key_ignores_case_punctuation_and_spacing() -> None:
    assert line_key("Call us TODAY!  to book…") == line_key("call us today to book")
    assert line_key("  ") == ""


def test_learn_template_needs_the_share_and_the_minimum_pages() -> None:
    common, rare = "book now", "only here"
    pages = [frozenset({common, f"page {i}"}) for i in range(6)]
    pages += [frozenset({rare}), frozenset({rare, common})]
    assert learn_template(pages, 0.4, 5) == {common}  # 7 of 8 pages
    assert learn_template(pages[:4], 0.4, 5) == frozenset()  # 4 pages: too few to tell
    assert learn_template(pages[:4], 0.4, 0) == {common}
    assert learn_template(pages, 0.0, 5) == frozenset()  # 0 turns it off
    assert learn_template(pages, 0.9, 5) == frozenset()  # 7/8 is under 90%
    assert learn_template([frozenset({common})], 0.4, 0) == frozenset()  # one page never


def test_strip_chrome_keeps_page_text_and_page_specific_headings() -> None:
    page = Page(
        url=None,
        sections=(
            Section("What is cupping?", 2, ("Cupping is suction on the skin.", BOOK)),
            Section("Why choose us", 2, (WHY,)),
            Section("Symptoms", 2, ()),
            Section("Contact", 2, (BOOK,)),
        ),
    )
    chrome = frozenset({line_key(BOOK), line_key(WHY), HEADING_MARK + line_key("Why choose us")})
    stripped = strip_chrome(page, chrome)
    assert [(s.heading, s.paragraphs) for s in stripped.sections] == [
        ("What is cupping?", ("Cupping is suction on the skin.",)),
        ("Symptoms", ()),  # had no text: untouched
        ("Contact", ()),  # its heading is the page's own
    ]
    assert strip_chrome(page, frozenset({"no such line"})) is page
    assert line_key(BOOK) in page_lines(page) and "# symptoms" in page_lines(page)
    short = Page(url=None, sections=(Section("", 0, ("Book An Appointment", BOOK)),))
    assert page_lines(short) == {line_key(BOOK)}  # a 3-word button is a label, never learnt
    assert template_id(frozenset()) == "" and template_id(chrome) == template_id(set(chrome))


def test_audit_page_drops_site_chrome_only_when_given() -> None:
    html = article("cupping therapy")
    alone = {e.name: e for e in audit_page(html, "http://clinic.test/cupping-therapy/").elements}
    assert alone["consult"].present and alone["consult"].evidence == BOOK
    chrome = frozenset({line_key(BOOK), line_key(WHY)})
    audit = audit_page(html, "http://clinic.test/cupping-therapy/", site_chrome=chrome)
    elements = {e.name: e for e in audit.elements}
    assert not elements["consult"].present
    assert elements["definition"].present and elements["mechanism"].present
    assert BOOK not in audit.page.text and WHY not in audit.page.text
    assert audit.readability.words < audit_page(html).readability.words


# --------------------------------------------------------------------------- site audits


def test_a_site_audit_learns_the_template_and_check_does_not(
    clinic: Served, tmp_path: Path
) -> None:
    base = clinic.base_url
    off = audit_site(
        base + "/",
        load_config(config_file(tmp_path, "[site]\ntemplate_share = 0\n")),
        tmp_path / "off",
        workers=0,
    )
    on = audit_site(base + "/", load_config(), tmp_path / "on", workers=1)
    assert off.audited == on.audited == len(TREATMENTS) + 1
    before, after = pages_csv(tmp_path / "off"), pages_csv(tmp_path / "on")
    for name in TREATMENTS:
        url = f"{base}/{slug(name)}/"
        assert before[url]["consult"] == "true"
        assert after[url]["consult"] == ("true" if name == OWN_CTA else "false"), url
        assert after[url]["definition"] == after[url]["mechanism"] == "true"
        assert int(after[url]["words"]) < int(before[url]["words"])


def test_the_template_is_learnt_from_the_sample_and_applied_to_later_batches(
    clinic: Served, tmp_path: Path
) -> None:
    """Sample of 6 pages in batches of 2: learnt mid-crawl, later batches go to the workers
    with it, pages audited before it are audited again; the result is the same."""
    base = clinic.base_url
    whole = audit_site(base + "/", load_config(), tmp_path / "whole", workers=1)
    small = config_file(
        tmp_path,
        "[crawl]\nbatch_size = 2\nmax_batch_size = 2\n[site]\ntemplate_sample_pages = 6\n",
    )
    part = audit_site(base + "/", load_config(small), tmp_path / "part", workers=1)
    assert part.audited == whole.audited
    drop = ("errors", "warnings")  # cross-page checks may differ with the batch sizes
    rows = {
        u: {k: v for k, v in r.items() if k not in drop}
        for u, r in pages_csv(tmp_path / "part").items()
    }
    want = {
        u: {k: v for k, v in r.items() if k not in drop}
        for u, r in pages_csv(tmp_path / "whole").items()
    }
    assert rows == want


def test_a_resumed_run_learns_the_same_template(
    clinic: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that dies after its template was learnt resumes to the same reports."""
    from content_audit.report import runstore

    small = config_file(
        tmp_path,
        "[crawl]\nbatch_size = 2\nmax_batch_size = 2\n[site]\ntemplate_sample_pages = 6\n",
    )
    base = clinic.base_url
    clean = audit_site(base + "/", load_config(small), tmp_path / "clean", workers=0)
    original = runstore.RunStore.add_fetch
    calls = {"n": 0}

    def failing(self, result, audit=None, doc=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 9:  # after the sample's rows: some batches journaled with it
            raise OSError("disk full")
        return original(self, result, audit, doc)

    monkeypatch.setattr(runstore.RunStore, "add_fetch", failing)
    out = tmp_path / "resumed"
    with pytest.raises(OSError, match="disk full"):
        audit_site(base + "/", load_config(small), out, workers=0)
    monkeypatch.setattr(runstore.RunStore, "add_fetch", original)
    with sqlite3.connect(out / ".crawl-state.sqlite") as conn:
        journaled = conn.execute("SELECT count(*) FROM audits").fetchone()[0]
    assert journaled > 6  # the sample, audited without the template, and pages audited with it
    resumed = audit_site(base + "/", load_config(small), out, workers=0)
    assert resumed.audited == clean.audited
    for name in ("pages.csv", "findings.csv", "inventory.csv"):
        text = (out / name).read_text(encoding="utf-8")
        want = (tmp_path / "clean" / name).read_text(encoding="utf-8")
        if name == "inventory.csv":  # elapsed_s differs
            text, want = _drop_column(text, "elapsed_s"), _drop_column(want, "elapsed_s")
        assert text == want, name
    assert pages_csv(out)[f"{base}/cupping-therapy/"]["consult"] == "false"


def _drop_column(text: str, column: str) -> list[dict[str, str]]:
    rows = list(csv.DictReader(text.splitlines()))
    return [{k: v for k, v in row.items() if k != column} for row in rows]


def test_template_keys_are_checked() -> None:
    from content_audit.errors import ConfigError

    config = load_config()
    assert (config.site.template_share, config.site.template_min_pages) == (0.4, 5)
    assert config.site.template_sample_pages == 200
    with pytest.raises(ConfigError, match="template_share"):
        load_config(overrides={"site.template_share": 1.5})
    with pytest.raises(ConfigError, match="template_sample_pages"):
        load_config(overrides={"site.template_sample_pages": 0})
