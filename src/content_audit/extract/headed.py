"""Teaser blocks no card trigger finds, found by what introduces them.

A heading ("Related treatments — you may also be interested in…", "Featured", "For more
information"), a related-content class with no heading, or a one-line label ("Related:
<a>…</a>").  The links such a block holds become teasers, each with its title and snippet,
only when they form a repeated group of items and not links inside sentences: prose that
links to another page is the article's own text.
"""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from .blocks import (
    _HEADING_MAX_CHARS,
    _RELATED_RE,
    _heading_kind,
    _heading_text,
    _presents_articles,
)
from .cards import _SNIPPET_MIN_CHARS, _Card
from .cues import _CONTACT_LINK_RE, _is_more_text
from .links import _good_href, _host, _resolve
from .measure import _Measure
from .tags import _HEADINGS, _SKIP_TAGS, _ancestors
from .text import _inline_text, _pseudo_heading

_OUT_OF_CONTENT = frozenset(("nav", "header", "footer", "menu"))
_GENERIC_LINK_RE = re.compile(
    r"^\W*(?:click|tap)?\s*(?:here|this\s+(?:link|page)|link|more|details|website)\W*$", re.I
)
_ITEM_MAX_CHARS = 600


def _in_navigation(m: _Measure, el: Tag) -> bool:
    """Inside a nav/header/footer/menu element or an ARIA navigation landmark."""
    for anc in _ancestors(el):
        if anc.name in _OUT_OF_CONTENT:
            return True
        role = anc.attrs.get("role") if anc.attrs else None
        if isinstance(role, str) and role.lower() in ("navigation", "menu", "contentinfo"):
            return True
    return False


def _region_after(m: _Measure, head: Tag, level: int) -> list[Tag]:
    """The elements a block heading introduces: its following siblings up to the next
    heading of its level or higher (or, for a heading alone in its wrapper, the wrapper's)."""
    cur: Tag = head
    for _ in range(3):
        region: list[Tag] = []
        for sib in cur.next_siblings:
            if not isinstance(sib, Tag) or sib.name in _SKIP_TAGS:
                continue
            sib_level = _HEADINGS.get(sib.name)
            if sib_level is not None and sib_level <= level:
                break
            if sib_level is None and _heading_text(m, sib) and len(region) > 0:
                break
            region.append(sib)
            if len(region) >= 12:
                break
        if region:
            return region
        parent = cur.parent
        if parent is None or parent.name in ("body", "html", "main", "article", "[document]"):
            return []
        cur = parent
    return []


def _item_of(m: _Measure, a: Tag, stop: set[int], href: str) -> Tag:
    """The largest element around link ``a``, inside the region, that holds no other target."""
    cur = a
    for anc in _ancestors(a):
        if id(anc) in stop or m.text_len.get(id(anc), 0) > _ITEM_MAX_CHARS:
            break
        hrefs = {_good_href(x) for x in m.descendants(anc, "a")} - {None}
        if len(hrefs) > 1 or (hrefs and href not in hrefs):
            break
        cur = anc
    return cur


def _headed_block_ok(kind: str, heading: str, items: int, snippets: int, prose: int) -> bool:
    """Whether the links a heading introduces form a block of teasers, by its shape."""
    if kind == "promo":
        return items <= 3 or prose == 0  # one to three pages promoted, or a list of them
    if prose:
        return False  # links inside sentences: the article's own prose
    if snippets * 2 >= items:  # title + snippet items
        return items >= 2 or kind == "related"
    # Bare titles: a menu unless the heading presents them as articles.
    return items >= 2 and _presents_articles(kind, heading)


_LEAD_IN_RE = re.compile(
    r"^\W*(?:related(?:\s+(?:article|post|reading|content))?|(?:read|see)\s+also|also\s+read|"
    r"further\s+reading|recommended(?:\s+reading)?|you\s+(?:may|might)\s+also\s+like|"
    r"(?:read|up)\s+next|keep\s+reading|"
    r"(?:read|learn)\s+more|don'?t\s+miss|more\s+on\s+this)\s*[:—–-]",
    re.I,
)
"""A line that promotes one page in the article: "Related: <a>...</a>", "See also — ..."."""
_LEAD_IN_MAX_CHARS = 300


def _opening_strings(el: Tag, count: int = 3) -> str:
    """The first few non-blank strings of ``el``, joined: enough for a lead-in label."""
    parts: list[str] = []
    for node in el.descendants:
        if type(node) is NavigableString:
            text = node.strip()
            if text:
                parts.append(text)
                if len(parts) >= count:
                    break
        elif isinstance(node, Tag) and node.name == "a" and parts:
            break  # the label ends where the link starts
    return " ".join(parts)


def _find_headed(m: _Measure, used: set[int], host: str, base: str | None) -> list[_Card]:
    """Blocks found by their heading ("Related treatments", "You may also be interested
    in", "Keep reading", "Featured", "For more information"), by a related-content class
    with no heading, and one-line promos ("Related: <a>...</a>"): the links they hold, each
    with its title and snippet, when they form a block of teasers by shape (a repeated group
    of link + title, with snippets, or titles the heading presents as articles; one link
    for a promo)."""
    out: list[_Card] = []
    done: set[int] = set()
    heads = m.tags("h2", "h3", "h4", "h5", "h6") + [
        t for t in m.titled if t.name in ("p", "span", "div", "strong")
    ]
    # "<p><strong>Related articles</strong></p>": a bold line used as a heading.
    heads += [
        t
        for t in m.by_name.get("p", ())
        if 0 < m.text_len.get(id(t), 0) <= _HEADING_MAX_CHARS and _pseudo_heading(t)
    ]
    for head in heads:
        if m.text_len.get(id(head), 0) > _HEADING_MAX_CHARS:
            continue
        text = _inline_text(head)
        kind = _heading_kind(text)
        if kind is None or next(m.descendants(head, "a"), None) is not None:
            continue
        if _CONTACT_LINK_RE.search(text):
            continue  # "For more information, contact us today!": a call to action
        if _in_navigation(m, head):
            continue
        level = _HEADINGS.get(head.name, 6)
        region = [r for r in _region_after(m, head, level) if id(r) not in done]
        cards = _block_cards(m, kind, text, region, used, host, base, id(head))
        if cards:
            done.update(id(r) for r in region)
            out.extend(cards)
    # A related-content container with no heading of its own ("related-services").
    by_name = m.by_name
    for name in ("div", "section", "aside", "ul", "ol"):
        for el in by_name.get(name, ()):
            key = id(el)
            if key in done or not el.attrs or m.text_len.get(key, 0) > 4000:
                continue
            if not any(_RELATED_RE.search(t) for t in m.tokens(el)) or _in_navigation(m, el):
                continue
            cards = _block_cards(m, "related", "related", [el], used, host, base, key)
            if cards:
                done.add(key)
                out.extend(cards)
    # One-line promos in the text: "Related: <a>Icing an injury</a>".
    for name in ("p", "li", "blockquote"):
        for el in by_name.get(name, ()):
            length = m.text_len.get(id(el), 0)
            if not length or length > _LEAD_IN_MAX_CHARS or id(el) in done:
                continue
            # The label leads the line: its first strings tell, without reading the whole line.
            if not _LEAD_IN_RE.match(_opening_strings(el)) or _in_navigation(m, el):
                continue
            cards = _block_cards(m, "promo", "", [el], used, host, base, id(el), lead_in=True)
            if len(cards) == 1:
                out.extend(cards)
    return out


def _block_cards(
    m: _Measure,
    kind: str,
    heading: str,
    region: list[Tag],
    used: set[int],
    host: str,
    base: str | None,
    key: int,
    *,
    lead_in: bool = False,
) -> list[_Card]:
    """The teaser cards of one block region, or [] when its links are not a teaser block."""
    if not region:
        return []
    stop = {id(r.parent) for r in region if r.parent is not None}
    if lead_in:
        stop = {id(region[0])}
    items: dict[str, tuple[Tag, Tag]] = {}
    for el in region:
        anchors = [el] if el.name == "a" else list(m.descendants(el, "a"))
        for a in anchors:
            href = _good_href(a)
            if href is None or id(a) in used or href in items:
                continue
            absolute = _resolve(base, href)
            target = _host(absolute) if "://" in absolute else host
            if host and target != host:
                continue
            if _CONTACT_LINK_RE.search(m.text(a)) or "contact" in href.lower():
                continue
            items[href] = (a, region[0] if lead_in else _item_of(m, a, stop, href))
    if not items:
        return []
    cards: list[_Card] = []
    snippets = prose = 0
    for href, (a, item) in items.items():
        card = _Card(item, href, "title")
        card.block = kind
        title_el = next(m.descendants(item, "h2", "h3", "h4", "h5", "h6"), None)
        title = m.text(title_el) if title_el is not None else m.text(a)
        if not title or len(title) > 150 or (title_el is None and _is_more_text(title)):
            continue
        if title_el is None and _GENERIC_LINK_RE.match(title):
            continue  # "click here": no title, a sentence's link
        rest = m.text_len.get(id(item), 0) - len(title)
        if rest >= _SNIPPET_MIN_CHARS:
            snippets += 1
        if lead_in:
            pass
        elif item is a and isinstance(a.parent, Tag):
            parent_len = m.text_len.get(id(a.parent), 0)
            if parent_len > 2 * max(1, len(title)) + 40:
                prose += 1  # a link inside a sentence, not an item of its own
        elif title_el is None and not m.text(item).startswith(title[:20]):
            prose += 1  # "You may also want to read <a>...</a>": prose, not an item
        cards.append(card)
    if not cards or not _headed_block_ok(kind, heading, len(cards), snippets, prose):
        return []
    for card in cards:
        card.parent_key = key
        if kind == "promo" and len(cards) > 3:
            card.block = "related"  # "For more information" over a list of articles
        for a in [card.el] if card.el.name == "a" else m.descendants(card.el, "a"):
            used.add(id(a))
    return cards
