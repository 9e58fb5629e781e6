"""A fault-injecting HTTP server on 127.0.0.1 for crawler tests (stdlib only).

Each ``FaultServer`` listens on a free loopback port in a daemon thread and answers a table
of routes: plain pages, and the ways real servers go wrong (500 then 200, 429 with
Retry-After, slow headers, a body that stalls or trickles, a reset connection, redirect
loops and chains, a 20 MB body, a gzip bomb, a PDF, binary bytes sent as text/html,
Latin-1 and UTF-16 pages, a robots.txt that fails, sitemaps broken in several ways, an
infinite calendar; for the pipeline's fault matrix also a 50 MB body, wrong and bogus charset
declarations, UTF-16 without a BOM, a broken gzip body, session ids in links, an endless
path space under ``/archive/``, a sitemap index nested without end, and 500 errors whose body
is 50 MB, never ends, or trickles without end).  It logs every request's path with the
monotonic time it arrived, so a test can check what was fetched and how fast, and counts the
body bytes its large routes managed to send (``sent``), so a test can check what a client
read.

    with FaultServer() as server:
        server.page("/a", links=["/b", "mailto:x@y"])
        ... crawl(server.url("/")) ...
        assert server.hits("/b") == 1

Routes are matched on the path (query strings go to the handler), then on the longest
``prefix`` route; ``static``, ``page``, ``redirect``, ``route`` and ``prefix`` add or replace
them.  ``drop_sitemaps`` removes the sitemap routes, so a test's inventory is only its links.
Sleeps inside handlers end early when the server stops, so a test never waits on a stalled
handler.
"""

from __future__ import annotations

import functools
import gzip
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Handler = Callable[["_RequestHandler", str], None]

BIG_BYTES = 20 * 1024 * 1024
BOMB_BYTES = 64 * 1024 * 1024
HUGE_BYTES = 50 * 1024 * 1024
ENDLESS_BYTES = 500 * 1024 * 1024
"""The "endless" error body stops here, so a client that reads it all still finishes."""
SITEMAP_ROUTES = (
    "/sitemap.xml",
    "/sitemaps/index-2.xml",
    "/sitemaps/pages.xml.gz",
    "/sitemaps/more.xml",
    "/sitemaps/bad.xml",
    "/sitemaps/nest.xml",
)


@functools.cache
def _gzip_bomb() -> bytes:
    """~64 KB of gzip that inflate to BOMB_BYTES of NULs: one 1 MiB member repeated (a gzip
    stream may hold several members).  Compressing 64 MiB in one go took 1.5 s on a busy
    machine, longer than the tests' timeouts: the first request for it timed out."""
    member = gzip.compress(b"\0" * (1 << 20), 9)
    return gzip.compress(b"<html>") + member * (BOMB_BYTES >> 20)


def html_page(title: str, links: Iterable[str] = (), body: str = "") -> str:
    anchors = "\n".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}<ul>{anchors}</ul></body></html>"
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultServer

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """Resets and broken pipes are the point of this server: keep stderr quiet."""


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        owner._record(self.path)
        parts = urlsplit(self.path)
        route = owner.routes.get(parts.path) or owner.match_prefix(parts.path)
        if route is None:
            self.reply(404, html_page("Not found"))
            return
        route(self, parts.query)

    # -- helpers used by routes --------------------------------------------------------

    def reply(
        self,
        status: int,
        body: bytes | str = b"",
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def sleep(self, seconds: float) -> bool:
        """Sleep unless the server stops first; True when the full time passed."""
        return not self.server.owner.stopping.wait(seconds)

    def reset(self) -> None:
        """Abort the connection with a TCP RST, no response at all."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


class FaultServer:
    """A loopback HTTP server with misbehaving routes and a request log."""

    def __init__(self, *, robots: str | None = "normal", crawl_delay: float | None = None) -> None:
        self.routes: dict[str, Handler] = {}
        self.prefixes: dict[str, Callable[[_RequestHandler, str, str], None]] = {}
        self.log: list[tuple[float, str]] = []
        self.counts: Counter[str] = Counter()
        self.sent_bytes: Counter[str] = Counter()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _RequestHandler)
        self._server.owner = self
        self._thread: threading.Thread | None = None
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._install_defaults()
        self.set_robots(robots, crawl_delay=crawl_delay)

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> FaultServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, kwargs={"poll_interval": 0.05}
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- log ---------------------------------------------------------------------------

    def _record(self, path: str) -> None:
        with self._lock:
            self.log.append((time.monotonic(), path))
            self.counts[urlsplit(path).path] += 1

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        """Requests received for ``path`` (query ignored)."""
        with self._lock:
            return self.counts[path]

    def sent(self, path: str) -> int:
        """Body bytes the large routes (``/big``, ``/huge``, ``/error-*``) wrote for ``path``:
        what a client could have read (at most the socket buffers more than it did)."""
        with self._lock:
            return self.sent_bytes[path]

    def _count_sent(self, path: str, n: int) -> None:
        with self._lock:
            self.sent_bytes[path] += n

    def paths(self) -> list[str]:
        """Every request's path and query, in arrival order."""
        with self._lock:
            return [p for _, p in self.log]

    def starts(self, *, exclude: Iterable[str] = ()) -> list[float]:
        skip = set(exclude)
        with self._lock:
            return [t for t, p in self.log if urlsplit(p).path not in skip]

    # -- route builders ----------------------------------------------------------------

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def prefix(self, prefix: str, handler: Callable[[_RequestHandler, str, str], None]) -> None:
        """Answer every path under ``prefix`` not routed exactly: ``handler(h, path, query)``."""
        self.prefixes[prefix] = handler

    def match_prefix(self, path: str) -> Handler | None:
        best = max((p for p in self.prefixes if path.startswith(p)), key=len, default=None)
        if best is None:
            return None
        handler = self.prefixes[best]
        return lambda h, q: handler(h, path, q)

    def drop_sitemaps(self) -> None:
        """Remove the sitemap routes (they 404): the crawl then sees only the links."""
        for path in SITEMAP_ROUTES:
            self.routes.pop(path, None)

    def static(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        ctype: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.routes[path] = lambda h, q: h.reply(status, body, ctype, headers)

    def page(self, path: str, links: Iterable[str] = (), body: str = "") -> None:
        self.static(path, html_page(path, links, body))

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self.routes[path] = lambda h, q: h.reply(status, b"", "", {"Location": target})

    def set_robots(self, mode: str | None, *, crawl_delay: float | None = None) -> None:
        """``normal`` (disallow /private/, Sitemap: line), ``plain`` (the same without the
        Sitemap: line), ``500``, ``404``, ``garbage``, ``huge`` (a Disallow past 500 KiB), or
        ``None`` (no route: 404)."""
        if mode is None:
            self.routes.pop("/robots.txt", None)
            return
        delay = f"Crawl-delay: {crawl_delay}\n" if crawl_delay is not None else ""
        normal = (
            f"User-agent: *\n{delay}Disallow: /private/\nDisallow: /redirect-private-target\n\n"
            f"Sitemap: {self.base}/sitemap.xml\n"
        )
        if mode == "normal":
            self.static("/robots.txt", normal, ctype="text/plain")
        elif mode == "plain":
            self.static("/robots.txt", normal.partition("\nSitemap:")[0] + "\n", ctype="text/plain")
        elif mode == "500":
            self.static("/robots.txt", "oops", status=500, ctype="text/plain")
        elif mode == "404":
            self.static("/robots.txt", "nope", status=404, ctype="text/plain")
        elif mode == "garbage":
            self.static(
                "/robots.txt", b"\x00\xff<html>garbage\nDisallow /x\n\x89PNG", ctype="text/plain"
            )
        elif mode == "huge":
            filler = "# padding line for a very large robots.txt file\n" * 12_000  # ~600 KB
            self.static(
                "/robots.txt",
                f"User-agent: *\nDisallow: /private/\n{filler}Disallow: /late/\n",
                ctype="text/plain",
            )
        else:
            raise ValueError(mode)

    # -- the default routes --------------------------------------------------------------

    def _install_defaults(self) -> None:
        hits: Counter[str] = Counter()
        lock = threading.Lock()

        def first_then(path: str, first: Callable[[_RequestHandler], None]) -> Handler:
            def handler(h: _RequestHandler, query: str) -> None:
                with lock:
                    hits[path] += 1
                    n = hits[path]
                if n == 1:
                    first(h)
                else:
                    h.reply(200, html_page(f"{path} recovered"))

            return handler

        self.route("/flaky", first_then("/flaky", lambda h: h.reply(500, "boom")))
        self.route(
            "/ratelimited",
            first_then(
                "/ratelimited", lambda h: h.reply(429, "slow down", headers={"Retry-After": "1"})
            ),
        )
        self.route(
            "/ratelimited-long",
            first_then(
                "/ratelimited-long",
                lambda h: h.reply(503, "later", headers={"Retry-After": "3600"}),
            ),
        )

        def slow(h: _RequestHandler, query: str) -> None:
            if h.sleep(3.0):
                h.reply(200, html_page("slow"))

        def stall(h: _RequestHandler, query: str) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(b"<html><body>" + b"x" * 1000)
            h.wfile.flush()
            h.sleep(5.0)
            h.close_connection = True

        def trickle(h: _RequestHandler, query: str) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(b"<html><body>")
            for _ in range(200):
                try:
                    h.wfile.write(b"x")
                    h.wfile.flush()
                except OSError:
                    break
                if not h.sleep(0.05):
                    break
            h.close_connection = True

        def sized(size: int, status: int = 200, *, endless: bool = False) -> Handler:
            """A body of ``size`` bytes (without Content-Length when ``nolength`` is in the
            query or ``endless``); every byte written is counted in ``sent``."""

            def big(h: _RequestHandler, query: str) -> None:
                path = urlsplit(h.path).path
                chunked = endless or "nolength" in query
                # A small send buffer: what ``sent`` counts is then close to what was read.
                h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
                h.send_response(status)
                h.send_header("Content-Type", "text/html; charset=utf-8")
                if chunked:
                    h.send_header("Connection", "close")
                    h.close_connection = True
                else:
                    h.send_header("Content-Length", str(size))
                h.end_headers()
                block = b"<p>" + b"a" * 65_529 + b"</p>"
                try:
                    h.wfile.write(b"<html><body>")
                    for _ in range(size // len(block)):
                        if self.stopping.is_set():
                            break
                        h.wfile.write(block)
                        self._count_sent(path, len(block))
                except OSError:
                    h.close_connection = True

            return big

        def error_trickle(h: _RequestHandler, query: str) -> None:
            """A 500 whose body never ends: a byte every 20 ms until the client leaves."""
            h.send_response(500)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Connection", "close")
            h.end_headers()
            h.close_connection = True
            try:
                while h.sleep(0.02):
                    h.wfile.write(b"x")
                    self._count_sent("/error-trickle", 1)
            except OSError:
                pass

        def bomb(h: _RequestHandler, query: str) -> None:
            h.reply(200, _gzip_bomb(), headers={"Content-Encoding": "gzip"})

        def loop(name: str, other: str) -> Handler:
            return lambda h, q: h.reply(302, b"", "", {"Location": other})

        def chain(h: _RequestHandler, query: str) -> None:
            n = int(parse_qs(query).get("n", ["0"])[0])
            if n < 10:
                h.reply(301, b"", "", {"Location": f"/chain?n={n + 1}"})
            else:
                h.reply(200, html_page("end of chain"))

        def calendar(h: _RequestHandler, query: str) -> None:
            month = int(parse_qs(query).get("month", ["0"])[0])
            h.reply(
                200,
                html_page(
                    f"month {month}",
                    [f"/calendar?month={month + 1}", f"/calendar?month={month - 1}"],
                ),
            )

        self.route("/slow", slow)
        self.route("/stall", stall)
        self.route("/trickle", trickle)
        self.route("/reset", lambda h, q: h.reset())
        self.route("/big", sized(BIG_BYTES))
        self.route("/huge", sized(HUGE_BYTES))
        self.route("/error-huge", sized(HUGE_BYTES, 500))
        self.route("/error-endless", sized(ENDLESS_BYTES, 500, endless=True))
        self.route("/error-trickle", error_trickle)
        self.route("/bomb", bomb)
        self.route("/loop-a", loop("a", "/loop-b"))
        self.route("/loop-b", loop("b", "/loop-a"))
        self.route("/chain", chain)
        self.route("/calendar", calendar)
        self.static(
            "/doc.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n",
            ctype="application/pdf",
        )
        self.static("/binary", bytes(range(256)) * 64, ctype="text/html")
        cafe = (
            "<html><head><title>Caf\u00e9</title></head>"
            "<body><p>Caf\u00e9 cr\u00e8me</p></body></html>"
        )
        self.static("/latin1", cafe.encode("latin-1"), ctype="text/html; charset=iso-8859-1")
        self.static(
            "/latin1-meta",
            cafe.replace("<head>", '<head><meta charset="iso-8859-1">').encode("latin-1"),
            ctype="text/html",
        )
        self.static("/latin1-undeclared", cafe.encode("latin-1"), ctype="text/html")
        self.static(
            "/utf16", "\ufeff".encode("utf-16-le") + cafe.encode("utf-16-le"), ctype="text/html"
        )
        self.static("/utf16-nobom", cafe.encode("utf-16-le"), ctype="text/html")
        # Declared wrong: UTF-8 bytes sent as Latin-1, an unknown charset, a <meta> saying
        # UTF-16 on an ASCII-compatible page (browsers ignore that one).
        self.static(
            "/charset-header-wrong", cafe.encode("utf-8"), ctype="text/html; charset=iso-8859-1"
        )
        self.static("/charset-bogus", cafe.encode("utf-8"), ctype="text/html; charset=x-no-such")
        self.static(
            "/charset-meta-utf16",
            cafe.replace("<head>", '<head><meta charset="utf-16">').encode("utf-8"),
            ctype="text/html",
        )
        self.static("/empty", b"")
        self.static("/bom-only", b"\xef\xbb\xbf")
        self.static(
            "/gzip-page",
            gzip.compress(html_page("gzipped").encode()),
            headers={"Content-Encoding": "gzip"},
        )
        self.static(
            "/bad-gzip",
            b"\x1f\x8b\x08\x00not really gzip at all" * 50,
            headers={"Content-Encoding": "gzip"},
        )

        def session(h: _RequestHandler, query: str) -> None:
            n = int(parse_qs(query).get("sid", ["0"])[0] or 0)
            h.reply(
                200,
                html_page(
                    f"session {n}",
                    [
                        f"/session?sid={n + 1}",
                        f"/session?sessionid=s{n}&sid={n + 2}",
                        f"/session?PHPSESSID=abc{n}",
                    ],
                ),
            )

        def archive(h: _RequestHandler, path: str, query: str) -> None:
            """/archive/<n>/ links to /archive/<n+1>/ and a sibling: an endless path space."""
            try:
                n = int(path.strip("/").split("/")[1])
            except (IndexError, ValueError):
                h.reply(404, html_page("Not found"))
                return
            h.reply(
                200, html_page(f"archive {n}", [f"/archive/{n + 1}/", f"/archive/{n + 1}/page/2/"])
            )

        self.route("/session", session)
        self.prefix("/archive/", archive)
        self.page("/private/secret")
        self.page("/private/other")
        self.page("/redirect-private-target")
        self.redirect("/to-private", "/private/secret")
        self.redirect("/to-offsite", "http://127.0.0.1:9/elsewhere")

        def sitemap_urls(*paths: str) -> str:
            locs = "".join(f"<url><loc>{self.base}{p}</loc></url>" for p in paths)
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
            )

        def sitemap_index(*paths: str) -> str:
            locs = "".join(f"<sitemap><loc>{self.base}{p}</loc></sitemap>" for p in paths)
            return (
                '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</sitemapindex>'
            )

        xml = "application/xml"
        self.static(
            "/sitemap.xml", sitemap_index("/sitemaps/index-2.xml", "/sitemaps/bad.xml"), ctype=xml
        )
        self.static(
            "/sitemaps/index-2.xml",
            sitemap_index("/sitemaps/pages.xml.gz", "/sitemaps/more.xml"),
            ctype=xml,
        )
        self.static(
            "/sitemaps/pages.xml.gz",
            gzip.compress(sitemap_urls("/sm/a", "/sm/b", "/private/from-sitemap").encode()),
            ctype="application/gzip",
        )
        self.static("/sitemaps/more.xml", sitemap_urls("/sm/c"), ctype=xml)
        self.static(
            "/sitemaps/bad.xml",
            f"<?xml version='1.0'?><urlset><url><loc>{self.base}/sm/d</loc></url><url><loc>broken",
            ctype=xml,
        )

        def nest(h: _RequestHandler, query: str) -> None:
            """A sitemap index pointing to the next level, without end."""
            level = int(parse_qs(query).get("level", ["0"])[0])
            h.reply(
                200,
                sitemap_index(f"/sitemaps/nest.xml?level={level + 1}", "/sitemaps/more.xml"),
                ctype=xml,
            )

        self.route("/sitemaps/nest.xml", nest)
        for path in ("/sm/a", "/sm/b", "/sm/c", "/sm/d"):
            self.page(path)
