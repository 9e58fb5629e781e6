"""A small loopback web server for a static clinic site: the demo, the tests and the bench.

Like sitegen's own server (``sitegen.py --serve``) and unlike ``python -m http.server``, it
answers the site's redirects (a ``redirects.tsv`` of source, target, status) and serves the
theme's ``404.html`` with status 404.  It binds 127.0.0.1 on a free port (port 0) so two
runs never collide.

A generated site carries absolute URLs of the origin it was generated for (canonical links,
sitemaps, robots.txt ``Sitemap:``).  When ``rewrite_origin`` is given, text responses have
that origin replaced by the server's real one, so a site built once (the bundled demo)
can be served on any port.  Shell code: it does I/O, and the pure core never imports it.
"""

from __future__ import annotations

import csv
import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

TEXT_SUFFIXES = (".html", ".xml", ".txt")


def read_redirects(path: str | Path | None) -> dict[str, tuple[str, int]]:
    """``redirects.tsv`` (sitegen's format: source, target, status, ...) as source -> hop."""
    if path is None or not Path(path).is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        return {
            row["source"]: (row["target"], int(row["status"]))
            for row in csv.DictReader(handle, delimiter="\t")
        }


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files plus redirects, the custom 404 and origin rewriting."""

    extensions_map = {  # noqa: RUF012 - the base class declares it as a plain dict
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
    }

    def __init__(self, *args: Any, site: SiteServer, **kwargs: Any) -> None:
        self.site = site
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def _serve(self, body: bool) -> None:
        path = urlsplit(self.path).path
        hop = self.site.redirects.get(path)
        if hop is not None:
            self.send_response(hop[1])
            self.send_header("Location", hop[0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        file = Path(self.translate_path(path))
        if file.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            file = file / "index.html"
        if not file.is_file() or path == "/404.html":
            self._send(404, self.site.page_404(), "text/html; charset=utf-8", body)
            return
        data = file.read_bytes()
        if self.site.rewrite_origin and file.suffix in TEXT_SUFFIXES:
            data = data.replace(self.site.rewrite_origin.encode(), self.site.base_url.encode())
        self._send(200, data, self.guess_type(str(file)), body)

    def _send(self, status: int, data: bytes, content_type: str, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


class SiteServer:
    """Serve ``root`` on 127.0.0.1 in a background thread; use as a context manager.

    The port is bound in ``__init__`` (port 0 picks a free one), so ``base_url`` is known
    before the site is even written: tests bind first, then generate a sitegen site whose
    absolute URLs already carry the right port.
    """

    def __init__(
        self,
        root: str | Path,
        *,
        redirects: str | Path | None = None,
        rewrite_origin: str | None = None,
        port: int = 0,
    ) -> None:
        self.root = Path(root)
        self.redirects = read_redirects(redirects)
        self.rewrite_origin = rewrite_origin.rstrip("/") if rewrite_origin else None
        handler = functools.partial(_SiteHandler, site=self, directory=str(self.root))
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def page_404(self) -> bytes:
        page = self.root / "404.html"
        return page.read_bytes() if page.is_file() else b"<h1>Not Found</h1>"

    def start(self) -> SiteServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="content-audit-site", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SiteServer:
        return self.start() if self._thread is None else self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextmanager
def serve_demo() -> Iterator[SiteServer]:
    """Serve the bundled demo site on a free loopback port for the duration of the block."""
    from . import DEMO_ORIGIN, demo_root

    with (
        demo_root() as root,
        SiteServer(
            root / "www", redirects=root / "redirects.tsv", rewrite_origin=DEMO_ORIGIN
        ) as server,
    ):
        yield server
