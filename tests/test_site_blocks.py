"""Teaser blocks across pages (site.py): a block repeated site-wide is checked once, listing
and recent blocks are not judged as recommendations, the block counter stays bounded."""

from __future__ import annotations

from dataclasses import replace

from content_audit.model import Kind, Teaser, UrlState
from content_audit.site import BlockCounter, block_keys

from .test_site import (
    CLINIC_TEXTS,
    CLUB_TEXT,
    article,
    clinic_site,
    codes,
    run,
    url,
)


def block_teaser(slug: str, text: str, position: int, block: str) -> Teaser:
    return Teaser(text=text, href=url(slug), truncated=True, position=position, block=block)


def test_block_keys_equal_for_the_same_block_and_differ_by_content_and_kind() -> None:
    a = (block_teaser("x", "Some words [...]", 1, "recent"),)
    b = (block_teaser("x", "Some words [...]", 4, "recent"),)  # another position, same block
    assert block_keys(a) == block_keys(b)
    assert block_keys(a)["recent"] != block_keys((replace(a[0], text="Other [...]"),))["recent"]
    assert block_keys(a)["recent"] != block_keys((replace(a[0], block="related"),))["related"]


def test_a_site_wide_block_is_checked_once_not_on_every_page() -> None:
    target = article("prolo", CLINIC_TEXTS["prolotherapy"])
    stale = "Musculoskeletal pain is a common experience and arises from various"
    widget = (
        block_teaser("prolo", stale, 1, "recent"),
        block_teaser("gone", "A post that was deleted [...]", 2, "recent"),
    )
    pages = [article(f"page-{i}", CLINIC_TEXTS["physio"], teasers=widget) for i in range(5)] + [
        article("prolo-home", teasers=(block_teaser("prolo", stale, 1, "related"),))
    ]
    inventory = {d.url: UrlState(200, d.url) for d in [*pages, target]}
    inventory[url("gone")] = UrlState(404, url("gone"))
    found = run(*pages, target, inventory=inventory)
    stale_found = codes(found, "teaser_stale")
    # Once for the widget (on its first page, saying so), once for the page's own block.
    assert [(f.url, f.target) for f in stale_found] == [
        (pages[0].url, target.url),
        (url("prolo-home"), target.url),
    ]
    assert "on 5 pages, checked once" in stale_found[0].message
    assert "the same recent block" in stale_found[0].message
    [dead] = codes(found, "teaser_dead")
    assert dead.url == pages[0].url


def test_a_site_wide_block_listing_the_page_it_is_on_is_no_teaser_self() -> None:
    widget = tuple(
        block_teaser(f"page-{i}", CLINIC_TEXTS["physio"][:50] + " [...]", i + 1, "recent")
        for i in range(3)
    )
    pages = [article(f"page-{i}", CLINIC_TEXTS["physio"], teasers=widget) for i in range(3)]
    assert not codes(run(*pages), "teaser_self")
    # A page's own related block linking to itself still is.
    own = article("solo", teasers=(block_teaser("solo", "x [...]", 1, "related"),))
    assert codes(run(own, *pages), "teaser_self")


def test_listing_cards_of_an_off_topic_post_are_not_teaser_offtopic() -> None:
    site = clinic_site()
    club = article("joining-the-country-club", CLUB_TEXT, kind=Kind.OTHER)
    index = article(
        "blog-index",
        kind=Kind.LISTING,
        teasers=(
            block_teaser("joining-the-country-club", CLUB_TEXT[:60], 1, "listing"),
            block_teaser("acupuncture-0", CLINIC_TEXTS["acupuncture"][:60], 2, "listing"),
        ),
    )
    related = article(
        "prolotherapy-0",
        CLINIC_TEXTS["prolotherapy"],
        teasers=(block_teaser("joining-the-country-club", CLUB_TEXT[:60], 1, "related"),),
    )
    found = run(index, related, club, *site[1:])
    assert [f.url for f in codes(found, "teaser_offtopic")] == [related.url]
    assert [f.url for f in codes(found, "article_offtopic")] == [club.url]


def test_duplicates_are_counted_within_one_block() -> None:
    target = article("prolo", CLINIC_TEXTS["prolotherapy"])
    opening = CLINIC_TEXTS["prolotherapy"][:60]
    page = article(
        "p",
        teasers=(
            block_teaser("prolo", opening, 1, "listing"),
            block_teaser("prolo", opening, 2, "excerpt"),  # the sidebar shows it too
        ),
    )
    assert not codes(run(page, target), "teaser_duplicate")
    page = article(
        "q",
        teasers=(
            block_teaser("prolo", opening, 1, "related"),
            block_teaser("prolo", opening, 2, "related"),
        ),
    )
    assert codes(run(page, target), "teaser_duplicate")


def test_block_counter_keeps_a_site_wide_block_in_bounded_memory() -> None:
    counter = BlockCounter(capacity=16)
    for page in range(5000):
        counter.add(7)  # the widget on every page
        counter.add(1000 + page)  # each page's own related block
        assert len(counter.counts) <= 16
    repeated = counter.repeated()
    assert 7 in repeated and repeated[7] >= 5000 - 5000 * 2 // 16
    assert all(key == 7 for key in repeated)
    exact = BlockCounter()
    for key in (1, 2, 1, 3, 1, 2):
        exact.add(key)
    assert exact.repeated() == {1: 3, 2: 2}
