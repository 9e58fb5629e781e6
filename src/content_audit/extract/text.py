"""Text as the audit reads it: whitespace collapsed, control and zero-width characters
dropped, and a heading's own words kept apart from blocks a broken parse nested in it.

Every pass reads text through these functions, so "the same words" means the same thing
to the article text, the teasers and the metadata.  ``normalize_text`` runs hundreds of
times a page and is written for that (one C-level split and join); ``_coerce`` turns any
input into a str lxml accepts (a lone surrogate once made lxml raise, and the page fell back
to plain text).
"""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from .tags import _SKIP_STRINGS, _descendants

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
