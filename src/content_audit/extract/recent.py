""" "Recent Posts" style lists: a widget class or a heading over a list of title links.

Their items are kept out of the article text and reported as ``RecentPost`` entries, so a
site audit can compare each title with the page it links to.
"""

from __future__ import annotations

import re

from bs4 import Tag

from .blocks import _RECENT_CLASS_RE
from .measure import _Measure
from .tags import _descendants
from .text import _inline_text

_RECENT_HEADING_RE = re.compile(
    r"^(?:(?:recent|latest|newest|popular|related|more|other|similar|featured)\s+"
    r"(?:blog\s+)?(?:posts?|articles?|news|stories|entries|reads?)|from (?:the|our) blog|"
    r"(?:you may|you might) also like.*|keep reading|further reading|read next|"
    r"(?:[\w&,/'’-]+\s+){0,3}(?:articles|posts))\W*$",
    re.I,
)


def _find_recent(m: _Measure) -> list[tuple[list[Tag], list[Tag]]]:
    """Return (blocks to exclude, list items) for each recent-post style list."""
    found: list[tuple[list[Tag], list[Tag]]] = []
    seen: set[int] = set()

    def add(block: Tag | list[Tag], lst: Tag) -> None:
        if id(lst) in seen:
            return
        items = [c for c in lst.children if isinstance(c, Tag) and c.name == "li"]
        items = [li for li in items if _first_link(li) is not None]
        if not items:
            return
        # Title lists only: each item is (mostly) one link.
        linky = 0
        for li in items:
            text = m.text(li)
            a = _first_link(li)
            link_text = m.text(a) if a is not None else ""
            if text and len(link_text) >= 0.5 * len(text):
                linky += 1
        if linky < max(1, len(items) * 0.7):
            return
        seen.add(id(lst))
        found.append((block if isinstance(block, list) else [block], items))

    for el in m.tags("section", "div", "aside", "ul", "ol"):
        if not m.flags.get(id(el), 0) & 16 and el.name not in ("ul", "ol"):
            continue
        if el.attrs and any(_RECENT_CLASS_RE.search(t) for t in m.tokens(el)):
            lst = el if el.name in ("ul", "ol") else next(m.descendants(el, "ul", "ol"), None)
            if lst is not None:
                add(el, lst)
    heads = m.tags("h2", "h3", "h4", "h5", "h6") + [
        t for t in m.titled if t.name in ("p", "span", "div", "strong")
    ]
    for head in heads:
        inner = (
            next(m.descendants(head, "ul", "ol"), None)
            if head.name[0] == "h" and m.flags.get(id(head), 0) & 16
            else None
        )
        text = _inline_text(head)
        if not text or len(text) > 60 or not _RECENT_HEADING_RE.match(text):
            continue
        if inner is not None:  # "<h2>Posts</h5><ul>": the parser put the list inside
            add(head, inner)
            continue
        run = [head]
        sib = head.find_next_sibling()
        while sib is not None and len(run) < 4:
            run.append(sib)
            lst = sib if sib.name in ("ul", "ol") else next(m.descendants(sib, "ul", "ol"), None)
            if lst is not None:
                # The heading's wrapper when it holds just this block, else the run itself.
                parent = head.parent
                siblings = [c for c in parent.children if isinstance(c, Tag)] if parent else []
                whole = parent is not None and parent.name not in ("main", "article", "body")
                if parent is not None and whole and len(siblings) == len(run):
                    add([parent], lst)
                else:
                    add(run, lst)
                break
            sib = sib.find_next_sibling()
    return found


def _first_link(node: Tag) -> Tag | None:
    for a in _descendants(node, "a"):
        if a.get("href") is not None:
            return a
    return None
