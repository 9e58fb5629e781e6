"""A teaser block's kind: related, recent, featured or promo (``model.TEASER_BLOCKS``).

A block is named by its heading, the way English-language themes title them: "Related
Posts", "You may also like", "Keep reading", "More from the blog" (related); "Recent Posts",
"Latest news", "Popular articles" (recent); "Featured", "Our services" (featured); "For more
information" (promo).  The heading is looked for where themes put it: before the cards
inside their container, or just before the container, a few levels up.  Class names are a
fallback only ("related-posts", "widget_recent_entries").  Cards (``cards``) and headed
blocks (``headed``) are both named here.
"""

from __future__ import annotations

import re

from bs4 import Tag

from .measure import _Measure
from .tags import _HEADINGS, _SKIP_TAGS, _ancestors
from .text import _inline_text, _pseudo_heading

_RELATED_RE = re.compile(
    r"related|yarpp|jp-relatedposts|crp|more-posts|you-may|read-next|also-like|keep-reading"
)


_RECENT_CLASS_RE = re.compile(
    r"recent[-_]?(?:posts|entries|articles)|widget_recent|latest[-_]?posts|rpwe|"
    r"wp-block-latest-posts|popular[-_]?posts"
)


_RELATED_HEADING_RE = re.compile(
    r"\brelated\b|\b(?:you|readers?|patients?|people)\s+(?:may|might|will|would|could)?\s*"
    r"(?:also\s+)?(?:like|enjoy|love|want|find|be\s+interested|read|look\s+at|check\s+out|"
    r"explore|consider)\b|\balso\s+(?:of\s+"
    r"interest|worth\s+reading|read|like)\b|\bsee\s+also\b|\bkeep\s+reading\b|"
    r"\bcontinue\s+(?:reading|learning|exploring)\b|\bfurther\s+reading\b|"
    r"\b(?:what\s+to\s+)?read\s+next\b|\bup\s+next\b|\bmore\s+(?:from|on|about|in|like\s+"
    r"this|to\s+(?:read|explore)|reading|articles?|posts?|stories|resources|guides?|tips)\b|"
    r"\b(?:other|similar|recommended)\s+(?:\w+\s+)?(?:articles?|posts?|reads?|stories|guides?|"
    r"resources|treatments?|services|conditions|topics)\b|\brecommended\b|\bexplore\s+more\b|"
    r"\blearn\s+more\s+about\b|\bdon'?t\s+miss\b|\bwhat\s+to\s+read\b",
    re.I,
)
_RECENT_KIND_RE = re.compile(
    r"^\W*(?:(?:most\s+)?(?:recent|latest|newest|new|popular|trending|top|most\s+read)\b"
    r"|from\s+(?:the|our)\s+blog\b|(?:our|the)\s+blog\b|blog\s*$|news\s*$)",
    re.I,
)
_FEATURED_KIND_RE = re.compile(
    r"^\W*(?:featured\b|highlights?\b|spotlight\b|editor'?s?\s+picks?\b|"
    r"(?:our|popular|top|key)\s+(?:services|treatments|specialties|specialities|programs)\b|"
    r"(?:services|treatments|conditions)\s+(?:we\s+(?:offer|provide|treat))\b)",
    re.I,
)
_PROMO_KIND_RE = re.compile(
    r"^\W*(?:for\s+(?:more|further)\s+(?:information|info|details|reading)|"
    r"(?:more|further)\s+information|helpful\s+(?:resources|reading))\b",
    re.I,
)
_ARTICLE_WORD_RE = re.compile(
    r"\b(?:articles?|posts?|blogs?|news|stories|reads?|reading|guides?|resources|tips|"
    r"library|insights)\b",
    re.I,
)
"""A block heading that presents its items as articles (titles alone then suffice)."""
_READING_RE = re.compile(
    r"^\W*related\W*$|\b(?:keep|further|continue)\s+reading\b|\bread\s+next\b|"
    r"\b(?:you|readers?)\s+(?:may|might|will)\s+also\s+(?:like|enjoy|read)\b",
    re.I,
)


def _presents_articles(kind: str | None, heading: str) -> bool:
    """Whether a heading presents bare titles as articles to read ("Related from the blog",
    "Recent Posts", "Keep reading"), not as pages to go to ("Services", "Other conditions")."""
    return kind == "recent" or bool(_ARTICLE_WORD_RE.search(heading) or _READING_RE.search(heading))


_ARTICLES_HEADING_RE = re.compile(
    r"^\W*(?:[\w&/'’-]+\s+){0,2}(?:articles|posts|blog|stories|library)\W*$", re.I
)
"""A short heading that is only a name for a set of articles."""
_HEADING_MAX_CHARS = 80


def _heading_kind(text: str) -> str | None:
    """The block kind a heading names, or None when it names none."""
    if not text or len(text) > _HEADING_MAX_CHARS:
        return None
    if _PROMO_KIND_RE.match(text):
        return "promo"
    if _RELATED_HEADING_RE.search(text):
        return "related"
    if _RECENT_KIND_RE.match(text):
        return "recent"
    if _FEATURED_KIND_RE.match(text):
        return "featured"
    if _ARTICLES_HEADING_RE.match(text):
        return "related"  # "Articles", "Health library", "Blog posts"
    return None


def _heading_text(m: _Measure, el: Tag) -> str | None:
    """The text of ``el`` when it is a heading, or a short box ending in one (section head)."""
    name = el.name
    if name in _HEADINGS:
        return _inline_text(el)
    if name == "p" and 0 < m.text_len.get(id(el), 0) <= _HEADING_MAX_CHARS:
        return _pseudo_heading(el)  # "<p><strong>Related articles</strong></p>"
    if m.text_len.get(id(el), 0) > 200 or not m.flags.get(id(el), 0) & 9:
        return None
    heads = list(m.descendants(el, "h1", "h2", "h3", "h4", "h5", "h6"))
    if len(heads) != 1 or next(m.descendants(el, "a"), None) is not None:
        return None
    return _inline_text(heads[-1])


def _block_heading(m: _Measure, first: Tag, levels: int = 4) -> str:
    """The heading of the block whose first item is ``first``: before it in its container,
    or before the container (a few levels up); "" when there is none near."""
    cur = first
    for _ in range(levels):
        seen = 0
        sib = cur.previous_sibling
        while sib is not None and seen < 2:
            if isinstance(sib, Tag) and sib.name not in _SKIP_TAGS:
                text = _heading_text(m, sib)
                if text:
                    return text
                if m.text_len.get(id(sib), 0) > 0:
                    seen += 1
            sib = sib.previous_sibling
        parent = cur.parent
        if parent is None or parent.name in ("body", "html", "[document]", "main"):
            break
        cur = parent
    return ""


def _class_kind(card_el: Tag, m: _Measure) -> str | None:
    for anc in _ancestors(card_el):
        for token in m.tokens(anc):
            if _RECENT_CLASS_RE.search(token):
                return "recent"
            if _RELATED_RE.search(token):
                return "related"
        if anc.name in ("body", "main"):
            break
    return None
