"""Turn what an editor names on the command line into HTML text to audit.

A target is an http(s) URL, an ``.html``/``.htm`` file, a Markdown draft (``.md``), or ``-``
for HTML on standard input.  Markdown is rendered with markdown-it-py and then goes through
the same pipeline as any page, so a draft is judged exactly as it will be once published.
Every failure is an ``InputError`` whose message names the target.

A file or stdin has no address of its own, yet the address says a lot about a page
(``/blog/x/`` is a post, ``/category/x/`` a listing, ``/`` the home page) and resolves its
links.  ``address`` (``check --url``) gives it; without it an HTML file's own
``<link rel=canonical>`` or ``og:url`` stands in, when it is an absolute http(s) URL.
"""

from __future__ import annotations

import html as html_lib
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from .config import CrawlConfig
from .decode import decode_html, ensure_html
from .errors import FetchError, InputError

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
HTML_TYPES = ("text/html", "application/xhtml+xml")
# <head> tags are read from the start of the document only: a canonical link sits there.
_HEAD_SCAN_CHARS = 200_000
_HEAD_TAG_RE = re.compile(r"<(link|meta)\b([^>]*)>", re.I)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")


@dataclass(frozen=True, slots=True)
class Document:
    """HTML ready for ``audit_page``: its text, the URL it lives at (if any), where it came from."""

    html: str
    url: str | None
    target: str
    markdown: bool = False


def load_target(
    target: str,
    crawl: CrawlConfig,
    *,
    stdin: BinaryIO | None = None,
    address: str | None = None,
) -> Document:
    """Read, fetch or render ``target`` into a Document; raise InputError when it is unusable.

    ``address`` is the URL a file or stdin is published at (``check --url``); a file
    without one takes its canonical or ``og:url`` (``published_address``).
    """
    is_url = target.lower().startswith(("http://", "https://"))
    if address is not None:
        if is_url:
            raise InputError(f"{target}: --url is for files and stdin; a URL is its own address")
        if not _is_absolute_http(address):
            raise InputError(f"--url {address}: not an absolute http(s) URL")
    if target == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(crawl.max_bytes + 1)
        _check_size(len(data), crawl.max_bytes, "stdin")
        text = ensure_html(decode_html(data, source="stdin"), source="stdin")
        return Document(text, address, "-")
    if is_url:
        return _fetch(target, crawl)
    if "://" in target:
        raise InputError(f"{target}: only http and https URLs can be checked")
    document = _read_file(Path(target), crawl.max_bytes)
    if address is None and not document.markdown:
        address = published_address(document.html)
    return replace(document, url=address) if address else document


def published_address(html: str) -> str | None:
    """The page's own word on where it lives: ``<link rel=canonical>``, else ``og:url``.

    Only an absolute http(s) URL counts (a relative one needs the address it would give).
    A light scan of the document's start, not a parse: the tags sit in ``<head>``.
    """
    canonical = og_url = None
    for match in _HEAD_TAG_RE.finditer(html, 0, _HEAD_SCAN_CHARS):
        attrs = {
            k.lower(): html_lib.unescape(v.strip("\"'")).strip()
            for k, v in _ATTR_RE.findall(match.group(2))
        }
        if match.group(1).lower() == "link":
            if canonical is None and "canonical" in attrs.get("rel", "").lower().split():
                canonical = attrs.get("href")
        elif og_url is None and attrs.get("property", attrs.get("name", "")).lower() == "og:url":
            og_url = attrs.get("content")
    for candidate in (canonical, og_url):
        if candidate and _is_absolute_http(candidate):
            return candidate
    return None


def _is_absolute_http(url: str) -> bool:
    return bool(re.match(r"https?://[^/\s]+", url, re.I))


def render_markdown(text: str) -> str:
    """Render a Markdown draft to an HTML fragment (CommonMark plus tables)."""
    from markdown_it import MarkdownIt

    body = text
    if body.startswith("---\n"):
        # Front matter (Jekyll, Hugo): keep the title, drop the rest.
        end = body.find("\n---", 4)
        if end != -1:
            front, body = body[4:end], body[end + 4 :]
            for line in front.splitlines():
                key, _, value = line.partition(":")
                if key.strip() == "title" and value.strip() and not body.lstrip().startswith("# "):
                    body = f"# {value.strip().strip(chr(34) + chr(39))}\n\n{body}"
    return MarkdownIt("commonmark").enable("table").render(body)


def _read_file(path: Path, max_bytes: int) -> Document:
    label = str(path)
    if not path.exists():
        raise InputError(f"{label}: no such file")
    if path.is_dir():
        raise InputError(f"{label}: is a directory, not a page")
    try:
        size = path.stat().st_size
        _check_size(size, max_bytes, label)
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"{label}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from None
    text = decode_html(data, source=label)
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        if not text.strip():
            raise InputError(f"{label}: the document is empty")
        return Document(render_markdown(text), None, label, markdown=True)
    return Document(ensure_html(text, source=label), None, label)


def _fetch(url: str, crawl: CrawlConfig) -> Document:
    """Fetch one page for ``check`` with the crawler's Fetcher: same retries, timeouts,
    size cap, decoding and user agent as a site audit, so a page fails the same way in both."""
    from .crawl import Fetcher, QueueItem

    fetcher = Fetcher(crawl, start_url=url)
    try:
        result = fetcher.fetch(QueueItem(url=url, source="start", depth=0))
    finally:
        fetcher.close()
    if result.status is not None and result.status >= 400:
        raise FetchError(url, f"{url}: HTTP {result.status}", result.status)
    if result.error or result.status is None:
        raise FetchError(url, f"{url}: {result.detail or result.error}", result.status)
    if result.html is None:
        kind = result.content_type or "unknown type"
        raise InputError(f"{url}: not HTML ({kind})")
    return Document(ensure_html(result.html, source=url), result.final_url, url)


def _check_size(size: int, max_bytes: int, label: str) -> None:
    if size > max_bytes:
        raise InputError(
            f"{label}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit "
            "(raise crawl.max_bytes in the config to audit it)"
        )
