"""The terminal scorecard: the three element verdicts, drawn distinctly; page text as typed."""

from __future__ import annotations

import io
from datetime import date

from rich.console import Console

from content_audit.audit import audit_page
from content_audit.config import load_config
from content_audit.scorecard import print_scorecard

from .conftest import FIXTURES
from .tristate import CANDIDATE, verdicts


def _render(**status: str) -> str:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    audit = audit_page(
        html, "https://clinic.example/p/", today=date(2026, 11, 25), elements=verdicts(**status)
    )
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False, soft_wrap=False, color_system=None)
    print_scorecard(audit, "page.html", load_config(), console)
    return out.getvalue()


def _element_row(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if label in line)


def test_scorecard_shows_found_unclear_and_missing_apart() -> None:
    text = _render(uses="unclear", consult="missing")
    assert "yes" in _element_row(text, "Definition (what it is)")
    uses = _element_row(text, "Uses (what it treats")
    assert "? unclear (0.40)" in uses and "check this candidate" in uses
    assert "no" in _element_row(text, "Consult prompt").split("│")[2]
    assert f"“{CANDIDATE}”" in text  # quoted as typed: markup-like text is not interpreted
    assert "unclear_uses" in text and "missing_consult" in text
