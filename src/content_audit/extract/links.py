"""Links and images: hrefs made absolute against ``<base href>`` or the page URL, the
crawler's host key that says whether a link is internal, and each link's zone.

Resolution is cached (a site's pages share their menus), and a root-relative href is joined
to the site root so the cache serves every page of the site.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from ..model import Image, Link
from ..urls import site_host
from .measure import _Measure
from .text import normalize_text


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


def read_links(
    m: _Measure,
    base: str | None,
    url: str | None,
    *,
    teaser: set[int],
    recent: set[int],
    listing: set[int],
    content: set[int],
) -> tuple[Link, ...]:
    """Every link of the page, resolved, with its zone: where it sits (a teaser, a recent
    list, a listing card, the article text, else ``chrome``) and whether it is internal.
    The zone sets hold anchors by ``id``; a link in two is in the first one named."""
    host = _host(url)
    links: list[Link] = []
    resolved: dict[str, str] = {}
    for a in m.tags("a"):
        href = a.get("href")
        if not isinstance(href, str):
            continue
        href = href.strip()
        if not href or href.startswith(("#", "javascript:", "data:")):
            continue
        absolute = resolved.get(href)
        if absolute is None:
            absolute = resolved[href] = _resolve(base, href)
        key = id(a)
        if key in teaser:
            zone = "teaser"
        elif key in recent:
            zone = "recent"
        elif key in listing:
            zone = "listing"
        elif key in content:
            zone = "content"
        else:
            zone = "chrome"
        scheme = absolute.split(":", 1)[0].lower() if ":" in absolute else ""
        if scheme in ("http", "https"):
            target = _host(absolute)
            internal = bool(target) and target == host if host else False
        else:
            internal = scheme == "" and not absolute.startswith("//")
        rel: str | list[str] = a.get("rel") or []
        rel = rel.split() if isinstance(rel, str) else rel
        links.append(
            Link(
                href=absolute,
                text=m.text(a),
                internal=internal,
                zone=zone,
                nofollow="nofollow" in [r.lower() for r in rel],
            )
        )
    return tuple(links)


def read_images(m: _Measure, base: str | None, in_content: set[int]) -> tuple[Image, ...]:
    """Every image of the page: its resolved source (``src``, else a lazy-load attribute),
    its alt text (``None`` when the attribute is absent) and whether it is in the article."""
    images: list[Image] = []
    for img in m.tags("img"):
        src = img.get("src") or img.get("data-src") or img.get("data-lazy-src") or ""
        src = _resolve(base, src) if isinstance(src, str) and src.strip() else ""
        alt = img.get("alt")
        alt = (
            None if alt is None else normalize_text(alt if isinstance(alt, str) else " ".join(alt))
        )
        images.append(Image(src=src, alt=alt, in_content=id(img) in in_content))
    return tuple(images)
