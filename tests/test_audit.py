"""Tests of audit.py: the score's element shares and the ``elements`` seam of audit_page."""

from __future__ import annotations

from datetime import date

import pytest

from content_audit.audit import UNCLEAR_SHARE, audit_page, score_page
from content_audit.config import load_config
from content_audit.model import Kind, Readability, Severity

from .conftest import FIXTURES
from .tristate import CANDIDATE, verdicts

URL = "https://clinic.example/prolotherapy/"
EASY = Readability(flesch_kincaid_grade=6.0, words=400, sentences=40)


def _html() -> str:
    return (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")


def test_unclear_element_earns_half_its_points() -> None:
    config = load_config()
    weight = config.weights.uses
    full = score_page(Kind.ARTICLE, verdicts(), EASY, (), config)
    half = score_page(Kind.ARTICLE, verdicts(uses="unclear"), EASY, (), config)
    none = score_page(Kind.ARTICLE, verdicts(uses="missing"), EASY, (), config)
    assert UNCLEAR_SHARE == 0.5
    assert full == 100
    assert full - half == round(weight * UNCLEAR_SHARE)
    assert full - none == weight


def test_elements_do_not_count_for_other_kinds() -> None:
    config = load_config()
    for kind in (Kind.LISTING, Kind.OTHER):
        scores = {
            score_page(kind, verdicts(**dict.fromkeys(("uses", "consult"), s)), EASY, (), config)
            for s in ("found", "unclear", "missing")
        }
        assert len(scores) == 1


def test_audit_page_takes_element_verdicts_through_findings_and_score() -> None:
    """The seam: unclear verdicts become warnings quoting the candidate, not errors."""
    today = date(2026, 11, 25)
    plain = audit_page(_html(), URL, today=today)
    assert plain.kind is Kind.ARTICLE
    given = verdicts(definition="unclear", consult="missing")
    audit = audit_page(_html(), URL, today=today, elements=given)
    assert audit.elements == given
    by_code = {f.code: f for f in audit.findings}
    unclear = by_code["unclear_definition"]
    assert unclear.severity is Severity.WARNING
    assert unclear.evidence == CANDIDATE
    assert unclear.url == URL
    assert "definition" in unclear.message and '"Next steps"' in unclear.message
    assert "confidence 0.40" in unclear.message
    assert "missing_definition" not in by_code
    assert by_code["missing_consult"].severity is Severity.ERROR
    assert not {"unclear_uses", "unclear_mechanism", "unclear_consult"} & set(by_code)
    all_found = audit_page(_html(), URL, today=today, elements=verdicts())
    weights = load_config().weights
    lost = weights.definition * UNCLEAR_SHARE + weights.consult
    assert all_found.score - audit.score == pytest.approx(lost, abs=1)


def test_given_elements_must_name_each_element_once() -> None:
    with pytest.raises(ValueError, match="one result per element"):
        audit_page(_html(), URL, elements=verdicts()[:3])
