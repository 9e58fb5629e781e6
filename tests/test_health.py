"""health.py and the trust signals of extract/trust.py: authors, reviewers, dates, evidence."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from content_audit.audit import audit_page
from content_audit.cli import cli
from content_audit.config import load_config
from content_audit.extract import extract_page
from content_audit.health import (
    check_trust,
    find_claims,
    is_reference_link,
    last_review,
    parse_date,
)
from content_audit.model import Kind, Link, Page, Section
from content_audit.sentences import split_sentences

from .conftest import need_shared

FIXTURES = Path(__file__).parent / "fixtures" / "health"
URL = "https://clinic.example/blog/prolotherapy/"
TRUST_CODES = {
    "author_missing",
    "author_credentials_missing",
    "reviewer_missing",
    "date_missing",
    "review_overdue",
    "references_missing",
    "disclaimer_missing",
    "contact_missing",
    "claim_unbacked",
    "risks_missing",
    "alternatives_missing",
}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def corpus(name: str) -> str:
    return need_shared(f"corpus/real/{name}").read_text(encoding="utf-8")


def trust_codes(page: Page, today: date | None = None, **health: object) -> set[str]:
    config = load_config()
    if health:
        config = replace(config, health=replace(config.health, **health))
    found = check_trust(page, Kind.ARTICLE, config, today)
    assert all(f.url == page.url for f in found)
    return {f.code for f in found}


def article(*paragraphs: str, links: tuple[Link, ...] = (), **kwargs: object) -> Page:
    return Page(url=URL, sections=(Section("Prolotherapy", 1, paragraphs),), links=links, **kwargs)


# --- extraction of the signals ------------------------------------------------------


def test_trusted_fixture_signals_come_from_jsonld_byline_and_footer() -> None:
    page = extract_page(fixture("trusted_article.html"), URL)
    assert [(p.name, p.credentials) for p in page.authors] == [("Dr. Sam Lee", ("Dr.", "DC"))]
    assert [(p.name, p.credentials) for p in page.reviewers] == [("Jane Roe", ("MD",))]
    assert page.date_reviewed == "2021-03-02"
    assert "not a substitute for professional medical advice" in (page.disclaimer or "")
    assert "link: https://clinic.example/contact/" in page.contacts


def test_visible_byline_reviewer_and_dates_without_jsonld() -> None:
    html = """<html><body><main><article><h1>Dry needling</h1>
    <p class="byline">By <span>Ann Park, PT, DPT</span> &middot; 2025-12-03</p>
    <p>Medically reviewed by Omar Diaz, MD</p>
    <span>Last updated: January 5, 2025</span>
    <p>Dry needling uses thin needles in tight muscle.</p></article></main></body></html>"""
    page = extract_page(html, URL)
    assert [(p.name, p.credentials, p.source) for p in page.authors] == [
        ("Ann Park", ("PT", "DPT"), "byline")
    ]
    assert [(p.name, p.credentials) for p in page.reviewers] == [("Omar Diaz", ("MD",))]
    assert page.date_updated_text == "January 5, 2025"
    assert page.disclaimer is None and page.contacts == ()


def test_real_pages_bylines_disclaimers_contacts() -> None:
    dry = extract_page(corpus("ef-what-is-dry-needling.html"), "https://www.empowerfitnesspt.com/x")
    assert dry.authors[0].name == "Dr. Ezra Miller"
    assert {"PT", "DPT"} <= set(dry.authors[0].credentials)
    seniors = extract_page(corpus("hp-strength-training-seniors.html"), "https://h.example/x")
    assert seniors.authors[0].name == "Dr. Paul Helms"
    assert "Sports Chiropractor" in seniors.authors[0].credentials
    assert seniors.date_updated_text == "July 2026"
    heel = extract_page(corpus("gl-heel-pain.html"), "https://g.example/x")
    assert "Dr.TCM" in heel.authors[0].credentials
    podiatry = extract_page(corpus("ap-meet-dr-cedeno.html"), "https://a.example/x")
    assert "educational purposes only" in (podiatry.disclaimer or "")
    chiro = extract_page(corpus("am-chiropractic.html"), "https://m.example/x")
    assert chiro.authors == () and chiro.disclaimer is None
    acu = extract_page(corpus("aw-acupuncture.html"), "https://w.example/x")
    assert any(c.startswith("tel:") for c in acu.contacts)


def test_disclaimer_inside_a_script_does_not_count() -> None:
    html = (
        "<html><body><p>Knee pain text here.</p><script>var t = 'This is not a substitute "
        "for professional medical advice';</script></body></html>"
    )
    assert extract_page(html, URL).disclaimer is None


# --- the checks -----------------------------------------------------------------------


def test_trusted_fixture_passes_every_trust_check_but_the_review_age() -> None:
    audit = audit_page(fixture("trusted_article.html"), URL, today=date(2024, 6, 1))
    codes = {f.code for f in audit.findings} & TRUST_CODES
    assert codes == {"review_overdue"}
    overdue = next(f for f in audit.findings if f.code == "review_overdue")
    assert "2021-03-02" in overdue.message and "38 months" in overdue.message
    recent = audit_page(fixture("trusted_article.html"), URL, today=date(2022, 6, 1))
    assert not {f.code for f in recent.findings} & TRUST_CODES


def test_untrusted_fixture_fails_every_trust_check() -> None:
    audit = audit_page(fixture("untrusted_article.html"), URL, today=date(2024, 6, 1))
    codes = {f.code for f in audit.findings}
    expected = TRUST_CODES - {"author_credentials_missing", "review_overdue"}
    assert expected <= codes
    claim = next(f for f in audit.findings if f.code == "claim_unbacked")
    assert "cures knee pain permanently" in (claim.evidence or "")


def test_age_check_is_skipped_without_a_reference_date() -> None:
    page = article("Text.", date_reviewed="2019-01-01")
    assert "review_overdue" not in trust_codes(page, today=None)
    assert "review_overdue" in trust_codes(page, today=date(2024, 1, 1))
    assert "review_overdue" not in trust_codes(
        page, today=date(2024, 1, 1), review_max_age_months=72
    )
    assert "date_missing" in trust_codes(article("Text."))


def test_last_review_takes_the_latest_date() -> None:
    page = article("x", date_published="2018-02-01", date_modified="2023-05-04T10:00:00+00:00")
    assert last_review(page) == ("last updated", date(2023, 5, 4))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-03-01T12:00:00Z", date(2024, 3, 1)),
        ("3/14/2024", date(2024, 3, 14)),
        ("March 14, 2024", date(2024, 3, 14)),
        ("14 March 2024", date(2024, 3, 14)),
        ("July 2026", date(2026, 7, 1)),
        ("Sept. 2, 2023", date(2023, 9, 2)),
        ("soon", None),
        ("2024-13-40", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_author_without_credentials() -> None:
    from content_audit.model import Person

    page = article("Text.", authors=(Person("Clinic Team", (), "meta"),))
    codes = trust_codes(page)
    assert "author_credentials_missing" in codes and "author_missing" not in codes


def test_references_by_link_heading_or_citation() -> None:
    assert "references_missing" in trust_codes(article("Plain text with no sources."))
    pubmed = Link("https://pubmed.ncbi.nlm.nih.gov/1/", "a trial", False, "content")
    assert "references_missing" not in trust_codes(article("See a trial.", links=(pubmed,)))
    chrome = replace(pubmed, zone="chrome")
    assert "references_missing" in trust_codes(article("See a trial.", links=(chrome,)))
    cited = article("Pain fell by half (Smith et al., 2019).")
    assert "references_missing" not in trust_codes(cited)
    headed = Page(
        url=URL, sections=(Section("Intro", 2, ("Text.",)), Section("References", 2, ("A book.",)))
    )
    assert "references_missing" not in trust_codes(headed)


@pytest.mark.parametrize(
    "href", ["https://doi.org/10.1/x", "https://www.cdc.gov/arthritis", "https://www.nhs.uk/a"]
)
def test_reference_hosts(href: str) -> None:
    assert is_reference_link(href)


def test_non_reference_hosts() -> None:
    assert not is_reference_link("https://www.facebook.com/clinic")
    assert not is_reference_link("https://govtrack.example.com/")


def test_claims_negated_or_backed_are_not_flagged() -> None:
    assert find_claims("Our treatment cures back pain for good.") == ["cures"]
    assert find_claims("Results are 100% effective and guaranteed.") == [
        "100% effective",
        "guaranteed",
    ]
    assert find_claims("There is no cure for arthritis.") == []
    assert find_claims("We cannot guarantee results.") == []
    pubmed = Link("https://pubmed.ncbi.nlm.nih.gov/1/", "this trial", False, "content")
    backed = article(
        "Prolotherapy cures tendon pain. Read this trial for details.", links=(pubmed,)
    )
    assert "claim_unbacked" not in trust_codes(backed)
    marked = article("Prolotherapy cures tendon pain [1].")
    assert "claim_unbacked" not in trust_codes(marked)
    far = article(
        "Prolotherapy cures tendon pain.",
        "Plain.",
        "Still plain.",
        "Read this trial.",
        links=(pubmed,),
    )
    assert "claim_unbacked" in trust_codes(far)


def test_balance_risks_and_alternatives() -> None:
    plain = article("Prolotherapy helps knees heal.")
    assert {"risks_missing", "alternatives_missing"} <= trust_codes(plain)
    balanced = article(
        "Side effects include soreness.", "Other treatments include exercise and bracing."
    )
    assert not {"risks_missing", "alternatives_missing"} & trust_codes(balanced)


def test_only_articles_and_switches() -> None:
    page = article("Text.")
    config = load_config()
    assert check_trust(page, Kind.LISTING, config) == ()
    assert check_trust(page, Kind.OTHER, config) == ()
    assert trust_codes(page, trust=False) == set()
    off = replace(config, disabled_checks=("author_missing",))
    assert "author_missing" not in {f.code for f in check_trust(page, Kind.ARTICLE, off)}


def test_split_sentences_keeps_abbreviations() -> None:
    text = "Dr. Lee sees patients, e.g. runners. It helps! Does it hurt? No."
    assert split_sentences(text) == [
        "Dr. Lee sees patients, e.g. runners.",
        "It helps!",
        "Does it hurt?",
        "No.",
    ]


def test_check_json_output_carries_health_findings(tmp_path: Path) -> None:
    target = tmp_path / "untrusted.html"
    target.write_text(fixture("untrusted_article.html"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(target), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.output)
    by_code = {f["code"]: f for f in document["findings"]}
    assert {"author_missing", "claim_unbacked", "disclaimer_missing", "jargon_unexplained"} <= set(
        by_code
    )
    assert "cures knee pain" in by_code["claim_unbacked"]["evidence"]
    assert by_code["author_missing"]["severity"] == "warning"
    trusted = tmp_path / "trusted.html"
    trusted.write_text(fixture("trusted_article.html"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(trusted), "--format", "json"])
    codes = {f["code"] for f in json.loads(result.output)["findings"]}
    # The CLI passes today's date: the 2021 review is overdue whenever this runs after 2023.
    assert "review_overdue" in codes
    assert not codes & (TRUST_CODES - {"review_overdue"})
