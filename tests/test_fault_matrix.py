"""The fault matrix: the whole site audit (``audit_site``, library path) against loopback
sites that each misbehave one way (issue 6).

For every fault the run must complete, ``inventory.csv`` must hold exactly the URLs the
site exposes to the crawler, once each, with the expected status and reason code, the
pages it could audit must be in ``pages.csv``, nothing off-site may be requested (a second
server stands for "off-site" and must see no request) and the server must never be hit
faster than the politeness settings allow.  Servers are ``tests/faultserver.py``.
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from content_audit.config import AuditConfig, load_config
from content_audit.pipeline import SiteRunSummary
from content_audit.run import audit_site

from .faultserver import HUGE_BYTES, FaultServer

pytestmark = pytest.mark.timeout(30)

MAX_BYTES = 1_000_000
TEST_CRAWL = {
    "crawl.timeout_s": 0.5,
    "crawl.deadline_s": 1.0,
    "crawl.retries": 1,
    "crawl.backoff_s": 0.01,
    "crawl.max_bytes": MAX_BYTES,
    "crawl.max_retry_after_s": 1.0,
    "crawl.max_query_variants": 5,
    "crawl.concurrency": 1,
}
"""Tight timeouts and caps: each fault costs at most about a second."""

JUNK_LINKS = (
    "javascript:alert(1)",
    "mailto:office@clinic.example",
    "file:///etc/passwd",
    "tel:+15555550100",
    "data:text/html,<p>hi</p>",
    "#top",
)
"""Links every home page carries: never requested, never an inventory row."""

NOT_REQUESTED = frozenset(
    {"offsite", "robots", "excluded", "query_variants", "max_depth", "max_pages", "bad_url"}
)
"""Reason codes of URLs the crawler refused to request: no status, no bytes."""

Row = tuple[str, str, bool]
"""Expected (status, error, audited) of an inventory row; status "" when not fetched."""
PAGE: Row = ("200", "", True)


@dataclass
class Site:
    """A fault site: its server, the off-site server, and what the run wrote."""

    server: FaultServer
    offsite: FaultServer
    out: Path
    summary: SiteRunSummary
    elapsed_s: float
    config: AuditConfig
    inventory: list[dict[str, str]] = field(default_factory=list)
    pages: dict[str, dict[str, str]] = field(default_factory=dict)

    def rows(self) -> dict[str, dict[str, str]]:
        return {row["url"]: row for row in self.inventory}

    def rel(self, url: str) -> str:
        """A URL of the site as a path (+query); other URLs unchanged."""
        return url[len(self.server.base) :] if url.startswith(self.server.base + "/") else url


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@contextmanager
def run_site(
    tmp_path: Path,
    links: tuple[str, ...] | list[str],
    *,
    robots: str | None = "plain",
    crawl_delay: float | None = None,
    sitemaps: bool = False,
    start: str = "/",
    overrides: dict[str, object] | None = None,
    setup: Callable[[FaultServer, FaultServer], None] | None = None,
) -> Iterator[Site]:
    """Serve a fault site whose home page links to ``links`` (plus junk and an off-site
    link), audit it with ``audit_site`` (no worker processes), yield what it wrote."""
    with FaultServer() as offsite, FaultServer(robots=robots, crawl_delay=crawl_delay) as server:
        if not sitemaps:
            server.drop_sitemaps()
        if robots == "huge":
            server.page("/late/page")
        if setup is not None:
            setup(server, offsite)
        server.page("/", [*links, *JUNK_LINKS, offsite.url("/elsewhere")])
        config = load_config(overrides={**TEST_CRAWL, **(overrides or {})})
        out = tmp_path / "run"
        began = time.monotonic()
        summary = audit_site(server.url(start), config, out, workers=0)
        elapsed = time.monotonic() - began
        site = Site(
            server,
            offsite,
            out,
            summary,
            elapsed,
            config,
            read_csv(out / "inventory.csv"),
            {row["url"]: row for row in read_csv(out / "pages.csv")},
        )
        yield site


def check_run(site: Site, expected: dict[str, Row]) -> None:
    """The invariants of every fault: see the module docstring."""
    server, rows = site.server, site.rows()
    # The run completed: every report was written and committed.
    for name in ("inventory.csv", "pages.csv", "findings.csv", "teasers.csv", "report.html"):
        assert (site.out / name).is_file(), name
    assert site.summary.report is not None and site.summary.report.is_file()
    # One row per URL, exactly the URLs the site exposes (its paths, and off-site ones).
    urls = [row["url"] for row in site.inventory]
    assert not [u for u, n in Counter(urls).items() if n > 1], "URL reported twice"
    want = {server.url(p) if p.startswith("/") else p: row for p, row in expected.items()}
    if expected.get("/") == PAGE:  # the home page links off-site
        want.setdefault(site.offsite.url("/elsewhere"), ("", "offsite", False))
    assert set(rows) == set(want), (
        sorted(map(site.rel, set(rows) - set(want))),
        sorted(map(site.rel, set(want) - set(rows))),
    )
    for url, (status, error, audited) in want.items():
        row = rows[url]
        got = (row["status"], row["error"], row["audited"] == "true")
        assert got == (status, error, audited), (site.rel(url), row)
        if error in NOT_REQUESTED and row["redirect_hops"] == "0":
            assert row["status"] == "" and row["bytes"] == "0", row
    # Every audited row has its pages.csv row, and no other page is there.
    audited = {row["final_url"] for row in site.inventory if row["audited"] == "true"}
    assert audited == set(site.pages)
    assert site.summary.audited == len(audited)
    assert site.summary.urls == len(site.inventory)
    # Nothing off-site, no non-http link, nothing the inventory does not show as fetched.
    assert site.offsite.paths() == []
    tried = [
        row
        for row in site.inventory
        if row["error"] not in NOT_REQUESTED or row["redirect_hops"] != "0"
    ]
    fetched = {site.rel(row[key]) for row in tried for key in ("url", "final_url")}
    extra = {"/robots.txt", "/sitemap.xml"}  # robots.txt; the sitemap guess (a 404)
    requested = set(server.paths())
    assert requested <= fetched | extra, sorted(requested - fetched - extra)
    assert not any(p.startswith(("javascript", "mailto", "file", "tel", "data")) for p in requested)
    # Politeness: no two request starts closer than the configured interval.
    assert_polite(server.starts(), site.config.crawl.delay_s)


def assert_polite(starts: list[float], interval_s: float, slack_s: float = 0.01) -> None:
    """Request arrivals are spaced by ``interval_s``: any two, and any ``k`` in a row span
    at least ``k - 1`` intervals.

    The Throttle spaces the actual releases of requests (a thread that wakes late makes the
    next one wait), so ``slack_s`` only absorbs the time between a release and the request's
    arrival at the server (a few ms on a loaded machine; 4 ms passed on a quiet one).  Two
    requests sent together would still fail by ~interval_s.
    """
    if interval_s <= 0:
        return
    assert len(starts) > 1
    for i, first in enumerate(starts):
        for k, later in enumerate(starts[i + 1 :], start=1):
            assert later - first >= k * interval_s - slack_s, (i, k, later - first, interval_s)


# --------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Fault:
    links: tuple[str, ...]
    expected: dict[str, Row]
    robots: str | None = "plain"
    sitemaps: bool = False
    start: str = "/"
    overrides: dict[str, object] = field(default_factory=dict)
    setup: Callable[[FaultServer, FaultServer], None] | None = None
    extra: Callable[[Site], None] | None = None


def _home(row: Row = PAGE) -> dict[str, Row]:
    return {"/": row}


def _flaky_checks(site: Site) -> None:
    assert site.server.hits("/flaky") == 2  # one 500, one 200


def _retry_after_checks(site: Site) -> None:
    for path, wait_s in (("/ratelimited", 1.0), ("/ratelimited-long", 1.0)):
        times = [t for t, p in site.server.log if p == path]
        assert len(times) == 2, path
        # Retry-After 1 s honoured; 3600 s capped at crawl.max_retry_after_s (1 s).
        assert wait_s - 0.05 <= times[1] - times[0] < wait_s + 1.5, (path, times)


def _stall_checks(site: Site) -> None:
    # deadline_s (1 s) bounds each, the server would have held them 5 and 10 s.
    assert site.elapsed_s < 8


def _reset_checks(site: Site) -> None:
    assert site.server.hits("/reset") == 2  # the try and one retry


def _big_checks(site: Site) -> None:
    rows = site.rows()
    assert rows[site.server.url("/huge")]["bytes"] == str(HUGE_BYTES)  # declared, not read
    assert rows[site.server.url("/huge?nolength=1")]["bytes"] == str(MAX_BYTES)  # read to cap


def _error_body_checks(site: Site) -> None:
    time.sleep(0.1)  # the server's last writes fail once it sees the connection closed
    for path in ERROR_BODIES:
        assert site.server.hits(path) == 2, path  # the try and one retry
        # At most max_bytes per try reached the socket (urllib3 alone read 50 MB, or on).
        assert site.server.sent(path) < 2 * MAX_BYTES, (path, site.server.sent(path))
    # The trickling one costs deadline_s per try, the others next to nothing.
    assert site.elapsed_s < 2 * 1.0 + 2, site.elapsed_s


def _bomb_checks(site: Site) -> None:
    assert site.rows()[site.server.url("/bomb")]["bytes"] == str(MAX_BYTES)


def _cafe_checks(site: Site) -> None:
    titles = {site.rel(url): row["title"] for url, row in site.pages.items()}
    for path in (
        "/utf16",
        "/utf16-nobom",
        "/latin1-undeclared",
        "/latin1-meta",
        "/charset-bogus",
        "/charset-meta-utf16",
    ):
        if path in titles:
            assert titles[path] == "Caf\u00e9", (path, titles[path])
    # UTF-8 bytes under a Latin-1 header: the header wins (as in browsers), no crash.
    if "/charset-header-wrong" in titles:
        assert titles["/charset-header-wrong"].startswith("Caf")


def _robots_500_checks(site: Site) -> None:
    assert set(site.server.paths()) == {"/robots.txt"}


def _session_checks(site: Site) -> None:
    assert site.server.hits("/session") == 1


def _calendar_checks(site: Site) -> None:
    assert site.server.hits("/calendar") == 5  # max_query_variants


def _archive_checks(site: Site) -> None:
    depths = {site.rel(r["url"]): int(r["depth"]) for r in site.inventory}
    assert max(depths.values()) == 5 and depths["/archive/5/"] == 5


def _offsite_setup(server: FaultServer, offsite: FaultServer) -> None:
    server.redirect("/to-offsite-server", offsite.url("/landing"))
    server.page("/relative-offsite", [f"//127.0.0.1:{offsite.port}/protocol-relative"])


def _cal(n: int) -> str:
    return f"/calendar?month={n}"


def _chain(n: int) -> str:
    return f"/chain?n={n}"


ERROR_BODIES = ("/error-huge", "/error-endless", "/error-trickle")
"""500 answers whose body is 50 MB (declared), endless, or trickling without end."""

SITEMAP_ROWS: dict[str, Row] = {
    "/sitemap.xml": ("200", "sitemap", False),
    "/sitemaps/index-2.xml": ("200", "sitemap", False),
    "/sitemaps/pages.xml.gz": ("200", "sitemap", False),
    "/sitemaps/more.xml": ("200", "sitemap", False),
    "/sitemaps/bad.xml": ("200", "bad_sitemap", False),
    "/private/from-sitemap": ("", "robots", False),
    "/sm/a": PAGE,
    "/sm/b": PAGE,
    "/sm/c": PAGE,
    "/sm/d": PAGE,  # recovered from the malformed sitemap
}

FAULTS: dict[str, Fault] = {
    "5xx_then_200": Fault(("/flaky",), {**_home(), "/flaky": PAGE}, extra=_flaky_checks),
    "429_retry_after": Fault(
        ("/ratelimited", "/ratelimited-long"),
        {**_home(), "/ratelimited": PAGE, "/ratelimited-long": PAGE},
        extra=_retry_after_checks,
    ),
    "stall_mid_body": Fault(
        ("/stall", "/trickle"),
        {**_home(), "/stall": ("200", "timeout", False), "/trickle": ("200", "timeout", False)},
        extra=_stall_checks,
    ),
    "connection_reset": Fault(
        ("/reset",), {**_home(), "/reset": ("", "connection", False)}, extra=_reset_checks
    ),
    "redirect_loop": Fault(
        ("/loop-a",),
        {
            **_home(),
            "/loop-a": ("302", "redirect_loop", False),
            "/loop-b": ("302", "redirect_loop", False),
        },
    ),
    "redirect_chain_10_hops": Fault(
        ("/chain",),
        {
            **_home(),
            "/chain": ("200", "", False),
            **{_chain(n): ("200", "", False) for n in range(1, 10)},
            _chain(10): PAGE,
        },
    ),
    "redirect_chain_over_max_redirects": Fault(
        ("/chain",),
        {
            **_home(),
            "/chain": ("301", "too_many_redirects", False),
            **{_chain(n): ("301", "too_many_redirects", False) for n in range(1, 6)},
            # The chain ends max_redirects hops from the link: its next URL is recorded,
            # not requested (issue 19: queued, an endless chain never ended).
            _chain(6): ("", "too_many_redirects", False),
        },
        overrides={"crawl.max_redirects": 5},
    ),
    "body_50_mb": Fault(
        ("/huge", "/huge?nolength=1"),
        {
            **_home(),
            "/huge": ("200", "too_large", False),
            "/huge?nolength=1": ("200", "too_large", False),
        },
        extra=_big_checks,
    ),
    "5xx_with_endless_body": Fault(
        ERROR_BODIES,
        {**_home(), **{path: ("500", "http_error", False) for path in ERROR_BODIES}},
        extra=_error_body_checks,
    ),
    "gzip_bomb_and_bad_gzip": Fault(
        ("/bomb", "/bad-gzip", "/gzip-page"),
        {
            **_home(),
            "/bomb": ("200", "too_large", False),
            "/bad-gzip": ("200", "bad_encoding", False),
            "/gzip-page": PAGE,
        },
        extra=_bomb_checks,
    ),
    "binary_as_text_html": Fault(
        ("/binary", "/doc.pdf"),
        {**_home(), "/binary": ("200", "non_html", False), "/doc.pdf": ("200", "non_html", False)},
    ),
    "wrong_declared_charset": Fault(
        (
            "/charset-header-wrong",
            "/charset-bogus",
            "/charset-meta-utf16",
            "/latin1-undeclared",
            "/latin1-meta",
            "/latin1",
        ),
        {
            **_home(),
            "/charset-header-wrong": PAGE,
            "/charset-bogus": PAGE,
            "/charset-meta-utf16": PAGE,
            "/latin1-undeclared": PAGE,
            "/latin1-meta": PAGE,
            "/latin1": PAGE,
        },
        extra=_cafe_checks,
    ),
    "utf16": Fault(
        ("/utf16", "/utf16-nobom"),
        {**_home(), "/utf16": PAGE, "/utf16-nobom": PAGE},
        extra=_cafe_checks,
    ),
    "robots_500": Fault(
        ("/flaky",), _home(("", "robots", False)), robots="500", extra=_robots_500_checks
    ),
    "robots_huge": Fault(
        ("/late/page", "/private/secret"),
        {**_home(), "/late/page": PAGE, "/private/secret": ("", "robots", False)},
        robots="huge",
    ),
    "robots_garbage": Fault(
        ("/private/secret",), {**_home(), "/private/secret": PAGE}, robots="garbage"
    ),
    "sitemaps_malformed_gzipped_index_of_indexes": Fault(
        ("/private/secret",),
        {**_home(), **SITEMAP_ROWS, "/private/secret": ("", "robots", False)},
        robots="normal",
        sitemaps=True,
    ),
    "sitemap_index_nested_without_end": Fault(
        (),
        {
            "/sitemaps/nest.xml?level=0": ("200", "sitemap", False),
            "/sitemaps/nest.xml?level=1": ("200", "sitemap", False),
            "/sitemaps/nest.xml?level=2": ("200", "sitemap", False),
            "/sitemaps/nest.xml?level=3": ("200", "bad_sitemap", False),
            "/sitemaps/more.xml": ("200", "sitemap", False),
            "/sm/c": PAGE,
        },
        sitemaps=True,
        start="/sitemaps/nest.xml?level=0",
    ),
    "infinite_calendar": Fault(
        (_cal(0),),
        {
            **_home(),
            **{_cal(n): PAGE for n in (0, 1, -1, 2, -2)},
            _cal(3): ("", "query_variants", False),
            _cal(-3): ("", "query_variants", False),
        },
        extra=_calendar_checks,
    ),
    "session_ids": Fault(
        ("/session?sid=1", "/session?PHPSESSID=x", "/session?sessionid=y"),
        {**_home(), "/session": PAGE},
        extra=_session_checks,
    ),
    "infinite_path_space": Fault(
        ("/archive/1/",),
        {
            **_home(),
            "/archive/1/": PAGE,
            **{f"/archive/{n}/": PAGE for n in range(2, 5)},
            **{f"/archive/{n}/page/2/": PAGE for n in range(2, 5)},
            "/archive/5/": ("", "max_depth", False),
            "/archive/5/page/2/": ("", "max_depth", False),
        },
        overrides={"crawl.max_depth": 4},
        extra=_archive_checks,
    ),
    "offsite_and_other_schemes": Fault(
        ("/to-offsite", "/to-offsite-server", "/relative-offsite", "/wp-admin/x"),
        {
            **_home(),
            "/to-offsite": ("301", "offsite", False),
            "http://127.0.0.1:9/elsewhere": ("", "offsite", False),
            "/to-offsite-server": ("301", "offsite", False),
            "/relative-offsite": PAGE,
            "/wp-admin/x": ("", "excluded", False),
        },
        setup=_offsite_setup,
    ),
}


def _offsite_expected(site: Site) -> dict[str, Row]:
    """URLs of the off-site server depend on its port; add them once it is up."""
    return {
        site.offsite.url("/landing"): ("", "offsite", False),
        site.offsite.url("/protocol-relative"): ("", "offsite", False),
    }


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault(name: str, tmp_path: Path) -> None:
    fault = FAULTS[name]
    with run_site(
        tmp_path,
        fault.links,
        robots=fault.robots,
        sitemaps=fault.sitemaps,
        start=fault.start,
        overrides=fault.overrides,
        setup=fault.setup,
    ) as site:
        expected = dict(fault.expected)
        if fault.setup is _offsite_setup:
            expected.update(_offsite_expected(site))
        check_run(site, expected)
        if fault.extra is not None:
            fault.extra(site)
        assert site.elapsed_s < 10, site.elapsed_s


# --------------------------------------------------------------------------- politeness


POLITE_LINKS = (
    "/flaky",
    "/ratelimited",
    "/reset",
    "/chain",
    "/loop-a",
    _cal(0),
    "/stall",
    "/bomb",
    "/private/secret",
)


@pytest.mark.parametrize(
    ("delay_s", "crawl_delay", "concurrency"),
    [(0.12, None, 3), (0.0, 0.15, 2)],
    ids=["delay_s", "robots_crawl_delay"],
)
def test_faults_never_hit_the_server_faster_than_allowed(
    tmp_path: Path, delay_s: float, crawl_delay: float | None, concurrency: int
) -> None:
    """Every fault on one site, several fetch threads, retries and redirect hops included:
    request starts are spaced by delay_s, or by robots.txt's Crawl-delay when larger."""
    overrides = {
        "crawl.delay_s": delay_s,
        "crawl.concurrency": concurrency,
        "crawl.max_query_variants": 3,
    }
    with run_site(
        tmp_path,
        POLITE_LINKS,
        robots="normal",
        crawl_delay=crawl_delay,
        sitemaps=True,
        overrides=overrides,
    ) as site:
        rows = site.rows()
        assert rows[site.server.url("/flaky")]["status"] == "200"
        assert rows[site.server.url("/ratelimited")]["status"] == "200"
        assert rows[site.server.url("/private/secret")]["error"] == "robots"
        assert site.offsite.paths() == []
        assert len(site.server.paths()) > 25  # retries, hops and pages all counted
        interval = max(delay_s, crawl_delay or 0.0)
        starts = site.server.starts()
        if crawl_delay is not None:
            starts = starts[1:]  # robots.txt itself is fetched before its Crawl-delay is known
        assert_polite(starts, interval)


# --------------------------------------------------------------------------- known gaps


def test_links_to_other_hosts_and_bad_urls_are_in_the_inventory(tmp_path: Path) -> None:
    links = ("http://offsite.example/page", "https://pubmed.example/123", "http://[bad-host/x")
    with run_site(tmp_path, links) as site:
        rows = site.rows()
        assert site.offsite.paths() == []  # holds today: nothing is requested
        assert rows["http://offsite.example/page"]["error"] == "offsite"
        assert rows["https://pubmed.example/123"]["error"] == "offsite"
        assert rows["http://[bad-host/x"]["error"] == "bad_url"


def test_a_body_of_only_a_bom_is_refused_like_an_empty_one(tmp_path: Path) -> None:
    with run_site(tmp_path, ("/empty", "/bom-only")) as site:
        rows = site.rows()
        assert rows[site.server.url("/empty")]["error"] == "non_html"
        assert rows[site.server.url("/bom-only")]["error"] == "non_html"
