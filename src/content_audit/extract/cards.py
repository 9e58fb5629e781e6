"""Excerpt cards: the boxes that point at one other page each.

Cards are found by their *triggers* ("Read more" links, excerpts cut with "[...]", linked
card headings, card classes) and climbed to the largest ancestor that holds only one
target; cards that share a parent form a group, named by its block heading (``blocks``).
A group of bare linked titles is navigation unless its heading presents them as articles
("Related from the blog", "Recent Posts"): a "Services" widget or a sibling-page list is a
menu by its shape.  On a listing page every card is a teaser of the ``listing`` block.
"""

from __future__ import annotations

import re

from bs4 import Tag

from .blocks import _RELATED_RE, _block_heading, _class_kind, _heading_kind, _presents_articles
from .cues import _is_more_text
from .links import _good_href
from .measure import _Measure
from .tags import _BLOCK_TAGS, _HEADINGS, _ancestors, _tokens

_CARD_CLASS_RE = re.compile(r"(?:^|[-_])(?:card|post|teaser|excerpt|entry|item)$")
_NO_LINK = "#no-link-"


class _Card:
    __slots__ = ("block", "el", "href", "kind", "parent_key", "title", "unlinked")

    def __init__(self, el: Tag, href: str, kind: str) -> None:
        self.el = el
        self.href = href
        self.kind = kind
        self.title = ""
        self.parent_key = 0
        self.block = ""
        self.unlinked = href.startswith(_NO_LINK)
        """No link on the card's title or a "Read more": a box with a button, not a card."""


def _find_cards(m: _Measure) -> list[_Card]:
    """Find excerpt cards: the largest ancestor of a trigger that points to one target."""
    triggers: list[tuple[Tag, str, str]] = []  # (element, href, kind)
    for a in m.tags("a"):
        href = _good_href(a)
        if href is None:
            continue
        text = m.text(a)
        tokens = m.tokens(a)
        if (
            "more-link" in tokens
            or "read-more" in tokens
            or "readmore" in tokens
            or _is_more_text(text)
        ):
            triggers.append((a, href, "more"))
            continue
        parent = a.parent
        if isinstance(parent, Tag) and parent.name in ("h2", "h3", "h4", "h5"):
            triggers.append((parent, href, "title"))
        elif m.flags.get(id(a), 0) & 8:  # a whole card as one link: <a><h3>Title</h3>...</a>
            triggers.append((a, href, "title"))
    for s in m.ellipsis:
        block = s.parent
        if isinstance(block, Tag) and block.name in _HEADINGS:
            continue  # "You may also be interested in…": a heading, not a cut excerpt
        while isinstance(block, Tag) and block.name not in _BLOCK_TAGS:
            block = block.parent
        if not isinstance(block, Tag) or m.text_len.get(id(block), 0) > 600:
            continue
        link = next((a for a in m.descendants(block, "a") if _good_href(a)), None)
        if link is not None:
            triggers.append((block, _good_href(link) or "", "ellipsis"))
    for el in m.tags("article", "li", "div", "a"):
        if m.text_len.get(id(el), 0) > 1200:
            continue
        if el.name != "article" and not any(_CARD_CLASS_RE.search(t) for t in m.tokens(el)):
            continue
        if m.flags.get(id(el), 0) & 8:
            head = next(m.descendants(el, "h2", "h3", "h4", "h5"), None)
        elif el.name == "a":
            # A whole card as one link, titled in bold over a snippet in any element:
            # <a class="related-card"><strong>Sciatica</strong><p>Sciatic nerve
            # compression is ...</p></a>, or <span>Ulnar wrist pain, carpal tunnel</span>.
            head = next(m.descendants(el, "strong", "b"), None)
            if head is None or (
                m.text_len.get(id(el), 0) - m.text_len.get(id(head), 0) < _SNIPPET_MIN_CHARS
            ):
                continue
        else:
            continue
        if head is None:
            continue
        link = (
            el
            if el.name == "a"
            else next((a for a in m.descendants(el, "a") if _good_href(a)), None)
        )
        href = _good_href(link) if link is not None else None
        triggers.append((head, href or f"{_NO_LINK}{id(el)}", "title"))
    if not triggers:
        return []

    # Distinct targets under every ancestor, so a card stops climbing at a shared parent.
    targets: dict[int, set[str]] = {}
    for el, href, _ in triggers:
        targets.setdefault(id(el), set()).add(href)
        for anc in _ancestors(el):
            targets.setdefault(id(anc), set()).add(href)

    cards: dict[int, _Card] = {}
    for el, href, kind in triggers:
        cur = el
        for anc in _ancestors(el):
            if anc.name in ("body", "html", "main") or (
                id(anc) in m.chrome
                and anc.name
                in (
                    "aside",
                    "footer",
                    "nav",
                )
            ):
                break
            if len(targets.get(id(anc), ())) > 1 or m.text_len.get(id(anc), 0) > 1200:
                break
            if m.flags.get(id(anc), 0) & 1:
                break
            cur = anc
        key = id(cur)
        card = cards.get(key)
        if card is None:
            cards[key] = card = _Card(cur, href, kind)
        elif kind == "more" and card.kind != "more":
            card.href, card.kind = href, "more"
        elif kind == "ellipsis" and card.kind == "title":
            card.kind = "ellipsis"
    # Drop cards nested inside other cards (keep the outer one).
    keys = set(cards)
    out = []
    for card in cards.values():
        if any(id(anc) in keys for anc in _ancestors(card.el)):
            continue
        parent = card.el.parent
        card.parent_key = id(parent) if parent is not None else 0
        out.append(card)
    # A linked heading alone is not a card: it needs siblings or an excerpt cue.
    groups: dict[int, int] = {}
    linked: dict[int, int] = {}
    for card in out:
        groups[card.parent_key] = groups.get(card.parent_key, 0) + 1
        if card.kind == "title" and not card.unlinked and not _title_linked(m, card.el):
            card.unlinked = True  # "<h3>Request an appointment</h3> ... <a>Contact Us</a>"
        if not card.unlinked:
            linked[card.parent_key] = linked.get(card.parent_key, 0) + 1
    kept = []
    for card in out:
        if card.kind == "title" and groups[card.parent_key] < 2:
            continue
        if card.href.startswith(_NO_LINK) and groups[card.parent_key] < 3:
            continue  # link-less cards only count as a grid of listing items
        if card.kind == "more" and m.text_len.get(id(card.el), 0) < 25:
            continue  # a bare "Learn more" button, not an excerpt
        kept.append(card)
    return _name_blocks(m, kept)


def _title_linked(m: _Measure, el: Tag) -> bool:
    """Whether the card's title (its first heading) is a link, or the card is one."""
    if el.name == "a":
        return True
    head = el if el.name in _HEADINGS else next(m.descendants(el, *_HEADINGS), None)
    if head is None:
        return True
    if any(_good_href(a) for a in m.descendants(head, "a")):
        return True
    for anc in _ancestors(head):
        if anc is el:
            break
        if anc.name == "a" and _good_href(anc):
            return True
    # A linked thumbnail stands for the title: <a><img></a><h3>Title</h3><p>...</p>.
    return any(
        _good_href(a) and next(m.descendants(a, "img"), None) is not None
        for a in m.descendants(el, "a")
    )


_SNIPPET_MIN_CHARS = 25
"""Text beyond a card's title that makes it an excerpt, not a bare title (a label such as
"Blog" or "Service" is shorter)."""


def _snippet_chars(m: _Measure, card: _Card) -> int:
    total = m.text_len.get(id(card.el), 0)
    head = next(m.descendants(card.el, "h2", "h3", "h4", "h5", "h6"), None)
    if head is None and card.el.name in _HEADINGS:
        head = card.el
    if head is None and card.el.name == "a":
        head = next(m.descendants(card.el, "strong", "b"), None)  # a card titled in bold
    if head is None:
        link = next((a for a in m.descendants(card.el, "a") if _good_href(a)), None)
        head = link if link is not None else card.el
    return total - m.text_len.get(id(head), 0)


def _name_blocks(m: _Measure, cards: list[_Card]) -> list[_Card]:
    """Give each group of cards its block kind; drop title-only groups that are navigation.

    A group of bare linked titles (no excerpt, no "Read more", no "[...]") is a menu unless
    its heading presents the titles as articles ("Related from the blog", "Recent Posts",
    "Keep reading", "Articles"): a sidebar "Services" widget or sibling-page list is
    navigation (rubric)."""
    groups: dict[int, list[_Card]] = {}
    for card in cards:
        groups.setdefault(card.parent_key, []).append(card)
    kept: list[_Card] = []
    for group in groups.values():
        first = min(group, key=lambda c: m.order.get(id(c.el), 0))
        heading = _block_heading(m, first.el)
        kind = _heading_kind(heading) or _class_kind(first.el, m)
        excerpts = sum(
            1 for c in group if c.kind != "title" or _snippet_chars(m, c) >= _SNIPPET_MIN_CHARS
        )
        titles_only = 2 * excerpts < len(group)  # mostly bare titles: a menu by its shape
        nav = titles_only and not _presents_articles(kind, heading)
        linked = sum(1 for c in group if not c.unlinked)
        for card in group:
            # Navigation, or one linked box among unlinked ones ("Also on our team"): kept
            # for the page kind and out of the article text, never a teaser.
            solitary = card.kind == "title" and linked < 2
            card.block = "nav" if nav or solitary else (kind or "")
        kept.extend(group)
    return kept


def _in_related(card: _Card) -> bool:
    for anc in _ancestors(card.el):
        for token in _tokens(anc):
            if _RELATED_RE.search(token):
                return True
        if anc.name in ("body", "main", "article"):
            break
    return False
