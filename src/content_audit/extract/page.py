"""``extract_page``: one HTML document in, one ``Page`` out.

One BeautifulSoup(lxml) parse, then the passes over the tree.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace

from bs4 import Tag
from bs4.element import AttributeDict

from ..access import scan_access
from ..model import AccessNote, Image, Link, Page, RecentPost, Section, Teaser
from ..soup import make_soup
from .cards import _NO_LINK, _find_cards, _in_related
from .headed import _find_headed
from .links import _good_href, _host, _resolve
from .measure import _Measure
from .meta import _jsonld, _metas, _time_in
from .recent import _find_recent, _first_link
from .root import _pick_root
from .tags import _HEAD_TAGS, _ancestors
from .tail import _article_tail, _figure_columns
from .teasers import _teaser
from .text import _coerce, _joined_text, normalize_text
from .trust import _trust_signals
from .walk import _Walker


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
        if body is None:
            return _fallback(html, url)

    # Pass 1 over the body; <head> tags are collected apart -----------------------------
    m = _Measure()
    m.run(body)
    head_tags = list(m.head_tags)
    for top in soup.children:
        if isinstance(top, Tag) and top is not body:
            for el in [top, *top.descendants] if top.name != "html" else []:
                if isinstance(el, Tag) and el.name in _HEAD_TAGS:
                    head_tags.append(el)
            if top.name == "html":
                for child in top.children:
                    if isinstance(child, Tag) and child is not body:
                        for el in [child, *child.descendants]:
                            if isinstance(el, Tag) and el.name in _HEAD_TAGS:
                                head_tags.append(el)

    # Metadata ---------------------------------------------------------------------
    title_tag = next((t for t in head_tags if t.name == "title"), None)
    title = normalize_text(_joined_text(title_tag)) if title_tag is not None else ""
    base = url
    base_tag = next((t for t in head_tags if t.name == "base" and t.get("href")), None)
    if base_tag is not None and isinstance(base_tag.get("href"), str):
        base = _resolve(url, base_tag["href"]) if url else base_tag["href"]
    canonical = None
    for link in head_tags:
        if link.name != "link" or not isinstance(link.get("href"), str):
            continue
        rel = link.get("rel") or []
        rel = rel.split() if isinstance(rel, str) else rel
        if "canonical" in [r.lower() for r in rel]:
            canonical = _resolve(base, link["href"])
            break
    html_tag = soup.find("html") if body.name in ("body", "frameset") else None
    lang = html_tag.get("lang") if html_tag is not None else None
    lang = (normalize_text(lang) or None) if isinstance(lang, str) else None
    metas = _metas(head_tags)
    robots = metas.get("robots", "")
    description = metas.get("description")
    og_type = metas.get("og:type")
    types, published, modified, ld_nodes = _jsonld(head_tags)
    published = published or metas.get("article:published_time")
    modified = modified or metas.get("article:modified_time")
    h1s = tuple(t for t in (m.text(h) for h in m.tags("h1")) if t)
    body_classes = tuple(m.tokens(body)) if body.name == "body" else ()

    # Pass 2: cards and lists, then the root ------------------------------------------
    cards = _find_cards(m)
    recent = _find_recent(m)
    root = _pick_root(body, m)

    excluded: set[int] = set()
    recent_posts: list[RecentPost] = []
    recent_anchor: set[int] = set()
    for blocks, items in recent:
        excluded.update(id(b) for b in blocks)
        for li in items:
            a = _first_link(li)
            if a is None:
                continue
            recent_anchor.update(id(x) for x in m.descendants(li, "a"))
            recent_posts.append(RecentPost(m.text(a), _resolve(base, a["href"])))

    root_ancestors = {id(a) for a in _ancestors(root)} | {id(root)}
    in_root = []
    for card in cards:
        anc_ids = {id(a) for a in _ancestors(card.el)}
        if id(root) in anc_ids and not _in_related(card):
            in_root.append(card)
    card_chars = sum(m.text_len.get(id(c.el), 0) for c in in_root)
    root_chars = m.score.get(id(root), 0)
    # A listing points at other pages: boxes that link nowhere ("Pattern 01" cards of one
    # condition's page) are the article's own text, however card-like their markup.
    linked_in_root = sum(1 for c in in_root if not c.href.startswith(_NO_LINK))
    listing = (
        len(in_root) >= 2
        and linked_in_root >= 2
        and (root_chars - card_chars) < max(600, card_chars)
    )
    listing_ids = {id(c.el) for c in in_root} if listing else set()
    cards = [c for c in cards if id(c.el) in listing_ids or not c.href.startswith(_NO_LINK)]
    teaser_cards = [
        c for c in cards if id(c.el) in listing_ids or (c.block != "nav" and not c.unlinked)
    ]
    for card in cards:
        if id(card.el) not in root_ancestors:
            excluded.add(id(card.el))
    used = set(recent_anchor)
    for card in cards:
        used.update(id(a) for a in ([card.el] if card.el.name == "a" else []))
        used.update(id(a) for a in m.descendants(card.el, "a"))
    headed = _find_headed(m, used, _host(url), base)
    for card in headed:
        if id(card.el) not in root_ancestors:
            excluded.add(id(card.el))

    # Pass 3: the article text --------------------------------------------------------
    walker = _Walker(m, excluded)
    if id(root) not in m.chrome:
        walker.walk(root)
        walker.flush()
        for column in _figure_columns(root, m, excluded):
            walker.sections.append(("", 0, [], False))
            walker.walk(column)
            walker.flush()
        for band in _article_tail(root, m, excluded):
            walker.walk(band)
            walker.flush()
    sections = tuple(
        Section(head, level, tuple(paras), pseudo)
        for head, level, paras, pseudo in walker.sections
        if head or paras
    )

    # Teasers ----------------------------------------------------------------------
    teasers: list[Teaser] = []
    teaser_anchor: set[int] = set()
    listing_anchor: set[int] = set()
    for card in cards + headed:
        anchors = [card.el] if card.el.name == "a" else []
        anchors.extend(m.descendants(card.el, "a"))
        if id(card.el) in listing_ids:
            listing_anchor.update(id(a) for a in anchors)
            continue
        teaser_anchor.update(id(a) for a in anchors)
    teaser_cards.extend(headed)
    teaser_cards.sort(key=lambda c: m.order.get(id(c.el), 0))
    promo_groups: dict[int, int] = {}
    for card in teaser_cards:
        promo_groups[card.parent_key] = promo_groups.get(card.parent_key, 0) + 1
    for card in teaser_cards:
        if id(card.el) in listing_ids:
            if card.href.startswith(_NO_LINK):
                link = next((a for a in m.descendants(card.el, "a") if _good_href(a)), None)
                if link is None:
                    continue  # a card with no link at all: counted, nothing to check
                card.href = _good_href(link) or card.href
            card.block = "listing"
        elif not card.block:
            # A lone "Read more" box inside the article's text promotes one page.
            alone = promo_groups[card.parent_key] == 1 and id(root) in {
                id(a) for a in _ancestors(card.el)
            }
            card.block = "promo" if alone and card.kind == "more" else "excerpt"
        teaser = _teaser(card, base, len(teasers) + 1, m)
        if teaser.block == "promo" and teaser.truncated:
            teaser = replace(teaser, block="excerpt")  # a cut excerpt is no hand-made promo
        teasers.append(teaser)

    # Links and images ---------------------------------------------------------------
    host = _host(url)
    links: list[Link] = []
    resolved: dict[str, str] = {}
    for a in m.tags("a"):
        href = a.get("href")
        if not isinstance(href, str):
            continue
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "data:")):
            continue
        absolute = resolved.get(href)
        if absolute is None:
            absolute = resolved[href] = _resolve(base, href)
        key = id(a)
        if key in teaser_anchor:
            zone = "teaser"
        elif key in recent_anchor:
            zone = "recent"
        elif key in listing_anchor:
            zone = "listing"
        elif key in walker.anchors:
            zone = "content"
        else:
            zone = "chrome"
        scheme = absolute.split(":", 1)[0].lower() if ":" in absolute else ""
        if scheme in ("http", "https"):
            target = _host(absolute)
            internal = bool(target) and target == host if host else False
        else:
            internal = scheme == "" and not absolute.startswith("//")
        rel = a.get("rel") or []
        rel = rel.split() if isinstance(rel, str) else rel
        links.append(
            Link(
                href=absolute,
                text=m.text(a),
                internal=internal,
                zone=zone,
                nofollow="nofollow" in [r.lower() for r in rel],
            )
        )
    images: list[Image] = []
    for img in m.tags("img"):
        src = img.get("src") or img.get("data-src") or img.get("data-lazy-src") or ""
        src = _resolve(base, src) if isinstance(src, str) and src.strip() else ""
        alt = img.get("alt")
        alt = (
            None if alt is None else normalize_text(alt if isinstance(alt, str) else " ".join(alt))
        )
        images.append(Image(src=src, alt=alt, in_content=id(img) in walker.images))

    if published is None:
        published = _time_in(root, ("published", "entry-date"))
    if modified is None:
        modified = _time_in(root, ("updated",))
    trust = _trust_signals(html, m, ld_nodes, metas, links)

    return Page(
        url=url,
        title=title,
        h1=h1s,
        meta_description=description,
        canonical=canonical,
        lang=lang,
        robots_meta=robots,
        sections=sections,
        teasers=tuple(teasers),
        recent_posts=tuple(recent_posts),
        links=tuple(links),
        images=tuple(images),
        jsonld_types=tuple(types),
        listing_items=len(listing_ids),
        date_published=published,
        date_modified=modified,
        og_type=og_type,
        body_classes=body_classes,
        authors=trust.authors,
        reviewers=trust.reviewers,
        date_reviewed=trust.date_reviewed,
        date_updated_text=trust.date_updated,
        disclaimer=trust.disclaimer,
        contacts=trust.contacts,
        access=_access(body, root, lang, base),
    )


def _access(body: Tag, root: Tag, lang: str | None, base: str | None) -> tuple[AccessNote, ...]:
    """The accessibility notes; a heuristic that trips on odd markup costs only its notes."""
    try:
        return scan_access(body, root, lang, base)
    except Exception:
        return ()
