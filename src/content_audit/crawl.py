"""Crawl a clinic site: robots.txt, sitemaps, scope, politeness, retries -> FetchResults.

The crawler fetches; it does not parse pages.  ``audit_page`` parses each page once and
hands its links back through ``Crawler.add_links``, so one parse serves both the audit and
the frontier.  The stages, one job each (after Scrapy's engine / scheduler / downloader):

    Frontier     FIFO queue + seen set of normalised URLs; max_pages, max_depth
    Scope        is a URL ours to fetch? host (+aliases), exclude patterns, robots.txt
    RobotsCache  robots.txt fetched once per origin (protego); Crawl-delay, Sitemap: lines
    Throttle     minimum interval between request *starts* per host, across threads
    Fetcher      one requests.Session: retries, redirects hop by hop, size/time caps, decoding
    Crawler      ties them together: discover() -> next_batch() -> fetch_batch() -> add_links()

Every URL the crawl meets is reported exactly once, as one ``FetchResult`` row: fetched, or
refused with a reason code (``offsite``, ``robots``, ``max_pages``...).  Links with
non-http schemes (mailto:, tel:, javascript:...) and repeats are only counted in ``stats``.

Decisions worth knowing:

* robots.txt answering 4xx means "no rules" (RFC 9309 2.3.1.3).  5xx or unreachable means
  disallow-all (RFC 9309 2.3.1.4, and what Google does while the error lasts), after the
  usual retries; ``crawl.robots_unreachable = "allow"`` turns that off.  Only the first
  500 KiB are parsed (Google's limit).  A robots.txt redirecting off-site counts as
  unavailable (no rules): we never fetch off-site.
* Redirects are followed hop by hop (``allow_redirects=False``), each hop checked against
  scope, exclude patterns and robots.txt before it is requested.  A row with redirects never
  carries HTML: the page's text is on the row of its final URL (source ``redirect`` when the
  crawl first met it that way), so each page is audited once and every hop has a row a link
  checker can look up.  A chain longer than ``max_redirects`` stops there; its next target
  is recorded (``too_many_redirects``, not requested), never queued, and every URL first
  met as a hop counts against ``max_pages``: one link costs at most ``max_redirects + 1``
  requests, a crawl at most about ``max_pages`` fetched URLs.  A page whose
  ``<meta http-equiv="refresh">`` sends on within 5 s is one more hop of the chain
  (recorded with the page's status), under the same checks (``htmlredirect.py``).
* A start page that only sends browsers on by script (no text, no link, a script setting
  ``location``) ends the crawl with an ``InputError`` naming the addresses to start from.
* Retries (429/500/502/503/504, connect and read errors; ``retries`` in all, Retry-After
  capped at ``max_retry_after_s``) are the Fetcher's own loop, not urllib3's: each try waits
  its turn in the Throttle like any request, so the site is never hit faster than
  ``delay_s`` / Crawl-delay, even by a retry; and the body of a failed try is read under the
  same caps as any body (urllib3 reads it to the end before retrying, which for a 500 with an
  endless body never ends).
* Bodies are streamed: ``max_bytes`` caps the decompressed size (a gzip bomb stops at the
  cap), ``timeout_s`` bounds each socket wait and ``deadline_s`` the whole response from the
  start of its request: connect, headers (a watchdog thread cuts the socket) and body.  A
  try cut by the deadline is not retried.
* Concurrency: ``concurrency`` worker threads at most, sharing one connection pool of that
  size.  The work is mostly waiting on the network; parsing happens elsewhere.
"""

from __future__ import annotations

import heapq
import http.client
import logging
import os
import socket
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
import urllib3.connection
import urllib3.exceptions
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from w3lib.encoding import http_content_type_encoding

from . import __version__
from .config import AuditConfig, CrawlConfig
from .decode import decode_document
from .errors import ConfigError, InputError
from .htmlredirect import meta_refresh_target, script_redirect_targets
from .model import FetchResult
from .urls import (
    CRAWLABLE_SCHEMES,
    PathMatcher,
    UrlNormalizer,
    has_userinfo,
    host_of,
    redact_userinfo,
    scheme_of,
    site_host,
)

__all__ = [
    "DEFAULT_USER_AGENT",
    "Crawler",
    "Fetcher",
    "Frontier",
    "QueueItem",
    "Resource",
    "RobotsCache",
    "RobotsRules",
    "Scope",
    "Throttle",
    "crawl",
    "extract_links",
    "parse_sitemap",
    "user_agent_for",
]

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = (
    f"content-audit/{__version__} (+https://github.com/content-audit/content-audit)"
)
ROBOTS_MAX_BYTES = 500 * 1024
"""Google parses the first 500 KiB of a robots.txt and ignores the rest; so do we."""
ROBOTS_MAX_HOPS = 5
"""RFC 9309 2.3.1.2: follow at least five redirects for robots.txt."""
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
"""The sitemaps.org limit on an uncompressed sitemap."""
SITEMAP_MAX_NESTING = 3
"""Sitemap indexes may point to indexes (not in the protocol, but seen); this deep at most."""
MAX_CRAWL_DELAY_S = 60.0
"""A Crawl-delay above this is capped: beyond it a crawl of a few hundred pages takes days."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = (429, 500, 502, 503, 504)
CHUNK_BYTES = 64 * 1024
DRAIN_BYTES = 64 * 1024
"""Bodies of redirects and error pages are read (and dropped) up to this size so the
connection can go back to the pool; larger ones are cut by closing the connection."""
DRAIN_S = 1.0
"""...and for at most this long (or ``deadline_s`` if shorter): a new connection costs less
than waiting on an error page that trickles."""
BACKOFF_MAX_S = 120.0
"""The longest backoff between two tries (urllib3's default cap)."""

SOURCES = ("start", "sitemap", "link", "redirect")
REFUSAL_CODES = frozenset({"offsite", "robots", "excluded", "bad_url"})
"""Errors meaning "not requested": a row with one of these has ``status=None``."""

HopCheck = Callable[[str], "tuple[str, str] | None"]
"""Returns ``(code, detail)`` when a URL must not be requested, else ``None``."""


def user_agent_for(config: CrawlConfig) -> str:
    """The configured User-Agent, or content-audit's own with a link to the project."""
    return config.user_agent or DEFAULT_USER_AGENT


def _crawl_config(config: CrawlConfig | AuditConfig) -> CrawlConfig:
    return config.crawl if isinstance(config, AuditConfig) else config


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A URL handed out for fetching: what ``fetch_batch`` takes."""

    url: str
    source: str
    depth: int
    referrer: str | None = None


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource read whole into memory (robots.txt, a sitemap), not a page."""

    url: str
    final_url: str
    status: int | None
    content_type: str = ""
    body: bytes = b""
    redirects: tuple[tuple[str, int], ...] = ()
    truncated: bool = False
    error: str | None = None
    detail: str | None = None


def _refused(
    url: str, source: str, depth: int, code: str, detail: str, referrer: str | None
) -> FetchResult:
    return FetchResult(
        url=url,
        source=source,
        depth=depth,
        status=None,
        final_url=url,
        error=code,
        detail=detail,
        referrer=referrer,
    )


# --------------------------------------------------------------------------- throttle


class Throttle:
    """Minimum interval between the *starts* of two requests to one host.

    Each caller reserves the next free slot under a lock (monotonic clock), then sleeps
    outside it until its slot: with several threads, starts are still spaced by at least
    the interval.  The interval is per host (robots.txt Crawl-delay may raise it).
    """

    def __init__(self, interval_s: float = 0.0) -> None:
        self._default = max(0.0, interval_s)
        self._intervals: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self._sent: dict[str, float] = {}
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()

    def interval(self, host: str) -> float:
        with self._lock:
            return self._intervals.get(host, self._default)

    def set_interval(self, host: str, interval_s: float) -> None:
        with self._lock:
            self._intervals[host] = max(0.0, interval_s)

    def wait(self, host: str) -> float:
        """Block until ``host`` may receive a request; return the seconds waited.

        The reserved slot orders the threads; a thread that wakes late (a busy machine)
        would then send closer to the next one than the interval, so before going it also
        checks the actual time of the previous release and sleeps off any shortfall.
        """
        began = time.monotonic()
        with self._lock:
            start = max(began, self._next.get(host, 0.0))
            self._next[host] = start + self._intervals.get(host, self._default)
            self.requests[host] += 1
        while True:
            now = time.monotonic()
            if start > now:
                time.sleep(start - now)
            with self._lock:
                now = time.monotonic()
                earliest = self._sent.get(host, -1e18) + self._intervals.get(host, self._default)
                if now >= earliest:
                    self._sent[host] = now
                    return now - began
            start = earliest


# --------------------------------------------------------------------------- fetcher


class _Guard:
    """One request's deadline, and the socket to cut when it passes (see ``_Watchdog``)."""

    __slots__ = ("deadline", "done", "fired", "sock")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.sock: socket.socket | None = None
        self.done = False
        self.fired = False


_GUARDS = threading.local()
"""The guard of the request the current thread is making (``_Watchdog.guard``), for the
connection classes below, which urllib3 creates and we cannot hand it to directly."""


class _Watchdog:
    """Cuts a request's socket when its deadline passes: one thread per Fetcher.

    ``timeout_s`` bounds each socket wait, so a server sending its headers a byte a second
    kept a request alive for as long as it liked (250 header bytes: 249 s).  The watchdog
    shuts the socket down at the deadline; the blocked read returns and the request fails,
    marked ``fired`` so the Fetcher reports a timeout (and does not retry it).
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Guard]] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._seq = 0

    @contextmanager
    def guard(self, deadline: float) -> Iterator[_Guard]:
        guard = _Guard(deadline)
        with self._cond:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._run, name="content-audit-deadline", daemon=True
                )
                self._thread.start()
            self._seq += 1
            # Deadlines are now + deadline_s, so a new one is rarely the earliest: wake the
            # thread only then (a wake-up per request cost the fetch threads the GIL).
            if not self._heap or deadline < self._heap[0][0]:
                self._cond.notify()
            heapq.heappush(self._heap, (deadline, self._seq, guard))
        _GUARDS.current = guard
        try:
            yield guard
        finally:
            _GUARDS.current = None
            with self._cond:
                guard.done = True

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                left = self._heap[0][0] - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                _, _, guard = heapq.heappop(self._heap)
                if guard.sock is not None:
                    guard.fired = True
                    with suppress(OSError):
                        guard.sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()


def _watched(conn: Any) -> None:
    guard = getattr(_GUARDS, "current", None)
    if guard is not None and conn.sock is not None:
        guard.sock = conn.sock


class _DeadlineHTTPConnection(urllib3.connection.HTTPConnection):
    """Registers its socket with the current request's guard before reading the answer."""

    def getresponse(self) -> Any:
        _watched(self)
        return super().getresponse()


class _DeadlineHTTPSConnection(urllib3.connection.HTTPSConnection):
    def getresponse(self) -> Any:
        _watched(self)
        return super().getresponse()


class _DeadlineHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _DeadlineHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class _DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections report their sockets to the ``_Watchdog``."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _DeadlineHTTPPool,
            "https": _DeadlineHTTPSPool,
        }


class _DeadlinePassed(requests.exceptions.Timeout):
    """The whole response (connect, headers, body) took longer than ``deadline_s``."""


@dataclass(slots=True)
class _Opened:
    """The end of a redirect chain: the final response (open, streaming) or why not."""

    response: requests.Response | None
    final_url: str
    redirects: list[tuple[str, int]] = field(default_factory=list)
    status: int | None = None
    error: str | None = None
    detail: str | None = None
    waited_s: float = 0.0
    visited: set[str] = field(default_factory=set)
    """Raw URLs requested along the chain (a redirect back to one is a loop)."""


class Fetcher:
    """HTTP for the crawl: one pooled ``requests.Session`` with retries, redirects followed
    hop by hop, streamed bodies under a size and a time cap, and HTML decoding.

    Thread-safe: ``fetch`` is called from the crawl's worker threads.
    """

    def __init__(
        self,
        config: CrawlConfig,
        throttle: Throttle | None = None,
        *,
        session: requests.Session | None = None,
        start_url: str | None = None,
    ) -> None:
        self.config = config
        self.start_url = start_url
        self.throttle = throttle if throttle is not None else Throttle(config.delay_s)
        self.user_agent = user_agent_for(config)
        self.session = session if session is not None else self._make_session()
        self._normalize = UrlNormalizer(config.strip_params)
        self._timeout = (min(config.timeout_s, config.deadline_s), config.timeout_s)
        self._watchdog = _Watchdog()

    def _make_session(self) -> requests.Session:
        c = self.config
        size = max(1, c.concurrency)
        # No retries inside urllib3: it would read a failed try's whole body (drain_conn)
        # and wait outside the Throttle.  ``_send`` retries instead.
        adapter = _DeadlineAdapter(pool_connections=4, pool_maxsize=size, max_retries=0)
        session = requests.Session()
        # requests re-reads the proxy environment on every request (a tenth of the crawl's
        # CPU); read it once for the site instead: the crawl never leaves it.
        session.trust_env = False
        session.proxies.update(requests.utils.get_environ_proxies(self.start_url or ""))
        session.verify = (
            os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update(
            {
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Encoding": "gzip, deflate",
            }
        )
        return session

    def close(self) -> None:
        self._watchdog.close()
        self.session.close()

    # -- one request -------------------------------------------------------------------

    def _send(self, url: str) -> tuple[requests.Response, float]:
        """GET ``url`` (streaming), retrying connect/read errors and 429/5xx answers up to
        ``retries`` times; return the last answer and the seconds spent waiting.

        Every try waits for its slot in the Throttle.  The body of a failed try goes
        through ``_discard`` (at most ``DRAIN_BYTES`` within ``DRAIN_S``, else the
        connection is closed), so an error page of any size or speed costs little.
        Between tries: the answer's Retry-After (capped at ``max_retry_after_s``), else an
        exponential backoff (none before the first retry, then ``backoff_s`` * 2**n), as
        urllib3's ``Retry`` does.
        """
        c = self.config
        host = host_of(url)
        waited = 0.0
        for attempt in range(c.retries + 1):
            last = attempt == c.retries
            waited += self.throttle.wait(host)
            # One deadline for the whole response: connect and headers here (the watchdog
            # cuts the socket), the body in ``_read`` (it reads ``response.deadline``).
            deadline = time.monotonic() + c.deadline_s
            try:
                with self._watchdog.guard(deadline) as guard:
                    response = self.session.get(
                        url, stream=True, allow_redirects=False, timeout=self._timeout
                    )
                if guard.fired:  # cut mid-headers: http.client took the cut for their end
                    response.close()
                    raise requests.exceptions.ConnectionError("headers cut at the deadline")
            except requests.exceptions.RequestException as exc:
                if guard.fired or time.monotonic() >= deadline:
                    # Not retried: a server that trickles its headers will do it again.
                    raise _DeadlinePassed(
                        f"no complete answer within {c.deadline_s:g} s (crawl.deadline_s)"
                    ) from exc
                if last or not _retryable(exc):
                    raise
                pause = self._backoff(attempt)
            else:
                response.deadline = deadline  # type: ignore[attr-defined]
                if last or response.status_code not in RETRY_STATUSES:
                    return response, waited
                retry_after = self._retry_after(response)
                pause = self._backoff(attempt) if retry_after is None else retry_after
                self._discard(response)
            if pause > 0:
                time.sleep(pause)
                waited += pause
        raise AssertionError("unreachable")  # the last try returns or raises

    def _backoff(self, attempt: int) -> float:
        if attempt == 0:
            return 0.0
        return min(BACKOFF_MAX_S, self.config.backoff_s * 2**attempt)

    def _retry_after(self, response: requests.Response) -> float | None:
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            seconds = _RETRY_AFTER.parse_retry_after(value)
        except urllib3.exceptions.InvalidHeader:
            return None
        return min(seconds, self.config.max_retry_after_s)

    @staticmethod
    def _request_error(exc: Exception) -> tuple[str, str]:
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, urllib3.exceptions.MaxRetryError):
            reason = reason.reason  # requests wraps exhausted read-timeout retries this way
        if isinstance(exc, _DeadlinePassed):
            return "timeout", str(exc)
        if isinstance(exc, requests.exceptions.Timeout) or isinstance(
            reason, urllib3.exceptions.TimeoutError | TimeoutError
        ):
            return "timeout", f"no answer within {exc}"
        if isinstance(
            exc,
            requests.exceptions.InvalidURL
            | requests.exceptions.InvalidSchema
            | requests.exceptions.MissingSchema,
        ):
            return "bad_url", str(exc)
        if isinstance(exc, requests.exceptions.ContentDecodingError):
            return "bad_encoding", str(exc)
        return "connection", str(exc) or type(exc).__name__

    def _open(
        self, url: str, hop_check: HopCheck | None, max_hops: int, chain: _Opened | None = None
    ) -> _Opened:
        """Request ``url`` and follow redirects hop by hop, checking each target first.

        ``chain``: the chain so far when ``url`` is the target of a meta refresh.
        """
        opened = chain if chain is not None else _Opened(response=None, final_url=url)
        opened.response = None
        visited = opened.visited
        visited.add(url)
        current = url
        while True:
            try:
                response, waited = self._send(current)
            except requests.exceptions.RequestException as exc:
                opened.error, opened.detail = self._request_error(exc)
                return opened
            opened.waited_s += waited
            status = response.status_code
            opened.status = status
            location = response.headers.get("Location")
            if status not in REDIRECT_STATUSES or not location:
                opened.response = response
                return opened
            self._discard(response)
            opened.redirects.append((opened.final_url, status))
            try:
                target = urljoin(current, location.strip()).partition("#")[0]
                normalized = self._normalize(target)
            except ValueError:
                opened.final_url = location
                opened.error, opened.detail = "bad_url", f"redirect to unusable URL {location!r}"
                return opened
            opened.final_url = normalized
            if has_userinfo(target):
                # Never fetched with, compared with or written with its credentials: the
                # chain ends here, and the URL without them is queued as any other.
                opened.error = "credentials"
                opened.detail = (
                    f"redirect to {redact_userinfo(target)} not followed: "
                    "a URL with a user name or password"
                )
                return opened
            # Raw URLs: /a -> /a?sessionid=1 (stripped when normalised) is not a loop.
            if target in visited:
                opened.error, opened.detail = "redirect_loop", f"redirect back to {normalized}"
                return opened
            if len(opened.redirects) > max_hops:
                opened.error = "too_many_redirects"
                opened.detail = f"more than {max_hops} redirects; next was {normalized}"
                return opened
            refusal = hop_check(target) if hop_check is not None else None
            if refusal is not None:
                opened.error = refusal[0]
                opened.detail = f"redirect to {normalized} not followed: {refusal[1]}"
                return opened
            visited.add(target)
            current = target

    # -- bodies ------------------------------------------------------------------------

    def _read(
        self, response: requests.Response, limit: int, deadline_s: float | None = None
    ) -> tuple[bytes, str | None, str | None]:
        """Stream the (decompressed) body up to ``limit`` bytes within ``deadline_s``.

        ``read1`` returns after each network read, so a server trickling bytes cannot keep
        us past the deadline, and urllib3 bounds each decompression step by the amount
        asked, so a gzip bomb is cut at ``limit`` decompressed bytes.
        """
        raw = response.raw
        if deadline_s is None:
            # What is left of the response's deadline, which began with its request.
            deadline_s = self.config.deadline_s
            deadline = getattr(response, "deadline", time.monotonic() + deadline_s)
        else:
            deadline = time.monotonic() + deadline_s
        buf = bytearray()
        complete = False
        error: tuple[str, str] | None = None
        try:
            while True:
                if time.monotonic() > deadline:
                    error = ("timeout", f"response not complete after {deadline_s:g} s")
                    break
                chunk = raw.read1(CHUNK_BYTES, decode_content=True)
                if not chunk:
                    complete = True
                    break
                buf += chunk
                if len(buf) > limit:
                    error = ("too_large", f"body larger than {limit} bytes")
                    del buf[limit:]
                    break
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
            error = ("timeout", f"body stalled: {exc}")
        except urllib3.exceptions.DecodeError as exc:
            error = ("bad_encoding", f"content-encoding could not be decoded: {exc}")
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            error = ("connection", f"body read failed: {exc}")
        finally:
            if complete:
                raw.release_conn()
            else:
                response.close()
        if error is not None:
            return bytes(buf), error[0], error[1]
        return bytes(buf), None, None

    def _discard(self, response: requests.Response) -> int:
        """Read and drop a small body so the connection can be reused; close otherwise."""
        length = _content_length(response)
        if length is not None and length > DRAIN_BYTES:
            response.close()
            return 0
        body, _, _ = self._read(response, DRAIN_BYTES, min(DRAIN_S, self.config.deadline_s))
        return len(body)

    # -- public ------------------------------------------------------------------------

    def fetch(
        self,
        item: QueueItem,
        hop_check: HopCheck | None = None,
        known: Callable[[str], bool] | None = None,
    ) -> FetchResult:
        """Fetch one queued URL into a FetchResult (never raises for network trouble).

        ``hop_check`` vets each redirect target before it is requested.  When a redirect
        ends at a URL ``known`` says is already reported elsewhere, its body is not read:
        its status and headers complete this row, its page is on that URL's own row.
        """
        started = time.monotonic()
        opened = self._open(item.url, hop_check, self.config.max_redirects)
        while True:
            row = self._complete(item, opened, known, started)
            target = meta_refresh_target(row.html) if row.html else None
            if target is None or not self._refresh_hop(opened, target, hop_check):
                return row

    def _refresh_hop(self, opened: _Opened, location: str, hop_check: HopCheck | None) -> bool:
        """Follow a meta refresh to ``location`` as one more hop of ``opened``'s chain.

        False when it is no redirect (a refresh of the page itself); otherwise ``opened`` is
        the rest of the chain, or says why it stopped (loop, too many hops, scope, robots).
        """
        max_hops = self.config.max_redirects
        try:
            target = urljoin(opened.final_url, location.strip()).partition("#")[0]
            normalized = self._normalize(target)
        except ValueError:
            opened.redirects.append((opened.final_url, opened.status or 200))
            opened.final_url = location
            opened.error, opened.detail = "bad_url", f"refresh to unusable URL {location!r}"
            opened.response = None
            return True
        if normalized == opened.final_url:
            return False
        opened.redirects.append((opened.final_url, opened.status or 200))
        opened.final_url = normalized
        opened.response = None
        if has_userinfo(target):
            opened.error = "credentials"
            opened.detail = (
                f"refresh to {redact_userinfo(target)} not followed: "
                "a URL with a user name or password"
            )
        elif target in opened.visited:
            opened.error, opened.detail = "redirect_loop", f"refresh back to {normalized}"
        elif len(opened.redirects) > max_hops:
            opened.error = "too_many_redirects"
            opened.detail = f"more than {max_hops} redirects; next was {normalized}"
        elif (refusal := hop_check(target) if hop_check is not None else None) is not None:
            opened.error = refusal[0]
            opened.detail = f"refresh to {normalized} not followed: {refusal[1]}"
        else:
            self._open(target, hop_check, max_hops, chain=opened)
        return True

    def _complete(
        self,
        item: QueueItem,
        opened: _Opened,
        known: Callable[[str], bool] | None,
        started: float,
    ) -> FetchResult:
        """The row of ``item`` once its chain has ended at ``opened`` (reads the body)."""
        row = FetchResult(
            url=item.url,
            source=item.source,
            depth=item.depth,
            status=opened.status,
            final_url=opened.final_url,
            redirects=tuple(opened.redirects),
            error=opened.error,
            detail=opened.detail,
            referrer=item.referrer,
        )
        response = opened.response
        if response is None:
            return replace(row, elapsed_s=time.monotonic() - started - opened.waited_s)
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")
        mime = content_type.partition(";")[0].strip().lower()
        declared = _content_length(response)
        updates: dict[str, Any] = {"content_type": content_type}
        if not 200 <= status < 300:
            updates["bytes"] = self._discard(response)
            updates["error"], updates["detail"] = "http_error", f"HTTP {status}"
        elif (
            opened.redirects
            and known is not None
            and opened.final_url != item.url
            and known(opened.final_url)
        ):
            drained = self._discard(response)
            updates["bytes"] = declared if declared is not None else drained
        elif mime and mime not in HTML_TYPES:
            response.close()
            updates["bytes"] = declared or 0
            updates["error"], updates["detail"] = "non_html", f"Content-Type {mime}"
        elif declared is not None and declared > self.config.max_bytes:
            response.close()
            updates["bytes"] = declared
            updates["error"] = "too_large"
            updates["detail"] = f"Content-Length {declared} > max_bytes {self.config.max_bytes}"
        else:
            body, error, detail = self._read(response, self.config.max_bytes)
            updates["bytes"] = len(body)
            if error is not None:
                updates["error"], updates["detail"] = error, detail
            else:
                try:
                    decoded = decode_document(
                        body, http_charset=_charset(content_type, body), source=opened.final_url
                    )
                    updates["html"] = decoded.text
                    if decoded.replaced:
                        log.info(
                            "%s: %d byte sequences not valid %s, replaced",
                            opened.final_url,
                            decoded.replaced,
                            decoded.encoding,
                        )
                except InputError as exc:
                    updates["error"], updates["detail"] = "non_html", str(exc)
        updates["elapsed_s"] = time.monotonic() - started - opened.waited_s
        return replace(row, **updates)

    def get_document(
        self,
        url: str,
        max_bytes: int,
        hop_check: HopCheck | None = None,
        max_hops: int = ROBOTS_MAX_HOPS,
    ) -> Resource:
        """Fetch a whole small resource (robots.txt, a sitemap); any status is returned.

        A body over ``max_bytes`` is cut there and marked ``truncated``.
        """
        opened = self._open(url, hop_check, max_hops)
        doc = Resource(
            url=url,
            final_url=opened.final_url,
            status=opened.status,
            redirects=tuple(opened.redirects),
            error=opened.error,
            detail=opened.detail,
        )
        response = opened.response
        if response is None:
            return doc
        body, error, detail = self._read(response, max_bytes)
        return replace(
            doc,
            content_type=response.headers.get("Content-Type", ""),
            body=body,
            truncated=error == "too_large",
            error=None if error == "too_large" else error,
            detail=detail,
        )


_RETRY_AFTER = Retry(0, retry_after_max=float("inf"))  # type: ignore[arg-type]  # int in stubs
"""Only for its Retry-After parser (seconds or an HTTP date); the cap is ours."""


def _retryable(exc: requests.exceptions.RequestException) -> bool:
    """Connect and read errors are worth another try (as urllib3's ``connect`` and ``read``
    retries); a bad URL, TLS or proxy failure is not."""
    if isinstance(exc, requests.exceptions.SSLError | requests.exceptions.ProxyError):
        return False
    return isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout)


def _charset(content_type: str, body: bytes) -> str | None:
    """The HTTP charset, if any.  What a page without one is decoded as (its BOM, its
    ``<meta>``, else UTF-8 or windows-1252 as browsers do) is ``decode.py``'s business."""
    return http_content_type_encoding(content_type)


def _content_length(response: requests.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or response.headers.get("Content-Encoding"):
        return None
    try:
        return int(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- robots.txt


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The robots.txt of one origin as the crawl understood it."""

    origin: str
    status: int | None
    mode: str  # "rules" | "allow_all" | "disallow_all"
    detail: str
    crawl_delay_s: float | None = None
    sitemaps: tuple[str, ...] = ()
    parser: Protego | None = field(default=None, repr=False, compare=False)

    def allows(self, url: str, user_agent: str) -> bool:
        if self.mode == "allow_all":
            return True
        if self.mode == "disallow_all":
            return False
        assert self.parser is not None
        return bool(self.parser.can_fetch(url, user_agent))


class RobotsCache:
    """robots.txt fetched once per origin (scheme://host:port), on first need, thread-safe.

    ``in_scope`` keeps redirects of robots.txt on the site; ``on_load`` is called once per
    origin with its rules (the Crawler sets the Crawl-delay there).
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        unreachable: str = "disallow",
        in_scope: Callable[[str], bool] | None = None,
        on_load: Callable[[RobotsRules], None] | None = None,
    ) -> None:
        if unreachable not in ("disallow", "allow"):
            raise ConfigError(
                f"crawl.robots_unreachable must be 'disallow' or 'allow', not {unreachable!r}"
            )
        self.fetcher = fetcher
        self.unreachable = unreachable
        self._in_scope = in_scope
        self._on_load = on_load
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    @staticmethod
    def origin_of(url: str) -> str:
        return f"{urlsplit(url).scheme.lower()}://{host_of(url)}"

    def loaded(self) -> tuple[RobotsRules, ...]:
        with self._lock:
            return tuple(self._rules.values())

    def rules_for(self, url: str) -> RobotsRules:
        origin = self.origin_of(url)
        rules = self._rules.get(origin)
        if rules is not None:
            return rules
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._load(origin)
                with self._lock:
                    self._rules[origin] = rules
                if self._on_load is not None:
                    self._on_load(rules)
        return rules

    def _hop_check(self, url: str) -> tuple[str, str] | None:
        if self._in_scope is not None and not self._in_scope(url):
            return "offsite", "robots.txt redirects off-site"
        return None

    def _load(self, origin: str) -> RobotsRules:
        url = f"{origin}/robots.txt"
        doc = self.fetcher.get_document(url, ROBOTS_MAX_BYTES, self._hop_check, ROBOTS_MAX_HOPS)
        status = doc.status
        if doc.error in ("offsite", "too_many_redirects", "redirect_loop", "bad_url"):
            return RobotsRules(origin, status, "allow_all", f"{url}: {doc.detail}; no rules")
        if doc.error is not None or status is None or status >= 500:
            why = f"HTTP {status}" if doc.error is None and status else doc.detail
            if self.unreachable == "allow":
                return RobotsRules(
                    origin,
                    status,
                    "allow_all",
                    f"{url} unreachable ({why}); crawl.robots_unreachable = allow",
                )
            return RobotsRules(
                origin,
                status,
                "disallow_all",
                f"{url} unreachable ({why}); treated as disallow-all (RFC 9309 2.3.1.4)",
            )
        if not 200 <= status < 300:  # 4xx (RFC 9309 2.3.1.3), or a 3xx without Location
            return RobotsRules(origin, status, "allow_all", f"{url}: HTTP {status}; no rules")
        text = doc.body.decode("utf-8", errors="replace")
        try:
            parser = Protego.parse(text)
        except Exception as exc:  # protego is lenient; a crash here must not stop the crawl
            log.warning("cannot parse %s (%s); no rules", url, exc)
            return RobotsRules(origin, status, "allow_all", f"{url} unparsable; no rules")
        delay = parser.crawl_delay(self.fetcher.user_agent)
        sitemaps = tuple(urljoin(url, s.strip()) for s in parser.sitemaps if s.strip())
        detail = f"{url}: HTTP {status}, {len(doc.body)} bytes"
        if doc.truncated:
            detail += f" (only the first {ROBOTS_MAX_BYTES} bytes parsed)"
        return RobotsRules(
            origin,
            status,
            "rules",
            detail,
            crawl_delay_s=float(delay) if delay is not None else None,
            sitemaps=sitemaps,
            parser=parser,
        )


# --------------------------------------------------------------------------- scope


class Scope:
    """Whether a URL may be requested: on the site, not excluded, allowed by robots.txt."""

    def __init__(
        self,
        start_url: str,
        config: CrawlConfig,
        robots: RobotsCache | None = None,
        user_agent: str | None = None,
    ) -> None:
        self.start_host = host_of(start_url)
        self._keys = {site_host(self.start_host), *(site_host(a) for a in config.aliases)}
        self._excluded = PathMatcher(config.exclude)
        self.robots = robots
        self.user_agent = user_agent or user_agent_for(config)

    def contains(self, url: str) -> bool:
        """On the audited site (start host, www. or not, or an alias)?"""
        return scheme_of(url) in CRAWLABLE_SCHEMES and site_host(host_of(url)) in self._keys

    def refusal(self, url: str) -> tuple[str, str] | None:
        """``(code, detail)`` when ``url`` must not be requested, else ``None``."""
        if not self.contains(url):
            return "offsite", f"{host_of(url) or url} is not {self.start_host}"
        if self._excluded(url):
            return "excluded", "path matches crawl.exclude"
        if self.robots is not None:
            rules = self.robots.rules_for(url)
            if not rules.allows(url, self.user_agent):
                if rules.mode == "disallow_all":
                    return "robots", rules.detail
                return "robots", "disallowed by robots.txt"
        return None


# --------------------------------------------------------------------------- frontier


class Frontier:
    """FIFO queue and seen set of normalised URLs (breadth-first), with the crawl limits.

    ``max_pages`` counts URLs accepted for fetching; everything queued is handed out, so
    the first ``max_pages`` URLs met are the ones fetched.  ``max_pages = 0`` means no
    limit; ``max_depth = 0`` fetches only the start and sitemap URLs.  A URL refused for a
    limit comes back as a FetchResult row, never dropped silently.  Scope is not judged
    here (the Crawler does it), only identity and limits.
    """

    def __init__(self, max_pages: int, max_depth: int) -> None:
        self.max_pages = max_pages
        self.max_depth = max_depth
        self._seen: set[str] = set()
        self._queue: deque[QueueItem] = deque()
        self._lock = threading.Lock()
        self.accepted = 0
        self.handed_out = 0
        self.refused: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def seen(self) -> int:
        return len(self._seen)

    def is_seen(self, url: str) -> bool:
        return url in self._seen

    def claim(self, url: str) -> bool:
        """Mark ``url`` as met; False when it already was (so it is reported once)."""
        with self._lock:
            if url in self._seen:
                return False
            self._seen.add(url)
            return True

    def charge(self, n: int = 1) -> None:
        """Count ``n`` URLs fetched outside the queue (redirect hops) against ``max_pages``."""
        with self._lock:
            self.accepted += n

    def enqueue(self, item: QueueItem) -> FetchResult | None:
        """Queue a claimed URL, or return its refusal row when a limit says no."""
        with self._lock:
            if item.depth > self.max_depth:
                code, detail = "max_depth", f"depth {item.depth} > max_depth {self.max_depth}"
            elif self.max_pages and self.accepted >= self.max_pages:
                code, detail = "max_pages", f"max_pages ({self.max_pages}) reached"
            else:
                self.accepted += 1
                self._queue.append(item)
                return None
            self.refused[code] += 1
        return _refused(item.url, item.source, item.depth, code, detail, item.referrer)

    def add(
        self, url: str, source: str, depth: int, referrer: str | None = None
    ) -> FetchResult | None:
        """Claim and enqueue; ``None`` when queued or already seen, else the refusal row."""
        if not self.claim(url):
            return None
        return self.enqueue(QueueItem(url, source, depth, referrer))

    def pop_batch(self, n: int) -> list[QueueItem]:
        with self._lock:
            batch = [self._queue.popleft() for _ in range(min(n, len(self._queue)))]
            self.handed_out += len(batch)
            return batch


# --------------------------------------------------------------------------- sitemaps


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress gzip data, refusing to produce more than ``limit`` bytes (bomb guard)."""
    decoder = zlib.decompressobj(wbits=31)
    out = decoder.decompress(data, limit + 1)
    if len(out) > limit:
        raise ValueError(f"gzipped sitemap inflates past {limit} bytes")
    return out


def parse_sitemap(data: bytes) -> tuple[str, list[str], str | None]:
    """Parse a sitemap: ``(kind, locs, problem)``; kind is urlset, sitemapindex or text.

    Gzipped bytes are inflated first.  lxml's recovering parser keeps what it can of a
    malformed file; ``problem`` then says what was wrong.  Raises ``ValueError`` when the
    data is not a sitemap at all.  External entities are never resolved.
    """
    from lxml import etree

    if data[:2] == b"\x1f\x8b":
        try:
            data = _gunzip(data, SITEMAP_MAX_BYTES)
        except zlib.error as exc:
            raise ValueError(f"bad gzip data: {exc}") from None
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ValueError("empty sitemap")
    if not stripped.startswith(b"<"):
        lines = (line.strip() for line in stripped.decode("utf-8", "replace").splitlines())
        urls = [line for line in lines if line.lower().startswith(("http://", "https://"))]
        if not urls:
            raise ValueError("neither XML nor a list of URLs")
        return "text", urls, None
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(stripped, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"malformed XML: {exc}") from None
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    problem = f"malformed XML: {errors[0].message} (line {errors[0].line})" if errors else None
    if root is None:
        raise ValueError(problem or "malformed XML")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"root element <{kind}> is neither <urlset> nor <sitemapindex>")
    locs = [el.text.strip() for el in root.iter("{*}loc") if el.text and el.text.strip()]
    return kind, locs, problem


def looks_like_sitemap(url: str) -> bool:
    """``*.xml``, ``*.xml.gz`` or ``sitemap*.txt``: a start URL to read as a sitemap."""
    path = urlsplit(url).path.lower()
    name = path.rsplit("/", 1)[-1]
    if path.endswith((".xml", ".xml.gz")):
        return True
    return name.startswith("sitemap") and name.endswith(".txt")


# --------------------------------------------------------------------------- links


def extract_links(result: FetchResult) -> list[str]:
    """The ``<a href>`` and ``<area href>`` targets of a fetched page, made absolute.

    A cheap lxml pass for library users and tests; the audit pipeline uses the links its
    own parse already found (``PageAudit.page.links``) instead.
    """
    if not result.html:
        return []
    from lxml import etree
    from lxml import html as lxml_html

    try:
        doc = lxml_html.document_fromstring(result.html)
    except ValueError:  # a str with an XML encoding declaration
        doc = lxml_html.document_fromstring(
            result.html.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8")
        )
    except (etree.ParserError, etree.XMLSyntaxError):
        return []
    base = result.final_url
    for href in doc.xpath("//base/@href")[:1]:
        base = urljoin(base, href.strip())
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    links = []
    for href in doc.xpath("//a/@href | //area/@href"):
        href = href.strip()
        if not href:
            continue
        if href.startswith("/") and not href.startswith("//") and "/." not in href:
            links.append(origin + href)  # root-relative, the common case: no urljoin needed
            continue
        try:
            links.append(urljoin(base, href))
        except ValueError:  # "http://[bad": the crawler reports it as bad_url
            links.append(href)
    return links


# --------------------------------------------------------------------------- crawler


class Crawler:
    """One crawl of one site: seeds, scope, frontier, fetching, and the outcome counters.

    Typical use (what ``crawl()`` does, with ``audit_page`` in place of ``extract_links``)::

        with Crawler("https://clinic.example/", config.crawl) as crawler:
            rows = crawler.discover()
            while batch := crawler.next_batch():
                for result in crawler.fetch_batch(batch):
                    if result.html is not None:
                        audit = audit_page(result.html, result.final_url, config)
                        rows += crawler.add_links(result, [l.href for l in audit.page.links])
                    rows.append(result)

    ``discover``, ``next_batch``, ``fetch_batch`` and ``add_links`` are meant to be called
    from one thread (``fetch_batch`` runs its own pool); ``stats`` counts every outcome.
    """

    def __init__(
        self,
        start: str,
        config: CrawlConfig | AuditConfig,
        *,
        session: requests.Session | None = None,
    ) -> None:
        self.config = cfg = _crawl_config(config)
        self.normalize = UrlNormalizer(cfg.strip_params)
        try:
            self.start_url = self.normalize(start)
        except ValueError as exc:
            raise InputError(f"{start}: not an http(s) URL to crawl ({exc})") from None
        self.stats: Counter[str] = Counter()
        self._stats_lock = threading.Lock()
        self.throttle = Throttle(cfg.delay_s)
        self.fetcher = Fetcher(cfg, self.throttle, session=session, start_url=self.start_url)
        self.robots = RobotsCache(
            self.fetcher,
            unreachable=cfg.robots_unreachable,
            in_scope=self._in_scope,
            on_load=self._robots_loaded,
        )
        self.scope = Scope(
            self.start_url,
            cfg,
            robots=self.robots if cfg.respect_robots else None,
            user_agent=self.fetcher.user_agent,
        )
        self.frontier = Frontier(cfg.max_pages, cfg.max_depth)
        self._variants: Counter[str] = Counter()
        self._href_cache: dict[str, str] = {}
        self._pool: ThreadPoolExecutor | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> Crawler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self.fetcher.close()

    @property
    def done(self) -> bool:
        """True when nothing is left to hand out."""
        return self.frontier.pending == 0

    # -- accounting --------------------------------------------------------------------

    def _count(self, key: str, n: int = 1) -> None:
        with self._stats_lock:
            self.stats[key] += n

    def _emit(self, row: FetchResult) -> FetchResult:
        with self._stats_lock:
            self.stats["urls"] += 1
            self.stats[f"source_{row.source}"] += 1
            if row.status is not None:
                self.stats[f"status_{row.status}"] += 1
            if row.error is not None:
                self.stats[f"error_{row.error}"] += 1
            elif row.html is not None:
                self.stats["pages"] += 1
            self.stats["requests"] = self.throttle.requests.total()
        return row

    def _in_scope(self, url: str) -> bool:
        return self.scope.contains(url)

    def _robots_loaded(self, rules: RobotsRules) -> None:
        self._count(f"robots_{rules.mode}")
        if rules.mode != "rules":
            log.warning("robots.txt: %s", rules.detail)
        if not self.config.respect_robots or rules.crawl_delay_s is None:
            return
        delay = min(rules.crawl_delay_s, MAX_CRAWL_DELAY_S)
        if delay > self.config.delay_s:
            host = rules.origin.partition("://")[2]
            self.throttle.set_interval(host, delay)
            log.info("robots.txt Crawl-delay %.3g s for %s", delay, host)

    def _admit(self, url: str, source: str, depth: int, referrer: str | None) -> FetchResult | None:
        """Account for a normalised URL: queue it, refuse it with a row, or (seen) skip."""
        if not self.frontier.claim(url):
            self._count("duplicate")
            return None
        refusal = self.scope.refusal(url)
        if refusal is not None:
            return self._emit(_refused(url, source, depth, refusal[0], refusal[1], referrer))
        cap = self.config.max_query_variants
        if cap and "?" in url:
            key = url.partition("?")[0]
            self._variants[key] += 1
            if self._variants[key] > cap:
                detail = f"more than {cap} query variants of {key}"
                return self._emit(_refused(url, source, depth, "query_variants", detail, referrer))
        row = self.frontier.enqueue(QueueItem(url, source, depth, referrer))
        return self._emit(row) if row is not None else None

    def _normalize_href(self, href: str, base: str, scheme: str | None = None) -> str:
        # The same hrefs recur on every page (menus, sidebars, related posts), so the
        # normalised URL is cached when it does not depend on the page's path: for an
        # absolute href, and for one starting with "/" (RFC 3986 5.2.2: it takes only the
        # base's scheme and authority, so those are part of the key).
        # (The authority ends at the first "/", "?" or "#": one prefix, one authority.)
        # ``scheme`` is ``scheme_of(href)`` when the caller has taken it already.
        if href[:1] == "/":
            base_scheme, sep, rest = base.partition("://")
            if not sep:
                return self.normalize(href, base)
            key, relative_to = f"{base_scheme}://{rest.partition('/')[0]} {href}", base
        elif scheme_of(href) if scheme is None else scheme:
            key, relative_to = href, None
        else:
            return self.normalize(href, base)
        cached = self._href_cache.get(key)
        if cached is None:
            cached = self.normalize(href, relative_to)
            if len(self._href_cache) > 200_000:
                self._href_cache.clear()
            self._href_cache[key] = cached
        return cached

    # -- seeds -------------------------------------------------------------------------

    def discover(self) -> list[FetchResult]:
        """Seed the frontier from the start URL, robots.txt Sitemap: lines and /sitemap.xml.

        A start URL that looks like a sitemap (``*.xml``, ``*.xml.gz``, ``sitemap*.txt``) seeds
        from that sitemap only.  Returns the rows produced on the way: one per sitemap
        document (error ``sitemap``, or ``bad_sitemap`` with the reason) and refusals.
        """
        rows: list[FetchResult] = []
        start = self.start_url
        if looks_like_sitemap(start):
            rows += self._read_sitemaps([start], guessed=False)
            return rows
        row = self._admit(start, "start", 0, None)
        if row is not None:
            rows.append(row)
        declared = list(self.robots.rules_for(start).sitemaps)
        rows += self._read_sitemaps(declared, guessed=False)
        guess = urljoin(start, "/sitemap.xml")
        if not any(self._same_url(guess, d) for d in declared):
            rows += self._read_sitemaps([guess], guessed=True)
        return rows

    def _same_url(self, a: str, b: str) -> bool:
        try:
            return self.normalize(a) == self.normalize(b)
        except ValueError:
            return False

    def _read_sitemaps(self, urls: Iterable[str], *, guessed: bool) -> list[FetchResult]:
        rows: list[FetchResult] = []
        todo: deque[tuple[str, int, str | None]] = deque((u, 0, None) for u in urls)
        while todo:
            raw, level, parent = todo.popleft()
            try:
                url = self.normalize(raw)
            except ValueError as exc:
                rows.append(self._emit(_refused(raw, "sitemap", 0, "bad_url", str(exc), parent)))
                continue
            if self.frontier.is_seen(url):
                continue
            if not guessed:
                self.frontier.claim(url)
            refusal = self.scope.refusal(url)
            if refusal is not None:
                if not guessed:
                    rows.append(self._emit(_refused(url, "sitemap", 0, *refusal, parent)))
                continue
            if self.stats["sitemaps_fetched"] >= self.config.max_sitemaps:
                detail = f"more than crawl.max_sitemaps ({self.config.max_sitemaps}) sitemaps"
                rows.append(self._emit(_refused(url, "sitemap", 0, "bad_sitemap", detail, parent)))
                continue
            doc = self.fetcher.get_document(
                url, SITEMAP_MAX_BYTES, self.scope.refusal, self.config.max_redirects
            )
            self._count("sitemaps_fetched")
            if guessed:  # a guess that missed (404, a soft-404 page) is not the site's fault
                try:
                    if doc.error is not None or doc.status is None or not 200 <= doc.status < 300:
                        raise ValueError(f"HTTP {doc.status}")
                    parse_sitemap(doc.body)
                except ValueError:
                    self._count("sitemap_missing")
                    continue
                self.frontier.claim(url)
            row = FetchResult(
                url=url,
                source="sitemap",
                depth=0,
                status=doc.status,
                final_url=doc.final_url,
                redirects=doc.redirects,
                content_type=doc.content_type,
                bytes=len(doc.body),
                referrer=parent,
            )
            if doc.error is not None:
                rows.append(self._emit(replace(row, error="bad_sitemap", detail=doc.detail)))
                continue
            if doc.status is None or not 200 <= doc.status < 300:
                rows.append(
                    self._emit(replace(row, error="bad_sitemap", detail=f"HTTP {doc.status}"))
                )
                continue
            if doc.truncated:
                rows.append(
                    self._emit(
                        replace(
                            row,
                            error="bad_sitemap",
                            detail=f"larger than {SITEMAP_MAX_BYTES} bytes",
                        )
                    )
                )
                continue
            try:
                kind, locs, problem = parse_sitemap(doc.body)
            except ValueError as exc:
                log.warning("sitemap %s: %s", url, exc)
                rows.append(self._emit(replace(row, error="bad_sitemap", detail=str(exc))))
                continue
            absolute = [loc for loc in locs if scheme_of(loc) in CRAWLABLE_SCHEMES]
            if len(absolute) < len(locs):  # the protocol requires absolute http(s) URLs
                bad = len(locs) - len(absolute)
                self._count("sitemap_bad_locs", bad)
                problem = "; ".join(filter(None, [problem, f"{bad} <loc> not absolute http(s)"]))
                locs = absolute
            if kind == "sitemapindex":
                if level + 1 > SITEMAP_MAX_NESTING:
                    problem = problem or f"sitemap indexes nested deeper than {SITEMAP_MAX_NESTING}"
                    locs = []
                todo.extend((loc, level + 1, url) for loc in locs)
                what = f"sitemap index: {len(locs)} sitemaps"
            else:
                for loc in locs:
                    rows += self._add_url(loc, "sitemap", 0, url, base=url)
                self._count("sitemap_urls", len(locs))
                what = f"sitemap: {len(locs)} URLs"
            if problem:
                log.warning("sitemap %s: %s", url, problem)
                row = replace(row, error="bad_sitemap", detail=f"{what}; {problem}")
                rows.append(self._emit(row))
            else:
                rows.append(self._emit(replace(row, error="sitemap", detail=what)))
        return rows

    # -- links -------------------------------------------------------------------------

    def _add_url(
        self, href: str, source: str, depth: int, referrer: str | None, *, base: str
    ) -> list[FetchResult]:
        href = href.strip()
        if not href or href.startswith("#"):
            self._count("skipped_fragment")
            return []
        scheme = "" if href[:1] == "/" else scheme_of(href)
        if scheme and scheme not in CRAWLABLE_SCHEMES:
            known = {"mailto", "tel", "javascript", "data", "file", "ftp", "sms"}
            self._count(f"skipped_scheme_{scheme if scheme in known else 'other'}")
            return []
        try:
            url = self._normalize_href(href, base, scheme)
        except ValueError as exc:
            if not self.frontier.claim(href):
                return []
            return [self._emit(_refused(href, source, depth, "bad_url", str(exc), referrer))]
        row = self._admit(url, source, depth, referrer)
        return [row] if row is not None else []

    def add_links(self, result: FetchResult, hrefs: Iterable[str]) -> list[FetchResult]:
        """Extend the frontier with the links found on ``result``'s page.

        Relative hrefs are resolved against the page's final URL.  Returns the rows of
        links refused on the spot (off-site, robots, excluded, limits, bad URLs), each
        reported once per URL; queued links come back later from ``fetch_batch``.
        """
        rows: list[FetchResult] = []
        depth = result.depth + 1
        for href in hrefs:
            rows += self._add_url(href, "link", depth, result.final_url, base=result.final_url)
        return rows

    # -- fetching ----------------------------------------------------------------------

    def next_batch(self, n: int | None = None) -> list[QueueItem]:
        """Up to ``n`` (default ``batch_size``) queued URLs, breadth-first."""
        return self.frontier.pop_batch(n or self.config.batch_size or 100)

    def _fetch_one(self, item: QueueItem) -> FetchResult:
        try:
            return self.fetcher.fetch(item, self.scope.refusal, self.frontier.is_seen)
        except Exception as exc:  # one bad URL must not end the crawl; the row says why
            log.exception("fetching %s failed", item.url)
            return FetchResult(
                item.url,
                item.source,
                item.depth,
                None,
                item.url,
                error="internal",
                detail=f"{type(exc).__name__}: {exc}",
                referrer=item.referrer,
            )

    def fetch_batch(self, items: Sequence[QueueItem]) -> list[FetchResult]:
        """Fetch ``items`` on at most ``concurrency`` threads; rows in the items' order.

        Each item gives one row; URLs first met as redirect hops give rows of their own
        (source ``redirect``) right after it.
        """
        return self.account(self.fetch_items(items))

    def fetch_items(self, items: Sequence[QueueItem]) -> list[FetchResult]:
        """The first half of ``fetch_batch``: each item's own result, nothing accounted.

        Kept apart from ``account`` so a resumed run (``resume.py``) can put recorded
        results in place of fetches and still account for them the same way.
        """
        if not items:
            return []
        workers = max(1, self.config.concurrency)
        if workers == 1 or len(items) == 1:
            return [self._fetch_one(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(workers, thread_name_prefix="content-audit-fetch")
        return list(self._pool.map(self._fetch_one, items))

    def account(self, results: Sequence[FetchResult]) -> list[FetchResult]:
        """The second half of ``fetch_batch``: count each result and its redirect hops.

        Raises ``InputError`` when the start page only sends browsers on by script
        (``check_start_page``).
        """
        rows: list[FetchResult] = []
        for result in results:
            if result.source == "start" and result.html:
                check_start_page(result)
            rows += self._account_redirects(result)
        return rows

    def _account_redirects(self, result: FetchResult) -> list[FetchResult]:
        """The row of a fetched item, then rows for hop URLs the crawl had not met yet."""
        if not result.redirects:
            return [self._emit(result)]
        self._count("redirect_hops", len(result.redirects))
        extra: list[FetchResult] = []
        html = result.html
        keep_html = result.final_url == result.url
        chain = [hop for hop, _ in result.redirects[1:]] + [result.final_url]
        for i, url in enumerate(chain, start=1):
            if url == result.url:
                continue
            if i == len(chain) and result.error == "too_many_redirects":
                # The chain ends max_redirects hops from the first link: its next URL is
                # recorded, never queued (queued, each fresh URL of an endless chain cost
                # another max_redirects requests: 109,021 requests from one link).
                if self.frontier.claim(url):
                    extra.append(
                        self._emit(
                            _refused(
                                url,
                                "redirect",
                                result.depth,
                                "too_many_redirects",
                                result.detail or "",
                                result.url,
                            )
                        )
                    )
                continue
            if i == len(chain) and result.error == "credentials":
                row = self._admit(url, "redirect", result.depth, result.url)
                if row is not None:
                    extra.append(row)
                continue
            if not self.frontier.claim(url):
                continue
            self.frontier.charge()  # a URL first met as a hop was fetched: it is a page's worth
            tail = result.redirects[i:]
            if tail:
                row = replace(
                    result,
                    url=url,
                    source="redirect",
                    redirects=tail,
                    html=None,
                    referrer=result.url,
                )
            elif result.error in REFUSAL_CODES or result.error == "redirect_loop":
                row = _refused(
                    url, "redirect", result.depth, result.error, result.detail or "", result.url
                )
            else:
                row = replace(
                    result, url=url, source="redirect", redirects=(), html=html, referrer=result.url
                )
            extra.append(self._emit(row))
        own = result if keep_html else replace(result, html=None)
        return [self._emit(own), *extra]


def check_start_page(result: FetchResult) -> None:
    """Refuse a start page that only sends browsers on by script: nothing to crawl.

    A device router (``window.location.replace("/desktop/")``) with no content and no link
    would give a one-page report of an empty page; the message names where to start instead.
    """
    where = result.final_url or result.url
    targets = script_redirect_targets(result.html or "", where)
    if targets:
        raise InputError(
            f"{where} only sends browsers on by script, which a crawl does not follow; "
            f"start from {' or '.join(targets)}"
        )


def crawl(
    start: str,
    config: CrawlConfig | AuditConfig,
    *,
    extract_links: Callable[[FetchResult], Iterable[str]] = extract_links,
    session: requests.Session | None = None,
) -> Iterator[FetchResult]:
    """Crawl a site and yield one FetchResult per URL met, in breadth-first order.

    ``start`` is the site's URL or a sitemap's URL.  ``extract_links`` gives the links of
    a fetched page (default: a cheap lxml pass).  The crawl stops when the frontier is
    empty; closing the generator early stops it and frees its connections.
    """
    with Crawler(start, config, session=session) as crawler:
        yield from crawler.discover()
        while batch := crawler.next_batch():
            for result in crawler.fetch_batch(batch):
                yield result
                if result.html is not None:
                    yield from crawler.add_links(result, extract_links(result))
