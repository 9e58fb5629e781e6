"""A finding code's registry entry (``FindingSpec``): its severity, scope and meaning.

A leaf module, so both halves of the one registry can declare entries without importing
each other: ``checks.py`` (page checks, and ``FINDINGS``, the registry itself) and each
cross-page check module (``sitechecks/``), whose entries ``checks.FINDINGS`` lists in its
place.  ``FindingSpec.make`` builds a ``Finding`` with the registry's severity, so a check
module needs nothing but its own specs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Finding, Severity

ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True, slots=True)
class FindingSpec:
    """A finding code, its severity and what it means, for the README table and reports."""

    code: str
    severity: Severity
    scope: str
    description: str
    wcag: str = ""
    """The WCAG 2.1 success criterion the finding is about ("2.4.4"), or "" if none."""

    def make(
        self,
        message: str,
        evidence: str | None = None,
        url: str | None = None,
        target: str | None = None,
    ) -> Finding:
        """A finding of this code with the registry's severity; ``target`` is the other URL
        a cross-page finding is about (a teaser's href, the duplicate page)."""
        return Finding(self.code, self.severity, message, evidence, url, target)
