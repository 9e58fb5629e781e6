"""Page-level findings, and the one registry of every finding code content-audit emits.

Codes are stable snake_case names: reports are diffed and filtered by them, so a code is
never renamed once released.  ``FINDINGS`` is the registry; the README's findings table is
generated from it and a test keeps the two in step.  The cross-page checks' codes are in
it too, in their place: each check module (``sitechecks/``) declares its own entries
(``SiteCheck.SPECS``), listed here through ``sitechecks.site_specs``: one table, each
entry written next to the code that emits it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .config import AuditConfig
from .model import ElementResult, Finding, Kind, Page, Readability
from .sitechecks import site_specs
from .specs import ERR, INFO, WARN
from .specs import FindingSpec as FindingSpec  # the registry's entries, defined in a leaf

_SPECS = (
    FindingSpec("missing_definition", ERR, "page", "Article does not say what its subject is."),
    FindingSpec("missing_uses", ERR, "page", "Article does not say what it is used for."),
    FindingSpec("missing_mechanism", ERR, "page", "Article does not explain how it works."),
    FindingSpec("missing_consult", ERR, "page", "Article does not prompt the reader to consult."),
    FindingSpec(
        "unclear_definition",
        WARN,
        "page",
        "Only a sentence that may say what the subject is (quoted): an editor should check it.",
    ),
    FindingSpec(
        "unclear_uses",
        WARN,
        "page",
        "Only a sentence that may say what it is used for (quoted): an editor should check it.",
    ),
    FindingSpec(
        "unclear_mechanism",
        WARN,
        "page",
        "Only a sentence that may explain how it works (quoted): an editor should check it.",
    ),
    FindingSpec(
        "unclear_consult",
        WARN,
        "page",
        "Only a sentence that may prompt the reader to consult (quoted): an editor should "
        "check it.",
    ),
    FindingSpec(
        "element_without_heading",
        INFO,
        "page",
        "A required element is only in body text (or a bold line), not under a heading.",
    ),
    FindingSpec("grade_over_target", WARN, "page", "Reading grade is above the configured target."),
    FindingSpec("thin_content", WARN, "page", "Article has fewer words than `thin_words`."),
    FindingSpec("h1_missing", ERR, "page", "Page has no H1."),
    FindingSpec("h1_multiple", WARN, "page", "Page has more than one H1."),
    FindingSpec(
        "heading_level_skipped",
        WARN,
        "page",
        "A heading in the article skips a level (e.g. H2 to H4).",
        "1.3.1",
    ),
    FindingSpec("title_missing", ERR, "page", "Page has no `<title>`."),
    FindingSpec("title_too_short", WARN, "page", "Title is shorter than `title_min_chars`."),
    FindingSpec("title_too_long", WARN, "page", "Title is longer than `title_max_chars`."),
    FindingSpec("meta_description_missing", WARN, "page", "Page has no meta description."),
    FindingSpec(
        "meta_description_too_short", WARN, "page", "Meta description is under `meta_min_chars`."
    ),
    FindingSpec(
        "meta_description_too_long", WARN, "page", "Meta description is over `meta_max_chars`."
    ),
    FindingSpec(
        "image_alt_missing",
        WARN,
        "page",
        'Images lack an alt attribute (alt="" marks a decorative image and is fine).',
        "1.1.1",
    ),
    FindingSpec(
        "lang_missing", INFO, "page", "The `<html>` element has no lang attribute.", "3.1.1"
    ),
    FindingSpec("noindex", INFO, "page", "Page asks search engines not to index it."),
    FindingSpec(
        "audit_failed",
        ERR,
        "page",
        "The page was fetched but could not be audited (please report it).",
    ),
    FindingSpec(
        "extraction_fallback",
        INFO,
        "page",
        "Extraction failed on the page (a bug: please report it); the page was read as "
        "plain text or without the failed part, so its other findings may be off.",
    ),
    FindingSpec(
        "redirect_credentials",
        WARN,
        "site",
        "A URL redirects to one with a user name or password (not followed; redacted here).",
    ),
    # The cross-page checks (sitechecks/), each module with its own entries.
    *site_specs(),
    # Trust and currency of health articles (health.py, `[health] trust`).
    FindingSpec("author_missing", WARN, "page", "Article names no author (byline, JSON-LD)."),
    FindingSpec(
        "author_credentials_missing",
        INFO,
        "page",
        "The author is named without a credential (MD, DO, DC, PT, NP, RN...).",
    ),
    FindingSpec(
        "reviewer_missing", INFO, "page", "No medical reviewer (JSON-LD `reviewedBy`, byline)."
    ),
    FindingSpec(
        "date_missing", WARN, "page", "No published, updated or last-reviewed date on the article."
    ),
    FindingSpec(
        "review_overdue",
        WARN,
        "page",
        "Last review (else update) is older than `health.review_max_age_months`.",
    ),
    FindingSpec(
        "review_drift",
        WARN,
        "history",
        "The article text changed since a previous run but its medical review date did not "
        "move (`health.drift`).",
    ),
    FindingSpec(
        "references_missing",
        INFO,
        "page",
        "No references section and no links to primary sources (PubMed, DOI, .gov, journals).",
    ),
    FindingSpec(
        "disclaimer_missing",
        INFO,
        "page",
        'No "not a substitute for professional medical advice" disclaimer on the page.',
    ),
    FindingSpec("contact_missing", INFO, "page", "No phone, email or contact link on the page."),
    FindingSpec(
        "claim_unbacked",
        WARN,
        "page",
        'Absolute claims ("cure", "guaranteed", "100% effective") with no citation near.',
    ),
    FindingSpec("risks_missing", INFO, "page", "Article never mentions risks or side effects."),
    FindingSpec(
        "alternatives_missing", INFO, "page", "Article never mentions alternatives or options."
    ),
    # Plain language (plain.py, `[health] plain_language`).
    FindingSpec(
        "long_sentences",
        WARN,
        "page",
        "Over `health.long_sentence_max_share` of sentences exceed `health.long_sentence_words`.",
    ),
    FindingSpec(
        "paragraph_too_long", WARN, "page", "Paragraphs over `health.paragraph_max_words` words."
    ),
    FindingSpec(
        "section_too_long",
        WARN,
        "page",
        "A section over `health.section_max_words` words without a subheading.",
    ),
    FindingSpec(
        "passive_voice", WARN, "page", "Over `health.passive_max_share` of sentences are passive."
    ),
    FindingSpec(
        "repeated_sentence_start",
        INFO,
        "page",
        "`health.same_start_run` or more consecutive sentences start with the same word.",
    ),
    FindingSpec(
        "jargon_unexplained",
        WARN,
        "page",
        "Medical terms not explained at first use (listed in the finding).",
    ),
    FindingSpec(
        "section_grade_over_target",
        INFO,
        "page",
        "A section reads above `grade_target` + `health.section_grade_margin`.",
    ),
    # Accessibility an editor can fix (access.py; WCAG 2.1 AA, HHS Section 504).
    FindingSpec(
        "link_text_vague",
        WARN,
        "page",
        'Link text says nothing out of context ("Read more", "Click here", "[...]", a bare '
        "URL) and no aria-label or visually hidden text names the target.",
        "2.4.4",
    ),
    FindingSpec(
        "link_text_ambiguous",
        WARN,
        "page",
        "The same link text goes to different pages.",
        "2.4.4",
    ),
    FindingSpec(
        "link_name_missing", WARN, "page", "A link has no text and no accessible name.", "2.4.4"
    ),
    FindingSpec(
        "image_alt_empty_linked",
        WARN,
        "page",
        'A linked image has alt="" and the link no other text: the link has no name.',
        "1.1.1",
    ),
    FindingSpec("image_alt_filename", WARN, "page", "An image's alt text is a file name.", "1.1.1"),
    FindingSpec(
        "image_alt_generic",
        WARN,
        "page",
        'An image\'s alt text is a generic word ("image", "photo").',
        "1.1.1",
    ),
    FindingSpec(
        "image_alt_redundant",
        INFO,
        "page",
        "An image's alt text repeats its caption or link text.",
        "1.1.1",
    ),
    FindingSpec(
        "image_alt_too_long",
        WARN,
        "page",
        "An image's alt text is longer than a paragraph (over 250 characters).",
        "1.1.1",
    ),
    FindingSpec("heading_empty", WARN, "page", "An empty heading in the article.", "1.3.1"),
    FindingSpec(
        "heading_for_style",
        WARN,
        "page",
        "A heading in the article that holds no words, or a paragraph: styling, not structure.",
        "1.3.1",
    ),
    FindingSpec(
        "document_link_unlabelled",
        WARN,
        "page",
        "A link to a PDF or office document does not say its type (and size).",
        "2.4.4",
    ),
    FindingSpec(
        "document_linked",
        INFO,
        "page",
        "A linked PDF or office document, which must be accessible too (listed for review).",
    ),
    FindingSpec(
        "lang_invalid", WARN, "page", "The `<html>` lang attribute is not a language code.", "3.1.1"
    ),
    FindingSpec(
        "lang_mismatch",
        WARN,
        "page",
        "The `<html>` lang says one language; the article reads as another.",
        "3.1.1",
    ),
    FindingSpec(
        "lang_part_unmarked",
        INFO,
        "page",
        "A passage in another language than the page's has no lang attribute (heuristic).",
        "3.1.2",
    ),
    FindingSpec(
        "video_captions_missing",
        WARN,
        "page",
        'A `<video>` has no captions track (`<track kind="captions">`).',
        "1.2.2",
    ),
    FindingSpec(
        "video_embed_check_captions",
        INFO,
        "page",
        "An embedded video (YouTube, Vimeo): check it has accurate captions.",
        "1.2.2",
    ),
    FindingSpec(
        "audio_transcript_missing",
        WARN,
        "page",
        "An `<audio>` with no transcript on or linked from the page.",
        "1.2.1",
    ),
)

FINDINGS: dict[str, FindingSpec] = {spec.code: spec for spec in _SPECS}
"""Every finding code, by code. Order is the order of the README table."""

STRUCTURE_CODES = frozenset(
    {
        "h1_missing",
        "h1_multiple",
        "heading_level_skipped",
        "title_missing",
        "title_too_short",
        "title_too_long",
        "meta_description_missing",
        "meta_description_too_short",
        "meta_description_too_long",
        "image_alt_missing",
    }
)
"""Codes that cost points of the score's ``structure`` share."""


def finding(
    code: str, message: str, evidence: str | None = None, url: str | None = None
) -> Finding:
    """Make a Finding of a registered code, with the registry's severity."""
    spec = FINDINGS[code]
    return Finding(code=code, severity=spec.severity, message=message, evidence=evidence, url=url)


def check_page(
    page: Page,
    kind: Kind,
    readability: Readability,
    elements: tuple[ElementResult, ...],
    config: AuditConfig,
) -> tuple[Finding, ...]:
    """All page-level findings, minus the codes the configuration disables."""
    found = [
        *_fallback_findings(page),
        *_element_findings(page, kind, elements),
        *_readability_findings(kind, readability, config),
        *_structure_findings(page, config),
        *_image_findings(page),
        *_access_findings(page),
    ]
    if kind is Kind.ARTICLE and page.words < config.thin_words:
        found.append(
            finding(
                "thin_content",
                f"{page_label(page)}: {page.words} words of article text "
                f"(fewer than {config.thin_words})",
            )
        )
    if not page.lang:
        found.append(finding("lang_missing", f"{page_label(page)}: <html> has no lang attribute"))
    if "noindex" in page.robots_meta.lower():
        found.append(finding("noindex", f"{page_label(page)}: robots meta says noindex"))
    return page_findings(found, page, config)


def page_findings(found: Iterable[Finding], page: Page, config: AuditConfig) -> tuple[Finding, ...]:
    """Stamp findings with the page's URL and drop the codes the configuration disables:
    the last step of every page-level checker (here, ``health``, ``plain``)."""
    return tuple(
        Finding(f.code, f.severity, f.message, f.evidence, page.url)
        for f in found
        if config.enabled(f.code)
    )


def page_label(page: Page) -> str:
    """How a message names the page: its URL, or "page" for a file or stdin."""
    return page.url or "page"


ELEMENT_MEANINGS: dict[str, str] = {
    "definition": "what it is",
    "uses": "what it is used for",
    "mechanism": "how it works",
    "consult": "a prompt to consult a clinician",
}
"""What each required element tells the reader, as finding messages name it."""

UNCLEAR_CHECKS: dict[str, str] = {
    "definition": "says what the subject is",
    "uses": "says what it is used for, and for whom",
    "mechanism": "explains how it works",
    "consult": "invites the reader to talk to a clinician",
}
"""What an editor checks of an unclear element's candidate sentence."""


def _element_findings(
    page: Page, kind: Kind, elements: tuple[ElementResult, ...]
) -> Iterator[Finding]:
    """``missing_*`` (error) for a missing element, ``unclear_*`` (warning) for an unclear
    one, quoting the candidate sentence; ``element_without_heading`` only for a found one
    (an unclear candidate is not yet the element to give a heading)."""
    if kind is not Kind.ARTICLE:
        return
    for result in elements:
        what = ELEMENT_MEANINGS.get(result.name, result.name)
        if result.status == "missing":
            yield finding(
                f"missing_{result.name}",
                f"{page_label(page)}: no {result.name} ({what}) "
                "found under a heading or in the text",
            )
        elif result.status == "unclear":
            yield finding(
                f"unclear_{result.name}",
                unclear_message(page_label(page), result),
                evidence=result.evidence or result.heading,
            )
        elif result.via in ("text", "pseudo_heading"):
            how = "a bold line" if result.via == "pseudo_heading" else "body text only"
            yield finding(
                "element_without_heading",
                f"{page_label(page)}: {result.name} is in {how}; give it a heading",
                evidence=result.evidence,
            )


def unclear_message(where: str, result: ElementResult) -> str:
    """The message of an ``unclear_*`` finding: what to check, and where the candidate is.

    The finding's evidence quotes the candidate sentence, so the editor settles it in one
    look: if the sentence says it, make it plain (and put it under a heading); if not, add
    a sentence that does.
    """
    what = ELEMENT_MEANINGS.get(result.name, result.name)
    check = UNCLEAR_CHECKS.get(result.name, f"gives the {result.name}")
    place = f' under "{result.heading}"' if result.heading else ""
    sure = f", confidence {result.confidence:.2f}" if result.confidence is not None else ""
    candidate = (
        "the quoted sentence" if result.evidence else "the section" if place else "the article"
    )
    return (
        f"{where}: {result.name} ({what}) is unclear{sure}: check whether {candidate}"
        f"{place} {check}; if it does, say it plainly, if not, add a sentence that does"
    )


def _readability_findings(
    kind: Kind, readability: Readability, config: AuditConfig
) -> Iterator[Finding]:
    if (
        kind is Kind.ARTICLE
        and readability.words
        and (readability.flesch_kincaid_grade > config.grade_target)
    ):
        yield finding(
            "grade_over_target",
            f"reading grade {readability.flesch_kincaid_grade:.1f} is over the target "
            f"{config.grade_target:g}",
            evidence=f"{readability.words} words in {readability.sentences} sentences",
        )


def _structure_findings(page: Page, config: AuditConfig) -> Iterator[Finding]:
    where = page_label(page)
    if not page.h1:
        yield finding("h1_missing", f"{where}: no H1 heading")
    elif len(page.h1) > 1:
        yield finding(
            "h1_multiple", f"{where}: {len(page.h1)} H1 headings", evidence=" | ".join(page.h1)
        )
    previous = 0
    for section in page.sections:
        if section.pseudo or section.level == 0:
            continue
        if previous and section.level > previous + 1:
            yield finding(
                "heading_level_skipped",
                f"{where}: H{previous} is followed by H{section.level}",
                evidence=section.heading,
            )
            break
        previous = section.level
    title = page.title.strip()
    if not title:
        yield finding("title_missing", f"{where}: no <title>")
    elif len(title) < config.title_min_chars:
        yield finding(
            "title_too_short", f"{where}: title has {len(title)} characters", evidence=title
        )
    elif len(title) > config.title_max_chars:
        yield finding(
            "title_too_long",
            f"{where}: title has {len(title)} characters (over {config.title_max_chars})",
            evidence=title,
        )
    meta = (page.meta_description or "").strip()
    if not meta:
        yield finding("meta_description_missing", f"{where}: no meta description")
    elif len(meta) < config.meta_min_chars:
        yield finding(
            "meta_description_too_short",
            f"{where}: meta description has {len(meta)} characters (under {config.meta_min_chars})",
            evidence=meta,
        )
    elif len(meta) > config.meta_max_chars:
        yield finding(
            "meta_description_too_long",
            f"{where}: meta description has {len(meta)} characters (over {config.meta_max_chars})",
            evidence=meta,
        )


WCAG_UNDERSTANDING = "https://www.w3.org/WAI/WCAG21/Understanding/"
"""Where each criterion's "Understanding" page lives (``WCAG_NAMES`` gives the slug)."""

WCAG_NAMES: dict[str, tuple[str, str]] = {
    "1.1.1": ("Non-text Content", "non-text-content"),
    "1.2.1": ("Audio-only and Video-only (Prerecorded)", "audio-only-and-video-only-prerecorded"),
    "1.2.2": ("Captions (Prerecorded)", "captions-prerecorded"),
    "1.3.1": ("Info and Relationships", "info-and-relationships"),
    "2.4.4": ("Link Purpose (In Context)", "link-purpose-in-context"),
    "2.4.6": ("Headings and Labels", "headings-and-labels"),
    "3.1.1": ("Language of Page", "language-of-page"),
    "3.1.2": ("Language of Parts", "language-of-parts"),
    # Criteria only axe-core's rules name (the report's panel shows them beside ours).
    "1.3.5": ("Identify Input Purpose", "identify-input-purpose"),
    "1.4.1": ("Use of Color", "use-of-color"),
    "1.4.3": ("Contrast (Minimum)", "contrast-minimum"),
    "1.4.4": ("Resize Text", "resize-text"),
    "1.4.12": ("Text Spacing", "text-spacing"),
    "2.1.1": ("Keyboard", "keyboard"),
    "2.2.1": ("Timing Adjustable", "timing-adjustable"),
    "2.4.1": ("Bypass Blocks", "bypass-blocks"),
    "2.4.2": ("Page Titled", "page-titled"),
    "2.5.3": ("Label in Name", "label-in-name"),
    "3.3.2": ("Labels or Instructions", "labels-or-instructions"),
    "4.1.1": ("Parsing", "parsing"),
    "4.1.2": ("Name, Role, Value", "name-role-value"),
}
"""Each WCAG 2.1 criterion a finding (or an axe-core rule) names: its title and its
Understanding page's slug."""


def wcag_url(criterion: str) -> str:
    """The WCAG 2.1 "Understanding" page of a criterion ("" when unknown)."""
    entry = WCAG_NAMES.get(criterion)
    return f"{WCAG_UNDERSTANDING}{entry[1]}.html" if entry else ""


def _fallback_findings(page: Page) -> Iterator[Finding]:
    """``extraction_fallback`` when an extraction pass raised: named with the pass and the
    exception's type, so an extractor bug never passes for a badly written page."""
    fallback = page.extraction_fallback
    if fallback is None:
        return
    outcome = f"; {fallback.outcome}" if fallback.outcome else ""
    yield finding(
        "extraction_fallback",
        f"{page_label(page)}: extraction failed in its {fallback.step} pass "
        f"({fallback.error}){outcome}",
        evidence=f"{fallback.error}: {fallback.detail}" if fallback.detail else fallback.error,
    )


def _access_findings(page: Page) -> Iterator[Finding]:
    where = page_label(page)
    for note in page.access:
        if note.code in FINDINGS:
            yield finding(note.code, f"{where}: {note.message}", evidence=note.evidence)


def _image_findings(page: Page) -> Iterator[Finding]:
    missing = [image.src for image in page.images if image.alt is None]
    if missing:
        more = f" (+{len(missing) - 5} more)" if len(missing) > 5 else ""
        shown = ", ".join(missing[:5]) + more
        yield finding(
            "image_alt_missing",
            f"{page_label(page)}: {len(missing)} image(s) without an alt attribute",
            evidence=shown,
        )
