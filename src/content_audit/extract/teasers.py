"""A card made a ``Teaser``: its title, its excerpt, its resolved href and its block.

The excerpt leaves out card metadata (dates, bylines, category links) and its "[...]" /
"Read more" tail; ``truncated`` says the tail was there, which the site audit's stale-teaser
check needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bs4 import Tag

from ..model import Teaser
from .cards import _NO_LINK, _Card
from .cues import _ELLIPSIS_END_RE, _is_more_text
from .layout import Layout
from .links import _good_href, _resolve
from .measure import _Measure
from .tags import _ancestors, _descendants
from .text import _joined_text, normalize_text

_MORE_TAIL_RE = re.compile(
    r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|…|\.\.\.|(?:read|learn|see|view) more\W*|"
    r"continue reading\W*|read (?:the |full )?(?:article|post)\W*(?:now)?\W*)\s*$",
    re.I,
)


def _in_card_chrome(m: _Measure, el: Tag, card_el: Tag) -> bool:
    """Whether ``el`` is card metadata (a date line, byline, category links, a screen-reader
    label): chrome inside the card, never part of the excerpt."""
    if id(el) in m.chrome:
        return True
    for anc in _ancestors(el):
        if anc is card_el:
            return False
        if id(anc) in m.chrome:
            return True
    return False


def _teaser(card: _Card, base: str | None, position: int, m: _Measure | None = None) -> Teaser:
    el = card.el
    head = next(_descendants(el, "h2", "h3", "h4", "h5", "h6"), None)
    title = normalize_text(_joined_text(head)) if head is not None else ""
    bare = ""
    if not title:
        for a in [el] if el.name == "a" else _descendants(el, "a"):
            text = normalize_text(_joined_text(a))
            if text and not _is_more_text(text) and len(text) < 150:
                if normalize_text(_joined_text(el)) != text:
                    title = text
                else:
                    bare = text  # the card is its linked title and nothing else
                break
    if bare:
        return Teaser(
            text="",
            href=_resolve(base, card.href) if not card.href.startswith(_NO_LINK) else "",
            truncated=False,
            title=bare,
            position=position,
            block=card.block or "excerpt",
        )
    parts: list[str] = []
    for p in _descendants(el, "p", "div"):
        if next(_descendants(p, "p", "div"), None) is None:
            if m is not None and _in_card_chrome(m, p, el):
                continue
            text = normalize_text(_joined_text(p))
            if text and text != title and not _is_more_text(text):
                parts.append(text)
    text = " ".join(parts) if parts else normalize_text(_joined_text(el))
    if title and text.startswith(title) and text != title:
        text = text[len(title) :].strip()
    truncated = False
    while True:
        stripped = _MORE_TAIL_RE.sub("", text)
        if stripped == text:
            break
        if _ELLIPSIS_END_RE.search(text):
            truncated = True
        text = stripped
    if card.kind in ("more", "ellipsis") and not truncated:
        truncated = bool(_ELLIPSIS_END_RE.search(normalize_text(_joined_text(el))))
    return Teaser(
        text=text,
        href=_resolve(base, card.href) if not card.href.startswith(_NO_LINK) else "",
        truncated=truncated,
        title=title,
        position=position,
        block=card.block or "excerpt",
    )


@dataclass(frozen=True, slots=True)
class Teasers:
    """What ``make_teasers`` made: the teasers in page order, and the anchors (by ``id``)
    of teaser cards and of listing cards, the ``teaser`` and ``listing`` zones of links."""

    teasers: tuple[Teaser, ...]
    anchors: set[int]
    listing_anchors: set[int]


def make_teasers(layout: Layout, m: _Measure, base: str | None) -> Teasers:
    """Each teaser card (and headed-block item) made a Teaser, in document order, with its
    block: ``listing`` for a listing's items, else the block its heading named, else
    ``promo`` for a lone "Read more" box in the article's text and ``excerpt`` for the rest."""
    teaser_anchors: set[int] = set()
    listing_anchors: set[int] = set()
    for card in layout.cards + layout.headed:
        anchors = [card.el] if card.el.name == "a" else []
        anchors.extend(m.descendants(card.el, "a"))
        if id(card.el) in layout.listing_ids:
            listing_anchors.update(id(a) for a in anchors)
            continue
        teaser_anchors.update(id(a) for a in anchors)
    cards = layout.teaser_cards + layout.headed
    cards.sort(key=lambda c: m.order.get(id(c.el), 0))
    promo_groups: dict[int, int] = {}
    for card in cards:
        promo_groups[card.parent_key] = promo_groups.get(card.parent_key, 0) + 1
    root = layout.root
    teasers: list[Teaser] = []
    for card in cards:
        if id(card.el) in layout.listing_ids:
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
    return Teasers(tuple(teasers), teaser_anchors, listing_anchors)
