"""``audit_page``: the one entry to the core, HTML in, PageAudit out.

Pure: no I/O, no logging, no Prefect; not even the clock: the review-age check needs a
reference date, which callers pass as ``today`` (the shells pass ``date.today()``); when
it is ``None`` that one check is skipped, so an audit is a function of its inputs.  The
crawl workers, the Prefect flow and ``content-audit check`` all call this function, so a
page is judged the same way wherever it is audited.  Extraction runs once; every scorer
reads the same Page.

In a site audit ``site_chrome`` holds the lines of the site's template (``template.py``):
they are taken out of the article text right after extraction, before anything is measured.
``audit_extracted`` is the same audit from an extracted Page, so a page audited before the
template was known is audited again without parsing its HTML again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .checks import STRUCTURE_CODES, check_page
from .classify import classify_page
from .config import AuditConfig, load_config
from .decisions import accept_findings, override_elements
from .elements import find_elements
from .extract import extract_page
from .health import check_trust
from .model import ELEMENT_NAMES, ElementResult, Finding, Kind, Page, PageAudit, Readability
from .plain import check_plain
from .readability import measure_readability, measure_sections
from .sentences import PageText
from .template import strip_chrome

# Reading grade at which the readability share of the score reaches zero, above the target.
GRADE_ZERO_MARGIN = 6.0
# Points of the structure share lost per structure finding.
STRUCTURE_PENALTY = 0.25
# Share of an element's points an ``unclear`` element earns (``found`` earns all of them):
# the candidate may well say it, but an editor has yet to confirm.
UNCLEAR_SHARE = 0.5
ELEMENT_SHARE = {"found": 1.0, "unclear": UNCLEAR_SHARE, "missing": 0.0}
"""The share of an element's weight each verdict earns (README: "Score")."""


def audit_page(
    html: str,
    url: str | None = None,
    config: AuditConfig | None = None,
    today: date | None = None,
    site_chrome: frozenset[str] = frozenset(),
    *,
    elements: tuple[ElementResult, ...] | None = None,
) -> PageAudit:
    """Audit one HTML document: extract, classify, measure, find elements, check, score.

    ``today`` is the reference date of the review-age check (skipped when ``None``);
    ``site_chrome`` the site's template lines to drop from the article text (none for one
    page).  ``elements``, when given, are the element verdicts to judge the page by instead
    of the detector's (one per name of ``ELEMENT_NAMES``): the seam that lets a caller, a
    test or an editor's override, carry any verdict (``unclear`` too) through findings and
    score.
    """
    config = config if config is not None else load_config()
    return audit_extracted(
        extract_page(html, url), url, config, today, site_chrome, elements=elements
    )


def audit_extracted(
    page: Page,
    url: str | None,
    config: AuditConfig,
    today: date | None = None,
    site_chrome: frozenset[str] = frozenset(),
    *,
    elements: tuple[ElementResult, ...] | None = None,
) -> PageAudit:
    """``audit_page`` from the Page ``extract_page`` made of the document (unfiltered)."""
    page = strip_chrome(page, site_chrome)
    kind = classify_page(page)
    medical = config.health.medical_syllables
    readability = measure_readability(page.text, medical=medical)
    if config.health.plain_language and kind is Kind.ARTICLE:
        sections = measure_sections(page.sections, medical=medical)
        readability = replace(readability, sections=sections, medical_syllables=medical)
    else:
        readability = replace(readability, medical_syllables=medical)
    # Split into sentences once, for every scorer that reads sentences.
    text = PageText.of(page)
    if elements is None:
        elements = find_elements(page, config, text)
        elements = override_elements(config.decisions.entries, elements, url, today)
    elif sorted(e.name for e in elements) != sorted(ELEMENT_NAMES):
        raise ValueError(f"elements must give one result per element of {ELEMENT_NAMES}")
    findings = check_page(page, kind, readability, elements, config)
    findings += check_trust(page, kind, config, today, text)
    findings += check_plain(page, kind, readability, config, text)
    findings = accept_findings(config.decisions.entries, findings, url, today)
    score = score_page(kind, elements, readability, findings, config)
    return PageAudit(
        url=url,
        page=page,
        kind=kind,
        readability=readability,
        elements=elements,
        findings=findings,
        score=score,
    )


DRAFT_TEMPLATE_CODES = frozenset({"title_missing", "lang_missing", "contact_missing"})
"""Findings only the site's template can fix: a Markdown draft's ``<title>``, ``<html
lang>`` and contact details come from the template, not from the draft."""


def audit_as_draft(audit: PageAudit, config: AuditConfig) -> PageAudit:
    """The audit of a Markdown draft: without the findings only the template can fix
    (``DRAFT_TEMPLATE_CODES``), and scored without them."""
    findings = tuple(f for f in audit.findings if f.code not in DRAFT_TEMPLATE_CODES)
    if len(findings) == len(audit.findings):
        return audit
    score = score_page(audit.kind, audit.elements, audit.readability, findings, config)
    return replace(audit, findings=findings, score=score)


def score_page(
    kind: Kind,
    elements: tuple[ElementResult, ...],
    readability: Readability,
    findings: tuple[Finding, ...],
    config: AuditConfig,
) -> int:
    """The 0-100 page score, by the weights in ``config.weights`` (README: "Score").

    - each required element: its full weight when ``found``, ``UNCLEAR_SHARE`` (half) of
      it when ``unclear``, nothing when ``missing`` (articles only);
    - readability: full weight at or under the grade target, falling linearly to zero at
      target + 6 grades; a page with no text gets zero;
    - structure: full weight, less a quarter of it per structure finding (H1, title, meta
      description, heading levels, image alt), not below zero; a finding the maintainers
      accepted (``decisions.py``) costs nothing.
    Elements are only demanded of articles: for listings and other pages the score is the
    readability and structure shares scaled to 100.
    """
    weights = config.weights
    if readability.words == 0:
        read_share = 0.0
    else:
        over = max(0.0, readability.flesch_kincaid_grade - config.grade_target)
        read_share = max(0.0, 1.0 - over / GRADE_ZERO_MARGIN)
    structure_hits = sum(1 for f in findings if f.code in STRUCTURE_CODES and f.decision is None)
    structure_share = max(0.0, 1.0 - STRUCTURE_PENALTY * structure_hits)
    points = weights.readability * read_share + weights.structure * structure_share
    if kind is Kind.ARTICLE:
        points += sum(getattr(weights, e.name, 0) * ELEMENT_SHARE[e.status] for e in elements)
        total = 100.0
    else:
        total = float(weights.readability + weights.structure) or 1.0
    return max(0, min(100, round(points * 100.0 / total)))
