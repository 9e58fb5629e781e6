"""The content root: the element whose text is the article.

The first semantic container (a single ``<article>``, ``[itemprop=articleBody]``,
``<main>``, ``[role=main]``, ``.entry-content`` ...) that holds at least half of the page's
content score, else the smallest container holding 70 % of it: a text-density rule in the
spirit of readability.js that also works on div soup, tables and bare fragments.
"""

from __future__ import annotations

from bs4 import Tag

from .measure import _Measure
from .tags import _CONTAINER_TAGS

_SEMANTIC_CLASSES = (
    "entry-content",
    "post-content",
    "article-content",
    "article-body",
    "post-body",
    "entry-body",
    "page-content",
    "single-content",
    "blog-content",
    "content-body",
)


def _pick_root(body: Tag, m: _Measure) -> Tag:
    """The content root of ``body`` by pass 1's content scores (``body`` when it has none)."""
    total = m.score.get(id(body), 0)
    if total <= 0:
        return body
    candidates: list[Tag] = []
    articles = [a for a in m.tags("article") if id(a) not in m.chrome]
    big = [a for a in articles if m.score.get(id(a), 0) >= 0.5 * total]
    if len(big) == 1:
        candidates.append(big[0])
    divs = [t for t in m.tags("div", "section") if t.attrs]
    candidates.extend(t for t in divs if t.get("itemprop") == "articleBody")
    candidates.extend(m.tags("main"))
    candidates.extend(t for t in divs if t.get("role") == "main")
    for cls in _SEMANTIC_CLASSES:
        candidates.extend(t for t in divs if cls in m.tokens(t))
    for cand in candidates:
        if id(cand) not in m.chrome and m.score.get(id(cand), 0) >= 0.5 * total:
            return cand
    node = body
    while True:
        best = None
        best_score = -1
        for child in node.children:
            if isinstance(child, Tag) and child.name in _CONTAINER_TAGS:
                s = m.score.get(id(child), 0)
                if s > best_score:
                    best, best_score = child, s
        if best is None or best_score < 0.7 * total:
            return node
        node = best
