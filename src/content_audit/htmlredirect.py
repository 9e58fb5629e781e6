"""Redirects a page makes in its HTML: ``<meta http-equiv="refresh">`` and script-only routers.

The crawler follows HTTP redirects hop by hop; some sites redirect in the page instead.

* A meta refresh with a URL and a short delay (``content="0; url=/new/"``) is what browsers
  and search engines treat as a redirect, so the crawler follows it as one hop of the chain
  (same scope, robots and loop rules, same hop count).  A longer delay is a page that reloads
  something later, not a redirect (``META_REFRESH_MAX_S``).
* A start page with next to no content and no links that sends browsers on by script only
  (``window.location.replace("/desktop/index.html")``, a device router) gives a crawler that
  does not run scripts nothing to crawl: ``script_redirect_targets`` finds where the script
  would go, so the crawl stops with a message naming the addresses to start from instead of
  writing a one-page report.

Regular expressions over the start of the document, not a parse: this runs in the fetch
threads for every HTML page, and a parse would cost as much as the audit's own.
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import urljoin

META_REFRESH_MAX_S = 5.0
"""A meta refresh with a longer delay is not followed as a redirect."""
HEAD_SCAN_CHARS = 64 * 1024
"""How far into a document a meta refresh is looked for (it belongs in <head>)."""
ROUTER_MAX_WORDS = 50
"""A script-redirecting page with more visible words than this is a page of its own."""

_META_RE = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""([^\s"'>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_REFRESH_RE = re.compile(
    r"""^\s*(\d+(?:\.\d*)?|\.\d+)?\s*[;,]?\s*(?:url\s*=\s*)?(["']?)(.*?)\2\s*$""",
    re.IGNORECASE | re.DOTALL,
)
_SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_STRIP_RE = re.compile(
    r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_TAG_RE = re.compile(r"<[^>]*>")
_LINK_RE = re.compile(
    r"""<(?:a|area)\b[^>]*\bhref\s*=\s*["']?\s*(?!["'#]|javascript:|mailto:|tel:)""",
    re.IGNORECASE,
)
_LOCATION_RE = re.compile(
    r"""\blocation(?:\.href)?\s*=\s*(["'])([^"'\n]+)\1"""
    r"""|\blocation\.(?:replace|assign)\(\s*(["'])([^"'\n]+)\3\s*\)""",
)


def _attributes(tag: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTR_RE.finditer(tag[5:]):  # after "<meta"
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        attrs.setdefault(match.group(1).lower(), html_lib.unescape(value))
    return attrs


def meta_refresh_target(html: str) -> str | None:
    """The URL a ``<meta http-equiv="refresh">`` sends to within ``META_REFRESH_MAX_S``, as
    written (resolve it against the page's URL), or ``None``."""
    head = html[:HEAD_SCAN_CHARS]
    if "refresh" not in head.lower():
        return None
    for tag in _META_RE.findall(head):
        attrs = _attributes(tag)
        if attrs.get("http-equiv", "").strip().lower() != "refresh":
            continue
        match = _REFRESH_RE.match(attrs.get("content", ""))
        if match is None:
            continue
        delay, url = match.group(1), match.group(3).strip()
        if url and float(delay or 0) <= META_REFRESH_MAX_S:
            return url
    return None


def script_redirect_targets(html: str, base: str) -> tuple[str, ...]:
    """Where a page that only sends browsers on by script would send them (absolute URLs).

    Empty unless the page has at most ``ROUTER_MAX_WORDS`` visible words, no link to follow
    and a script assigning ``location`` (``location.href = ...``, ``location.replace(...)``).
    """
    scripts = _SCRIPT_RE.findall(html)
    if not scripts or _LINK_RE.search(html):
        return ()
    text = _TAG_RE.sub(" ", _STRIP_RE.sub(" ", html))
    if len(html_lib.unescape(text).split()) > ROUTER_MAX_WORDS:
        return ()
    targets: dict[str, None] = {}
    for script in scripts:
        for match in _LOCATION_RE.finditer(script):
            raw = (match.group(2) or match.group(4) or "").strip()
            if raw and not raw.lower().startswith(("javascript:", "#")):
                try:
                    targets[urljoin(base, raw)] = None
                except ValueError:
                    continue
    return tuple(targets)
