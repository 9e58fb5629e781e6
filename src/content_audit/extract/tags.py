"""The tag vocabulary and the tree helpers every pass shares.

Selectors as data, in one place (as trafilatura keeps its ``xpaths.py``): which tags are
skipped, headings, blocks, containers and head tags.  ``_tokens``, ``_ancestors`` and
``_descendants`` are the cheap stand-ins for bs4's ``get("class")``, ``parents`` and
``find_all`` that the passes call thousands of times a page (``measure._Measure`` caches
the first and indexes the last).
"""

from __future__ import annotations

import re

from bs4 import Comment, Tag
from bs4.element import CData, Declaration, Doctype, ProcessingInstruction

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


_TOKEN_SPLIT = re.compile(r"[-_]+")


def _tokens(tag: Tag) -> list[str]:
    attrs = tag.attrs
    classes: str | list[str] = attrs.get("class") or []
    # Lower-casing the attribute then splitting it gives the same tokens as splitting
    # then lower-casing each (no character lower-cases to or from whitespace, and
    # whitespace bounds the final-sigma context), in one call instead of one per class.
    out = classes.lower().split() if isinstance(classes, str) else [c.lower() for c in classes]
    ident = attrs.get("id")
    if isinstance(ident, str) and ident:
        out.append(ident.lower())
    return out


def _ancestors(tag: Tag):
    parent = tag.parent
    while parent is not None and parent.name not in ("[document]",):
        yield parent
        parent = parent.parent


def _descendants(node: Tag, *names: str):
    """Descendant tags named ``names``, in order: a cheap stand-in for ``find_all``."""
    for el in node.descendants:
        if isinstance(el, Tag) and el.name in names:
            yield el
