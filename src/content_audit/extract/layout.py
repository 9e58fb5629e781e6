"""Pass 2: where the article is, and which blocks on the page are not the article.

Excerpt cards (``cards``), recent-post lists (``recent``) and the content root (``root``)
are found from pass 1's measures; the cards inside the root make the page a listing when
they are most of its text.  Blocks introduced by a heading or a lead-in line (``headed``)
are looked for last, among the links no card or recent list holds.  What this pass returns
is what the article walk skips (``excluded``) and what becomes a teaser or a recent post.
"""

from __future__ import annotations

from dataclasses import dataclass

from bs4 import Tag

from ..model import RecentPost
from .cards import _NO_LINK, _Card, _find_cards, _in_related
from .headed import _find_headed
from .links import _host, _resolve
from .measure import _Measure
from .recent import _find_recent, _first_link
from .root import _pick_root
from .tags import _ancestors


@dataclass(frozen=True, slots=True)
class Layout:
    """What ``lay_out`` decided about the page's blocks."""

    root: Tag
    """The content root: the element whose text is the article."""
    excluded: set[int]
    """Elements (by ``id``) the article walk skips: cards, recent lists, headed blocks
    outside the root's ancestry."""
    cards: list[_Card]
    """Cards kept by the listing rule (navigation groups too: their links are not chrome)."""
    teaser_cards: list[_Card]
    """The cards that become teasers: listing items, and excerpt cards not navigation."""
    headed: list[_Card]
    """Teasers of blocks found by their heading or lead-in line (``headed``)."""
    listing_ids: set[int]
    """The card elements (by ``id``) that are a listing page's items."""
    recent_posts: tuple[RecentPost, ...]
    recent_anchors: set[int]
    """The anchors (by ``id``) of the recent-post lists."""


def lay_out(body: Tag, m: _Measure, base: str | None, url: str | None) -> Layout:
    """Find the cards, recent-post lists, content root and headed blocks of the page."""
    cards = _find_cards(m)
    recent = _find_recent(m)
    root = _pick_root(body, m)
    excluded: set[int] = set()
    recent_posts: list[RecentPost] = []
    recent_anchors: set[int] = set()
    for blocks, items in recent:
        excluded.update(id(b) for b in blocks)
        for li in items:
            a = _first_link(li)
            if a is None:
                continue
            recent_anchors.update(id(x) for x in m.descendants(li, "a"))
            recent_posts.append(RecentPost(m.text(a), _resolve(base, str(a["href"]))))

    listing_ids = _listing_items(cards, root, m)
    cards = [c for c in cards if id(c.el) in listing_ids or not c.href.startswith(_NO_LINK)]
    teaser_cards = [
        c for c in cards if id(c.el) in listing_ids or (c.block != "nav" and not c.unlinked)
    ]
    root_ancestors = {id(a) for a in _ancestors(root)} | {id(root)}
    for card in cards:
        if id(card.el) not in root_ancestors:
            excluded.add(id(card.el))
    used = set(recent_anchors)
    for card in cards:
        used.update(id(a) for a in ([card.el] if card.el.name == "a" else []))
        used.update(id(a) for a in m.descendants(card.el, "a"))
    headed = _find_headed(m, used, _host(url), base)
    for card in headed:
        if id(card.el) not in root_ancestors:
            excluded.add(id(card.el))
    return Layout(
        root=root,
        excluded=excluded,
        cards=cards,
        teaser_cards=teaser_cards,
        headed=headed,
        listing_ids=listing_ids,
        recent_posts=tuple(recent_posts),
        recent_anchors=recent_anchors,
    )


def _listing_items(cards: list[_Card], root: Tag, m: _Measure) -> set[int]:
    """The cards (by ``id``) that are a listing page's items: two or more linked cards in
    the root that hold most of its text; none on a page that is not a listing."""
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
    return {id(c.el) for c in in_root} if listing else set()
