"""Typed records that flow between the stages of an audit.

Every record is a frozen, slotted dataclass holding tuples rather than lists, so a
``PageAudit`` can be shared between threads, pickled to a worker process and compared in
tests without defensive copies.  Nothing here does I/O or imports anything heavy: the
single-page check and the crawl workers both import this module first.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from typing import Any, TypeVar

_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle instances as ``(cls, field values)``, rebuilt by one ``cls(*values)`` call.

    A frozen slotted dataclass otherwise pickles its state as a list that a Python-level
    ``__setstate__`` sets back field by field; a site audit unpickles every page's audit in
    the crawling process (a page holds ~100 of these records), and this halves that cost.
    Every field is an ``__init__`` argument, in order, so the round trip is exact.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    get = attrgetter(*names)

    if len(names) == 1:

        def reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
            return type(self), (get(self),)
    else:

        def reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
            return type(self), get(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls


class Severity(StrEnum):
    """How much a finding matters; ``error`` findings make ``check`` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Kind(StrEnum):
    """What a page is. Required elements are only demanded of articles."""

    ARTICLE = "article"
    LISTING = "listing"
    OTHER = "other"


ELEMENT_NAMES: tuple[str, ...] = ("definition", "uses", "mechanism", "consult")
"""The four required elements of a patient-education article, in report order."""

TEASER_BLOCKS: tuple[str, ...] = ("related", "recent", "featured", "listing", "promo", "excerpt")
"""Where a teaser sits, by the block that holds it:

- ``related``: other posts or pages recommended from this one ("Related Posts", "You may
  also like", "Keep reading", "More from the blog", "Further reading", "See also");
- ``recent``: the newest or most-read posts ("Recent Posts", "Latest news", "Popular");
- ``featured``: items a page puts forward ("Featured", "Our services", a home page's cards);
- ``listing``: the cards of an index page (blog index, category, archive, overview);
- ``promo``: one inline promotion of another page ("📌 ... Read article now", "For more
  information");
- ``excerpt``: excerpt cards no heading or position names (cut with "[...]", "Read more").
"""

ELEMENT_STATUSES = ("found", "unclear", "missing")
"""An element's three verdicts: only ``missing`` is an error, ``unclear`` a warning."""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """An ``<a href>`` found on the page, resolved against the page URL.

    ``zone`` says where on the page the link sits: ``content`` (article body),
    ``teaser`` (related-post excerpt), ``recent`` (recent-post list), ``listing``
    (a card on an index page) or ``chrome`` (header, nav, sidebar, footer).
    """

    href: str
    text: str
    internal: bool
    zone: str = "content"
    nofollow: bool = False


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Image:
    """An ``<img>``; ``alt`` is ``None`` when the attribute is absent (``""`` is decorative)."""

    src: str
    alt: str | None
    in_content: bool = True


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the article text under it, up to the next heading of any level.

    The text before the first heading (the intro) is a section with ``level`` 0 and an
    empty heading unless an H1 precedes it, in which case the H1 is its heading.
    ``pseudo`` marks a bold paragraph used as a heading (``<p><strong>What Is X?</strong></p>``).
    """

    heading: str
    level: int
    paragraphs: tuple[str, ...] = ()
    pseudo: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Teaser:
    """An excerpt of another post linking to it, usually cut with "[...]" or "Read more".

    ``block`` says which kind of block it came from (``TEASER_BLOCKS``): ``related``,
    ``recent``, ``featured``, ``listing``, ``promo`` or ``excerpt``.
    """

    text: str
    href: str
    truncated: bool
    title: str = ""
    position: int = 0
    block: str = "excerpt"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class RecentPost:
    """An entry of a "Recent Posts" style list: a title linking to a post."""

    title: str
    href: str


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Person:
    """An author or reviewer as the page names them, with credentials when stated.

    ``credentials`` are post-nominal letters ("MD", "PT", "DPT") or a job title from
    JSON-LD ("Sports Chiropractor"); ``source`` says where the name was found:
    ``jsonld``, ``byline`` (visible text) or ``meta`` (``<meta name="author">``).
    """

    name: str
    credentials: tuple[str, ...] = ()
    source: str = "byline"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class AccessNote:
    """An accessibility problem extraction saw (``access.py``): a finding code, the message
    without the page, what it is about (a URL, an alt text) and its WCAG criterion."""

    code: str
    message: str
    evidence: str | None = None
    wcag: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ExtractionFallback:
    """An extraction pass that raised on the page: a bug in the extractor (please report
    it), not a badly written page.  ``checks`` reports it as ``extraction_fallback`` so the
    page's other findings are read with that in mind.

    ``step`` is the pass that raised (``lay_out``, ``read_links``, ``scan_access``), ``error``
    the exception's type name, ``detail`` its message (cut short) and ``outcome`` what the
    page lost for it ("the page was read as plain text ...")."""

    step: str
    error: str
    detail: str = ""
    outcome: str = ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Page:
    """What extraction found on one HTML page; the input of every scorer.

    ``sections`` hold the article text only: site chrome, teasers, recent-post lists and
    listing cards are kept apart so no scorer can mistake them for the article.
    """

    url: str | None
    title: str = ""
    h1: tuple[str, ...] = ()
    meta_description: str | None = None
    canonical: str | None = None
    lang: str | None = None
    robots_meta: str = ""
    sections: tuple[Section, ...] = ()
    teasers: tuple[Teaser, ...] = ()
    recent_posts: tuple[RecentPost, ...] = ()
    links: tuple[Link, ...] = ()
    images: tuple[Image, ...] = ()
    jsonld_types: tuple[str, ...] = ()
    listing_items: int = 0
    date_published: str | None = None
    date_modified: str | None = None
    og_type: str | None = None
    body_classes: tuple[str, ...] = ()
    """``<body class>`` tokens: WordPress themes say ``single-post``, ``archive``, ``home``."""
    authors: tuple[Person, ...] = ()
    """Who wrote the page: JSON-LD ``author``, a visible byline, ``<meta name=author>``."""
    reviewers: tuple[Person, ...] = ()
    """Medical reviewers: JSON-LD ``reviewedBy``, a visible "Medically reviewed by" line."""
    date_reviewed: str | None = None
    """JSON-LD ``lastReviewed`` or a visible "Reviewed on/Last reviewed" date, as written."""
    date_updated_text: str | None = None
    """A visible "Updated July 2026" / "Last updated: 2024-03-01" date, as written."""
    disclaimer: str | None = None
    """The medical disclaimer sentence found anywhere on the page (footer included)."""
    contacts: tuple[str, ...] = ()
    """How a reader can reach the clinic from this page: ``tel:``/``mailto:`` links,
    JSON-LD telephone/email/address, a phone number or a link to a contact page."""
    access: tuple[AccessNote, ...] = ()
    """Accessibility notes of the page (``access.py``): link text, alt text, headings,
    language, linked documents, media; ``checks.py`` makes them findings."""
    extraction_fallback: ExtractionFallback | None = None
    """Set when an extraction pass raised: the page is kept (read as plain text, or without
    the failed pass's part) and ``checks.py`` reports ``extraction_fallback``."""

    @property
    def text(self) -> str:
        """The article text, one paragraph a line, headings excluded."""
        return "\n".join(p for s in self.sections for p in s.paragraphs)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sections)

    @property
    def subject(self) -> str:
        """The page's topic as a reader sees it: the first H1, else the title."""
        return self.h1[0] if self.h1 else self.title


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class ElementResult:
    """One required element's verdict, and the proof.

    ``status`` is one of three verdicts (``ELEMENT_STATUSES``): ``found`` (evidence that
    clearly says it), ``unclear`` (a candidate sentence that may say it: shown so an editor
    settles it in one look) or ``missing`` (nothing close).  ``present`` is kept for the
    JSON contract and means ``found``; a result built with only ``present`` gets the status
    it implies.  ``confidence`` (0-1) is how strongly the best candidate says it.

    ``via`` is ``heading`` (a real heading matched), ``pseudo_heading`` (a bold paragraph
    used as a heading), ``text`` (a sentence in the body) or ``None`` when absent.  For an
    ``unclear`` element, ``heading``/``evidence``/``via`` describe the candidate.
    """

    name: str
    present: bool
    heading: str | None = None
    evidence: str | None = None
    via: str | None = None
    status: str = ""
    confidence: float | None = None

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", "found" if self.present else "missing")
        elif self.status not in ELEMENT_STATUSES:
            raise ValueError(f"unknown element status {self.status!r}")
        elif self.present != (self.status == "found"):
            raise ValueError(f"present={self.present} contradicts status {self.status!r}")


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Readability:
    """Readability of the article text, measured once per page with textstat."""

    flesch_kincaid_grade: float = 0.0
    flesch_reading_ease: float = 0.0
    smog_index: float = 0.0
    coleman_liau_index: float = 0.0
    automated_readability_index: float = 0.0
    words: int = 0
    sentences: int = 0
    syllables: int = 0
    reading_time_s: float = 0.0
    sections: tuple[SectionReadability, ...] = ()
    """Grade of each article section (``readability.measure_sections``), in page order."""
    medical_syllables: bool = False
    """True when syllables of words missing from the dictionary came from the medical
    lexicon and estimator rather than pyphen (``[health] medical_syllables``)."""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class SectionReadability:
    """The reading grade of one section; ``grade`` is ``None`` when it is too short to grade."""

    heading: str
    level: int
    words: int
    grade: float | None = None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or note) about a page, under a stable ``code`` listed in checks.py."""

    code: str
    severity: Severity
    message: str
    evidence: str | None = None
    url: str | None = None
    target: str | None = None
    """The other URL a cross-page finding is about (a teaser's href, the duplicate page)."""
    decision: str | None = None
    """The maintainers' decision that accepts it (``accept[2]``, ``decisions.py``): an
    accepted finding is reported but left out of counts, score and alerts."""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class PageAudit:
    """The result of auditing one page: the single output of ``audit_page``."""

    url: str | None
    page: Page
    kind: Kind
    readability: Readability
    elements: tuple[ElementResult, ...]
    findings: tuple[Finding, ...]
    score: int

    def element(self, name: str) -> ElementResult:
        for result in self.elements:
            if result.name == name:
                return result
        raise KeyError(name)

    def count(self, severity: Severity) -> int:
        """Open findings of that severity (accepted ones are not counted)."""
        return sum(1 for f in self.findings if f.severity == severity and f.decision is None)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class FetchResult:
    """What the crawler did with one URL it met: fetched it, or why not.

    Every URL a crawl meets is reported exactly once, by ``url`` (its normalised form).
    ``status`` is the final HTTP status after redirects, ``None`` when nothing answered or
    the URL was not fetched; ``error`` is then (or on a failed fetch) a stable reason code:
    ``robots``, ``offsite``, ``excluded``, ``query_variants``, ``max_pages``, ``max_depth``,
    ``timeout``, ``connection``, ``too_large``, ``non_html``, ``redirect_loop``,
    ``too_many_redirects``, ``http_error``, ``bad_url``, ``sitemap``, ``bad_sitemap``.

    ``redirects`` lists each hop as ``(url, status)``; a row with redirects never carries
    ``html``: the page's text is on the row of its ``final_url`` (source ``redirect`` when
    the crawl first met it through the redirect), so each page is audited once.  ``bytes``
    counts the body bytes received (decompressed), or the declared ``Content-Length`` when
    the body was deliberately not read (a PDF, an over-size body).
    """

    url: str
    source: str
    depth: int
    status: int | None
    final_url: str
    redirects: tuple[tuple[str, int], ...] = ()
    content_type: str = ""
    bytes: int = 0
    elapsed_s: float = 0.0
    error: str | None = None
    detail: str | None = None
    html: str | None = field(default=None, repr=False)
    referrer: str | None = None
    rendered: bool = False
    """``html`` is the DOM headless Chromium left (``render.py``), not the HTML fetched."""

    @property
    def ok(self) -> bool:
        """True when the row carries a page to audit (an HTML 2xx body)."""
        return self.html is not None


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class UrlState:
    """What the crawl learned about one URL, as the cross-page checks need it.

    Built from the URL's ``FetchResult`` (``site.url_state``): a few fields instead of the
    whole row, so the inventory of a 100k-page site fits in the parent process.
    """

    status: int | None
    final_url: str
    hops: int = 0
    error: str | None = None
    in_sitemap: bool = False
    chain: tuple[tuple[str, int], ...] = ()


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class TeaserDigest:
    """A teaser as the cross-page checks need it: normalised target and the excerpt shown.

    ``words`` is the excerpt as normalised tokens (``site.normalize_words``), computed in
    the worker so the parent only compares.
    """

    href: str
    excerpt: str
    truncated: bool = False
    position: int = 0
    words: str = ""
    block: str = "excerpt"
    """The teaser's block kind (``Teaser.block``)."""
    block_key: int = 0
    """A stable hash of the whole block the teaser belongs to (its kind, hrefs and
    excerpts, in order): equal on every page that shows the same block, so a site-wide
    widget is recognised and checked once (``site.SiteIndex``)."""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class PageDigest:
    """A compact summary of one audited page, made in the worker right after ``audit_page``.

    The parent keeps one per page until the crawl ends (in a scratch file in a site audit,
    ``spill.py``), so it holds what the cross-page checks read and nothing else: the
    opening words of the article (stale teasers), the teasers and recent posts, the
    internal link targets (orphans), a bounded term-count vector (topic similarity,
    ``terms``/``counts`` packed as uint32/uint8 arrays) and a one-permutation MinHash
    ``sketch`` (near-duplicates, uint32 array).  ``post`` marks a
    blog post by its markup, whatever its topic (off-topic guest posts are not articles).
    """

    url: str
    kind: Kind
    title: str = ""
    h1: str = ""
    meta_description: str | None = None
    opening: str = ""
    words: int = 0
    post: bool = False
    teasers: tuple[TeaserDigest, ...] = ()
    recent_posts: tuple[RecentPost, ...] = ()
    links: tuple[str, ...] = ()
    terms: bytes = b""
    counts: bytes = b""
    top_terms: tuple[str, ...] = ()
    sketch: bytes = b""
