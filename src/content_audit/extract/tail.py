"""What belongs to the article beyond its root: a column of its figures beside it, and its
FAQ and call-to-action band after it.

Themes close ``<article>`` early and hand-built sites put pictures in a second column; these
blocks are the page's own words, so the article text takes them in, while a widget sidebar,
navigation, forms and link lists never qualify.
"""

from __future__ import annotations

import itertools
import re

from bs4 import Tag

from .measure import _Measure

_FIGURE_COLUMN_MAX_CHARS = 2000


def _figure_columns(root: Tag, m: _Measure, excluded: set[int]) -> list[Tag]:
    """Columns beside the root that only hold the article's illustrations and captions.

    Hand-built sites put a page's pictures in a second column (``<div class="secondary">``
    of figures) whose captions carry article text ("Pipa is good for relieving dry
    cough").  Such a column is taken as content when it is not chrome, follows the root,
    has pictures and prose but no link, form, heading or list: a widget sidebar always
    has links (menus, "Book now", recent posts), so it never qualifies.
    """
    out: list[Tag] = []
    node: Tag | None = root
    while node is not None and node.name not in ("body", "html", "[document]"):
        for sib in node.next_siblings:
            if not isinstance(sib, Tag) or sib.name not in ("div", "section", "aside"):
                continue
            key = id(sib)
            if sib.name == "aside" or key in excluded or key in m.chrome:
                continue
            chars = m.score.get(key, 0)
            if chars < 40 or m.text_len.get(key, 0) > _FIGURE_COLUMN_MAX_CHARS:
                continue
            if m.flags.get(key, 0) & (1 | 2 | 8 | 16):  # h1, nav, h2-h6, lists
                continue
            if next(m.descendants(sib, "img"), None) is None:
                continue
            if next(m.descendants(sib, "a", "form", "button", "input", "iframe"), None):
                continue
            out.append(sib)
        node = node.parent if isinstance(node.parent, Tag) else None
    return out


_CTA_ACTION_RE = re.compile(
    r"^\W*(?:book|schedule|request|make|call|contact|reserve|get\s+in\s+touch|talk\s+to|"
    r"speak\s+(?:to|with)|start|claim)\b",
    re.IGNORECASE,
)
_CTA_BAND_MAX_CHARS = 1500
_FAQ_HEADING_RE = re.compile(
    r"\b(?:faqs?|frequently\s+asked|common\s+questions|your\s+questions|questions\s+"
    r"(?:and|&)\s+answers|q\s*&\s*a)\b",
    re.IGNORECASE,
)
_FAQ_MAX_CHARS = 8000


def _article_tail(root: Tag, m: _Measure, excluded: set[int]) -> list[Tag]:
    """Blocks after the root that still belong to the article: its FAQ and its
    call-to-action band.

    Themes end ``<article>`` before the page's FAQ ("Dry Needling FAQ", questions in
    ``<details>``) and before a band with a heading, a line or two and a booking button
    ("Have More Questions About Dry Needling?" ... "Book An Appointment").  Both are the
    page's own words (the rubric counts FAQs and page-specific CTAs; chrome it does not).
    A band or FAQ the site repeats on every page is chrome all the same: a crawl's site
    template (``template.py``) drops lines that recur on many pages.  Navigation, forms
    and link lists never qualify.
    """
    out: list[Tag] = []
    node: Tag | None = root
    while node is not None and node.name not in ("body", "html", "[document]"):
        for sib in node.next_siblings:
            if not isinstance(sib, Tag) or sib.name not in ("div", "section"):
                continue
            key = id(sib)
            if key in excluded or key in m.chrome:
                continue
            flags = m.flags.get(key, 0)
            size = m.text_len.get(key, 0)
            if not flags & 8 or flags & (1 | 2) or size < 40:  # a heading; no h1 or nav
                continue
            if next(m.descendants(sib, "form", "input", "iframe"), None) is not None:
                continue
            heads = (m.text(h) for h in m.descendants(sib, "h2", "h3", "span", "p"))
            if size <= _FAQ_MAX_CHARS and any(
                _FAQ_HEADING_RE.search(h) for h in itertools.islice(heads, 4)
            ):
                # Mostly prose: an FAQ answers, a link list only points.
                if m.score.get(key, 0) >= size // 2:
                    out.append(sib)
                continue
            if size > _CTA_BAND_MAX_CHARS or flags & 16:
                continue
            actions = (m.text(a) for a in m.descendants(sib, "a", "button"))
            if any(_CTA_ACTION_RE.match(text) for text in actions):
                out.append(sib)
        node = node.parent if isinstance(node.parent, Tag) else None
    return out
