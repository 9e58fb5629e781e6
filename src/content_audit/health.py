"""Trust and currency of a health article: who wrote and reviewed it, when, on what evidence.

What no SEO tool checks but readers, regulators and search engines weigh on health pages:
the JAMA benchmarks (authorship, attribution, disclosure, currency), HONcode principles
(a disclaimer that the page does not replace a clinician, a way to contact the site) and
Google's guidance for "your money or your life" pages (expert authors and reviewers,
balanced claims backed by sources).  Extraction finds the signals (``Page.authors``,
``reviewers``, dates, ``disclaimer``, ``contacts``); this module judges them.

Pure: "older than 24 months" needs today's date, which the core never reads from the
clock.  ``check_trust`` takes ``today`` as an argument and *skips* the age check when it
is ``None``, so the same page always gets the same findings for the same inputs; shells
(``content-audit check``, the crawl) pass ``date.today()``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

from .checks import finding, page_findings, page_label
from .config import AuditConfig
from .model import Finding, Kind, Page
from .sentences import PageText

__all__ = [
    "check_trust",
    "find_claims",
    "is_reference_link",
    "last_review",
    "parse_date",
]

# ---------------------------------------------------------------------------- dates

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_ISO_RE = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_US_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MDY_RE = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_DMY_RE = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MY_RE = re.compile(r"([A-Za-z]+)\.?,?\s+(\d{4})")


def parse_date(text: str | None) -> date | None:
    """A date as pages write it: ISO (with a time), 3/14/2024, March 14, 2024, 14 March
    2024, July 2026 (the first of the month).  ``None`` when it cannot be read."""
    if not text:
        return None
    text = text.strip()
    try:
        if match := _ISO_RE.match(text):
            return date(int(match[1]), int(match[2]), int(match[3] or 1))
        if match := _US_RE.fullmatch(text):
            return date(int(match[3]), int(match[1]), int(match[2]))
        if (match := _MDY_RE.fullmatch(text)) and match[1].lower() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[1].lower()], int(match[2]))
        if (match := _DMY_RE.fullmatch(text)) and match[2].lower() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
        if (match := _MY_RE.fullmatch(text)) and match[1].lower() in _MONTHS:
            return date(int(match[2]), _MONTHS[match[1].lower()], 1)
    except ValueError:
        return None
    return None


def last_review(page: Page) -> tuple[str, date] | None:
    """The most recent of the page's review, update and publication dates, with its label.

    A review is what the age check is about; an update or, failing that, the publication
    date stands in for it (a page never reviewed is as old as its last edit).
    """
    dated = [
        (label, parsed)
        for label, raw in (
            ("last reviewed", page.date_reviewed),
            ("last updated", page.date_modified),
            ("last updated", page.date_updated_text),
            ("published", page.date_published),
        )
        if (parsed := parse_date(raw)) is not None
    ]
    if not dated:
        return None
    return max(dated, key=lambda item: item[1])


def _months_between(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months


# ---------------------------------------------------------------------------- references

_REFERENCE_HOSTS = (
    "doi.org",
    "ncbi.nlm.nih.gov",
    "pubmed.gov",
    "nih.gov",
    "cdc.gov",
    "who.int",
    "nhs.uk",
    "nice.org.uk",
    "cochranelibrary.com",
    "cochrane.org",
    "nejm.org",
    "jamanetwork.com",
    "thelancet.com",
    "bmj.com",
    "nature.com",
    "sciencedirect.com",
    "springer.com",
    "wiley.com",
    "plos.org",
    "frontiersin.org",
    "mdpi.com",
    "academic.oup.com",
    "tandfonline.com",
    "sagepub.com",
    "jospt.org",
    "journals.lww.com",
    "ahajournals.org",
    "europepmc.org",
    "scholar.google.com",
    "clinicaltrials.gov",
)
_REFERENCE_HEADING_RE = re.compile(
    r"^\W*(?:references?|sources?|citations?|bibliography|works\s+cited|further\s+reading|"
    r"(?:the\s+)?research|studies|evidence|footnotes|notes\s+and\s+references)\b",
    re.I,
)
# "e(?<!\we)t" is "\bet" spelt so that every branch starts with a literal character,
# which lets the regex engine skip to candidate positions (4x faster per paragraph).
_CITATION_RE = re.compile(
    r"\[\d{1,3}(?:[,–-]\s*\d{1,3})*\]|e(?<!\we)t\s+al\.?|d(?<!\wd)oi:\s*10\.|\(\s*[A-Z][A-Za-z-]+"
    r"(?:\s+(?:et\s+al\.?|and|&)\s*(?:[A-Z][A-Za-z-]+)?)?,?\s+(?:19|20)\d{2}[a-z]?\s*\)"
)


def is_reference_link(href: str) -> bool:
    """A link to a primary or authoritative source: PubMed, DOI, .gov, journals, WHO, NHS."""
    try:
        host = (urlsplit(href).hostname or "").lower()
    except ValueError:
        return False
    if not host:
        return False
    if host.endswith((".gov", ".gov.uk", ".gov.au", ".gc.ca", ".edu")) or host == "gov":
        return True
    return any(host == h or host.endswith("." + h) for h in _REFERENCE_HOSTS)


# ---------------------------------------------------------------------------- claims

_CLAIM_RE = re.compile(
    r"\b(?:cure[sd]?|curing|guarantee[sd]?|guaranteed|100\s*%\s*(?:effective|safe|success\w*|"
    r"natural|results?)|miracle\w*|miraculous\w*|permanent(?:ly)?\s+(?:relief|cure[sd]?|fix\w*|"
    r"results?|solution|resolv\w*|eliminat\w*)|(?:completely|totally|fully)\s+(?:eliminat\w*|"
    r"cure[sd]?|eradicat\w*)|never\s+(?:come|comes|coming)\s+back|instant(?:ly)?\s+relie\w*|"
    r"no\s+side[-\s]effects|risk[-\s]free|proven\s+to\s+(?:cure|eliminate|reverse))\b",
    re.I,
)
# A claim word right after these is negated or hedged ("there is no cure", "not a cure").
_NEGATION_RE = re.compile(
    r"\b(?:no|not|never|nor|cannot|can't|can’t|won't|won’t|isn't|isn’t|aren't|aren’t|"
    r"without|neither|nothing|rarely|don't|don’t|doesn't|doesn’t|no\s+one)\b(?:\W+\w+){0,3}\W*$",
    re.I,
)


def find_claims(sentence: str) -> list[str]:
    """Absolute claims in one sentence ("cures", "guaranteed", "100% effective"), unless negated."""
    out = []
    for match in _CLAIM_RE.finditer(sentence):
        if _NEGATION_RE.search(sentence[: match.start()]):
            continue
        out.append(match.group(0))
    return out


# ---------------------------------------------------------------------------- balance

_RISK_RE = re.compile(
    r"\b(?:risks?|risky|side[-\s]effects?|complications?|adverse|contraindicat\w*|"
    r"precautions?|dangers?|dangerous|harms?|bruising|soreness|infection\s+risk|"
    r"(?:not|isn['’]t)\s+(?:suitable|recommended|appropriate|right|safe)\s+for|"
    r"who\s+should\s+(?:not|avoid)|should\s+avoid|safety|safe\s+for|is\s+it\s+safe)\b",
    re.I,
)
_ALTERNATIVE_RE = re.compile(
    r"\b(?:alternatives?|other\s+(?:treatments?|options?|therapies|approaches|methods|"
    r"procedures|choices)|treatment\s+options|options\s+(?:include|such\s+as|for|are)|"
    r"instead\s+of|rather\s+than|compared\s+(?:to|with)|versus|vs\.?|"
    r"(?:conservative|non[-\s]?surgical|surgical)\s+(?:care|treatment|options?|management)|"
    r"combined\s+with|along\s+with|as\s+well\s+as\s+(?:physical\s+therapy|medication|surgery))\b",
    re.I,
)

# ---------------------------------------------------------------------------- checks


def check_trust(
    page: Page,
    kind: Kind,
    config: AuditConfig,
    today: date | None = None,
    text: PageText | None = None,
) -> tuple[Finding, ...]:
    """Trust and currency findings for an article; none for listings and other pages.

    ``text`` is the page split into sentences (``PageText``), when the caller has it.

    ``today`` is the reference date of the review-age check, which is skipped when it is
    ``None`` (the core never reads the clock; see the module docstring).
    """
    if kind is not Kind.ARTICLE or not config.health.trust:
        return ()
    found = [
        *_authorship(page),
        *_currency(page, config, today),
        *_evidence(page, config, text if text is not None else PageText.of(page)),
    ]
    return page_findings(found, page, config)


def _people(people) -> str:
    return "; ".join(
        p.name + (f" ({', '.join(p.credentials)})" if p.credentials else "") for p in people
    )


def _authorship(page: Page) -> Iterator[Finding]:
    where = page_label(page)
    if not page.authors:
        yield finding(
            "author_missing",
            f"{where}: no author named (no byline, JSON-LD author or meta author)",
        )
    elif not any(p.credentials for p in page.authors):
        yield finding(
            "author_credentials_missing",
            f"{where}: the author is named without a credential (MD, DC, PT, RN...)",
            evidence=_people(page.authors),
        )
    if not page.reviewers:
        yield finding(
            "reviewer_missing",
            f'{where}: no medical reviewer ("Medically reviewed by", JSON-LD reviewedBy)',
        )
    if not page.disclaimer:
        yield finding(
            "disclaimer_missing",
            f'{where}: no disclaimer such as "not a substitute for professional medical advice"',
        )
    if not page.contacts:
        yield finding(
            "contact_missing",
            f"{where}: no way to contact the clinic (phone, email, contact page link)",
        )


def _currency(page: Page, config: AuditConfig, today: date | None) -> Iterator[Finding]:
    where = page_label(page)
    latest = last_review(page)
    if latest is None:
        yield finding(
            "date_missing",
            f"{where}: no published, updated or reviewed date a reader can check",
        )
        return
    if today is None:
        return
    label, when = latest
    age = _months_between(when, today)
    limit = config.health.review_max_age_months
    if age > limit:
        yield finding(
            "review_overdue",
            f"{where}: {label} {when.isoformat()}, {age} months ago (over {limit})",
            evidence=f"{label}: {when.isoformat()}",
        )


def _evidence(page: Page, config: AuditConfig, text: PageText) -> Iterator[Finding]:
    where = page_label(page)
    content_links = [link for link in page.links if link.zone == "content"]
    reference_links = [link for link in content_links if is_reference_link(link.href)]
    headings = [s.heading for s in page.sections if s.heading]
    paragraphs = [p for s in page.sections for p in s.paragraphs]
    has_section = any(_REFERENCE_HEADING_RE.match(h) for h in headings)
    cited = [p for p in paragraphs if _CITATION_RE.search(p)]
    if not (reference_links or has_section or cited):
        yield finding(
            "references_missing",
            f"{where}: no references section and no links to primary sources "
            "(PubMed, DOI, .gov, journals)",
        )

    # A claim is backed when its sentence, or the next ``window`` sentences (the next
    # paragraph included), carry a citation mark or the text of a reference link.
    window = config.health.claim_window_sentences
    backing_texts = [
        link.text
        for link in content_links
        if link.text and (link in reference_links or not link.internal)
    ]
    sentences = text.sentences()
    unbacked: list[tuple[str, str]] = []
    for index, sentence in enumerate(sentences):
        claims = find_claims(sentence)
        if not claims:
            continue
        near = sentences[index : index + 1 + window]
        if any(_CITATION_RE.search(s) for s in near) or any(
            backing in s for s in near for backing in backing_texts
        ):
            continue
        unbacked.append((claims[0], sentence))
    if unbacked:
        words = ", ".join(dict.fromkeys(f'"{claim.lower()}"' for claim, _ in unbacked))
        yield finding(
            "claim_unbacked",
            f"{where}: {len(unbacked)} absolute claim(s) ({words}) with no citation near",
            evidence=" | ".join(s for _, s in unbacked[:3]),
        )

    whole = "\n".join([*headings, *paragraphs])
    if whole.strip():
        if not _RISK_RE.search(whole):
            yield finding(
                "risks_missing",
                f"{where}: the article never mentions risks, side effects or who should not "
                "have the treatment",
            )
        if not _ALTERNATIVE_RE.search(whole):
            yield finding(
                "alternatives_missing",
                f"{where}: the article never mentions alternatives or other options",
            )
