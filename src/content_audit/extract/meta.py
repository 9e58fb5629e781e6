"""What the page says about itself: title, ``<base>``, canonical, ``<html lang>``, meta
tags, JSON-LD types and dates (and the nodes the trust signals read), and ``<time>`` dates
in the article when the head gives none.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from .links import _resolve
from .measure import _Measure
from .tags import _HEAD_TAGS, _descendants, _tokens
from .text import _joined_text, normalize_text


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


def _time_in(root: Tag, classes: tuple[str, ...]) -> str | None:
    for t in _descendants(root, "time"):
        tokens = _tokens(t)
        if any(c in tokens for c in classes):
            value = t.get("datetime")
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


@dataclass(frozen=True, slots=True)
class Head:
    """What ``read_head`` found: the page's own statements about itself."""

    title: str
    base: str | None
    """What links resolve against: ``<base href>`` (itself resolved against the URL), else
    the page's URL."""
    canonical: str | None
    lang: str | None
    metas: dict[str, str]
    jsonld_types: list[str]
    published: str | None
    modified: str | None
    ld_nodes: list[dict]
    """Every JSON-LD node (``@graph`` members included), for the trust signals."""


def read_head(soup: BeautifulSoup, body: Tag, m: _Measure, url: str | None) -> Head:
    """The head's title, base, canonical, meta tags and JSON-LD, and ``<html lang>``."""
    head_tags = _head_tags(soup, body, m)
    title_tag = next((t for t in head_tags if t.name == "title"), None)
    title = normalize_text(_joined_text(title_tag)) if title_tag is not None else ""
    base = url
    base_tag = next((t for t in head_tags if t.name == "base" and t.get("href")), None)
    base_href = base_tag.get("href") if base_tag is not None else None
    if isinstance(base_href, str):
        base = _resolve(url, base_href) if url else base_href
    canonical = None
    for link in head_tags:
        href = link.get("href")
        if link.name != "link" or not isinstance(href, str):
            continue
        rel: str | list[str] = link.get("rel") or []
        rel = rel.split() if isinstance(rel, str) else rel
        if "canonical" in [r.lower() for r in rel]:
            canonical = _resolve(base, href)
            break
    html_tag = soup.find("html") if body.name in ("body", "frameset") else None
    lang = html_tag.get("lang") if html_tag is not None else None
    lang = (normalize_text(lang) or None) if isinstance(lang, str) else None
    metas = _metas(head_tags)
    types, published, modified, ld_nodes = _jsonld(head_tags)
    return Head(
        title=title,
        base=base,
        canonical=canonical,
        lang=lang,
        metas=metas,
        jsonld_types=types,
        published=published or metas.get("article:published_time"),
        modified=modified or metas.get("article:modified_time"),
        ld_nodes=ld_nodes,
    )


def _head_tags(soup: BeautifulSoup, body: Tag, m: _Measure) -> list[Tag]:
    """Head-like tags (meta, link, title, script, base): those pass 1 met in the body, then
    those outside it (``<head>``, or whatever the parser left beside the body)."""
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
    return head_tags


def article_dates(head: Head, root: Tag) -> tuple[str | None, str | None]:
    """Published and modified dates: the head's, else a ``<time>`` in the article."""
    published = head.published
    if published is None:
        published = _time_in(root, ("published", "entry-date"))
    modified = head.modified
    if modified is None:
        modified = _time_in(root, ("updated",))
    return published, modified
