"""``extract_page``: one HTML document in, one ``Page`` out, as a sequence of named passes.

``_extract`` parses once, then runs each pass on what the earlier ones found: measure the
body (pass 1), read the head, lay out the blocks and find the content root (pass 2), read
the article text (pass 3), make the teasers, read the links, images, dates and trust
signals, and note the accessibility problems.  Each pass is a function of its inputs that
returns a record, so a pass can be read, tested and timed alone.

A pass that raises is a bug in the extractor, not a fault of the page: the page is still
returned, as plain text (``_fallback``), with an ``ExtractionFallback`` naming the pass and
the exception, which ``checks`` reports as ``extraction_fallback``.  The accessibility scan
is the one pass whose failure costs only its own part (the page keeps everything else).
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Tag
from bs4.element import AttributeDict

from ..access import scan_access
from ..model import AccessNote, ExtractionFallback, Page, Section
from ..soup import make_soup
from .layout import lay_out
from .links import read_images, read_links
from .measure import _Measure
from .meta import article_dates, read_head
from .teasers import make_teasers
from .text import _coerce, normalize_text
from .trust import read_trust
from .walk import read_article

PLAIN_TEXT = (
    "the page was read as plain text (no headings, links, teasers, metadata or trust "
    "signals), so its other findings may be off"
)
"""What a page loses when a pass of ``_extract`` raises (``ExtractionFallback.outcome``)."""
NO_ACCESS_NOTES = "its accessibility notes were left out"
"""What a page loses when the accessibility scan raises."""
DETAIL_MAX_CHARS = 200


def extract_page(html: str, url: str | None = None) -> Page:
    """Turn one HTML document (or fragment) into a Page; never raises.

    Links and canonical are resolved against ``<base href>`` or ``url``. Teaser text has
    its "[...]" / "Read more" tail removed (``truncated`` says it was there).

    When a pass raises, the page is still returned, as its plain text, with
    ``extraction_fallback`` naming the pass and the exception (``checks`` reports it): an
    extractor bug must not pass for a badly written page.
    """
    try:
        return _extract(html, url)
    except Exception as exc:
        failure = fallback_of(exc, _failed_pass(exc), PLAIN_TEXT)
        try:
            return _fallback(html, url, failure)
        except Exception:
            return Page(url=url, extraction_fallback=failure)


def fallback_of(exc: BaseException, step: str, outcome: str) -> ExtractionFallback:
    """The record of ``exc`` raised by pass ``step``: its type name and its message."""
    detail = normalize_text(str(exc))
    if len(detail) > DETAIL_MAX_CHARS:
        detail = detail[: DETAIL_MAX_CHARS - 1] + "…"
    return ExtractionFallback(step, type(exc).__name__, detail, outcome)


def _failed_pass(exc: BaseException) -> str:
    """The pass ``_extract`` was running when ``exc`` was raised: the function it called
    (``lay_out``, ``read_links``...), or ``extract`` when ``_extract`` itself raised."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code is _extract.__code__:
            inner = tb.tb_next
            name = inner.tb_frame.f_code.co_name if inner is not None else ""
            if not name or name.startswith(("<", "__")):
                return "extract"  # _extract's own line (a comprehension, a record's __init__)
            return name.lstrip("_")
        tb = tb.tb_next
    return "extract"


def _fallback(html: object, url: str | None, failure: ExtractionFallback | None = None) -> Page:
    """The page as plain text: tags dropped, one paragraph a line."""
    # ``[^<>]``, not ``[^>]``: on a run of "<" with no ">" each try stops at the next "<",
    # so the scan stays linear (``<[^>]*>`` read to the end of the page from every "<").
    text = re.sub(r"<[^<>]*>", " ", _coerce(html))
    paras = tuple(p for p in (normalize_text(x) for x in text.split("\n")) if p)
    sections = (Section("", 0, paras),) if paras else ()
    return Page(url=url, sections=sections, extraction_fallback=failure)


def _extract(html: object, url: str | None) -> Page:
    """The passes, in order; each takes what the earlier ones found and returns a record."""
    html = _coerce(html)
    if not html.strip():
        return Page(url=url)
    soup, body = _parse(html)
    if body is None:
        return _fallback(html, url)
    m = _measure(body)
    head = read_head(soup, body, m, url)
    layout = lay_out(body, m, head.base, url)
    article = read_article(layout.root, m, layout.excluded)
    teasers = make_teasers(layout, m, head.base)
    links = read_links(
        m,
        head.base,
        url,
        teaser=teasers.anchors,
        recent=layout.recent_anchors,
        listing=teasers.listing_anchors,
        content=article.anchors,
    )
    images = read_images(m, head.base, article.images)
    published, modified = article_dates(head, layout.root)
    trust = read_trust(html, m, head.ld_nodes, head.metas, links)
    access, failure = _access(body, layout.root, head.lang, head.base)
    return Page(
        url=url,
        title=head.title,
        h1=tuple(t for t in (m.text(h) for h in m.tags("h1")) if t),
        meta_description=head.metas.get("description"),
        canonical=head.canonical,
        lang=head.lang,
        robots_meta=head.metas.get("robots", ""),
        sections=article.sections,
        teasers=teasers.teasers,
        recent_posts=layout.recent_posts,
        links=links,
        images=images,
        jsonld_types=tuple(head.jsonld_types),
        listing_items=len(layout.listing_ids),
        date_published=published,
        date_modified=modified,
        og_type=head.metas.get("og:type"),
        body_classes=tuple(m.tokens(body)) if body.name == "body" else (),
        authors=trust.authors,
        reviewers=trust.reviewers,
        date_reviewed=trust.date_reviewed,
        date_updated_text=trust.date_updated,
        disclaimer=trust.disclaimer,
        contacts=trust.contacts,
        access=access,
        extraction_fallback=failure,
    )


def _parse(html: str) -> tuple[BeautifulSoup, Tag | None]:
    """The parsed document and its body: ``<body>``, else a frameset's ``<frameset>``, else
    the first top-level element; ``None`` when the document holds no element at all."""
    with warnings.catch_warnings():
        # "looks like XML / a URL / a filename": the caller judges odd input, not bs4.
        warnings.simplefilter("ignore")
        # Attribute values stay strings: splitting class/rel into lists for every tag is a
        # sixth of the parse, and the few readers split them themselves (``_tokens``).
        # A plain ``AttributeDict``: the lxml builder's default (``XMLAttributeDict``) runs a
        # Python ``__setitem__`` per attribute, twice, only to coerce None/bool/int values,
        # and lxml hands over str values only (about a tenth of the parse).
        # ``make_soup``: bs4's lxml builder with cheaper per-tag callbacks, same tree.
        soup = make_soup(html, multi_valued_attributes=None, attribute_dict_class=AttributeDict)
    body = soup.body
    if body is None:
        # A frameset page has no <body>: its <frameset> stands in, so its <head> (title,
        # description) is read as any page's, not walked as body and skipped.
        body = soup.find("frameset") or next((c for c in soup.children if isinstance(c, Tag)), None)
    return soup, body


def _measure(body: Tag) -> _Measure:
    """Pass 1 (``measure``): text length, content score and chrome verdict per element."""
    m = _Measure()
    m.run(body)
    return m


def _access(
    body: Tag, root: Tag, lang: str | None, base: str | None
) -> tuple[tuple[AccessNote, ...], ExtractionFallback | None]:
    """The accessibility notes.  A heuristic that trips on odd markup costs only its notes,
    not the page: the rest of the page is kept, and the failure recorded."""
    try:
        return scan_access(body, root, lang, base), None
    except Exception as exc:
        return (), fallback_of(exc, "scan_access", NO_ACCESS_NOTES)
