"""``extract_page``: one HTML document in, one ``Page`` out, as a sequence of named passes.

``_extract`` parses once, then runs each pass on what the earlier ones found: measure the
body (pass 1), read the head, lay out the blocks and find the content root (pass 2), read
the article text (pass 3), make the teasers, read the links, images, dates and trust
signals, and note the accessibility problems.  Each pass is a function of its inputs that
returns a record, so a pass can be read, tested and timed alone.
"""

from __future__ import annotations

import re
import warnings

from bs4 import BeautifulSoup, Tag
from bs4.element import AttributeDict

from ..access import scan_access
from ..model import AccessNote, Page, Section
from ..soup import make_soup
from .layout import lay_out
from .links import read_images, read_links
from .measure import _Measure
from .meta import article_dates, read_head
from .teasers import make_teasers
from .text import _coerce, normalize_text
from .trust import _trust_signals
from .walk import read_article


def extract_page(html: str, url: str | None = None) -> Page:
    """Turn one HTML document (or fragment) into a Page; never raises.

    Links and canonical are resolved against ``<base href>`` or ``url``. Teaser text has
    its "[...]" / "Read more" tail removed (``truncated`` says it was there).
    """
    try:
        return _extract(html, url)
    except Exception:
        try:
            return _fallback(html, url)
        except Exception:
            return Page(url=url)


def _fallback(html: object, url: str | None) -> Page:
    # ``[^<>]``, not ``[^>]``: on a run of "<" with no ">" each try stops at the next "<",
    # so the scan stays linear (``<[^>]*>`` read to the end of the page from every "<").
    text = re.sub(r"<[^<>]*>", " ", _coerce(html))
    paras = tuple(p for p in (normalize_text(x) for x in text.split("\n")) if p)
    return Page(url=url, sections=(Section("", 0, paras),) if paras else ())


def _extract(html: object, url: str | None) -> Page:
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
    trust = _trust_signals(html, m, head.ld_nodes, head.metas, links)
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
        access=_access(body, layout.root, head.lang, head.base),
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


def _access(body: Tag, root: Tag, lang: str | None, base: str | None) -> tuple[AccessNote, ...]:
    """The accessibility notes; a heuristic that trips on odd markup costs only its notes."""
    try:
        return scan_access(body, root, lang, base)
    except Exception:
        return ()
