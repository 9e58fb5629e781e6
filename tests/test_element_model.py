"""The learned sentence scores that settle the element verdicts the patterns leave open."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from content_audit import elements
from content_audit.config import AuditConfig, load_config
from content_audit.element_model import (
    EARLY_WORDS,
    MIN_WORDS,
    NEEDS_SUBJECT,
    SUBJECT_EARLY,
    SUBJECT_TOKEN,
    ElementModel,
    ElementWeights,
    load_model,
    model_from_dict,
    sentence_features,
)
from content_audit.elements import SUBJECT_MARK, find_elements
from content_audit.model import ELEMENT_NAMES, Page, Section


@pytest.fixture(scope="module")
def config() -> AuditConfig:
    return load_config()


def _page(title: str, *sentences: str) -> Page:
    return Page(url=None, title=title, h1=(title,), sections=(Section("", 2, sentences),))


def _model(
    name: str,
    weights: dict[str, float],
    *,
    found_at: float | None = 0.5,
    unclear_at: float | None = 0.5,
    missing_below: float | None = None,
) -> ElementModel:
    """A model that knows one element: a score of about 1 for a sentence with a listed word,
    about 0 for any other."""
    return ElementModel(
        elements={name: ElementWeights(-8.0, weights, found_at, unclear_at, missing_below)},
        trained={},
    )


def _verdict(monkeypatch, config: AuditConfig, model: ElementModel, page: Page, name: str):
    monkeypatch.setattr(elements, "load_model", lambda: model)
    return {r.name: r for r in find_elements(page, config)}[name]


# --- features ---------------------------------------------------------------------------


def test_features_are_words_pairs_and_the_subject_as_one_token() -> None:
    marked = f"A {SUBJECT_MARK} is a gentle, hands-on treatment for sore necks."
    feats = sentence_features(marked, SUBJECT_MARK, lead=True)
    assert feats is not None
    assert {SUBJECT_TOKEN, "gentle", "hands-on", f"a_{SUBJECT_TOKEN}", "sore_necks"} <= feats
    assert "@lead" in feats and SUBJECT_EARLY in feats
    assert SUBJECT_MARK not in feats and "A" not in feats


def test_a_subject_named_late_is_not_early() -> None:
    words = " ".join(["word"] * EARLY_WORDS)
    feats = sentence_features(f"{words} then {SUBJECT_MARK} came.", SUBJECT_MARK, lead=False)
    assert feats is not None and SUBJECT_TOKEN in feats
    assert SUBJECT_EARLY not in feats and "@lead" not in feats


def test_a_line_too_short_to_state_anything_is_never_scored() -> None:
    short = " ".join(["word"] * (MIN_WORDS - 1))
    assert sentence_features(short, SUBJECT_MARK, lead=True) is None
    assert sentence_features(short + " more", SUBJECT_MARK, lead=True) is not None


# --- the packaged model -----------------------------------------------------------------


def test_the_packaged_model_knows_every_element_and_its_thresholds_are_scores() -> None:
    model = load_model()
    assert set(model.elements) == set(ELEMENT_NAMES)
    for weights in model.elements.values():
        thresholds = (weights.found_at, weights.unclear_at, weights.missing_below)
        for threshold in thresholds:
            assert threshold is None or 0.0 < threshold < 1.0
        if all(threshold is None for threshold in thresholds):
            assert not weights.weights  # nothing to settle: nothing shipped
        if weights.missing_below is not None:
            # A weak candidate is dropped only where no sentence comes near the element.
            assert weights.missing_below < min(
                t for t in (weights.found_at, weights.unclear_at, 1.0) if t is not None
            )
        assert all(math.isfinite(w) for w in weights.weights.values())
    assert int(model.trained["sites"]) >= 1000  # type: ignore[call-overload]
    # Some element is settled by it, or the module would be dead weight.
    assert any(w.found_at is not None for w in model.elements.values())


def test_model_from_dict_reads_the_training_layout() -> None:
    model = model_from_dict(
        {
            "trained": {"passages": 3},
            "elements": {
                "uses": {"bias": -1, "found_at": 0.6, "unclear_at": None, "weights": {"a": 2}},
                "mechanism": {
                    "bias": 0,
                    "found_at": None,
                    "unclear_at": 0.5,
                    "missing_below": 0.3,
                    "weights": {},
                },
            },
        }
    )
    uses = model.elements["uses"]
    assert (uses.bias, uses.found_at, uses.unclear_at, uses.missing_below, uses.weights) == (
        -1.0,
        0.6,
        None,
        None,  # a file written before missing_below reads as "never"
        {"a": 2.0},
    )
    assert uses.score(frozenset({"a"})) == pytest.approx(1 / (1 + math.exp(-1)))
    assert uses.score(frozenset()) == pytest.approx(1 / (1 + math.e))
    assert (uses.threshold("unclear"), uses.threshold("missing"), uses.threshold("found")) == (
        0.6,
        None,
        None,
    )
    # An unclear verdict may fall below missing_below before it could rise to found_at.
    mechanism = model.elements["mechanism"]
    assert (mechanism.threshold("unclear"), mechanism.threshold("missing")) == (0.3, 0.5)


# --- how verdicts are settled -----------------------------------------------------------

CANDIDATE = "The splint is meant to keep the wrist straight at night."
"""A sentence the uses patterns call a candidate only (``unclear``) on a splint page."""


def test_an_unclear_verdict_is_found_on_a_high_scoring_sentence(monkeypatch, config) -> None:
    page = _page(
        "Wrist Splints", CANDIDATE, "Splints help office workers with aching wrists daily."
    )
    model = _model("uses", {"office": 20.0})
    alone = _verdict(monkeypatch, replace(config, element_scores=False), model, page, "uses")
    assert alone.status == "unclear" and alone.evidence == CANDIDATE
    settled = _verdict(monkeypatch, config, model, page, "uses")
    assert settled.status == "found" and settled.present
    assert settled.evidence == "Splints help office workers with aching wrists daily."
    assert settled.via == "text" and 0.99 <= settled.confidence <= 1.0


def test_a_low_score_leaves_the_verdict_open(monkeypatch, config) -> None:
    page = _page(
        "Wrist Splints", CANDIDATE, "Splints help office workers with aching wrists daily."
    )
    settled = _verdict(monkeypatch, config, _model("uses", {"zebra": 20.0}), page, "uses")
    assert settled.status == "unclear" and settled.evidence == CANDIDATE


def test_a_missing_verdict_becomes_unclear_and_quotes_its_candidate(monkeypatch, config) -> None:
    page = _page("Scoliosis", "Our office opens at nine every weekday morning.")
    model = _model("mechanism", {"office": 20.0})
    settled = _verdict(monkeypatch, config, model, page, "mechanism")
    assert settled.status == "unclear" and not settled.present
    assert settled.evidence == "Our office opens at nine every weekday morning."
    no_unclear = _model("mechanism", {"office": 20.0}, unclear_at=None)
    assert _verdict(monkeypatch, config, no_unclear, page, "mechanism").status == "missing"


def test_a_found_verdict_is_never_taken_back(monkeypatch, config) -> None:
    sentence = "If you're dealing with heel pain, give us a call."
    page = _page("Heel Pain", sentence, "Zebra zebra zebra zebra zebra zebra zebra.")
    settled = _verdict(monkeypatch, config, _model("consult", {"zebra": 20.0}), page, "consult")
    assert settled.status == "found" and settled.evidence == sentence


def test_what_the_element_rejects_is_never_the_evidence(monkeypatch, config) -> None:
    """A question is no statement of what care is for, however it scores."""
    question = "Could splints help office workers with aching wrists at night?"
    page = _page("Wrist Splints", CANDIDATE, question)
    settled = _verdict(monkeypatch, config, _model("uses", {"office": 20.0}), page, "uses")
    assert settled.status == "unclear" and settled.evidence == CANDIDATE


def test_a_definition_must_open_on_its_subject(monkeypatch, config) -> None:
    assert "definition" in NEEDS_SUBJECT
    late = "Family and friends can be a big help, and scoliosis is common."
    early = "Scoliosis is a sideways curve of the spine seen in growing children."
    model = _model("definition", {"family": 20.0, "sideways": 10.0})
    settled = _verdict(monkeypatch, config, model, _page("Scoliosis", late), "definition")
    assert settled.status == "unclear" and settled.confidence == 0.4  # the patterns' candidate
    settled = _verdict(monkeypatch, config, model, _page("Scoliosis", late, early), "definition")
    assert settled.status == "found" and settled.evidence == early


def test_an_element_without_thresholds_is_left_to_the_patterns(monkeypatch, config) -> None:
    page = _page(
        "Wrist Splints", CANDIDATE, "Splints help office workers with aching wrists daily."
    )
    model = _model("uses", {"office": 20.0}, found_at=None, unclear_at=None)
    assert _verdict(monkeypatch, config, model, page, "uses").status == "unclear"


WEAK_ONLY = "Our clinic stays open late because many patients work during the day."
"""A sentence the mechanism patterns read only as a weak candidate (a "because")."""


def test_a_weak_candidate_no_sentence_backs_becomes_missing(monkeypatch, config) -> None:
    """The weak forms ("works ... on", "because", "by ...ing") touch most pages; where no
    sentence scores like a mechanism at all, the warning would only hide the pages that
    lack one."""
    page = _page("Knee Braces", WEAK_ONLY, "Knee braces come in many sizes and colours.")
    model = _model("mechanism", {"zebra": 20.0}, found_at=None, missing_below=0.3)
    alone = _verdict(monkeypatch, replace(config, element_scores=False), model, page, "mechanism")
    assert alone.status == "unclear" and alone.evidence == WEAK_ONLY
    settled = _verdict(monkeypatch, config, model, page, "mechanism")
    assert settled.status == "missing" and settled.evidence is None and not settled.present


def test_a_weak_candidate_a_sentence_backs_stays_unclear(monkeypatch, config) -> None:
    page = _page("Knee Braces", WEAK_ONLY, "Knee braces come in many sizes and colours.")
    # The scores read the sizes sentence as somewhat like a mechanism: above missing_below,
    # below found_at, so the patterns' candidate stands.
    model = ElementModel(
        elements={"mechanism": ElementWeights(-8.0, {"sizes": 8.0}, 0.9, 0.5, 0.3)}, trained={}
    )
    settled = _verdict(monkeypatch, config, model, page, "mechanism")
    assert settled.status == "unclear" and settled.evidence == WEAK_ONLY
    # Without missing_below nothing is demoted, however low the scores.
    no_demotion = _model("mechanism", {"zebra": 20.0}, found_at=None)
    assert _verdict(monkeypatch, config, no_demotion, page, "mechanism").status == "unclear"


def test_a_vetoed_sentence_does_not_back_a_weak_candidate(monkeypatch, config) -> None:
    """A question scoring high is no evidence the element is there: the candidate goes."""
    question = "Do knee braces work by holding the zebra joint in place?"
    page = _page("Knee Braces", WEAK_ONLY, question)
    model = _model("mechanism", {"zebra": 20.0}, found_at=None, missing_below=0.3)
    assert _verdict(monkeypatch, config, model, page, "mechanism").status == "missing"


def test_the_configuration_key_turns_the_scores_off() -> None:
    assert load_config().element_scores is True
    assert load_config(overrides={"element_scores": False}).element_scores is False
