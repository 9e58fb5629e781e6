"""Markdown drafts read like the page they become: front matter into <head>, template findings
not raised on a draft."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from content_audit.cli import cli
from content_audit.target import parse_front_matter, render_markdown

BODY = """
Prolotherapy is a treatment for long-lasting joint pain. It is a series of shots of a mild
sugar solution into a sore ligament or tendon. Doctors use it for knee, back and shoulder
pain, and for loose ligaments after an injury. The shot irritates the spot a little. This
starts the body's own healing, and new tissue grows stronger over a few weeks.

## What is it used for?

Prolotherapy is used for knee pain, low back pain, tennis elbow and loose ankle ligaments.
Many people try it when rest, ice and exercise have not helped enough. It is not a cure for
every kind of pain, and it does not suit everyone.

## How does it work?

The mild sugar solution makes the tissue react as if it were hurt again. Blood brings
healing cells to the spot. Over several weeks they lay down new fibres, so the ligament gets
thicker and the joint feels more stable. Most people need three to six visits.

## When should you see a doctor?

Talk to your doctor before you try it, and see a doctor right away if a joint is hot, red
or very swollen. Risks include pain after the shot, bruising and, rarely, infection.
"""

YAML_DRAFT = (
    "---\n"
    'title: "Prolotherapy: what it is and who it helps"\n'
    "description: A plain guide to prolotherapy, the sugar-water shots that help injured\n"
    "  ligaments and tendons heal, who they help, the risks, and when to see a doctor.\n"
    "date: 2025-03-02\n"
    "author: Dr. Jane Roe, DO\n"
    "layout: post\n"
    "---\n" + BODY
)
TOML_DRAFT = (
    "+++\n"
    'title = "Prolotherapy: what it is and who it helps"\n'
    'description = "A plain guide to prolotherapy, the sugar-water shots that help injured '
    'ligaments and tendons heal, who they help, the risks, and when to see a doctor."\n'
    "date = 2025-03-02\n"
    'author = "Dr. Jane Roe, DO"\n'
    "+++\n" + BODY
)
TEMPLATE_OR_HEAD = {
    "title_missing",
    "lang_missing",
    "meta_description_missing",
    "author_missing",
    "date_missing",
}


def _check_json(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "draft.md"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


@pytest.mark.parametrize("text", [YAML_DRAFT, TOML_DRAFT], ids=["yaml", "toml"])
def test_draft_with_front_matter_has_no_head_findings(tmp_path: Path, text: str) -> None:
    doc = _check_json(tmp_path, text)
    codes = {f["code"] for f in doc["findings"]}
    assert doc["kind"] == "article", doc["kind"]
    assert not codes & TEMPLATE_OR_HEAD, codes
    assert doc["draft"] is True
    assert doc["title"] == "Prolotherapy: what it is and who it helps"
    assert doc["h1"] == ["Prolotherapy: what it is and who it helps"]
    assert doc["meta"]["description"].startswith("A plain guide to prolotherapy")
    assert doc["meta"]["date_published"] == "2025-03-02"
    assert "Article" in doc["meta"]["jsonld_types"]


def test_draft_without_front_matter_still_lacks_author_and_date(tmp_path: Path) -> None:
    doc = _check_json(tmp_path, "# Prolotherapy: what it is and who it helps\n" + BODY)
    codes = {f["code"] for f in doc["findings"]}
    assert {"author_missing", "date_missing", "meta_description_missing"} <= codes
    # ...but never what only the template can fix.
    assert not codes & {"title_missing", "lang_missing"}


def test_front_matter_values_are_escaped() -> None:
    html = render_markdown(
        '---\ntitle: "</title><script>alert(1)</script>"\nauthor: "</script><b>x"\n---\nText.\n'
    )
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.string == "</title><script>alert(1)</script>"
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert json.loads(scripts[0].string)["author"][0]["name"] == "</script><b>x"


def test_parse_front_matter_forms() -> None:
    assert parse_front_matter("no front matter")[0] == {}
    front, body = parse_front_matter("---\nTitle: A\nlang: fr\n---\nBody")
    assert front == {"title": "A", "lang": "fr"} and body == "Body"
    front, body = parse_front_matter('+++\ntitle = "B"\n+++\nBody')
    assert front == {"title": "B"} and body == "Body"
    broken = "---\ntitle: [unclosed\n---\nBody"
    assert parse_front_matter(broken) == ({}, broken)
    html = render_markdown("---\ntitle: T\nlang: fr\n---\nBonjour.")
    assert '<html lang="fr">' in html and "<h1>T</h1>" in html


def test_scorecard_says_draft_once(tmp_path: Path) -> None:
    path = tmp_path / "draft.md"
    path.write_text(YAML_DRAFT, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)], env={"COLUMNS": "200"})
    assert result.output.count("Markdown draft:") == 1
