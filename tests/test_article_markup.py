"""The article, marked up (``report/article.py``, ``_article.html``, site.js): shading,
marks and labels, and page text that is only ever text."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bs4 import BeautifulSoup

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.report.article import article_segments, article_view
from content_audit.report.details import DetailWriter, page_detail
from content_audit.report.html import RunMeta, render_page_html, render_site_report
from content_audit.serialize import audit_to_dict

from .conftest import FIXTURES

URL = "https://clinic.example/blog/prolotherapy/"
XSS_URL = "https://clinic.example/blog/xss/"
PAYLOAD = "<img src=x onerror=\"window.__xss='alt'\">"


def _doc(name: str = "seed_prolotherapy.html", url: str = URL, config=None) -> dict:
    config = config or load_config()
    html = (FIXTURES / name).read_text(encoding="utf-8")
    return audit_to_dict(audit_page(html, url, config), url, config)


def test_view_offsets_shading_terms_and_labels() -> None:
    doc = _doc()
    view = article_view(doc)
    text = view["text"]
    assert text == doc["text"]
    assert len(view["sentences"]) == len(doc["rewrite"]["sentences"])
    assert {s[2] for s in view["sentences"]} >= {0, 3} or {s[2] for s in view["sentences"]} >= {3}
    assert any(s[3] for s in view["sentences"])  # passive marked
    marked = {text[a:b].lower(): alt for a, b, alt in view["terms"]}
    assert marked["musculoskeletal"] == "muscles and bones (written here)"
    assert "dextrose" in marked
    labels = {s[4] for s in view["sentences"] if s[4]}
    assert "What it is" in labels and "How it works" in labels
    paragraphs = article_segments(view)
    rebuilt = "\n".join(
        "".join(
            "".join(p["t"] for p in item["pieces"]) if item["s"] else item["t"] for item in items
        )
        for items in paragraphs
    )
    assert rebuilt == "\n".join(line for line in text.split("\n") if line.strip())


def test_page_html_shows_the_marked_up_article() -> None:
    out = render_page_html(_doc())
    soup = BeautifulSoup(out, "lxml")
    section = soup.select_one("section.article-markup")
    assert section is not None
    term = section.select_one('abbr.term[title^="muscles and bones"]')
    assert term.get_text() == "Musculoskeletal"
    assert term.find_next_sibling("span", class_="alt-print").get_text() == (
        " [muscles and bones (written here)]"
    )
    assert section.select("span.s.passive") and section.select("span.s.d3")
    assert [m.get_text() for m in section.select("p.art mark.el-label")][:1] == ["What it is"]
    assert "rewrite first (#1)" in " ".join(s.get("title", "") for s in section.select("span.s"))
    assert "display: inline" in out.split(".alt-print")[-1]  # shown in print


def test_hostile_text_and_alternatives_stay_text() -> None:
    config = replace(load_config(), plain_words=(("prolotherapy", PAYLOAD),))
    config = replace(config, health=replace(config.health, plain_language=True))
    doc = _doc("xss_page.html", XSS_URL, config)
    if doc["rewrite"] is None:  # the XSS page read as a non-article: mark it up anyway
        doc = {**doc, "kind": "article"}
        doc["rewrite"] = _doc(config=config)["rewrite"]
        doc["text"] = _doc()["text"]
    doc["text"] = doc["text"].replace("Prolotherapy", "</p><script>window.__xss=1</script>", 1)
    out = render_page_html(doc)
    soup = BeautifulSoup(out, "lxml")
    assert not soup.find_all("script") and not soup.find_all("img")
    assert not [tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)]
    section = soup.select_one("section.article-markup")
    assert section is not None
    assert "<script>" in section.get_text() or "window.__xss" in section.get_text()


def test_report_detail_embeds_the_view(tmp_path: Path) -> None:
    doc = _doc()
    detail = page_detail(doc)
    assert detail["article"]["text"] == doc["text"]
    run = tmp_path / "run"
    config = load_config()
    with DetailWriter(run) as writer:
        for name, url in (("seed_prolotherapy.html", URL), ("xss_page.html", XSS_URL)):
            html = (FIXTURES / name).read_text(encoding="utf-8")
            writer.write(audit_page(html, url, config), url)
    report = render_site_report(run, RunMeta(site="demo"))
    text = Path(report).read_text(encoding="utf-8")
    assert "articlePanel" in text  # the script that renders it with text nodes
    assert "innerHTML" not in text.split("function articlePanel")[1].split("function openDetail")[0]
    soup = BeautifulSoup(text, "lxml")
    inline = [s for s in soup.find_all("script") if not s.get("type")]
    assert all("window.__xss" not in (s.string or "") for s in inline)
