"""The crawler (content_audit.crawl) against real HTTP servers on 127.0.0.1.

Two kinds of site: ``tests/faultserver.py`` (every way a server misbehaves, with a request
log) and a sitegen clinic site served by sitegen's own server, whose ground truth says
what the crawl must find.  Timeouts and backoffs are short so the file runs in seconds.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from content_audit.config import AuditConfig, CrawlConfig, load_config
from content_audit.crawl import (
    DEFAULT_USER_AGENT,
    Crawler,
    Fetcher,
    Frontier,
    QueueItem,
    Throttle,
    crawl,
    extract_links,
    parse_sitemap,
)
from content_audit.errors import InputError
from content_audit.model import FetchResult
from tests.conftest import need_shared
from tests.faultserver import FaultServer, html_page

pytestmark = pytest.mark.timeout(30)


def cfg(**overrides: object) -> CrawlConfig:
    """Test settings: short timeouts and backoffs, small caps."""
    base: dict[str, object] = {
        "timeout_s": 0.5,
        "deadline_s": 1.0,
        "retries": 1,
        "backoff_s": 0.01,
        "max_bytes": 1_000_000,
        "max_retry_after_s": 2.0,
        "concurrency": 4,
        "strip_params": ("utm_*", "sessionid"),
        "exclude": ("/wp-admin/*",),
    }
    base.update(overrides)
    return CrawlConfig(**base)  # type: ignore[arg-type]


def fetch(server: FaultServer, path: str, **overrides: object) -> FetchResult:
    fetcher = Fetcher(cfg(**overrides))
    try:
        return fetcher.fetch(QueueItem(server.url(path), "start", 0))
    finally:
        fetcher.close()


def by_url(rows: list[FetchResult]) -> dict[str, FetchResult]:
    index = {r.url: r for r in rows}
    assert len(index) == len(rows), "a URL was reported more than once"
    return index


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


# --------------------------------------------------------------------------- retries


def test_500_then_200_is_retried(server: FaultServer) -> None:
    row = fetch(server, "/flaky")
    assert (row.status, row.error) == (200, None)
    assert "recovered" in row.html
    assert server.hits("/flaky") == 2


def test_500_until_retries_run_out_is_an_http_error(server: FaultServer) -> None:
    server.static("/down", "down", status=503)
    row = fetch(server, "/down", retries=2)
    assert (row.status, row.error, row.html) == (503, "http_error", None)
    assert server.hits("/down") == 3


def test_429_waits_for_retry_after(server: FaultServer) -> None:
    row = fetch(server, "/ratelimited")
    assert (row.status, row.error) == (200, None)
    first, second = server.starts()
    assert second - first >= 0.95  # Retry-After: 1


def test_retry_after_is_capped(server: FaultServer) -> None:
    started = time.monotonic()
    row = fetch(server, "/ratelimited-long", max_retry_after_s=0.2)  # server asks for 3600 s
    assert (row.status, row.error) == (200, None)
    assert time.monotonic() - started < 2.0
    assert server.hits("/ratelimited-long") == 2


@pytest.mark.parametrize("path", ["/error-huge", "/error-endless", "/error-trickle"])
def test_a_500_body_is_not_read_to_the_end_before_the_retry(server: FaultServer, path: str) -> None:
    """urllib3 reads a failed try's whole body before retrying (``drain_conn``): 50 MB,
    or forever.  The Fetcher's own retries read at most DRAIN_BYTES within DRAIN_S."""
    started = time.monotonic()
    row = fetch(server, path, max_bytes=300_000, deadline_s=0.5)
    took = time.monotonic() - started
    time.sleep(0.1)  # the server's last writes fail once it sees the connection closed
    assert (row.status, row.error, row.html) == (500, "http_error", None)
    assert server.hits(path) == 2  # the try and one retry
    assert server.sent(path) < 2 * 300_000, server.sent(path)  # max_bytes per try at most
    assert took < 2 * 0.5 + 0.5, took  # deadline_s per try at most


# --------------------------------------------------------------------------- time and size caps


def test_slow_headers_time_out_after_retries(server: FaultServer) -> None:
    started = time.monotonic()
    row = fetch(server, "/slow", timeout_s=0.3, retries=1)
    assert (row.status, row.error, row.html) == (None, "timeout", None)
    assert server.hits("/slow") == 2
    assert time.monotonic() - started < 2.0


def test_body_stalling_mid_way_times_out(server: FaultServer) -> None:
    started = time.monotonic()
    row = fetch(server, "/stall", timeout_s=0.3, deadline_s=5.0)
    assert (row.status, row.error, row.html) == (200, "timeout", None)
    assert time.monotonic() - started < 2.0


def test_trickling_body_stops_at_the_deadline(server: FaultServer) -> None:
    started = time.monotonic()
    row = fetch(server, "/trickle", timeout_s=1.0, deadline_s=0.4)
    took = time.monotonic() - started
    assert (row.status, row.error) == (200, "timeout")
    assert "0.4" in row.detail
    assert 0.35 < took < 1.5


def test_connection_reset_is_a_connection_error(server: FaultServer) -> None:
    row = fetch(server, "/reset")
    assert (row.status, row.error) == (None, "connection")
    assert server.hits("/reset") == 2  # retried once


def test_declared_oversize_body_is_not_read(server: FaultServer) -> None:
    started = time.monotonic()
    row = fetch(server, "/big")
    assert (row.status, row.error, row.html) == (200, "too_large", None)
    assert row.bytes == 20 * 1024 * 1024  # the declared length
    assert time.monotonic() - started < 1.0


def test_undeclared_oversize_body_stops_at_the_cap(server: FaultServer) -> None:
    row = fetch(server, "/big?nolength=1", max_bytes=300_000)
    assert (row.status, row.error, row.html) == (200, "too_large", None)
    assert row.bytes == 300_000


def test_gzip_bomb_stops_at_the_cap(server: FaultServer) -> None:
    started = time.monotonic()
    row = fetch(server, "/bomb", max_bytes=2_000_000)
    assert (row.status, row.error, row.html) == (200, "too_large", None)
    assert row.bytes == 2_000_000  # decompressed bytes counted, not the ~64 KB on the wire
    assert time.monotonic() - started < 5.0


# --------------------------------------------------------------------------- content


def test_pdf_is_recorded_not_decoded(server: FaultServer) -> None:
    row = fetch(server, "/doc.pdf")
    assert (row.status, row.error, row.html) == (200, "non_html", None)
    assert row.content_type == "application/pdf"
    assert row.bytes > 0


def test_binary_sent_as_html_is_not_decoded(server: FaultServer) -> None:
    row = fetch(server, "/binary")
    assert (row.status, row.error, row.html) == (200, "non_html", None)
    assert row.content_type == "text/html"


@pytest.mark.parametrize("path", ["/latin1", "/latin1-meta", "/latin1-undeclared", "/utf16"])
def test_charsets_are_decoded(server: FaultServer, path: str) -> None:
    row = fetch(server, path)
    assert row.error is None
    assert "Caf\u00e9 cr\u00e8me" in row.html
    assert "\ufffd" not in row.html and "\ufeff" not in row.html


def test_user_agent_is_sent(server: FaultServer) -> None:
    seen: list[str] = []

    def echo(h, query: str) -> None:  # type: ignore[no-untyped-def]
        seen.append(h.headers["User-Agent"])
        h.reply(200, html_page("ua"))

    server.route("/ua", echo)
    fetch(server, "/ua")
    fetch(server, "/ua", user_agent="MyBot/1.0")
    assert seen == [DEFAULT_USER_AGENT, "MyBot/1.0"]
    assert re.fullmatch(
        r"content-audit/\S+ \(\+https://github\.com/content-audit/content-audit\)",
        DEFAULT_USER_AGENT,
    )


# --------------------------------------------------------------------------- redirects


def test_redirect_loop_is_detected(server: FaultServer) -> None:
    row = fetch(server, "/loop-a")
    assert row.error == "redirect_loop"
    assert [status for _, status in row.redirects] == [302, 302]
    assert server.hits("/loop-a") == 1 and server.hits("/loop-b") == 1


def test_ten_hop_chain_is_followed_and_recorded(server: FaultServer) -> None:
    row = fetch(server, "/chain?n=0", max_redirects=10)
    assert (row.status, row.error) == (200, None)
    assert len(row.redirects) == 10
    assert row.redirects[0] == (server.url("/chain?n=0"), 301)
    assert row.final_url == server.url("/chain?n=10")


def test_long_chain_is_cut_and_every_hop_accounted_for(server: FaultServer) -> None:
    server.page("/", links=["/chain?n=0"])
    rows = by_url(list(crawl(server.url("/"), cfg(max_redirects=5))))
    first = rows[server.url("/chain?n=0")]
    assert first.error == "too_many_redirects"
    assert first.final_url == server.url("/chain?n=6")
    for n in range(6):  # each hop once: a row of its own, fetched once
        assert server.url(f"/chain?n={n}") in rows
    # The chain ends max_redirects hops from the link: its next URL is recorded, not
    # requested, and nothing past it is met (issue 19: an endless chain never ended).
    end = rows[server.url("/chain?n=6")]
    assert (end.status, end.source, end.error) == (None, "redirect", "too_many_redirects")
    assert not any(server.url(f"/chain?n={n}") in rows for n in range(7, 11))
    assert all(r.html is None for r in rows.values() if r.redirects)
    assert server.hits("/chain") == 6


def test_redirect_adding_a_stripped_session_id_keeps_the_page(server: FaultServer) -> None:
    def session(h, query: str) -> None:  # type: ignore[no-untyped-def]
        if "sessionid" in query:
            h.reply(200, html_page("with session"))
        else:
            h.reply(302, b"", "", {"Location": "/session?sessionid=42"})

    server.route("/session", session)
    server.page("/", links=["/session"])
    rows = by_url(list(crawl(server.url("/"), cfg())))
    row = rows[server.url("/session")]  # the normalised URL drops sessionid: same page
    assert (row.status, row.error, row.final_url) == (200, None, server.url("/session"))
    assert row.redirects == ((server.url("/session"), 302),)
    assert "with session" in row.html


def test_redirect_hops_are_scope_and_robots_checked() -> None:
    with FaultServer() as server, FaultServer() as other:
        server.redirect("/to-offsite", other.url("/elsewhere"))
        server.page("/", links=["/to-private", "/to-offsite"])
        rows = by_url(list(crawl(server.url("/"), cfg())))
        assert other.paths() == []
        assert server.hits("/private/secret") == 0
        assert rows[server.url("/to-private")].error == "robots"
        assert rows[server.url("/to-private")].status == 301
        assert rows[server.url("/private/secret")].error == "robots"
        assert rows[server.url("/private/secret")].status is None
        assert rows[server.url("/to-offsite")].error == "offsite"
        assert rows[other.url("/elsewhere")].error == "offsite"


def refresh_page(target: str, delay: str = "0") -> str:
    return (
        f'<!doctype html><html><head><meta http-equiv="refresh" content="{delay}; url={target}">'
        f"<title>Moved</title></head><body><p>This page has moved.</p></body></html>"
    )


def test_meta_refresh_is_followed_as_a_redirect_hop(server: FaultServer) -> None:
    server.static("/old/", refresh_page("/new/"))
    server.page("/new/", links=["/other"])
    server.page("/other")
    server.static("/later/", refresh_page("/new/", delay="30"))
    server.page("/", links=["/old/", "/later/"])
    server.drop_sitemaps()
    rows = by_url(list(crawl(server.url("/"), cfg())))
    old = rows[server.url("/old/")]
    assert (old.status, old.error, old.final_url) == (200, None, server.url("/new/"))
    assert old.redirects == ((server.url("/old/"), 200),)
    assert old.html is None  # the page's text is on its final URL's row, as for HTTP
    new = rows[server.url("/new/")]
    assert (new.source, new.redirects, new.referrer) == ("redirect", (), server.url("/old/"))
    assert "/new/" in new.html
    assert server.url("/other") in rows  # links of the refresh's target are followed
    assert server.hits("/new/") == 1
    later = rows[server.url("/later/")]  # a refresh after 30 s is no redirect
    assert (later.redirects, later.final_url) == ((), server.url("/later/"))
    assert later.html is not None


def test_meta_refresh_hops_obey_scope_loops_and_the_hop_limit() -> None:
    with FaultServer() as server, FaultServer() as other:
        server.static("/to-offsite", refresh_page(other.url("/elsewhere")))
        server.static("/to-private", refresh_page("/private/secret"))
        server.static("/ping", refresh_page("/pong"))
        server.static("/pong", refresh_page("/ping"))
        for n in range(4):
            server.static(f"/hop{n}", refresh_page(f"/hop{n + 1}"))
        server.page("/hop4")
        server.static("/self", refresh_page("/self"))
        links = ["/to-offsite", "/to-private", "/ping", "/hop0", "/self"]
        server.page("/", links=links)
        rows = by_url(list(crawl(server.url("/"), cfg(max_redirects=2))))
        assert other.paths() == []
        assert rows[server.url("/to-offsite")].error == "offsite"
        assert rows[server.url("/to-private")].error == "robots"
        assert server.hits("/private/secret") == 0
        assert rows[server.url("/ping")].error == "redirect_loop"
        hop = rows[server.url("/hop0")]
        assert hop.error == "too_many_redirects" and len(hop.redirects) == 3
        assert rows[server.url("/hop3")].source == "redirect"  # queued as a URL of its own
        own = rows[server.url("/self")]  # a refresh of the page itself is no redirect
        assert (own.error, own.redirects, own.html is not None) == (None, (), True)


ROUTER = """<!DOCTYPE html><html><head><title>Router</title><script>
    if (/Android|iPhone/i.test(navigator.userAgent) || window.innerWidth <= 768) {
        window.location.replace("/mobile/index.html");
    } else { window.location.replace("/desktop/index.html"); }
    </script></head><body><p>Routing...</p></body></html>"""


def test_a_start_page_that_only_redirects_by_script_stops_the_crawl(server: FaultServer) -> None:
    server.static("/", ROUTER)
    server.page("/desktop/index.html")
    with pytest.raises(InputError) as caught:
        list(crawl(server.url("/"), cfg()))
    message = str(caught.value)
    assert "\n" not in message
    assert server.url("/desktop/index.html") in message
    assert server.url("/mobile/index.html") in message
    assert server.hits("/desktop/index.html") == 0


def test_a_script_redirect_on_a_page_with_links_is_crawled(server: FaultServer) -> None:
    server.static("/", ROUTER.replace("<p>Routing...</p>", '<a href="/desktop/">Desktop</a>'))
    server.page("/desktop/")
    rows = by_url(list(crawl(server.url("/"), cfg())))
    assert rows[server.url("/desktop/")].status == 200
    # ...and a router met below the start page is a page like any other.
    server.static("/router/", ROUTER)
    server.page("/", links=["/router/"])
    rows = by_url(list(crawl(server.url("/"), cfg())))
    assert rows[server.url("/router/")].html is not None


def test_a_start_page_that_refreshes_is_followed(server: FaultServer) -> None:
    server.static("/", refresh_page("/home/"))
    server.page("/home/", links=["/about"])
    server.page("/about")
    server.drop_sitemaps()
    rows = by_url(list(crawl(server.url("/"), cfg())))
    start = rows[server.url("/")]
    assert (start.source, start.final_url) == ("start", server.url("/home/"))
    assert start.redirects == ((server.url("/"), 200),)
    assert rows[server.url("/about")].status == 200


# --------------------------------------------------------------------------- robots.txt


def test_robots_disallowed_urls_are_reported_never_fetched(server: FaultServer) -> None:
    server.page("/", links=["/private/secret", "/private/other", "/ok"])
    server.page("/ok")
    rows = by_url(list(crawl(server.url("/"), cfg())))
    for path in ("/private/secret", "/private/other", "/private/from-sitemap"):
        row = rows[server.url(path)]
        assert (row.status, row.error) == (None, "robots")
    assert not [p for p in server.paths() if p.startswith("/private/")]
    assert rows[server.url("/ok")].status == 200
    assert server.hits("/robots.txt") == 1
    assert server.paths()[0] == "/robots.txt"


def test_robots_500_means_disallow_all_by_default(server: FaultServer) -> None:
    server.set_robots("500")
    server.page("/", links=["/a"])
    rows = list(crawl(server.url("/"), cfg(retries=0)))
    assert [(r.url, r.error) for r in rows] == [(server.url("/"), "robots")]
    assert "500" in rows[0].detail
    assert set(server.paths()) == {"/robots.txt"}


def test_robots_500_can_be_treated_as_allow_all(server: FaultServer) -> None:
    server.set_robots("500")
    server.page("/", links=["/a"])
    server.page("/a")
    rows = by_url(list(crawl(server.url("/"), cfg(retries=0, robots_unreachable="allow"))))
    assert rows[server.url("/a")].status == 200


@pytest.mark.parametrize("mode", ["404", "garbage"])
def test_missing_or_garbage_robots_allows_all(server: FaultServer, mode: str) -> None:
    server.set_robots(mode)
    server.page("/", links=["/private/secret"])
    rows = by_url(list(crawl(server.url("/"), cfg())))
    assert rows[server.url("/private/secret")].status == 200


def test_huge_robots_is_parsed_up_to_500_kib(server: FaultServer) -> None:
    server.set_robots("huge")
    server.page("/", links=["/private/secret", "/late/page"])
    server.page("/late/page")
    rows = by_url(list(crawl(server.url("/"), cfg())))
    assert rows[server.url("/private/secret")].error == "robots"  # before the cap
    assert rows[server.url("/late/page")].status == 200  # the rule past 500 KiB is ignored


def test_respect_robots_off_fetches_disallowed(server: FaultServer) -> None:
    server.page("/", links=["/private/secret"])
    rows = by_url(list(crawl(server.url("/"), cfg(respect_robots=False))))
    assert rows[server.url("/private/secret")].status == 200


# --------------------------------------------------------------------------- politeness


def _gaps(times: list[float]) -> list[float]:
    times = sorted(times)
    return [b - a for a, b in itertools.pairwise(times)]


def test_delay_spaces_request_starts_even_with_threads_and_retries(server: FaultServer) -> None:
    server.routes.pop("/sitemap.xml")  # fewer requests: a faster test
    links = [f"/p{i}" for i in range(8)] + ["/flaky"]
    server.page("/", links=links)
    for path in links[:-1]:
        server.page(path)
    rows = by_url(list(crawl(server.url("/"), cfg(delay_s=0.15, concurrency=4))))
    assert all(rows[server.url(p)].status == 200 for p in links)
    gaps = _gaps(server.starts())
    assert len(gaps) >= 11  # robots, sitemap.xml (404), /, 8 pages, /flaky twice
    assert min(gaps) >= 0.15 - 0.03, gaps


def test_crawl_delay_wins_when_larger(server: FaultServer) -> None:
    server.set_robots("normal", crawl_delay=0.25)
    server.routes.pop("/sitemap.xml")
    server.page("/", links=["/a", "/b", "/c"])
    for path in ("/a", "/b", "/c"):
        server.page(path)
    list(crawl(server.url("/"), cfg(delay_s=0.05, concurrency=4)))
    gaps = _gaps(server.starts(exclude={"/robots.txt"}))
    assert len(gaps) >= 4  # sitemap.xml (404), /, /a, /b, /c
    assert min(gaps) >= 0.25 - 0.03, gaps


def test_throttle_reserves_slots_across_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    throttle = Throttle(0.05)
    starts: list[float] = []

    def go(_: int) -> None:
        throttle.wait("h")
        starts.append(time.monotonic())

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(go, range(12)))
    assert min(_gaps(starts)) >= 0.05 - 0.01
    assert throttle.requests["h"] == 12


# --------------------------------------------------------------------------- sitemaps


def test_sitemaps_index_of_index_gzip_and_malformed(server: FaultServer) -> None:
    server.page("/")
    rows = by_url(list(crawl(server.url("/"), cfg())))
    for path in (
        "/sitemap.xml",
        "/sitemaps/index-2.xml",
        "/sitemaps/pages.xml.gz",
        "/sitemaps/more.xml",
    ):
        assert rows[server.url(path)].error == "sitemap", path
    bad = rows[server.url("/sitemaps/bad.xml")]
    assert bad.error == "bad_sitemap" and "malformed" in bad.detail
    for path in ("/sm/a", "/sm/b", "/sm/c", "/sm/d"):  # /sm/d recovered from the bad file
        row = rows[server.url(path)]
        assert (row.status, row.source, row.depth) == (200, "sitemap", 0)
    assert rows[server.url("/private/from-sitemap")].error == "robots"
    assert server.hits("/sitemap.xml") == 1


def test_start_at_a_sitemap_url(server: FaultServer) -> None:
    rows = by_url(list(crawl(server.url("/sitemaps/more.xml"), cfg())))
    assert rows[server.url("/sm/c")].status == 200
    assert server.url("/") not in rows


def test_declared_sitemap_missing_is_reported_guess_is_not(server: FaultServer) -> None:
    server.routes.pop("/sitemap.xml")
    server.page("/")
    rows = by_url(list(crawl(server.url("/"), cfg())))
    # robots.txt declares /sitemap.xml: its 404 is the site's error
    assert rows[server.url("/sitemap.xml")].error == "bad_sitemap"
    for soft404 in (False, True):
        with FaultServer(robots="404") as bare:
            bare.page("/")
            bare.routes.pop("/sitemap.xml")
            if soft404:
                bare.page("/sitemap.xml")  # an HTML page where a sitemap was guessed
            bare_rows = list(crawl(bare.url("/"), cfg()))
        assert [r.url for r in bare_rows] == [bare.url("/")]  # the missed guess is not a row


def test_parse_sitemap_variants() -> None:
    assert parse_sitemap(b"http://x.org/a\nhttps://x.org/b\n# c\n") == (
        "text",
        ["http://x.org/a", "https://x.org/b"],
        None,
    )
    with pytest.raises(ValueError):
        parse_sitemap(b"<html><body>not a sitemap</body></html>")
    with pytest.raises(ValueError):
        parse_sitemap(b"\x1f\x8bnot really gzip")
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>http://x.org/&e;</loc></url></urlset>"
    )
    kind, locs, _ = parse_sitemap(xxe)
    assert kind == "urlset" and all("root:" not in loc for loc in locs)


# --------------------------------------------------------------------------- links and limits


def test_every_url_met_is_accounted_for_exactly_once() -> None:
    with FaultServer() as server, FaultServer() as other:
        links = [
            "/flaky",
            "/doc.pdf",
            "/binary",
            "/latin1",
            "/private/secret",
            "/to-private",
            "/loop-a",
            "/missing",
            "/sm/a#frag",
            "/sm/a?utm_source=news",
            "/wp-admin/x",
            other.url("/offsite"),
            other.url("/offsite"),
            "mailto:info@clinic.org",
            "javascript:void(0)",
            "tel:+15551234",
            "data:text/html,hi",
            "#top",
            "http://[bad",
        ]
        server.page("/", links=links)
        server.page("/p2", links=["/", "/flaky", other.url("/offsite")])
        server.static("/latin1", html_page("latin", ["/p2"]).encode("latin-1"))
        rows: list[FetchResult] = []
        with Crawler(server.url("/"), cfg()) as crawler:
            rows += crawler.discover()
            while batch := crawler.next_batch():
                for result in crawler.fetch_batch(batch):
                    rows.append(result)
                    if result.html is not None:
                        rows += crawler.add_links(result, extract_links(result))
            stats = crawler.stats
        index = by_url(rows)
        assert other.paths() == []
        assert index[other.url("/offsite")].error == "offsite"
        assert index[server.url("/wp-admin/x")].error == "excluded"
        assert index[server.url("/missing")].error == "http_error"
        assert index[server.url("/missing")].status == 404
        assert index[server.url("/sm/a")].source == "sitemap"  # fragment and utm dropped
        assert index[server.url("/p2")].depth == 2 and index[server.url("/p2")].referrer
        assert index["http://[bad"].error == "bad_url"
        for scheme in ("mailto", "javascript", "tel", "data"):
            assert stats[f"skipped_scheme_{scheme}"] == 1
        assert stats["urls"] == len(rows)
        assert stats["duplicate"] >= 3
        # everything the server was asked for is a row, a hop or robots.txt
        known = set(index) | {u for r in rows for u, _ in r.redirects}
        for path in server.paths():
            assert path == "/robots.txt" or server.url(path) in known, path
        assert len(server.paths()) == len(set(server.paths())) + 1  # only /flaky twice (retry)


def test_infinite_calendar_is_bounded_by_query_variants(server: FaultServer) -> None:
    server.page("/", links=["/calendar?month=0"])
    rows = list(crawl(server.url("/"), cfg(max_query_variants=5, max_depth=1000)))
    fetched = [r for r in rows if r.url.startswith(server.url("/calendar")) and r.status]
    assert len(fetched) == 5
    assert any(r.error == "query_variants" for r in rows)
    assert server.hits("/calendar") == 5


def test_max_pages_and_max_depth_rows() -> None:
    with FaultServer(robots="404") as server:
        server.routes.pop("/sitemap.xml")
        server.page("/", links=["/calendar?month=0"])
        rows = list(crawl(server.url("/"), cfg(max_pages=4, max_depth=1000, max_query_variants=0)))
        assert sum(1 for r in rows if r.status is not None) == 4
        assert [r.error for r in rows].count("max_pages") >= 1
        assert server.hits("/calendar") == 3  # "/" + 3 calendar pages = 4
        rows = list(crawl(server.url("/"), cfg(max_depth=2, max_query_variants=0)))
    refused = [r for r in rows if r.error == "max_depth"]
    assert refused and all(r.depth == 3 for r in refused)
    assert max(r.depth for r in rows if r.status) == 2


def test_frontier_counts_and_refusals() -> None:
    frontier = Frontier(max_pages=2, max_depth=1)
    assert frontier.add("http://x.org/a", "start", 0) is None
    assert frontier.add("http://x.org/a", "link", 1) is None  # seen: ignored
    assert frontier.add("http://x.org/deep", "link", 2).error == "max_depth"
    assert frontier.add("http://x.org/b", "link", 1) is None
    assert frontier.add("http://x.org/c", "link", 1).error == "max_pages"
    assert [i.url for i in frontier.pop_batch(10)] == ["http://x.org/a", "http://x.org/b"]
    assert (frontier.seen, frontier.accepted, frontier.handed_out, frontier.pending) == (4, 2, 2, 0)


def test_crawler_accepts_audit_config_and_rejects_bad_start() -> None:
    config = load_config()
    assert isinstance(config, AuditConfig)
    with Crawler("http://127.0.0.1:9/", config) as crawler:
        assert crawler.config is config.crawl
    with pytest.raises(InputError):
        Crawler("mailto:someone@clinic.org", config)


# --------------------------------------------------------------------------- sitegen site


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sitegen_site(tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """A 100-page sitegen site served by sitegen's own server; yields (base, out, log)."""
    path = need_shared("sitegen/sitegen.py")
    spec = importlib.util.spec_from_file_location("sitegen", path)
    assert spec is not None and spec.loader is not None
    sitegen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sitegen)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    out = tmp_path / "site"
    assert sitegen.main(["-n", "100", "-s", "5", "-o", str(out), "--base-url", base, "-q"]) == 0
    log = tmp_path / "access.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            [sys.executable, str(path), "--serve", str(out), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=log_file,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("sitegen server did not start")
                    time.sleep(0.05)
            yield base, out, log
        finally:
            proc.terminate()
            proc.wait(timeout=5)


def test_sitegen_site_is_fully_accounted_for(sitegen_site: tuple[str, Path, Path]) -> None:
    base, out, log = sitegen_site
    rows = list(crawl(base + "/", cfg(timeout_s=5.0, deadline_s=10.0, retries=1)))
    index = by_url(rows)

    with (out / "truth.csv").open(encoding="utf-8") as f:
        truth = list(csv.DictReader(f))
    assert len(truth) == 100
    for page in truth:
        row = index[base + page["path"]]
        if page["robots_disallowed"] == "1":
            assert (row.status, row.error, row.html) == (None, "robots", None), page["path"]
        else:
            assert (row.status, row.error, row.redirects) == (200, None, ()), page["path"]
            assert row.html and "<html" in row.html.lower()
            if page["in_sitemap"] == "1" and page["path"] != "/":
                assert row.source == "sitemap" and row.depth == 0
    pages = {base + p["path"] for p in truth}

    with (out / "redirects.tsv").open(encoding="utf-8") as f:
        redirects = list(csv.DictReader(f, delimiter="\t"))
    assert redirects
    for hop in redirects:
        row = index[base + hop["source"]]
        assert row.redirects[0] == (base + hop["source"], int(hop["status"]))
        assert row.final_url == base + hop["final"]
        assert len(row.redirects) == int(hop["hops_to_final"])
        assert row.status == (200 if base + hop["final"] in pages else 404)
        assert row.html is None  # the page itself is on the final URL's row

    with (out / "truth_links.csv").open(encoding="utf-8") as f:
        for link in csv.DictReader(f):
            row = index[base + link["href"]]
            if link["role"] == "pdf":
                assert (row.error, row.content_type) == ("non_html", "application/pdf")
            else:
                assert row.status == int(link["final_status"]), link

    # Nothing disallowed or off-site was fetched; every request is a row, a hop or robots.txt.
    requested = re.findall(r'"GET (\S+) HTTP', log.read_text(encoding="utf-8", errors="replace"))
    assert requested and requested[0] == "/robots.txt"
    assert not [p for p in requested if p.startswith("/patient-portal/")]
    known = set(index) | {u for r in rows for u, _ in r.redirects}
    assert all(p == "/robots.txt" or base + p in known for p in requested)
    # A page is requested twice only as the end of a redirect chain whose source was met
    # after the page itself (its status completes the source's row; its body is not read).
    finals = {base + hop["final"] for hop in redirects}
    pages_fetched = [base + p for p in requested if base + p in pages]
    repeated = {u for u in pages_fetched if pages_fetched.count(u) > 1}
    assert repeated <= finals
    assert len(requested) <= len(set(requested)) + len(redirects)
    assert {r.url for r in rows if r.html} <= pages
    assert sum(1 for r in rows if r.html) == sum(1 for p in truth if p["robots_disallowed"] == "0")


def test_fetch_result_rows_without_html_are_cheap_to_print() -> None:
    row = FetchResult("http://x.org/", "start", 0, 200, "http://x.org/", html="<p>" * 1000)
    assert "<p>" not in repr(row) and row.ok
    assert not replace(row, html=None).ok


def test_cached_href_normalisation_matches_the_uncached_one() -> None:
    """Hrefs starting with "/" are cached by the base's scheme and authority only: every
    answer equals a fresh ``normalize_url`` whatever the order pages are met in."""
    from content_audit.urls import normalize_url

    strip = load_config().crawl.strip_params
    bases = [
        "http://127.0.0.1:9/blog/a/",
        "http://127.0.0.1:9/blog/a/b/?page=2",
        "http://127.0.0.1:10/blog/a/",
        "https://127.0.0.1:9/x",
        "http://user@127.0.0.1:9/",
        "http://127.0.0.1:9?q=1",
    ]
    hrefs = [
        "/blog/x/",
        "/blog/../x/?b=2&a=1&utm_source=z#frag",
        "//other.example/p",
        "/./a/%2f",
        "/",
        "/?",
        "x/",
        "../y",
        "?page=3",
        "HTTP://127.0.0.1:9/Z",
        "/\t/tab",
    ]
    with Crawler("http://127.0.0.1:9/", load_config()) as crawler:
        for base, href in itertools.chain(
            itertools.product(bases, hrefs), itertools.product(reversed(bases), hrefs)
        ):
            assert crawler._normalize_href(href, base) == normalize_url(href, strip, base=base), (
                href,
                base,
            )
