"""HTML -> Page: the article text apart from site chrome, teasers and listing cards.

One BeautifulSoup(lxml) parse per page, then three passes over the tree:

1. ``_Measure`` walks the whole tree once, post-order, and records for every element its
   text length and its *content score* (text outside links, outside chrome).  Chrome is
   decided there too: header/nav/aside/footer/menu tags, ARIA landmark roles, hidden
   elements and class/id tokens such as ``site-header``, ``sidebar``, ``breadcrumb``,
   ``share``, ``cookie``.
2. Teasers, recent-post lists and listing cards are found by their *triggers* ("Read
   more" links, excerpts cut with "[...]", linked card headings, "Recent Posts" headings)
   and climbed to the largest ancestor that holds only one target; cards that share a
   parent form a group.  Each group is named by its block heading, found where themes put
   it (before the cards in their container, or before the container): related, recent,
   featured or promo (``model.TEASER_BLOCKS``).  A group of bare linked titles is
   navigation unless its heading presents them as articles ("Related from the blog",
   "Recent Posts"): a "Services" widget or a sibling-page list is a menu by its shape.
   Blocks no trigger finds are found by their heading ("Related treatments — you may also
   be interested in…", "Featured", "For more information"), a related-content class, or a
   one-line label ("Related: <a>…</a>"): the links the block holds, each with its title
   and snippet, when they are a repeated group of items and not links inside sentences.
   On a listing page every card is a teaser of the ``listing`` block.
3. The content root is the first semantic container (single ``<article>``, ``<main>``,
   ``[role=main]``, ``.entry-content`` ...) that holds at least half of the page's content
   score, else the smallest container holding 70 % of it (a text-density rule in the
   spirit of readability.js that works on div soup, tables and bare fragments).  The root
   is walked in document order into Sections, skipping chrome and cards.

``extract_page`` never raises: every failure falls back to an emptier Page, because bad
input is judged by the caller (``checks`` reports an empty article, ``cli`` exits 2).
"""

from __future__ import annotations

import itertools
import json
import re
import warnings
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from bs4 import Comment, NavigableString, Tag
from bs4.element import AttributeDict, CData, Declaration, Doctype, ProcessingInstruction

from .access import scan_access
from .model import AccessNote, Image, Link, Page, Person, RecentPost, Section, Teaser
from .soup import make_soup
from .urls import site_host

__all__ = ["extract_page", "normalize_text"]

# ---------------------------------------------------------------------------- text

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A lone surrogate (only a str built in Python can hold one) makes lxml raise on encoding.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_INVISIBLE_RE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_ODD_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u200b\u200c\u200d\u2060\ufeff]")
"""A control or invisible character: the only text ``normalize_text`` must rewrite first."""
_COERCE_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
"""A control character or a lone surrogate: the only characters ``_coerce`` must rewrite."""


def normalize_text(text: str) -> str:
    """Collapse whitespace (NBSP included) and drop zero-width and control characters.

    ``str.split()`` splits on the same characters as ``\\s`` (NBSP included), so splitting
    and joining collapses runs and strips the ends in one C call: this runs hundreds of
    times a page.
    """
    if _ODD_RE.search(text):
        text = _INVISIBLE_RE.sub("", _CONTROL_RE.sub(" ", text))
    return " ".join(text.split())


def _joined_text(tag: Tag) -> str:
    """``tag.get_text(" ")``; a tag holding one plain string skips bs4's two generators.

    Most tags whose text is read (links, headings, bylines) hold exactly one string, and
    ``get_text`` walks ``descendants`` and filters them by type to join a single item.
    The shortcut applies only where ``get_text`` would keep that string: a plain
    ``NavigableString`` in a tag reading the main content types (not script/style).
    """
    contents = tag.contents
    if (
        len(contents) == 1
        and type(contents[0]) is NavigableString
        and tag.interesting_string_types is Tag.MAIN_CONTENT_STRING_TYPES
    ):
        return str(contents[0])
    return tag.get_text(" ")


# ---------------------------------------------------------------------------- tag sets

_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "option",
        "textarea",
        "input",
        "button",
        "head",
        "title",
        "meta",
        "link",
        "map",
        "video",
        "audio",
        "math",
        "datalist",
        "dialog",
    ]
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "blockquote",
        "td",
        "th",
        "tr",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "pre",
        "figure",
        "address",
        "center",
        "header",
        "footer",
        "form",
        "fieldset",
        "details",
        "summary",
        "hr",
        "body",
        "html",
        "aside",
        "nav",
        "menu",
    ]
)
# Containers the density rule may descend into (never a paragraph-level block).
_CONTAINER_TAGS = frozenset(
    [
        "body",
        "html",
        "div",
        "section",
        "article",
        "main",
        "td",
        "tr",
        "tbody",
        "table",
        "center",
        "form",
        "span",
        "font",
    ]
)
_HEAD_TAGS = frozenset(("meta", "link", "title", "script", "base"))
_SKIP_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)

# Class/id parts that mark site chrome.  Matching is on parts of a token split at "-"/"_"
# so "elementor-widget" or "nxs-containshovermenu1" never match, "site-header" does.
_CHROME_PARTS = frozenset(
    [
        "header",
        "footer",
        "nav",
        "navbar",
        "navigation",
        "menu",
        "menubar",
        "topbar",
        "sidebar",
        "breadcrumb",
        "breadcrumbs",
        "crumbs",
        "cookie",
        "cookies",
        "gdpr",
        "consent",
        "comments",
        "comment",
        "respond",
        "disqus",
        "share",
        "sharing",
        "sharedaddy",
        "social",
        "addtoany",
        "a2a",
        "masthead",
        "colophon",
        "skip",
        "popup",
        "modal",
        "newsletter",
        "subscribe",
        "offcanvas",
        "byline",
        "pagination",
    ]
)
_CHROME_TOKENS = frozenset(
    [
        "screen-reader-text",
        "sr-only",
        "visually-hidden",
        "entry-meta",
        "post-meta",
        "cat-links",
        "tags-links",
        "entry-footer",
        "post-navigation",
        "nav-links",
        "page-numbers",
        "author-bio",
        "author-box",
        "widget-area",
        "widget_search",
        "search-form",
        "wp-block-search",
        "skip-link",
    ]
)
# Parts that make a header/footer token page content ("entry-header", "card-footer").
_CONTENT_PARTS = frozenset(
    [
        "entry",
        "page",
        "post",
        "article",
        "section",
        "content",
        "title",
        "card",
        "heading",
        "hero",
        "single",
    ]
)
# Parts that say "this element *has* a menu/sidebar", not "this element is one".
_HAS_PARTS = frozenset(["has", "no", "with", "contains", "without", "is"])
_CHROME_ROLES = frozenset(
    ["banner", "navigation", "contentinfo", "complementary", "search", "dialog", "menu"]
)
_TOKEN_SPLIT = re.compile(r"[-_]+")
_RELATED_RE = re.compile(
    r"related|yarpp|jp-relatedposts|crp|more-posts|you-may|read-next|also-like|keep-reading"
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")

_MORE_TEXT_RE = re.compile(
    r"^(?:\[\s*(?:\.\.\.|…)\s*\]|…|\.\.\.|(?:read|learn|see|view|find out)\s+more\b.*|"
    r"continue\s+reading\b.*|read\s+(?:the\s+|full\s+)?(?:article|post|story)\b.*|"
    r"keep\s+reading\b.*|more\s*(?:»|›|→|>)?)$",
    re.I,
)
_ELLIPSIS_END_RE = re.compile(r"(?:\[\s*(?:\.\.\.|…)\s*\]|…|\.\.\.)\s*$")
_EDGE_SYMBOLS_RE = re.compile(r"^[^\w\[.…]+|[^\w\].…]+$")
"""Arrows, pictographs and dashes around a link's words ("→ Read article now »")."""


def _is_more_text(text: str) -> bool:
    """A "Read more" style link text, arrows and pictographs around it ignored."""
    if not text or len(text) >= 40:
        return False
    return bool(_MORE_TEXT_RE.match(text) or _MORE_TEXT_RE.match(_EDGE_SYMBOLS_RE.sub("", text)))


_MORE_TAIL_RE = re.compile(
    r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|…|\.\.\.|(?:read|learn|see|view) more\W*|"
    r"continue reading\W*|read (?:the |full )?(?:article|post)\W*(?:now)?\W*)\s*$",
    re.I,
)
_RECENT_HEADING_RE = re.compile(
    r"^(?:(?:recent|latest|newest|popular|related|more|other|similar|featured)\s+"
    r"(?:blog\s+)?(?:posts?|articles?|news|stories|entries|reads?)|from (?:the|our) blog|"
    r"(?:you may|you might) also like.*|keep reading|further reading|read next|"
    r"(?:[\w&,/'’-]+\s+){0,3}(?:articles|posts))\W*$",
    re.I,
)
_RECENT_CLASS_RE = re.compile(
    r"recent[-_]?(?:posts|entries|articles)|widget_recent|latest[-_]?posts|rpwe|"
    r"wp-block-latest-posts|popular[-_]?posts"
)
_CARD_CLASS_RE = re.compile(r"(?:^|[-_])(?:card|post|teaser|excerpt|entry|item)$")
_NO_LINK = "#no-link-"
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


def _tokens(tag: Tag) -> list[str]:
    attrs = tag.attrs
    classes = attrs.get("class") or []
    # Lower-casing the attribute then splitting it gives the same tokens as splitting
    # then lower-casing each (no character lower-cases to or from whitespace, and
    # whitespace bounds the final-sigma context), in one call instead of one per class.
    out = classes.lower().split() if isinstance(classes, str) else [c.lower() for c in classes]
    ident = attrs.get("id")
    if isinstance(ident, str) and ident:
        out.append(ident.lower())
    return out


@lru_cache(maxsize=16384)  # a pure function of the token; a site repeats its classes
def _token_is_chrome(token: str) -> bool:
    if token in _CHROME_TOKENS:
        return True
    parts = _TOKEN_SPLIT.split(token)
    if not parts or parts[0] in _HAS_PARTS:
        return False
    hit = False
    for part in parts:
        if part in _CONTENT_PARTS:
            return False
        if part in _CHROME_PARTS:
            hit = True
    return hit


def _is_hidden(tag: Tag) -> bool:
    attrs = tag.attrs
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return isinstance(style, str) and bool(_HIDDEN_STYLE_RE.search(style))


# ---------------------------------------------------------------------------- pass 1


class _Measure:
    """One pass over the body: text length, content score and chrome verdict per element.

    It also indexes the tree (tags by name in document order, document position, strings
    cut with an ellipsis, head-like tags) because bs4's ``find_all`` costs far more than
    the whole of this pass when called a few dozen times per page, and keeps each tag's
    class/id tokens: the chrome test, the card and recent-post searches and the root pick
    ask for the same tag's tokens several hundred times a page.
    """

    __slots__ = (
        "by_name",
        "chrome",
        "ellipsis",
        "end",
        "flags",
        "head_tags",
        "order",
        "positions",
        "score",
        "skip_pos",
        "text_len",
        "texts",
        "titled",
        "toks",
    )

    def __init__(self) -> None:
        self.text_len: dict[int, int] = {}
        self.score: dict[int, int] = {}
        self.flags: dict[int, int] = {}
        self.order: dict[int, int] = {}
        self.chrome: set[int] = set()
        self.by_name: dict[str, list[Tag]] = {}
        self.ellipsis: list[NavigableString] = []
        self.head_tags: list[Tag] = []
        self.titled: list[Tag] = []
        self.texts: dict[int, str] = {}
        self.toks: dict[int, list[str]] = {}
        self.end: dict[int, int] = {}
        """Per tag: the document position just past its last indexed descendant."""
        self.skip_pos: list[int] = []
        """Positions where a skipped subtree (script, svg, ...) sits: not in the index."""
        self.positions: dict[str, list[int]] = {}

    def descendants(self, node: Tag, *names: str):
        """``_descendants(node, *names)`` from the index, without walking the subtree.

        Tags inside skipped subtrees are not indexed, so a node holding one (or a node
        outside the body) is walked as before.
        """
        key = id(node)
        end = self.end.get(key)
        if end is None:
            return _descendants(node, *names)
        start = self.order[key] + 1
        skip = self.skip_pos
        i = bisect_left(skip, start)
        if i < len(skip) and skip[i] <= end:
            return _descendants(node, *names)
        found: list[Tag] = []
        hit = 0
        for name in names:
            tags = self.by_name.get(name)
            if not tags:
                continue
            pos = self.positions.get(name)
            if pos is None or len(pos) != len(tags):
                pos = self.positions[name] = [self.order[id(t)] for t in tags]
            lo = bisect_left(pos, start)
            hi = bisect_left(pos, end, lo)
            if hi > lo:
                found.extend(tags[lo:hi])
                hit += 1
        if hit > 1:
            found.sort(key=lambda t: self.order[id(t)])
        return iter(found)

    def text(self, tag: Tag) -> str:
        """``normalize_text(_joined_text(tag))``, once per tag (the tree is never changed):
        anchors are read by the card search, the teasers and the link list."""
        key = id(tag)
        found = self.texts.get(key)
        if found is None:
            found = self.texts[key] = normalize_text(_joined_text(tag))
        return found

    def tokens(self, tag: Tag) -> list[str]:
        """``_tokens(tag)``, built once per tag of the page (callers must not mutate it)."""
        key = id(tag)
        found = self.toks.get(key)
        if found is None:
            found = self.toks[key] = _tokens(tag)
        return found

    def tags(self, *names: str) -> list[Tag]:
        """Tags with one of ``names`` in document order."""
        if len(names) == 1:
            return self.by_name.get(names[0], [])
        found = [t for n in names for t in self.by_name.get(n, ())]
        found.sort(key=lambda t: self.order.get(id(t), 0))
        return found

    def run(self, node: Tag) -> tuple[int, int, int]:
        """Return (text length, content score, flags) of ``node``.

        flags: 1 holds an h1, 2 holds a nav, 4 holds main/article, 8 holds an h2-h6,
        16 holds a list.

        A walk with its own stack, not a recursion: a page of ~1,000 nested elements
        passed Python's recursion limit, and the page was audited as an empty one
        (``title_missing``, ``h1_missing``).  Each frame is ``[node, children iterator,
        total, score, flags]``; a child's figures are added to its parent when it ends.
        """
        order = self.order
        by_name = self.by_name
        self._enter(node)
        stack: list[list] = [[node, iter(node.contents), 0, 0, 0]]
        result = (0, 0, 0)
        while stack:
            frame = stack[-1]
            parent = frame[0]
            in_link = parent.name == "a"
            descended = False
            for child in frame[1]:
                if isinstance(child, NavigableString):
                    if isinstance(child, _SKIP_STRINGS):
                        continue
                    text = child.strip()
                    n = len(text)
                    frame[2] += n
                    if not in_link:
                        frame[3] += n
                    if n > 1 and text[-1] in ".…]" and _ELLIPSIS_END_RE.search(text):
                        self.ellipsis.append(child)
                elif isinstance(child, Tag):
                    name = child.name
                    if name in _SKIP_TAGS:
                        self.skip_pos.append(len(order))
                        if name in _HEAD_TAGS:
                            self.head_tags.append(child)
                        continue
                    order[id(child)] = len(order)
                    by_name.setdefault(name, []).append(child)
                    stack.append([child, iter(child.contents), 0, 0, 0])
                    descended = True
                    break
            if descended:
                continue
            stack.pop()
            result = self._leave(parent, frame[2], frame[3], frame[4])
            if stack:
                up = stack[-1]
                t, sc, f = result
                up[2] += t
                up[4] |= f
                if id(parent) not in self.chrome and parent.name != "a":
                    up[3] += sc
        return result

    def _enter(self, node: Tag) -> None:
        self.order[id(node)] = len(self.order)
        self.by_name.setdefault(node.name, []).append(node)

    def _leave(self, node: Tag, total: int, score: int, flags: int) -> tuple[int, int, int]:
        """What ``run`` does once all of ``node``'s children are counted."""
        name = node.name
        if name == "h1":
            flags |= 1
        elif name == "nav":
            flags |= 2
        elif name in ("main", "article") or node.get("role") == "main":
            flags |= 4
        elif name in _HEADINGS:
            flags |= 8
        elif name in ("ul", "ol"):
            flags |= 16
        key = id(node)
        self.end[key] = len(self.order)
        self.text_len[key] = total
        self.flags[key] = flags
        attrs = node.attrs
        # "title" in one of the tokens: a match never spans the " " that joins them.
        if attrs and ("class" in attrs or "id" in attrs) and "title" in " ".join(self.tokens(node)):
            self.titled.append(node)
        # Broken markup can leave the whole page inside an unclosed <nav> or <header>:
        # an element holding the main content, or a lot of prose, is never chrome.
        if not (flags & 4) and score < 3000 and self._chrome(node, name, total, flags):
            self.chrome.add(key)
            score = 0
        self.score[key] = score
        return total, score, flags

    def _chrome(self, node: Tag, name: str, total: int, flags: int) -> bool:
        if name in ("nav", "aside", "footer", "menu"):
            return True
        if name == "header":
            return not (flags & 1) or bool(flags & 2)
        if name == "form":
            return total < 2000
        attrs = node.attrs
        if not attrs:
            return False
        if "class" not in attrs and "id" not in attrs and "role" not in attrs:
            return _is_hidden(node)
        role = attrs.get("role")
        if isinstance(role, str) and role.lower() in _CHROME_ROLES:
            return True
        if _is_hidden(node):
            return True
        return any(map(_token_is_chrome, self.tokens(node)))


# ---------------------------------------------------------------------------- cards


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


def _ancestors(tag: Tag):
    parent = tag.parent
    while parent is not None and parent.name not in ("[document]",):
        yield parent
        parent = parent.parent


def _good_href(a: Tag) -> str | None:
    href = a.get("href")
    if not isinstance(href, str):
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    return href


def _descendants(node: Tag, *names: str):
    """Descendant tags named ``names``, in order: a cheap stand-in for ``find_all``."""
    for el in node.descendants:
        if isinstance(el, Tag) and el.name in names:
            yield el


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
            # A whole card as one link, titled in bold: <a class="related-card">
            # <strong>Sciatica</strong><p>Sciatic nerve compression is ...</p></a>.
            head = next(m.descendants(el, "strong", "b"), None)
            if head is None or next(m.descendants(el, "p"), None) is None:
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


# ---------------------------------------------------------------------------- block kinds
#
# A teaser block is named by its heading, the way English-language themes title them:
# "Related Posts", "You may also like", "Keep reading", "More from the blog" (related);
# "Recent Posts", "Latest news", "Popular articles" (recent); "Featured", "Our services"
# (featured); "For more information" (promo).  The heading is looked for where themes put
# it: before the cards inside their container, or just before the container, a few levels
# up.  Class names are a fallback only ("related-posts", "widget_recent_entries").

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


# ---------------------------------------------------------------------------- recent posts


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
                add([parent] if whole and len(siblings) == len(run) else run, lst)
                break
            sib = sib.find_next_sibling()
    return found


# ---------------------------------------------------------------------------- metadata


def _first_link(node: Tag) -> Tag | None:
    for a in _descendants(node, "a"):
        if a.get("href") is not None:
            return a
    return None


def _metas(head_tags: list[Tag]) -> dict[str, str]:
    """``<meta name|property=... content=...>`` values, first one wins, keys lower-case."""
    out: dict[str, str] = {}
    for tag in head_tags:
        if tag.name != "meta":
            continue
        key = tag.get("name") or tag.get("property")
        content = tag.get("content")
        if isinstance(key, str) and isinstance(content, str):
            out.setdefault(key.strip().lower(), normalize_text(content))
    return out


def _jsonld(head_tags: list[Tag]) -> tuple[list[str], str | None, str | None, list[dict]]:
    """Types, datePublished and dateModified, and every node (for the trust signals)."""
    types: list[str] = []
    nodes_seen: list[dict] = []
    published = modified = None
    for script in head_tags:
        kind = script.get("type")
        if script.name != "script" or not isinstance(kind, str) or "ld+json" not in kind.lower():
            continue
        raw = script.string or script.get_text()
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, TypeError, RecursionError):
            continue
        nodes = data if isinstance(data, list) else [data]
        expanded: list[object] = []
        for node in nodes:
            if isinstance(node, dict):
                expanded.append(node)
                graph = node.get("@graph")
                if isinstance(graph, list):
                    expanded.extend(graph)
                elif isinstance(graph, dict):
                    expanded.append(graph)
        for node in expanded:
            if not isinstance(node, dict):
                continue
            nodes_seen.append(node)
            t = node.get("@type")
            for value in t if isinstance(t, list) else [t]:
                if isinstance(value, str) and value and value not in types:
                    types.append(value)
            if published is None and isinstance(node.get("datePublished"), str):
                published = node["datePublished"].strip() or None
            if modified is None and isinstance(node.get("dateModified"), str):
                modified = node["dateModified"].strip() or None
    return types, published, modified, nodes_seen


@lru_cache(maxsize=4096)
def _host(url: str | None) -> str:
    """The crawler's scope key (``urls.site_host``): ``host[:port]`` without ``www.``, the
    scheme's default port left out; a link to another port is another server."""
    if not url:
        return ""
    try:
        return site_host(url)
    except ValueError:
        return ""


def _resolve(base: str | None, href: str) -> str:
    """``href`` made absolute against ``base``.

    Cached: a site's pages share their menus.  A root-relative ``/path`` takes nothing from
    ``base`` but its scheme and host (``urljoin`` reads the base path only for relative
    paths), so it is joined to the site root and the cache serves every page of the site.
    """
    href = href.strip()
    if not base:
        return href
    if href[:1] == "/" and href[1:2] != "/":
        root = _site_root(base)
        if root is not None:
            base = root
    return _join(base, href)


@lru_cache(maxsize=1024)
def _site_root(base: str) -> str | None:
    try:
        parts = urlsplit(base)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}/"
    return None


@lru_cache(maxsize=4096)
def _join(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:
        return href


# ---------------------------------------------------------------------------- root


def _pick_root(body: Tag, m: _Measure) -> Tag:
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


# ---------------------------------------------------------------------------- pass 3


class _Walker:
    """Walk the content root in document order into sections."""

    __slots__ = ("anchors", "buf", "excluded", "images", "m", "sections")

    def __init__(self, m: _Measure, excluded: set[int]) -> None:
        self.m = m
        self.excluded = excluded
        self.sections: list[tuple[str, int, list[str], bool]] = [("", 0, [], False)]
        self.buf: list[str] = []
        self.anchors: set[int] = set()
        self.images: set[int] = set()

    def flush(self) -> None:
        if self.buf:
            text = normalize_text("".join(self.buf))
            self.buf = []
            if text:
                self.sections[-1][2].append(text)

    def heading(self, text: str, level: int, pseudo: bool = False) -> None:
        self.flush()
        if not text:
            return
        head, _, paras, _ = self.sections[-1]
        if len(self.sections) == 1 and not head and not paras and level == 1:
            self.sections[0] = (text, 1, [], False)
            return
        self.sections.append((text, level, [], pseudo))

    def walk(self, node: Tag) -> None:
        """Read ``node``'s text into sections, in document order.

        A walk with its own stack of iterators, not a recursion (a page of ~1,000 nested
        elements passed Python's recursion limit): an entry is a node's children, a
        ``_FLUSH`` marker (end of a block) or a ``_Walk`` (a heading's nested block).
        """
        stack: list = [iter(node.children)]
        while stack:
            child = next(stack[-1], _DONE)
            if child is _DONE:
                stack.pop()
                continue
            if child is _FLUSH:
                self.flush()
                continue
            if isinstance(child, _Walk):
                stack.append(iter(child.node.children))
                continue
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIP_STRINGS):
                    self.buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _SKIP_TAGS:
                continue
            key = id(child)
            if key in self.m.chrome or key in self.excluded:
                if name in _BLOCK_TAGS:
                    self.flush()
                continue
            if name == "br":
                self.flush()
                continue
            level = _HEADINGS.get(name)
            if level is not None:
                self.heading(_inline_text(child), level)
                for a in self.m.descendants(child, "a"):
                    self.anchors.add(id(a))
                nested: list = []
                for block in child.children:
                    if not isinstance(block, Tag) or block.name not in _NESTED_BLOCKS:
                        continue
                    if id(block) not in self.m.chrome and id(block) not in self.excluded:
                        nested += (_FLUSH, _Walk(block), _FLUSH)
                if nested:
                    stack.append(iter(nested))
                continue
            if name == "img":
                self.images.add(key)
                continue
            if name == "a":
                self.anchors.add(key)
            elif name == "figcaption":
                self.flush()
                continue
            if name == "p" or name == "div":
                pseudo = _pseudo_heading(child)
                if pseudo:
                    self.heading(pseudo, 0, pseudo=True)
                    continue
            if name in _BLOCK_TAGS:
                self.flush()
                stack.append(iter(_FLUSH_ONLY))
            stack.append(iter(child.children))


_DONE = object()
_FLUSH = object()


_FLUSH_ONLY = (_FLUSH,)


class _Walk:
    """A heading's nested block to walk (``_Walker.walk``)."""

    __slots__ = ("node",)

    def __init__(self, node: Tag) -> None:
        self.node = node


def _inline_text(el: Tag) -> str:
    """Text of ``el`` without nested block children (a heading the parser over-extended)."""
    if next(_descendants(el, *_NESTED_BLOCKS), None) is None:
        return normalize_text(_joined_text(el))
    parts = []
    for child in el.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, _SKIP_STRINGS):
                parts.append(str(child))
        elif isinstance(child, Tag) and child.name not in _NESTED_BLOCKS:
            parts.append(child.get_text(" "))
    return normalize_text(" ".join(parts))


_NESTED_BLOCKS = ("ul", "ol", "p", "div", "table", "section", "dl", "blockquote")


def _pseudo_heading(p: Tag) -> str | None:
    """``<p><strong>What Is X?</strong></p>``: a short paragraph that is all bold."""
    strong = None
    for child in p.children:
        if isinstance(child, NavigableString):
            if isinstance(child, _SKIP_STRINGS):
                continue
            if child.strip():
                return None
        elif isinstance(child, Tag):
            if child.name == "br":
                continue
            if strong is not None or child.name not in ("strong", "b"):
                return None
            strong = child
    if strong is None:
        return None
    text = normalize_text(_joined_text(strong))
    if not text or len(text) > 100 or len(text.split()) > 14:
        return None
    if text.endswith(".") and len(text.split()) > 4:
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return text


# ---------------------------------------------------------------------------- entry point


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


def _coerce(html: object) -> str:
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    elif not isinstance(html, str):
        html = "" if html is None else str(html)
    # One scan of the page finds nothing to rewrite on nearly every page: half the cost of
    # the two substitutions, each of which copies the whole document.
    if _COERCE_RE.search(html) is None:
        return html
    return _SURROGATE_RE.sub("\ufffd", _CONTROL_RE.sub(" ", html))


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


def _time_in(root: Tag, classes: tuple[str, ...]) -> str | None:
    for t in _descendants(root, "time"):
        tokens = _tokens(t)
        if any(c in tokens for c in classes):
            value = t.get("datetime")
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


# ---------------------------------------------------------------------------- trust signals
#
# Who wrote and reviewed the page, when, a disclaimer and a way to reach the clinic.  These
# usually sit in chrome (a byline in ``.entry-meta``, a disclaimer in the footer) that the
# article text leaves out, so they are read from the whole tree and the JSON-LD nodes,
# reusing pass 1's index: no second parse.

# Post-nominal credentials, compared without dots and case ("L.Ac." -> "LAC").
_CREDENTIALS = frozenset(
    [
        "MD",
        "DO",
        "DC",
        "PT",
        "DPT",
        "MPT",
        "MSPT",
        "NP",
        "FNP",
        "APRN",
        "RN",
        "BSN",
        "MSN",
        "CNM",
        "PA",
        "PAC",
        "DDS",
        "DMD",
        "BDS",
        "LAC",
        "DACM",
        "DAOM",
        "DIPLAC",
        "ND",
        "OD",
        "DPM",
        "PHARMD",
        "PHD",
        "PSYD",
        "OT",
        "OTR",
        "OTRL",
        "OTD",
        "ATC",
        "CSCS",
        "LMT",
        "RMT",
        "CMT",
        "MPH",
        "MS",
        "MSC",
        "BSC",
        "MBBS",
        "MBCHB",
        "MRCP",
        "FRCP",
        "FRCS",
        "FACS",
        "FACP",
        "FAAOS",
        "DABCO",
        "CCSP",
        "CCEP",
        "RD",
        "RDN",
        "LD",
        "CDE",
        "CDCES",
        "LCSW",
        "LPC",
        "DRTCM",
        "RTCMP",
        "RAC",
        "DOMP",
        "MOST",
        "BOST",
        "CPT",
        "CSCS",
        "MRCGP",
        "FRACGP",
        "CHIRO",
        "DCH",
    ]
)
_CREDENTIAL_SPLIT = re.compile(r"\s*[,;/]\s*|\s+(?=[A-Z][A-Za-z.]*\.?$)")
_DR_RE = re.compile(r"^(?:dr\.?|doctor)\s+", re.I)
_BYLINE_START = re.compile(
    r"^\W*(?:(?:medically\s+|clinically\s+|expertly\s+)?reviewed\s+by|fact[-\s]checked\s+by|"
    r"(?:written|posted|authored|published)\s+by|by|author|reviewer)\b[:\s]*",
    re.I,
)
_REVIEW_START = re.compile(r"^\W*(?:medically\s+|clinically\s+|expertly\s+)?reviewed\b", re.I)
_DATE_LABEL_START = re.compile(
    r"^\W*(?:(?:medically|clinically|expertly)\s+)?"
    r"(?:(?:last\s+)?(?:updated|modified|reviewed|revised)|published|posted)\b",
    re.I,
)
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}|" + _MONTHS + r"\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+" + _MONTHS + r",?\s+\d{4}|" + _MONTHS + r",?\s+\d{4})"
)
_LABELLED_DATE = re.compile(
    r"\b(?P<label>(?:last\s+)?(?:updated|modified|reviewed|revised)|published|posted)"
    r"(?:\s+(?:on|in))?\s*:?\s*(?P<date>" + _DATE + r")",
    re.I,
)
# Where a name in a byline ends: a separator, a date, "on", "updated", a reading time.
_NAME_END = re.compile(
    r"\s*(?:[·•|—–]|\s-\s|\bon\b|\bupdated\b|\bpublished\b|\breviewed\b|\bin\s+[A-Z]|"
    r"\d+\s+min\b|" + _DATE + r")",
    re.I,
)
_BYLINE_CLASS_PARTS = frozenset(
    ["byline", "author", "writer", "reviewer", "reviewed", "contributor"]
)
_BYLINE_CLASS_VETO = frozenset(
    [
        "avatar",
        "bio",
        "box",
        "image",
        "img",
        "photo",
        "description",
        "desc",
        "posts",
        "archive",
        "link",
        "links",
        "social",
        "card",
        "info",
        "about",
    ]
)
_BYLINE_CLASS_HINT = re.compile(r"byline|author|writer|review|contributor")
_BYLINE_TAGS = ("p", "div", "span", "address", "li", "small", "em", "strong", "a", "time")
_BYLINE_MAX_CHARS = 200

_DISCLAIMER_RE = re.compile(
    r"not\s+(?:intended|meant)\s+(?:as|to\s+be|to)\s+(?:a\s+)?(?:substitute|replacement|replace)|"
    r"not\s+(?:be\s+)?(?:a\s+)?substitute\s+for\s+(?:\w+\s+){0,3}?(?:advice|evaluation|"
    r"diagnosis|treatment|care|consultation)|"
    r"for\s+(?:general\s+)?(?:informational|educational|information(?:al)?)\s+purposes\s+only|"
    r"does\s+not\s+(?:constitute|provide|offer)\s+(?:\w+\s+)?(?:medical|professional|health)\s+advice|"
    r"should\s+not\s+be\s+(?:used|considered|construed|relied\s+upon)\s+as\s+(?:a\s+substitute\s+"
    r"for\s+)?(?:\w+\s+)?(?:medical|professional)\s+advice",
    re.I,
)
_PHONE_RE = re.compile(
    r"(?<![\w/.=#-])(?:\+\d{1,3}[\s.-]?)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?![\w/-])|"
    r"(?<![\w/.=#-])\+\d{1,3}(?:[\s.-]\d{2,5}){2,4}(?![\w/-])"
)
_EMAIL_DOMAIN_RE = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)
_EMAIL_LOCAL_MAX = 64
_EMAIL_DOMAIN_MAX = 253
r"""RFC 5321 limits.  An address is found from its "@" (str.find) outwards, in a window of
these sizes: ``[\w.+-]+@`` searched over raw HTML tried every start of every run of word
characters, quadratic in the run (192 KB of "a-a-a-" took a minute)."""
_CONTACT_LINK_RE = re.compile(
    r"\bcontact\b|\b(?:book|request|schedule|make)\s+(?:an?\s+|your\s+|a\s+free\s+)?"
    r"(?:appointment|consultation|visit)",
    re.I,
)


def _find_phones(html: str) -> Iterator[tuple[int, str]]:
    for match in _PHONE_RE.finditer(html):
        yield match.start(), match.group(0)


def _find_emails(html: str) -> Iterator[tuple[int, str]]:
    """E-mail addresses in ``html`` as ``(start, address)``, in linear time: each "@" is
    taken once, its local part read backwards (at most 64 characters) and its domain
    matched forwards in a window of at most 253."""
    at = html.find("@")
    while at >= 0:
        floor = max(0, at - _EMAIL_LOCAL_MAX - 1)
        start = at
        while start > floor and (html[start - 1].isalnum() or html[start - 1] in "_.+-"):
            start -= 1
        while start < at and not (html[start].isalnum() or html[start] == "_"):
            start += 1  # the address starts at a word boundary (``\b``)
        if 0 < at - start <= _EMAIL_LOCAL_MAX and not (
            start > 0 and (html[start - 1].isalnum() or html[start - 1] == "_")
        ):
            match = _EMAIL_DOMAIN_RE.match(html, at + 1, at + 1 + _EMAIL_DOMAIN_MAX)
            if match is not None:
                yield start, html[start : match.end()]
        at = html.find("@", at + 1)


class _Trust:
    __slots__ = ("authors", "contacts", "date_reviewed", "date_updated", "disclaimer", "reviewers")

    def __init__(self) -> None:
        self.authors: tuple[Person, ...] = ()
        self.reviewers: tuple[Person, ...] = ()
        self.date_reviewed: str | None = None
        self.date_updated: str | None = None
        self.disclaimer: str | None = None
        self.contacts: tuple[str, ...] = ()


def _credential_key(token: str) -> str:
    return re.sub(r"[^A-Za-z]", "", token).upper()


def _person(raw: str, source: str, extra: tuple[str, ...] = ()) -> Person | None:
    """``"Dr. Ezra Miller, PT, DPT"`` -> Person("Dr. Ezra Miller", ("Dr.", "PT", "DPT"))."""
    text = normalize_text(raw).strip(" ,;:-")
    if not text or len(text) > 120 or not any(ch.isalpha() for ch in text):
        return None
    parts = [p for p in re.split(r"\s*[,;]\s*", text) if p]
    name = parts[0]
    credentials: list[str] = []
    # Trailing credentials glued to the name without a comma: "Jane Doe MD".
    words = name.split()
    while len(words) > 1 and _credential_key(words[-1]) in _CREDENTIALS and words[-1].isupper():
        credentials.insert(0, words.pop())
    name = " ".join(words)
    for part in parts[1:]:
        tokens = [t for t in re.split(r"[\s/]+", part) if t]
        if tokens and all(_credential_key(t) in _CREDENTIALS for t in tokens):
            credentials.extend(tokens)
    if _DR_RE.match(name):
        credentials.insert(0, "Dr.")
    for item in extra:
        item = normalize_text(item)
        if item and item not in credentials:
            credentials.append(item)
    if len(name.split()) > 8:
        return None
    return Person(name=name, credentials=tuple(credentials), source=source)


def _ld_people(value: object, source: str = "jsonld") -> list[Person]:
    values = value if isinstance(value, list) else [value]
    out: list[Person] = []
    for item in values:
        if isinstance(item, str):
            person = _person(item, source)
        elif isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str):
                continue
            extra: list[str] = []
            for key in ("honorificSuffix", "jobTitle"):
                val = item.get(key)
                if isinstance(val, str):
                    extra.extend(v for v in re.split(r"\s*,\s*", val) if v)
            cred = item.get("hasCredential")
            for c in cred if isinstance(cred, list) else [cred]:
                if isinstance(c, dict):
                    c = c.get("name") or c.get("credentialCategory")
                if isinstance(c, str):
                    extra.append(c)
            person = _person(name, source, tuple(extra))
        else:
            continue
        if person is not None:
            out.append(person)
    return out


def _merge_people(people: list[Person]) -> tuple[Person, ...]:
    """One Person per name (Dr./case ignored), credentials pooled, first source kept."""
    merged: dict[str, Person] = {}
    for person in people:
        key = _DR_RE.sub("", person.name).casefold().strip()
        old = merged.get(key)
        if old is None:
            merged[key] = person
        else:
            extra = tuple(c for c in person.credentials if c not in old.credentials)
            merged[key] = Person(old.name, old.credentials + extra, old.source)
    return tuple(merged.values())


def _ld_walk(nodes: list[dict]):
    """JSON-LD nodes and the dicts nested one or two levels in them (mainEntity, publisher)."""
    stack = [(node, 0) for node in nodes]
    while stack:
        node, depth = stack.pop(0)
        yield node
        if depth >= 2:
            continue
        for key, value in node.items():
            if key in ("author", "reviewedBy", "@graph"):
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    stack.append((item, depth + 1))


def _outside_script(html: str, pos: int) -> bool:
    lower_open = max(html.rfind("<script", 0, pos), html.rfind("<style", 0, pos))
    if lower_open < 0:
        return True
    close = max(html.rfind("</script", 0, pos), html.rfind("</style", 0, pos))
    return close > lower_open


def _text_around(html: str, start: int, end: int) -> str:
    """The text node holding html[start:end], tags dropped, at most ~240 characters."""
    left = html.rfind(">", 0, start) + 1
    right = html.find("<", end)
    right = len(html) if right < 0 else right
    left = max(left, start - 160)
    right = min(right, end + 160)
    text = re.sub(r"<[^>]*>", " ", html[left:right])
    return normalize_text(text.replace("&nbsp;", " ").replace("&amp;", "&"))


# Words every disclaimer wording contains: found with str.find (C speed) before the
# regular expression runs on a window around them, so a 200 kB page costs microseconds.
_DISCLAIMER_KEYS = ("substitut", "purposes only", "advice", "replace")


def _find_disclaimer(html: str) -> str | None:
    lower = html.lower()
    for key in _DISCLAIMER_KEYS:
        pos = lower.find(key)
        while pos >= 0:
            start = max(0, pos - 160)
            match = _DISCLAIMER_RE.search(html, start, pos + 120)
            if match is not None and _outside_script(html, match.start()):
                return _text_around(html, match.start(), match.end())
            pos = lower.find(key, pos + len(key))
    return None


def _trust_signals(
    html: str, m: _Measure, ld_nodes: list[dict], metas: dict[str, str], links: list[Link]
) -> _Trust:
    trust = _Trust()
    authors: list[Person] = []
    reviewers: list[Person] = []
    contacts: list[str] = []
    reviewed = None
    for node in _ld_walk(ld_nodes):
        authors.extend(_ld_people(node.get("author")))
        reviewers.extend(_ld_people(node.get("reviewedBy")))
        if reviewed is None and isinstance(node.get("lastReviewed"), str):
            reviewed = node["lastReviewed"].strip() or None
        for key in ("telephone", "email"):
            value = node.get(key)
            if isinstance(value, str) and value.strip():
                contacts.append(f"{key}: {value.strip()}")
        if isinstance(node.get("address"), dict | str) and node.get("address"):
            contacts.append("address (JSON-LD)")

    updated = None
    candidates = (t for name in _BYLINE_TAGS for t in m.by_name.get(name, ()))
    text_len = m.text_len
    for tag in candidates:
        length = text_len.get(id(tag), 0)
        if not length or length > _BYLINE_MAX_CHARS:
            continue
        # The first child that is a tag or a string with text (not a comment & co.).
        # A plain loop: this runs for every short p/div/span/li/a... of the page.
        first = None
        for c in tag.contents:
            if isinstance(c, NavigableString) and (isinstance(c, _SKIP_STRINGS) or not c.strip()):
                continue
            first = c
            break
        by_text = isinstance(first, NavigableString) and (
            _BYLINE_START.match(first) or _DATE_LABEL_START.match(first)
        )
        by_class = False
        if not by_text:
            classes = tag.attrs.get("class")
            if classes:
                # The hint has no whitespace: searching the attribute as written finds
                # what searching it with its whitespace collapsed would.
                classes = classes if isinstance(classes, str) else " ".join(classes)
                if _BYLINE_CLASS_HINT.search(classes.lower()):
                    for token in m.tokens(tag):
                        parts = set(_TOKEN_SPLIT.split(token))
                        if parts & _BYLINE_CLASS_PARTS and not parts & _BYLINE_CLASS_VETO:
                            by_class = True
                            break
            if not by_class:
                continue
        text = normalize_text(_joined_text(tag))
        for match in _LABELLED_DATE.finditer(text):
            label = match["label"].lower()
            if "review" in label:
                reviewed = reviewed or match["date"]
            elif "updat" in label or "modif" in label or "revis" in label:
                updated = updated or match["date"]
        lead = _BYLINE_START.match(text)
        if lead is None and not by_class:
            continue
        rest = text[lead.end() :] if lead is not None else text
        if lead is not None and not lead.group(0).strip(" :").lower().endswith(
            ("by", "author", "reviewer")
        ):
            continue
        cut = _NAME_END.search(rest)
        name = rest[: cut.start()] if cut else rest
        person = _person(name, "byline")
        if person is None or not person.name[:1].isupper():
            continue
        is_review = (lead is not None and _REVIEW_START.match(text)) or (
            by_class and any("review" in t for t in m.tokens(tag))
        )
        (reviewers if is_review else authors).append(person)

    if not authors and metas.get("author"):
        person = _person(metas["author"], "meta")
        if person is not None:
            authors.append(person)
    trust.authors = _merge_people(authors)
    trust.reviewers = _merge_people(reviewers)
    trust.date_reviewed = reviewed
    trust.date_updated = updated

    trust.disclaimer = _find_disclaimer(html)

    for link in links:
        href = link.href
        low = href.lower()
        if low.startswith("tel:"):
            contacts.append(href)
        elif low.startswith("mailto:"):
            contacts.append(href.split("?", 1)[0])
        elif link.internal and (
            "contact" in low or (link.text and _CONTACT_LINK_RE.search(link.text))
        ):
            contacts.append(f"link: {href}")
    if not contacts:
        for finder, label in ((_find_phones, "phone"), (_find_emails, "email")):
            for start, found in finder(html):
                if _outside_script(html, start) and html.rfind("<", 0, start) < html.rfind(
                    ">", 0, start
                ):
                    contacts.append(f"{label}: {found}")
                    break
    trust.contacts = tuple(dict.fromkeys(contacts))
    return trust
