"""A card made a ``Teaser``: its title, its excerpt, its resolved href and its block.

The excerpt leaves out card metadata (dates, bylines, category links) and its "[...]" /
"Read more" tail; ``truncated`` says the tail was there, which the site audit's stale-teaser
check needs.
"""

from __future__ import annotations

import re

from bs4 import Tag

from ..model import Teaser
from .cards import _NO_LINK, _Card
from .cues import _ELLIPSIS_END_RE, _is_more_text
from .links import _resolve
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
