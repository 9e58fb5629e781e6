"""Maintainers' decisions: accepted findings and element overrides, from a TOML file.

A maintainer who has read a finding and decided it is fine (a long sentence that must stay,
a "consult" prompt the detector misses) writes it down once, in ``audit-decisions.toml``
next to the configuration (``[decisions] file``), and every later run honours it: the CLI,
``check``, the flow and a deployment all load the same file with the configuration::

    [[accept]]
    url = "https://clinic.example/blog/*"     # a URL or an fnmatch glob
    code = "grade_over_target"
    evidence = "The exact sentence it was about."   # optional: binds it to that sentence
    reason = "Medical terms the reader needs."
    until = 2027-06-30                              # optional expiry date

    [[override]]
    url = "https://clinic.example/blog/knee-pain/"
    element = "consult"
    verdict = "found"
    reason = "The booking widget asks the reader to call."

An accepted finding is still reported (findings.csv ``decision`` column) but counts for
nothing: not in pages.csv ``errors``/``warnings``, the score or the alerts.  A decision bound
to an evidence sentence lapses when the sentence changes (the finding reopens), and one
whose ``until`` date has passed no longer applies.  An override replaces the detector's
verdict for that element, so the score moves with it.

Pure: parsing takes the text and the file name (for error messages); matching takes the
reference date from the caller, like the review-age check.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import date
from fnmatch import fnmatchcase
from typing import Any

from .errors import ConfigError
from .model import ELEMENT_NAMES, ELEMENT_STATUSES, ElementResult, Finding

ACCEPT = "accept"
OVERRIDE = "override"
_ACCEPT_KEYS = frozenset({"url", "code", "evidence", "reason", "until"})
_OVERRIDE_KEYS = frozenset({"url", "element", "verdict", "reason", "until"})


@dataclass(frozen=True, slots=True)
class Decision:
    """One ``[[accept]]`` or ``[[override]]`` entry; ``key`` names it (``accept[2]``)."""

    kind: str
    index: int
    url: str
    reason: str
    code: str = ""
    evidence: str | None = None
    element: str = ""
    verdict: str = ""
    until: date | None = None

    @property
    def key(self) -> str:
        """How reports and findings.csv name the entry: ``accept[1]``, ``override[3]``."""
        return f"{self.kind}[{self.index}]"

    def covers(self, url: str | None) -> bool:
        """The entry's URL, or glob, matches ``url``."""
        if not url:
            return False
        return self.url == url or fnmatchcase(url, self.url)

    def active(self, today: date | None) -> bool:
        """In force on ``today`` (the ``until`` day included); without a date, always."""
        return self.until is None or today is None or today <= self.until


def _normal(text: str | None) -> str:
    return " ".join((text or "").split())


def parse_decisions(text: str, source: str = "audit-decisions.toml") -> tuple[Decision, ...]:
    """Parse and validate a decisions file; a ``ConfigError`` names the file and the entry."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {source}: {exc}") from None
    unknown = set(data) - {ACCEPT, OVERRIDE}
    if unknown:
        raise ConfigError(
            f"{source}: unknown table {sorted(unknown)[0]} (use [[accept]] or [[override]])"
        )
    out: list[Decision] = []
    for kind, keys in ((ACCEPT, _ACCEPT_KEYS), (OVERRIDE, _OVERRIDE_KEYS)):
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise ConfigError(f"{source}: {kind} must be an array of tables ([[{kind}]])")
        for index, entry in enumerate(entries, start=1):
            out.append(_entry(kind, index, entry, keys, source))
    return tuple(out)


def _entry(kind: str, index: int, entry: Any, keys: frozenset[str], source: str) -> Decision:
    where = f"{source}: {kind}[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a table")
    extra = set(entry) - keys
    if extra:
        raise ConfigError(f"{where}: unknown key {sorted(extra)[0]}")

    def text(key: str, required: bool = True) -> str:
        value = entry.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string")
        if required and not value.strip():
            raise ConfigError(f"{where}: {key} is required")
        return value.strip()

    until = entry.get("until")
    if until is not None and (not isinstance(until, date) or hasattr(until, "hour")):
        raise ConfigError(f"{where}: until must be a date (until = 2027-06-30)")
    url, reason = text("url"), text("reason")
    if kind == ACCEPT:
        evidence = entry.get("evidence")
        if evidence is not None and not isinstance(evidence, str):
            raise ConfigError(f"{where}: evidence must be a string")
        return Decision(
            ACCEPT, index, url, reason, code=text("code"), evidence=evidence, until=until
        )
    element, verdict = text("element"), text("verdict")
    if element not in ELEMENT_NAMES:
        raise ConfigError(f"{where}: element must be one of {', '.join(ELEMENT_NAMES)}")
    if verdict not in ELEMENT_STATUSES:
        raise ConfigError(f"{where}: verdict must be one of {', '.join(ELEMENT_STATUSES)}")
    return Decision(OVERRIDE, index, url, reason, element=element, verdict=verdict, until=until)


def match_finding(
    decisions: tuple[Decision, ...], finding: Finding, url: str | None, today: date | None
) -> Decision | None:
    """The first active ``accept`` entry for this finding on ``url``, if any.

    An entry with ``evidence`` matches only while the finding's evidence is that sentence
    (whitespace aside): edit the sentence and the finding reopens.
    """
    page = finding.url or url
    for d in decisions:
        if d.kind != ACCEPT or d.code != finding.code or not d.covers(page):
            continue
        if not d.active(today):
            continue
        if d.evidence is not None and _normal(d.evidence) != _normal(finding.evidence):
            continue
        return d
    return None


def accept_findings(
    decisions: tuple[Decision, ...],
    findings: tuple[Finding, ...],
    url: str | None,
    today: date | None,
) -> tuple[Finding, ...]:
    """The findings with ``decision`` set to the key of the entry that accepts each."""
    if not decisions:
        return findings
    out = []
    for f in findings:
        d = match_finding(decisions, f, url, today)
        out.append(replace(f, decision=d.key) if d is not None else f)
    return tuple(out)


def override_elements(
    decisions: tuple[Decision, ...],
    elements: tuple[ElementResult, ...],
    url: str | None,
    today: date | None,
) -> tuple[ElementResult, ...]:
    """The element verdicts with the active overrides for ``url`` applied (first wins)."""
    verdicts: dict[str, Decision] = {}
    for d in decisions:
        if d.kind == OVERRIDE and d.covers(url) and d.active(today):
            verdicts.setdefault(d.element, d)
    if not verdicts:
        return elements
    out = []
    for e in elements:
        chosen = verdicts.get(e.name)
        if chosen is None or chosen.verdict == e.status:
            out.append(e)
        else:
            out.append(
                replace(
                    e,
                    status=chosen.verdict,
                    present=chosen.verdict == "found",
                    evidence=f"{chosen.key}: {chosen.reason}",
                    via="decision",
                )
            )
    return tuple(out)


def unmatched(
    decisions: tuple[Decision, ...], used_keys: set[str], urls: set[str], today: date | None
) -> tuple[Decision, ...]:
    """Entries that did nothing in a run: an accept no finding used, an override whose URL
    matched no audited page, or an expired entry (candidates for cleaning up)."""

    def idle(d: Decision) -> bool:
        if not d.active(today):
            return True
        if d.kind == ACCEPT:
            return d.key not in used_keys
        return not any(d.covers(u) for u in urls)

    return tuple(d for d in decisions if idle(d))


_TOML_CONTROLS = {code: f"\\u{code:04x}" for code in range(ord(" "))}
"""Each control character (below ``" "``) as its TOML escape, for ``str.translate``."""


def _toml_string(value: str) -> str:
    """``value`` as a TOML basic string.  ``translate`` escapes the control characters in
    one C-level pass: the report makes one such string per finding field (~55 a page), and
    a per-character generator cost a quarter of a millisecond a page."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').translate(_TOML_CONTROLS)
    return f'"{escaped}"'


def decision_toml(url: str, code: str, evidence: str | None = None, reason: str = "") -> str:
    """The ``[[accept]]`` entry that accepts this finding (shown with a copy button)."""
    lines = ["[[accept]]", f"url = {_toml_string(url)}", f"code = {_toml_string(code)}"]
    if evidence:
        lines.append(f"evidence = {_toml_string(evidence)}")
    lines.append(f"reason = {_toml_string(reason or 'TODO: why this is fine')}")
    return "\n".join(lines) + "\n"
