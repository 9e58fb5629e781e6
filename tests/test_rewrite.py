"""The sentences to rewrite first (``rewrite.py``): exact marginal effects, the N to rewrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.readability import count_sentence, measure_readability
from content_audit.rewrite import fk_grade, plan_rewrite
from content_audit.serialize import audit_to_dict

from .conftest import CORPUS, FIXTURES

CONFIG = load_config()
# A 16-word sentence of plain words near the target's syllables per word.
FILLER = "We use a thin needle to put a mild sugar solution into the painful joint area."


def _audit(path: Path):
    return audit_page(path.read_text(encoding="utf-8"), None, CONFIG)


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _grade(text: str) -> float:
    return measure_readability(text, medical=True).flesch_kincaid_grade


def test_seed_ranking_offsets_and_totals() -> None:
    audit = _audit(FIXTURES / "seed_prolotherapy.html")
    plan = plan_rewrite(audit, CONFIG)
    assert plan is not None
    assert plan.grade == pytest.approx(audit.readability.flesch_kincaid_grade, abs=0.01)
    # Per-sentence counts add up to the page's: the marginal effects are exact.
    assert sum(s.words for s in plan.sentences) == audit.readability.words
    assert sum(s.syllables for s in plan.sentences) == audit.readability.syllables
    assert sum(s.counted for s in plan.sentences) == audit.readability.sentences
    gains = [s.gain for s in plan.sentences]
    assert gains == sorted(gains, reverse=True)
    for s in plan.sentences:
        assert audit.page.text[s.start : s.end] == s.text
    top = plan.sentences[0]
    assert top.reasons[0] == f"{top.words} words"
    assert any("unexplained: musculoskeletal" in r for s in plan.sentences for r in s.reasons)


def test_seed_marginal_effect_is_exact() -> None:
    audit = _audit(FIXTURES / "seed_prolotherapy.html")
    plan = plan_rewrite(audit, CONFIG)
    words, syllables, _, _ = count_sentence(FILLER, medical=True)
    for s in plan.sentences[:3]:
        measured = _grade(_replace(audit.page.text, [(s.start, s.end, FILLER)]))
        assert measured == pytest.approx(plan.grade_if([(s, words, syllables)]), abs=0.01)


# Plain versions of the seed's top-ranked sentences, written by hand.
PLAIN = {
    "Medical professionals apply": (
        "Doctors use it for many joint and muscle problems, especially loose or injured ligaments."
    ),
    "Among the available options": (
        "One option is a treatment without surgery, called prolotherapy, that helps your body heal."
    ),
    "Musculoskeletal pain is a": (
        "Pain in the muscles and bones is common. It can come from injury or overuse."
    ),
    "The solutions used in": (
        "The solution often contains a kind of sugar water. "
        "It irritates the area but does no damage."
    ),
    "Prolotherapy is an injection-based": (
        "Prolotherapy is a series of injections for long-lasting joint and muscle pain."
    ),
}


def test_seed_plain_rewrite_moves_grade_as_estimated() -> None:
    audit = _audit(FIXTURES / "seed_prolotherapy.html")
    plan = plan_rewrite(audit, CONFIG)
    top = [s for s in plan.sentences[:8] if any(s.text.startswith(k) for k in PLAIN)]
    assert len(top) >= 4
    spans, replaced = [], []
    for s in top:
        new = next(v for k, v in PLAIN.items() if s.text.startswith(k))
        spans.append((s.start, s.end, new))
        replaced.append((s, s.rewrite_words, s.rewrite_syllables))
    measured = _grade(_replace(audit.page.text, spans))
    estimated = plan.grade_if(replaced)
    assert measured < plan.grade - 1.0  # the grade falls...
    assert measured == pytest.approx(estimated, abs=0.5)  # ...as estimated


def _check_needed(path: Path) -> None:
    audit = _audit(path)
    plan = plan_rewrite(audit, CONFIG)
    assert plan is not None and plan.needed
    words, syllables, _, _ = count_sentence(FILLER, medical=True)
    # The filler reads close to the target itself, so it stands for "a sentence at target".
    assert abs(fk_grade(words, 1, syllables) - CONFIG.grade_target) < 1.0
    at = [(s, s.rewrite_words, s.rewrite_syllables) for s in plan.sentences]
    n = plan.needed
    # N is the smallest prefix of the ranking reaching the target...
    assert plan.grade_if(at[:n]) <= CONFIG.grade_target < plan.grade_if(at[: n - 1])
    # ...and the page text rewritten that way measures there (within the filler's distance).
    text = _replace(audit.page.text, [(s.start, s.end, FILLER) for s, _, _ in at[:n]])
    measured = _grade(text)
    expect = plan.grade_if([(s, words, syllables) for s, _, _ in at[:n]])
    assert measured == pytest.approx(expect, abs=0.05)
    assert measured <= CONFIG.grade_target + 0.5


def test_seed_needed_is_right() -> None:
    _check_needed(FIXTURES / "seed_prolotherapy.html")


# Without ../shared this is skipped with the reason (a failure in CI, which has it).
@pytest.mark.needs_shared(
    "corpus/real/ef-what-is-dry-needling.html", "corpus/real/bp-osteoporosis.html"
)
@pytest.mark.parametrize("name", ["ef-what-is-dry-needling.html", "bp-osteoporosis.html"])
def test_corpus_needed_is_right(name: str) -> None:
    _check_needed(CORPUS / "real" / name)


def test_json_rewrite_object() -> None:
    audit = _audit(FIXTURES / "seed_prolotherapy.html")
    doc = audit_to_dict(audit, "seed", CONFIG)
    rw = doc["rewrite"]
    assert rw["needed"] >= 1 and rw["method"] == "greedy by marginal gain"
    first = rw["sentences"][0]
    assert doc["text"][first["start"] : first["end"]] == first["text"]
    assert first["in_plan"] and first["rank"] == 1
    assert {"gain", "grade_if_rewritten", "reasons", "passive", "unexplained"} <= set(first)


def test_no_plan_for_a_listing() -> None:
    html = "<html><body><h1>Blog</h1>" + "".join(
        f'<article><h2><a href="/p{i}/">Post {i}</a></h2><p>Short teaser {i}.</p></article>'
        for i in range(8)
    )
    audit = audit_page(html + "</body></html>", "https://x.test/blog/", CONFIG)
    if audit.kind.value != "article":
        assert plan_rewrite(audit, CONFIG) is None


def test_text_keeps_no_credentials_and_offsets_hold() -> None:
    from content_audit.serialize import mask_userinfo

    assert mask_userinfo("go to http://clinic:s3cret@host/x, a@b.c") == (
        "go to http://*************@host/x, a@b.c"
    )
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    html = html.replace(
        "Prolotherapy is an injection-based",
        "See https://clinic:s3cret@example.com/a for more. Prolotherapy is an injection-based",
        1,
    )
    doc = audit_to_dict(audit_page(html, None, CONFIG), "x", CONFIG)
    assert "s3cret" not in doc["text"] + str(doc["rewrite"])
    for s in doc["rewrite"]["sentences"]:
        assert doc["text"][s["start"] : s["end"]] == s["text"]
