"""The accessibility panel of report.html: our findings by WCAG criterion, axe-core's beside.

Reads the run's findings from its store (the codes whose registry entry names a WCAG
criterion, and the linked documents) and, when the crawl ran ``--axe``, its ``axe.csv``.  Python
builds the rows; the partial ``_access.html`` only loops.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..checks import FINDINGS, WCAG_NAMES, wcag_url
from ..render import AXE_CSV, read_axe_csv
from .runstore import FindingRow

DOCUMENTS_SHOWN = 50
AXE_RULES_SHOWN = 30

RULE_NOTE = (
    "US HHS Section 504 rule (45 CFR 84.84, May 2024): the web content of recipients of "
    "HHS funding (Medicare, Medicaid) must meet WCAG 2.1 AA. The interim final rule of "
    "May 11, 2026 (91 FR 25496) moved the dates to May 11, 2027 for recipients with 15 or "
    "more employees and May 10, 2028 for smaller ones."
)


@dataclass(frozen=True, slots=True)
class CriterionRow:
    criterion: str
    title: str
    url: str
    codes: tuple[tuple[str, int], ...]
    findings: int
    pages: int
    axe_rules: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class AccessPanel:
    criteria: tuple[CriterionRow, ...]
    documents: tuple[tuple[str, int, bool], ...]
    """(document URL, pages linking it, its link says the type) per document."""
    documents_count: int
    axe_pages: int
    axe_rules: tuple[tuple[str, str, str, int, int, str], ...]
    """(rule, impact, criteria, pages, nodes, help URL), most pages first."""
    rule_note: str = RULE_NOTE

    @property
    def empty(self) -> bool:
        return not (self.criteria or self.documents or self.axe_pages)


def access_panel(findings: Iterable[FindingRow], out_dir: Path) -> AccessPanel:
    """The panel of one run: its findings (findings.csv rows, raw, from the run's store)
    and the run folder's ``axe.csv``."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    pages: dict[str, set[str]] = defaultdict(set)
    documents: dict[str, set[str]] = defaultdict(set)
    unlabelled: set[str] = set()
    for url, code, _severity, _message, evidence, _decision in findings:
        spec = FINDINGS.get(code)
        if spec is None:
            continue
        if code in ("document_linked", "document_link_unlabelled"):
            documents[evidence or ""].add(url)
            if code == "document_link_unlabelled":
                unlabelled.add(evidence or "")
        if spec.wcag:
            counts[spec.wcag][code] += 1
            pages[spec.wcag].add(url)
    axe = read_axe_csv(out_dir / AXE_CSV)
    axe_by_rule: dict[str, list[dict[str, str]]] = defaultdict(list)
    axe_criteria: dict[str, Counter[str]] = defaultdict(Counter)
    for row in axe:
        axe_by_rule[row["rule"]].append(row)
        for criterion in filter(None, row.get("wcag", "").split(",")):
            axe_criteria[criterion][row["rule"]] += 1
    criteria = []
    for criterion in sorted(set(counts) | set(axe_criteria), key=_criterion_key):
        title = WCAG_NAMES.get(criterion, ("", ""))[0]
        criteria.append(
            CriterionRow(
                criterion,
                title,
                wcag_url(criterion) or _understanding_guess(criterion),
                tuple(counts[criterion].most_common()),
                sum(counts[criterion].values()),
                len(pages[criterion]),
                tuple(axe_criteria[criterion].most_common()),
            )
        )
    docs = sorted(documents.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    rules = sorted(
        (
            (
                rule,
                rows[0].get("impact", ""),
                rows[0].get("wcag", "").replace(",", ", "),
                len({r["url"] for r in rows}),
                sum(int(r.get("nodes") or 0) for r in rows),
                rows[0].get("help_url", ""),
            )
            for rule, rows in axe_by_rule.items()
        ),
        key=lambda r: (-r[3], r[0]),
    )
    axe_pages = len({r["url"] for r in axe}) if axe else (1 if (out_dir / AXE_CSV).is_file() else 0)
    return AccessPanel(
        criteria=tuple(criteria),
        documents=tuple(
            (url, len(on), url not in unlabelled) for url, on in docs[:DOCUMENTS_SHOWN]
        ),
        documents_count=len(docs),
        axe_pages=axe_pages,
        axe_rules=tuple(rules[:AXE_RULES_SHOWN]),
    )


def _criterion_key(criterion: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in criterion.split("."))


def _understanding_guess(criterion: str) -> str:
    """Criteria only axe names: the WCAG quick reference, anchored by number."""
    return "https://www.w3.org/WAI/WCAG21/quickref/#" + criterion.replace(".", "")
