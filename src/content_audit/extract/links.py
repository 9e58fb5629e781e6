"""Hrefs: the usable href of a link, made absolute against ``<base href>`` or the page URL,
and the crawler's host key that says whether a link is internal.

Resolution is cached (a site's pages share their menus), and a root-relative href is joined
to the site root so the cache serves every page of the site.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from ..urls import site_host


def _good_href(a: Tag) -> str | None:
    href = a.get("href")
    if not isinstance(href, str):
        return None
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    return href


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
