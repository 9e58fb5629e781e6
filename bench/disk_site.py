"""A sitegen site read from disk instead of over HTTP, for the bench's ``disk`` mode.

The question the bench asks is what HTTP costs: crawl+audit over the network against the
same audit of the same pages read from files.  So only the transport changes.  The crawl
is ``crawl.Crawler`` itself (frontier, scope, robots.txt, sitemaps, redirects hop by hop,
the same worker pool, reports and cross-page checks); its ``requests.Session`` gets a
transport adapter that answers from ``OUT/www`` the way sitegen's nginx config does:

- a path ending in ``/`` serves its ``index.html``; a directory without the ``/`` is a
  301 to the path with it (nginx's ``try_files $uri $uri/``); redirects carry a bare
  ``text/html`` type, as nginx's own redirect pages;
- the exact paths of ``OUT/nginx/redirects-301.map`` and ``-302.map`` redirect;
- anything else is a 404 carrying ``404.html``;
- ``Content-Type`` by extension (``charset=utf-8`` on text types, as nginx's ``charset``).

No socket is opened: the adapter is mounted for the site's origin and a catch-all adapter
refuses every other URL.  Being a ``requests`` adapter, the session, the ``Fetcher``'s
redirect handling and body reads (``raw.read1``) all run as over HTTP; what goes away is
the socket, nginx, and urllib3's parsing of the status line and headers.
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from urllib3.response import HTTPResponse

CHARSET_TYPES = frozenset(
    {
        "text/html",
        "text/xml",
        "text/plain",
        "text/vnd.wap.wml",
        "application/javascript",
        "application/rss+xml",
    }
)
"""The types nginx's ``charset utf-8`` labels (the default ``charset_types``)."""

TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".tsv": "text/plain",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".json": "application/json",
}
"""The ``types`` block of sitegen's nginx.conf."""


def read_redirect_map(path: Path) -> dict[str, str]:
    """``/old/path/ /new/path/;`` lines of a sitegen nginx map file."""
    redirects: dict[str, str] = {}
    if not path.is_file():
        return redirects
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        source, _, target = line.rstrip(";").partition(" ")
        redirects[source] = target.strip()
    return redirects


class DiskSiteAdapter(BaseAdapter):
    """Answers GETs for one origin from a sitegen ``OUT`` folder, as its nginx would."""

    def __init__(self, out: Path, origin: str) -> None:
        super().__init__()
        self.www = (out / "www").resolve()
        self.origin = origin.rstrip("/")
        self.redirects = {
            301: read_redirect_map(out / "nginx" / "redirects-301.map"),
            302: read_redirect_map(out / "nginx" / "redirects-302.map"),
        }
        self.not_found = (self.www / "404.html").read_bytes()
        self.requests = 0

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        self.requests += 1
        path = unquote(urlsplit(request.url or "").path) or "/"
        status, headers, body = self.answer(path)
        raw = HTTPResponse(
            body=io.BytesIO(body),
            headers=headers,
            status=status,
            preload_content=False,
            decode_content=True,
            request_url=request.url,
        )
        response = requests.Response()
        response.status_code = status
        response.headers = requests.structures.CaseInsensitiveDict(headers)
        response.raw = raw
        response.url = request.url or ""
        response.reason = raw.reason
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response.request = request
        response.connection = self
        return response

    def close(self) -> None:
        pass

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for ``path`` (an unquoted URL path)."""
        for status, table in self.redirects.items():
            target = table.get(path)
            if target is not None:
                return self._redirect(status, target)
        file = self._file(path)
        if file is None:
            if not path.endswith("/") and self._is_dir(path):
                return self._redirect(301, path + "/")
            return 404, self._headers("text/html", len(self.not_found)), self.not_found
        body = file.read_bytes()
        mime = TYPES.get(file.suffix.lower()) or (
            mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        )
        return 200, self._headers(mime, len(body)), body

    def _file(self, path: str) -> Path | None:
        if path == "/404.html":  # ``location = /404.html { internal; }``
            return None
        candidate = self.www / path.lstrip("/")
        if path.endswith("/"):
            candidate = candidate / "index.html"
        try:
            candidate = candidate.resolve()
            candidate.relative_to(self.www)
        except (OSError, ValueError):
            return None
        return candidate if candidate.is_file() else None

    def _is_dir(self, path: str) -> bool:
        try:
            candidate = (self.www / path.lstrip("/")).resolve()
            candidate.relative_to(self.www)
        except (OSError, ValueError):
            return False
        return candidate.is_dir()

    def _redirect(self, status: int, target: str) -> tuple[int, dict[str, str], bytes]:
        body = b"<html><body>moved</body></html>"
        headers = {"Content-Type": "text/html", "Content-Length": str(len(body))}
        headers["Location"] = self.origin + target if target.startswith("/") else target
        return status, headers, body

    @staticmethod
    def _headers(mime: str, length: int) -> dict[str, str]:
        content_type = f"{mime}; charset=utf-8" if mime in CHARSET_TYPES else mime
        return {"Content-Type": content_type, "Content-Length": str(length)}


class NoNetworkAdapter(BaseAdapter):
    """Refuses every URL not mounted elsewhere: a disk run never touches the network."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        raise requests.exceptions.ConnectionError(f"disk mode: no network ({request.url})")

    def close(self) -> None:
        pass


def disk_session(out: Path, start: str) -> requests.Session:
    """A session that serves ``start``'s origin from ``out`` and nothing else."""
    parts = urlsplit(start)
    origin = f"{parts.scheme}://{parts.netloc}"
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", NoNetworkAdapter())
    session.mount("https://", NoNetworkAdapter())
    session.mount(origin + "/", DiskSiteAdapter(out, origin))
    return session


def use_disk_site(out: Path) -> None:
    """Make ``run.audit_site`` crawl from ``out`` in this process.

    Swaps ``pipeline.open_crawler`` (the seam ``audit_site`` gets its crawler from) for one
    whose ``Crawler`` uses ``disk_session``.  Meant for a bench process of its own.
    """
    from content_audit import pipeline
    from content_audit.config import AuditConfig
    from content_audit.crawl import Crawler

    def open_disk_crawler(start: str, config: AuditConfig, out_dir: Path | None = None) -> Crawler:
        return Crawler(start, config, session=disk_session(out, start))

    pipeline.open_crawler = open_disk_crawler  # type: ignore[assignment]
