"""Whether an element is site chrome (header, menu, sidebar, footer, cookie banner, share
buttons, byline), by its tag's class/id tokens, its ARIA role and whether it is hidden.

Matching is on the parts of a token split at "-"/"_": "site-header" is chrome, while
"entry-header" (a content part) and "has-sidebar" (a "has" prefix) are not, and
"elementor-widget" never matches a part.  The first pass (``measure``) asks once per
element; the verdict per token is cached, because a site repeats its classes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bs4 import Tag

from .tags import _TOKEN_SPLIT

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


_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")


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
