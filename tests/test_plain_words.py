"""Plainer words (``data/plain_words.tsv``, ``[plain_words]``) and the jargon check's glosses."""

from __future__ import annotations

from dataclasses import replace

import pytest

from content_audit.config import ConfigError, load_config
from content_audit.model import Kind, Page, Readability, Section
from content_audit.plain import (
    check_plain,
    load_medical_terms,
    load_plain_words,
    plain_alternative,
    unexplained_terms,
)

URL = "https://clinic.example/blog/knee/"
SOURCES = {"plainlanguage.gov", "CDC Everyday Words", "written here"}


def page_of(*paragraphs: str) -> Page:
    return Page(url=URL, sections=(Section("Knee", 2, paragraphs),))


def terms(*paragraphs: str) -> list[str]:
    return [t for t, _ in unexplained_terms(page_of(*paragraphs))]


def test_lexicon_names_a_source_for_every_pair() -> None:
    words = load_plain_words()
    assert words["musculoskeletal"] == ("muscles and bones", "written here")
    assert words["utilize"] == ("use", "plainlanguage.gov")
    assert words["approximately"] == ("about", "plainlanguage.gov")
    assert words["inflammation"][0] == "swelling and redness"
    assert {source for _, source in words.values()} <= SOURCES
    # Most shipped medical terms have a lay alternative.
    medical = load_medical_terms()
    covered = sum(1 for t in medical if plain_alternative(t) is not None)
    assert covered / len(medical) >= 0.7


def test_plural_and_user_pairs() -> None:
    assert plain_alternative("Trigger  Points") == ("tight knot in a muscle", "written here")
    assert plain_alternative("corticosteroids")[0].startswith("steroid")
    mine = (("prolotherapy", "sugar-water shots"),)
    assert plain_alternative("prolotherapy", mine) == ("sugar-water shots", "your configuration")
    assert plain_alternative("zzzzitis") is None


def test_finding_carries_the_plainer_word(tmp_path) -> None:
    page = page_of("Musculoskeletal pain is common, and dextrose is used in the shots.")
    config = load_config()
    found = check_plain(page, Kind.ARTICLE, Readability(), config)
    (jargon,) = [f for f in found if f.code == "jargon_unexplained"]
    assert "musculoskeletal (say: muscles and bones)" in jargon.message
    assert "dextrose (say: a kind of sugar)" in jargon.message
    toml = tmp_path / "audit.toml"
    toml.write_text('[plain_words]\n"Dextrose" = "sugar water"\n', encoding="utf-8")
    config = load_config(toml)
    assert config.plain_words == (("dextrose", "sugar water"),)
    found = check_plain(page, Kind.ARTICLE, Readability(), config)
    (jargon,) = [f for f in found if f.code == "jargon_unexplained"]
    assert "dextrose (say: sugar water)" in jargon.message


@pytest.mark.parametrize("body", ["[plain_words]\nx = 3\n", 'plain_words = "x"\n'])
def test_plain_words_config_is_checked(tmp_path, body: str) -> None:
    toml = tmp_path / "audit.toml"
    toml.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match="plain_words"):
        load_config(toml)


@pytest.mark.parametrize(
    "text",
    [
        "Press on a tight band of muscle, called a trigger point, for a minute.",
        "Osteoarthritis — gradual wear of the joint — makes knees stiff.",
        "It begins with Gingivitis- inflammation of gums.",
        "Release endorphins—the body's own painkillers.",
        "Corticosteroids: to reduce swelling in severe cases.",
        "Bone density loss — osteopenia makes bones weak.",
        "The menisci (plural for meniscus) cushion the knee.",
        "It replaces the femoral component (thigh bone) of the joint.",
        "Our maxillary sinus which is a hollow space sits above the teeth.",
        "Take an anti-inflammatory tablet.",
        "Home›Conditions›Sciatica",
        "Visit Abbotsford Periodontist & Dental Implants today.",
    ],
)
def test_explained_or_not_a_use(text: str) -> None:
    assert terms(text) == [], text


def test_still_flagged() -> None:
    assert terms("Runners often get tendinopathy and bursitis.") == ["tendinopathy", "bursitis"]
    assert terms("A tight band of muscle is a trigger point.") == ["trigger point"]
    # A name does not use up the term: its next plain use is judged.
    assert terms("Abbotsford Periodontist & Dental Implants is here.", "A periodontist helps.") == [
        "periodontist"
    ]


def test_user_pairs_win_and_config_default_is_empty() -> None:
    assert load_config().plain_words == ()
    config = replace(load_config(), plain_words=(("bursitis", "a sore fluid sac"),))
    found = check_plain(page_of("Runners get bursitis."), Kind.ARTICLE, Readability(), config)
    assert any("bursitis (say: a sore fluid sac)" in f.message for f in found)
