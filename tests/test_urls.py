"""URL identity and scope (content_audit.urls): pure functions, no I/O."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_audit.urls import (
    PathMatcher,
    UrlNormalizer,
    host_of,
    in_scope,
    is_crawlable_scheme,
    normalize_url,
    site_host,
)

STRIP = ("utm_*", "gclid", "sessionid", "sid")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP://Example.COM/a/", "http://example.com/a/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/", "https://example.com/"),
        ("http://example.com:8080/", "http://example.com:8080/"),
        ("https://example.com:80/", "https://example.com:80/"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/a#section-2", "http://example.com/a"),
        ("http://example.com/a/b/../c/./d", "http://example.com/a/c/d"),
        ("http://example.com/%7euser/%2f", "http://example.com/%7Euser/%2F"),
        ("http://example.com/?b=2&a=1", "http://example.com/?a=1&b=2"),
        ("http://example.com/?b&a=1", "http://example.com/?a=1&b"),
        ("http://example.com/?utm_source=x&utm_medium=y&id=3", "http://example.com/?id=3"),
        ("http://example.com/?UTM_Source=x&id=3", "http://example.com/?id=3"),
        ("http://example.com/?sessionid=abc&SID=1&side=1", "http://example.com/?side=1"),
        ("http://example.com/?utm_source=x", "http://example.com/"),
        ("  http://example.com/a\n", "http://example.com/a"),
        ("http://exam\tple.com/a", "http://example.com/a"),
        ("http://b\u00fccher.de/\u00e4 b", "http://xn--bcher-kva.de/%C3%A4%20b"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_normalize_url(raw: str, expected: str) -> None:
    assert normalize_url(raw, STRIP) == expected


def test_trailing_slash_is_kept_distinct() -> None:
    # Documented choice: /a and /a/ are two resources; a server joining them redirects.
    assert normalize_url("http://x.org/a") != normalize_url("http://x.org/a/")


def test_relative_urls_resolve_against_base() -> None:
    base = "http://x.org/blog/post/"
    assert normalize_url("../other/", base=base) == "http://x.org/blog/other/"
    assert normalize_url("/a?b=1#c", base=base) == "http://x.org/a?b=1"
    assert normalize_url("//cdn.x.org/y", base=base) == "http://cdn.x.org/y"


@pytest.mark.parametrize(
    "raw",
    [
        "mailto:a@b.c",
        "javascript:void(0)",
        "ftp://x.org/",
        "http://",
        "http://x.org:99999/",
        "http://x.org:port/",
        "relative/only",
    ],
)
def test_normalize_url_rejects_non_http(raw: str) -> None:
    with pytest.raises(ValueError):
        normalize_url(raw)


def test_strip_params_are_globs_not_substrings() -> None:
    normalize = UrlNormalizer(["sid"])
    assert normalize("http://x.org/?sid=1&side=2&sidx=3") == "http://x.org/?side=2&sidx=3"


@pytest.mark.parametrize(
    ("url", "crawlable"),
    [
        ("http://x.org/", True),
        ("HTTPS://x.org/", True),
        ("/relative", True),
        ("page.html", True),
        ("?q=1", True),
        ("mailto:a@b.c", False),
        ("tel:+15551234", False),
        ("javascript:alert(1)", False),
        ("JavaScript:void(0)", False),
        ("data:text/html,hi", False),
        ("file:///etc/passwd", False),
        ("ftp://x.org/", False),
    ],
)
def test_is_crawlable_scheme(url: str, crawlable: bool) -> None:
    assert is_crawlable_scheme(url) is crawlable


def test_in_scope_treats_www_and_bare_host_alike() -> None:
    assert in_scope("https://www.clinic.org/a", "clinic.org")
    assert in_scope("http://clinic.org/a", "www.clinic.org")
    assert in_scope("http://CLINIC.org:80/a", "https://www.clinic.org/")
    assert not in_scope("http://blog.clinic.org/a", "clinic.org")
    assert not in_scope("http://clinic.org.evil.com/a", "clinic.org")
    assert not in_scope("http://evilclinic.org/a", "clinic.org")
    assert not in_scope("mailto:x@clinic.org", "clinic.org")


def test_in_scope_ports_and_aliases() -> None:
    assert in_scope("http://127.0.0.1:8081/x", "127.0.0.1:8081")
    assert not in_scope("http://127.0.0.1:8082/x", "127.0.0.1:8081")
    assert in_scope("http://blog.clinic.org/a", "clinic.org", aliases=["blog.clinic.org"])
    assert in_scope("https://www.clinic-old.com/", "clinic.org", aliases=["https://clinic-old.com"])


def test_host_and_site_host() -> None:
    assert host_of("https://WWW.X.org:443/a") == "www.x.org"
    assert host_of("http://x.org:8080/a") == "x.org:8080"
    assert site_host("WWW.X.org") == "x.org"
    assert site_host("http://www.x.org:81/") == "x.org:81"


def test_path_matcher() -> None:
    excluded = PathMatcher(["/wp-admin/*", "*/feed/", "/xmlrpc.php"])
    assert excluded("http://x.org/wp-admin/post.php?x=1")
    assert excluded("http://x.org/blog/feed/")
    assert excluded("http://x.org/XMLRPC.php")
    assert not excluded("http://x.org/blog/feeding-tips/")
    assert not PathMatcher([])("http://x.org/anything")


_segment = st.text(alphabet="abcXYZ019-._~%/é ", max_size=8)
_query = st.lists(
    st.tuples(st.sampled_from(["a", "b", "utm_source", "sid", "Q"]), st.text("xy1=", max_size=3)),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(
    scheme=st.sampled_from(["http", "HTTP", "https"]),
    host=st.sampled_from(["Example.org", "www.example.org", "127.0.0.1", "b\u00fccher.de"]),
    port=st.sampled_from(["", ":80", ":443", ":8080"]),
    path=_segment,
    query=_query,
    fragment=st.text("ab#", max_size=3),
)
def test_normalize_is_idempotent(
    scheme: str, host: str, port: str, path: str, query: list[tuple[str, str]], fragment: str
) -> None:
    qs = "&".join(f"{k}={v}" for k, v in query)
    url = f"{scheme}://{host}{port}/{path}" + (f"?{qs}" if qs else "") + f"#{fragment}"
    once = normalize_url(url, STRIP)
    assert normalize_url(once, STRIP) == once
    assert "#" not in once
    assert "utm_source" not in once and "sid=" not in once
    assert once == once.strip() and " " not in once
