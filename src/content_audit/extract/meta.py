"""What the page says about itself: meta tags, JSON-LD types and dates (and the nodes the
trust signals read), and ``<time>`` dates in the article when the head gives none.
"""

from __future__ import annotations

import json

from bs4 import Tag

from .tags import _descendants, _tokens
from .text import normalize_text


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
