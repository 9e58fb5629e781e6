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
import os
import re
import select
import stat
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, NoReturn

from .config import CrawlConfig
from .decode import decode_html, ensure_html
from .errors import FetchError, InputError
from .urls import check_url

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
        if len(data) > crawl.max_bytes:
            _too_large("stdin", crawl.max_bytes)
        text = ensure_html(decode_html(data, source="stdin"), source="stdin")
        return Document(text, address, "-")
    if is_url:
        try:
            check_url(target)
        except ValueError as exc:
            raise InputError(f"{target}: not a valid URL ({exc})") from None
        return _fetch(target, crawl)
    if "://" in target:
        raise InputError(f"{target}: only http and https URLs can be checked")
    document = _read_file(Path(target), crawl.max_bytes, crawl.deadline_s)
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


# Front matter as Jekyll, Hugo and Eleventy write it: YAML between ``---`` lines, TOML
# between ``+++`` lines, at the very start of the file.
_FRONT_MATTER = re.compile(
    r"\A\ufeff?(?P<fence>---|\+\+\+)[ \t]*\r?\n(?P<body>.*?)\r?\n(?P=fence)[ \t]*(?:\r?\n|\Z)",
    re.S,
)
# Keys each field is read from, first found wins (Jekyll, Hugo, Eleventy spellings).
FRONT_MATTER_KEYS = {
    "title": ("title",),
    "description": ("description", "summary", "excerpt"),
    "date": ("date", "published", "publishdate", "date_published"),
    "updated": ("last_modified_at", "lastmod", "updated", "modified", "date_modified"),
    "author": ("author", "authors"),
    "lang": ("lang", "language", "locale"),
}


def parse_front_matter(text: str) -> tuple[dict[str, object], str]:
    """(front matter, body) of a Markdown draft; ``({}, text)`` when it has none.

    YAML is read with PyYAML's safe loader (a declared dependency), TOML with tomllib.  A
    front matter that does not parse is left in the body, as a static-site generator
    would refuse it: the editor sees it as text rather than silently losing it.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    raw = match.group("body")
    try:
        if match.group("fence") == "+++":
            import tomllib

            data: object = tomllib.loads(raw)
        else:
            import yaml

            data = yaml.safe_load(raw)
    except Exception:  # malformed front matter: keep the text, read nothing from it
        return {}, text
    if not isinstance(data, dict):
        return {}, text[match.end() :]
    return {str(k).lower(): v for k, v in data.items()}, text[match.end() :]


def _front_value(front: dict[str, object], field: str) -> str | None:
    for key in FRONT_MATTER_KEYS[field]:
        value = front.get(key)
        if isinstance(value, list):  # authors: [a, b]
            value = ", ".join(_person_name(v) for v in value if v)
        elif isinstance(value, dict):
            value = _person_name(value)
        if value is None or value == "":
            continue
        if hasattr(value, "isoformat"):  # YAML and TOML read dates as date/datetime
            return str(value.isoformat())
        return " ".join(str(value).split()) or None
    return None


def _person_name(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("display_name") or "")
    return str(value)


def render_markdown(text: str) -> str:
    """Render a Markdown draft to the HTML page it will become (CommonMark plus tables).

    The front matter gives what the site's template will put in ``<head>``: the
    ``<title>``, meta description, ``<html lang>``, and the author and dates (as meta tags
    and JSON-LD, which the trust checks read).  A title with no H1 in the body becomes the
    H1, as the usual post template shows it.  Every value is escaped.
    """
    import json

    from markdown_it import MarkdownIt

    front, body = parse_front_matter(text)
    fields = {name: _front_value(front, name) for name in FRONT_MATTER_KEYS}
    title = fields["title"]
    rendered = MarkdownIt("commonmark").enable("table").render(body)
    if title and not re.search(r"^\s{0,3}#\s", body, re.M):
        rendered = f"<h1>{html_lib.escape(title)}</h1>\n{rendered}"
    if not front:
        return rendered
    esc = html_lib.escape
    head = ['<meta charset="utf-8">']
    if title:
        head.append(f"<title>{esc(title)}</title>")
    if fields["description"]:
        head.append(f'<meta name="description" content="{esc(fields["description"])}">')
    if fields["author"]:
        head.append(f'<meta name="author" content="{esc(fields["author"])}">')
    if fields["date"]:
        head.append(f'<meta property="article:published_time" content="{esc(fields["date"])}">')
    if fields["updated"]:
        head.append(f'<meta property="article:modified_time" content="{esc(fields["updated"])}">')
    ld: dict[str, object] = {"@context": "https://schema.org", "@type": "Article"}
    if title:
        ld["headline"] = title
    if fields["author"]:
        ld["author"] = [{"@type": "Person", "name": n.strip()} for n in fields["author"].split(",")]
    if fields["date"]:
        ld["datePublished"] = fields["date"]
    if fields["updated"]:
        ld["dateModified"] = fields["updated"]
    # "</" escaped so no value can close the script element.
    payload = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
    head.append(f'<script type="application/ld+json">{payload}</script>')
    lang = f' lang="{esc(fields["lang"])}"' if fields["lang"] else ""
    return (
        f"<!DOCTYPE html>\n<html{lang}><head>{''.join(head)}</head>\n"
        f"<body><main><article>\n{rendered}</article></main></body></html>\n"
    )


def _read_file(path: Path, max_bytes: int, deadline_s: float = 60.0) -> Document:
    label = str(path)
    if not path.exists():
        raise InputError(f"{label}: no such file")
    if path.is_dir():
        raise InputError(f"{label}: is a directory, not a page")
    try:
        data = read_bounded(path, max_bytes, deadline_s)
    except PermissionError:
        raise InputError(f"{label}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{label}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        _too_large(label, max_bytes)
    text = decode_html(data, source=label)
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        if not text.strip():
            raise InputError(f"{label}: the document is empty")
        _refuse_binary_text(text, label)
        return Document(render_markdown(text), None, label, markdown=True)
    return Document(ensure_html(text, source=label), None, label)


def read_bounded(path: Path, max_bytes: int, deadline_s: float) -> bytes:
    """At most ``max_bytes + 1`` bytes of ``path``, bounded by what is read, never by the
    size the file reports (``/proc`` files say 0, a file may grow while it is read).

    Regular files and pipes (``check <(curl ...)``, a FIFO) are read; a pipe is read
    without blocking, within ``deadline_s`` in all, so a writer that stalls or never
    stops cannot hold ``check``.  Character and block devices (``/dev/zero``, a tty) and
    sockets are refused: they are not documents.
    """
    label = str(path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            raise InputError(f"{label}: is a device, not a file")
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise InputError(f"{label}: not a regular file")
        limit = max_bytes + 1
        chunks: list[bytes] = []
        got = 0
        fifo = stat.S_ISFIFO(mode)
        deadline = time.monotonic() + deadline_s
        while got < limit:
            if fifo:
                # Wait for data or the writer's close (a FIFO no writer has opened yet reads
                # as empty, but only polls ready once a writer came): never past the deadline.
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    raise InputError(
                        f"{label}: no complete document within {deadline_s:g} s (crawl.deadline_s)"
                    )
            try:
                chunk = os.read(fd, min(limit - got, 1 << 20))
            except BlockingIOError:
                continue
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


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


def _too_large(label: str, max_bytes: int) -> NoReturn:
    raise InputError(
        f"{label}: over the {max_bytes / 1e6:g} MB limit "
        "(raise crawl.max_bytes in the config to audit it)"
    )


def _refuse_binary_text(text: str, label: str) -> None:
    """A Markdown draft is text: refuse one whose opening reads as binary (random bytes
    decode as windows-1252 or with U+FFFD replacements, and control characters)."""
    head = text[:4096]
    odd = sum(1 for ch in head if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if odd > max(8, len(head) // 50):
        raise InputError(f"{label}: not a Markdown draft, the content is binary")
