"""Element verdicts for the tests of the three verdicts (issue #13): found, unclear, missing.

The detector does not return ``unclear`` yet, so the tests build the results by hand and
carry them through ``audit_page(..., elements=...)`` or straight into the writers.
"""

from __future__ import annotations

from dataclasses import replace

from content_audit.model import ELEMENT_NAMES, ElementResult, PageAudit

CANDIDATE = 'Many of our patients ask whether <it> "helps" & how.'
"""An unclear element's candidate sentence, with characters every output must escape."""


def unclear(
    name: str, confidence: float = 0.4, heading: str | None = "Next steps"
) -> ElementResult:
    return ElementResult(
        name, False, heading, CANDIDATE, "heading", status="unclear", confidence=confidence
    )


def found(name: str) -> ElementResult:
    return ElementResult(name, True, "Heading", f"The {name} sentence.", "heading", confidence=0.9)


def missing(name: str) -> ElementResult:
    return ElementResult(name, False, confidence=0.05)


def verdicts(**status: str) -> tuple[ElementResult, ...]:
    """One result per element: ``found`` unless named, e.g. ``verdicts(uses="unclear")``."""
    make = {"found": found, "unclear": unclear, "missing": missing}
    return tuple(make[status.get(name, "found")](name) for name in ELEMENT_NAMES)


def with_verdicts(audit: PageAudit, **status: str) -> PageAudit:
    """``audit`` with its element results replaced (findings and score untouched)."""
    return replace(audit, elements=verdicts(**status))
