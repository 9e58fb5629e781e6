"""URL identity and site scope: pure functions, no I/O.

The crawler's seen set, the link inventory and the reports all key pages by the string
``normalize_url`` returns, so two spellings of one page must come out equal and two pages
must never collide.  The rules, and why:

* scheme and host are lowercased, IDNA-encoded, and a default port (``:80`` on http,
  ``:443`` on https) is dropped: they are case-insensitive and the port is implied;
* the fragment is dropped: it never reaches the server;
* an empty path becomes ``/``; ``.`` and ``..`` segments are resolved; percent escapes
  are uppercased (``%2f`` and ``%2F`` are the same octet);
* query parameters whose *name* matches one of the ``strip_params`` shell patterns
  (``utm_*``, ``sessionid``...) are removed, so tracking and session ids neither split
  one page into many nor feed an infinite link space; the remaining ``name=value`` pairs
  are sorted, byte for byte as written (``?b`` stays ``?b``, not ``?b=``);
* the trailing slash is **kept as is**: ``/a`` and ``/a/`` stay two URLs.  HTTP treats
  them as two resources, and servers that serve one page under both (WordPress, nginx's
  directory handling) answer one with a redirect to the other.  The crawler follows that
  redirect and records it, which is exactly what a link checker wants to report; merging
  the two would hide the hop and, on the servers where they differ (a file ``/a`` beside a
  directory ``/a/``), lose a page.  The cost is one extra redirect request per variant.

``in_scope`` decides whether a URL belongs to the audited site: same host and port as the
start URL, with a leading ``www.`` ignored on both sides, or one of the configured aliases.
http and https count as the same site.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

__all__ = [
    "CRAWLABLE_SCHEMES",
    "PathMatcher",
    "UrlNormalizer",
    "check_url",
    "has_userinfo",
    "host_of",
    "in_scope",
    "is_crawlable_scheme",
    "normalize_url",
    "redact_userinfo",
    "scheme_of",
    "site_host",
    "strip_userinfo",
]

CRAWLABLE_SCHEMES: frozenset[str] = frozenset({"http", "https"})
"""Schemes the crawler fetches; everything else (mailto:, tel:, javascript:...) is skipped."""

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_ESCAPE_RE = re.compile(r"%[0-9a-fA-F]{2}")
# WHATWG URL parsing removes these anywhere in the string; browsers follow such hrefs.
_STRIP_CHARS_RE = re.compile(r"[\t\n\r]")


def scheme_of(url: str) -> str:
    """The lowercased scheme of ``url``, or ``""`` for a relative reference."""
    match = _SCHEME_RE.match(url.strip())
    return match.group(1).lower() if match else ""


def is_crawlable_scheme(url: str) -> bool:
    """True for http(s) URLs and for relative references (they inherit the page's scheme).

    ``mailto:``, ``tel:``, ``javascript:``, ``data:``, ``file:``, ``ftp:`` and the like
    are not fetched: they are not pages of the site.
    """
    scheme = scheme_of(url)
    return scheme == "" or scheme in CRAWLABLE_SCHEMES


def _compile_globs(patterns: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex for a set of shell patterns (``*``, ``?``, ``[...]``)."""
    parts = [fnmatch.translate(p) for p in patterns if p]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


class UrlNormalizer:
    """``normalize_url`` with its strip-parameter patterns compiled once.

    The crawler calls this for every link of every page (about a hundred per page), so the
    glob patterns are compiled here rather than on each call.
    """

    __slots__ = ("_strip",)

    def __init__(self, strip_params: Iterable[str] = ()) -> None:
        self._strip = _compile_globs(strip_params)

    def __call__(self, url: str, base: str | None = None) -> str:
        """Normalise ``url`` (resolved against ``base`` when given).

        Raises ``ValueError`` when the result is not an absolute http(s) URL with a host,
        or has an invalid port.
        """
        url = _STRIP_CHARS_RE.sub("", url).strip()
        if base is not None:
            url = urljoin(base, url)
        if not url.isascii() or " " in url:
            url = safe_url_string(url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in CRAWLABLE_SCHEMES:
            raise ValueError(f"not an http(s) URL: {url!r}")
        host = parts.hostname  # lowercased, brackets of an IPv6 literal removed
        if not host:
            raise ValueError(f"URL has no host: {url!r}")
        port = parts.port  # raises ValueError on a non-numeric or out-of-range port
        if ":" in host:
            host = f"[{host}]"
        # No user name or password: they are not part of a page's identity (a redirect to
        # user:pass@ the same host crawled the site twice) and never go into a report.
        netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
        path = parts.path or "/"
        if "/." in path:
            path = _remove_dot_segments(path)
        if "%" in path:
            path = _ESCAPE_RE.sub(lambda m: m.group(0).upper(), path)
        query = parts.query
        if query:
            pairs = [p for p in query.split("&") if p]
            if self._strip is not None:
                pairs = [p for p in pairs if not self._strip.match(p.partition("=")[0])]
            pairs.sort()
            query = "&".join(pairs)
            if "%" in query:
                query = _ESCAPE_RE.sub(lambda m: m.group(0).upper(), query)
        return urlunsplit((scheme, netloc, path, query, ""))


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4 for an absolute path: resolve ``.`` and ``..`` segments."""
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.endswith(("/.", "/..")):
        output.append("")
    return "/".join(output) or "/"


def normalize_url(url: str, strip_params: Iterable[str] = (), *, base: str | None = None) -> str:
    """The canonical spelling of ``url`` used as its identity (rules in the module doc).

    >>> normalize_url("HTTP://Example.COM:80/a/?utm_source=x&b=2&a=1#top", ["utm_*"])
    'http://example.com/a/?a=1&b=2'
    """
    return UrlNormalizer(strip_params)(url, base)


def host_of(url: str) -> str:
    """``host[:port]`` of an absolute URL, lowercased, the default port left out."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:
        host = f"[{host}]"
    scheme = parts.scheme.lower()
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return host
    return f"{host}:{port}"


def site_host(host_or_url: str) -> str:
    """The scope key of a host: ``host[:port]`` lowercased, a leading ``www.`` removed.

    Accepts a bare host (``www.Example.com``, ``127.0.0.1:8081``) or a URL.
    """
    value = host_or_url.strip()
    host = host_of(value) if "://" in value else value.lower().rstrip("/")
    return host[4:] if host.startswith("www.") else host


def in_scope(url: str, start_host: str, aliases: Iterable[str] = ()) -> bool:
    """Whether ``url`` is on the audited site.

    ``start_host`` and ``aliases`` are hosts (``example.com``, ``127.0.0.1:8081``) or URLs.
    ``www.example.com`` and ``example.com`` are the same site; a different port is a
    different site (another server).  The scheme does not matter (http and https alike).
    """
    if scheme_of(url) not in CRAWLABLE_SCHEMES:
        return False
    key = site_host(host_of(url))
    if not key:
        return False
    return key == site_host(start_host) or any(key == site_host(a) for a in aliases)


class PathMatcher:
    """Shell patterns matched against a URL's path (``/wp-admin/*``, ``*/feed/``).

    ``*`` also crosses ``/``, as in ``fnmatch``; matching is case-insensitive, like most
    web servers' handling of the paths people exclude.
    """

    __slots__ = ("_regex",)

    def __init__(self, patterns: Iterable[str]) -> None:
        self._regex = _compile_globs(patterns)

    def __call__(self, url: str) -> bool:
        if self._regex is None:
            return False
        return self._regex.match(urlsplit(url).path or "/") is not None


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL Python can take apart, else ``ValueError``
    with the reason (``http://[::1`` made ``urlsplit`` raise deep inside the crawl)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("not an absolute http(s) URL")
    if not parts.hostname:
        raise ValueError("no host name")
    parts.port  # noqa: B018  (raises ValueError for a port out of range or not a number)
    return url


def has_userinfo(url: str) -> bool:
    """Whether ``url``'s authority holds a user name or password (``user:pass@host``)."""
    authority = url.partition("://")[2].partition("/")[0].partition("?")[0].partition("#")[0]
    return "@" in authority


def strip_userinfo(url: str) -> str:
    """``url`` without its ``user:pass@``: what the crawl compares, fetches and writes."""
    if not has_userinfo(url):
        return url
    scheme, _, rest = url.partition("://")
    cut = min(
        (i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest)
    )
    return f"{scheme}://{rest[:cut].rpartition('@')[2]}{rest[cut:]}"


def redact_userinfo(url: str) -> str:
    """``url`` with its user name and password shown as ``***`` (for a finding's evidence)."""
    if not has_userinfo(url):
        return url
    scheme, _, rest = strip_userinfo(url).partition("://")
    return f"{scheme}://***@{rest}"
