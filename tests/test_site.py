"""Cross-page checks (site.py): each code on hand-built digests, then on real served sites."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from content_audit.audit import audit_page
from content_audit.checks import FINDINGS
from content_audit.config import AuditConfig, load_config
from content_audit.crawl import Crawler
from content_audit.model import (
    FetchResult,
    Finding,
    Kind,
    Link,
    Page,
    PageAudit,
    PageDigest,
    Readability,
    RecentPost,
    Section,
    Teaser,
    UrlState,
)
from content_audit.site import (
    SITE_CODES,
    SiteIndex,
    check_site,
    crawl_was_complete,
    digest_page,
    normalize_words,
    teaser_matches,
    url_state,
)
from content_audit.spill import DigestSpill
from tests.conftest import SITEGEN

SITE = "http://clinic.test"
CONFIG = load_config()

CLINIC_TEXTS = {
    "prolotherapy": (
        "Prolotherapy is an injection treatment for chronic joint pain. The doctor injects a "
        "mild irritant solution near injured ligaments and tendons to trigger healing. "
        "Patients with back pain, knee pain and tendon injuries often ask about this therapy. "
        "Treatment usually takes several sessions, and the physician checks the joint before "
        "each injection. Talk to your doctor about whether prolotherapy suits your pain, "
        "your symptoms and your medical history."
    ),
    "acupuncture": (
        "Acupuncture is a treatment in which a trained practitioner places thin needles at "
        "points on the body. Patients use it for chronic pain, headaches, back pain and "
        "nausea. The needles stimulate nerves and muscles, and many patients feel relief "
        "after a few sessions. Your doctor can tell you whether acupuncture is safe with your "
        "medical history and other therapy. Ask the clinic about treatment plans and how many "
        "sessions chronic pain usually needs."
    ),
    "physio": (
        "Physical therapy helps patients recover movement after injuries, surgery or chronic "
        "joint pain. A therapist assesses the joint, the muscles and the tendons, then plans "
        "exercises and manual treatment. Patients with knee pain, shoulder injuries and back "
        "pain often improve within weeks. Therapy sessions build strength and relieve "
        "symptoms. Speak with your doctor or physician about a referral, your medical history "
        "and how therapy fits with other treatment for your pain."
    ),
    "injections": (
        "Steroid injections reduce inflammation and pain in an injured joint or around a "
        "tendon. The physician guides the needle with ultrasound and injects medicine into "
        "the painful area. Patients with arthritis, bursitis and chronic back pain often feel "
        "relief within days. Relief can last months, and the doctor may combine injections "
        "with physical therapy. Discuss the treatment, its risks and your symptoms with your "
        "doctor before a session at the clinic."
    ),
    "chiropractic": (
        "Chiropractic care treats back pain, neck pain and headaches with spinal adjustments "
        "and manual therapy. The chiropractor examines the joints and the muscles, then moves "
        "each joint gently to restore motion. Patients often feel relief after the first "
        "sessions, and treatment plans add exercises for strength. Tell the doctor about "
        "injuries, surgery and symptoms, and ask your physician whether chiropractic therapy "
        "suits your medical history and chronic pain."
    ),
}
CLUB_TEXT = (
    "Registering for a membership at the Oakland country club offers more than access to a "
    "golf course. Members enjoy tennis courts, a pool, a fitness room and a full calendar of "
    "social events throughout the year. The clubhouse restaurant serves lunch and dinner, and "
    "private rooms can be booked for weddings and parties. Junior programs teach golf and "
    "swimming to children every summer. Membership tiers range from social to full golf "
    "privileges. Call the membership office to arrange a tour of the grounds and ask about "
    "this season's initiation offers."
)


def url(slug: str) -> str:
    return f"{SITE}/blog/{slug}/"


def article(
    slug: str,
    text: str = "",
    *,
    kind: Kind = Kind.ARTICLE,
    title: str | None = None,
    meta: str | None = None,
    teasers: tuple[Teaser, ...] = (),
    recent: tuple[RecentPost, ...] = (),
    links: tuple[str, ...] = (),
    og_type: str | None = "article",
    config: AuditConfig = CONFIG,
) -> PageDigest:
    """A digest made the way the pipeline makes it: a PageAudit through digest_page."""
    title = title if title is not None else slug.replace("-", " ").title()
    page = Page(
        url=url(slug),
        title=title,
        h1=(title,),
        meta_description=meta,
        sections=(Section("", 0, tuple(p for p in text.split("\n") if p)),),
        teasers=teasers,
        recent_posts=recent,
        links=tuple(Link(href, "x", internal=True) for href in links),
        og_type=og_type,
    )
    audit = PageAudit(url(slug), page, kind, Readability(), (), (), 0)
    return digest_page(audit, config)


def ok(u: str) -> UrlState:
    return UrlState(200, u)


def inventory_of(*digests: PageDigest, **extra: UrlState) -> dict[str, UrlState]:
    inventory = {d.url: ok(d.url) for d in digests}
    inventory.update(extra)
    return inventory


def codes(findings: tuple[Finding, ...], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def run(*digests: PageDigest, inventory=None, config=CONFIG, complete=True):  # type: ignore[no-untyped-def]
    """``check_site`` on the digests; the same checks on a spilled index must agree."""
    inventory = inventory if inventory is not None else inventory_of(*digests)
    found = check_site(digests, inventory, config, crawl_complete=complete)
    assert spilled_check(digests, inventory, config, complete) == found
    return found


def spilled_check(
    digests: Iterable[PageDigest],
    inventory: dict[str, UrlState],
    config: AuditConfig,
    complete: bool,
) -> tuple[Finding, ...]:
    """``check_site`` with the digests in a ``DigestSpill`` (as a site audit keeps them)."""
    with DigestSpill(batch=3) as spill:
        index = SiteIndex(spill.pages, spill.teasers)
        return check_site(digests, inventory, config, crawl_complete=complete, index=index)


# ------------------------------------------------------------------ registry


def test_every_site_code_is_registered_with_scope_site() -> None:
    for code in SITE_CODES:
        assert FINDINGS[code].scope == "site", code


# ------------------------------------------------------------------ teasers: targets


def teaser(slug_or_url: str, text: str = "", position: int = 1) -> Teaser:
    href = slug_or_url if "://" in slug_or_url else url(slug_or_url)
    return Teaser(text=text, href=href, truncated=True, position=position)


def test_teaser_dead_on_404_not_on_200() -> None:
    target = article("alive", CLINIC_TEXTS["physio"])
    page = article("home-post", teasers=(teaser("gone", position=1), teaser("alive", position=2)))
    inventory = inventory_of(page, target, **{url("gone"): UrlState(404, url("gone"))})
    [dead] = codes(run(page, target, inventory=inventory), "teaser_dead")
    assert dead.url == page.url and dead.target == url("gone")
    assert "404" in dead.message and "teaser 1" in dead.message


def test_teaser_dead_on_connection_error_but_not_on_unvisited_limit() -> None:
    page = article("p", teasers=(teaser("down", position=1), teaser("limited", position=2)))
    inventory = inventory_of(
        page,
        **{
            url("down"): UrlState(None, url("down"), error="connection"),
            url("limited"): UrlState(None, url("limited"), error="max_pages"),
        },
    )
    assert [f.target for f in codes(run(page, inventory=inventory), "teaser_dead")] == [url("down")]


def test_teaser_redirect_reports_hop_count_and_chain() -> None:
    target = article("new-slug", CLINIC_TEXTS["physio"])
    old = f"{SITE}/old-blog/new-slug/"
    state = UrlState(200, target.url, hops=2, chain=((old, 301), (f"{SITE}/blog/tmp/", 302)))
    page = article("p", teasers=(teaser(old, "Physical therapy helps patients recover"),))
    found = run(page, target, inventory=inventory_of(page, target, **{old: state}))
    [hop] = codes(found, "teaser_redirect")
    assert "2 time(s)" in hop.message and old in hop.evidence and target.url in hop.evidence
    assert not codes(found, "teaser_stale")  # compared with the final page
    plain = article("q", teasers=(teaser("new-slug", "Physical therapy helps patients"),))
    assert not codes(run(plain, target), "teaser_redirect")


def test_teaser_robots() -> None:
    portal = f"{SITE}/patient-portal/"
    page = article("p", teasers=(teaser(portal, "Log in"),))
    inventory = inventory_of(page, **{portal: UrlState(None, portal, error="robots")})
    [blocked] = codes(run(page, inventory=inventory), "teaser_robots")
    assert blocked.target == portal
    assert not codes(
        run(page, inventory=inventory_of(page, **{portal: ok(portal)})), "teaser_robots"
    )


def test_teaser_self_direct_and_after_redirect_and_normalisation() -> None:
    text = CLINIC_TEXTS["prolotherapy"]
    direct = article("prolo", text, teasers=(teaser("prolo", text[:60]),))
    assert len(codes(run(direct), "teaser_self")) == 1
    # The href differs only by a tracking parameter and a fragment: the same page.
    tracked = f"{url('prolo')}?utm_source=feed#top"
    spelled = article("prolo", text, teasers=(teaser(tracked, text[:60]),))
    assert len(codes(run(spelled), "teaser_self")) == 1
    old = f"{SITE}/2020/01/prolo/"
    via = article("prolo", text, teasers=(teaser(old, text[:60]),))
    inventory = inventory_of(via, **{old: UrlState(200, via.url, hops=1, chain=((old, 301),))})
    found = run(via, inventory=inventory)
    [self_] = codes(found, "teaser_self")
    assert "through" in self_.message
    assert len(codes(found, "teaser_redirect")) == 1
    other = article("acu", CLINIC_TEXTS["acupuncture"])
    fine = article("prolo", text, teasers=(teaser("acu", CLINIC_TEXTS["acupuncture"][:50]),))
    assert not codes(run(fine, other), "teaser_self")


def test_teaser_duplicate_same_target_twice() -> None:
    target = article("acu", CLINIC_TEXTS["acupuncture"])
    excerpt = "Acupuncture is a treatment in which"
    twice = article("p", teasers=(teaser("acu", excerpt, 1), teaser("acu", excerpt, 3)))
    [dup] = codes(run(twice, target), "teaser_duplicate")
    assert "teaser 3" in dup.message and "teaser 1" in dup.message
    other = article("physio", CLINIC_TEXTS["physio"])
    once = article("p", teasers=(teaser("acu", excerpt, 1), teaser("physio", "Physical", 2)))
    assert not codes(run(once, target, other), "teaser_duplicate")


# ------------------------------------------------------------------ teasers: stale


def test_normalize_words_folds_entities_case_punctuation_and_more_marks() -> None:
    assert normalize_words("It&amp;#8217;s  the BODY’s — healing [...]") == [
        "its",
        "the",
        "bodys",
        "healing",
    ]
    assert normalize_words("Caf\u00e9\u00a0au lait&hellip;") == normalize_words("café au lait")


@pytest.mark.parametrize(
    "excerpt",
    [
        "Prolotherapy is an injection treatment for chronic joint pain.",
        "Prolotherapy is an injection treatment for chronic jo",  # cut mid-word
        "PROLOTHERAPY  is an\n injection treatment &amp; for chronic joint",  # spacing, entity
        "Prolotherapy is an injection-treatment for chronic joint pain [...]",
        "“Prolotherapy” is an injection treatment, for chronic joint pain…",
    ],
)
def test_stale_tolerates_truncation_whitespace_entities(excerpt: str) -> None:
    target = article("prolo", CLINIC_TEXTS["prolotherapy"])
    page = article("p", teasers=(teaser("prolo", excerpt),))
    assert not codes(run(page, target), "teaser_stale")


def test_stale_teaser_shows_excerpt_and_actual_opening() -> None:
    target = article("prolo", CLINIC_TEXTS["prolotherapy"])
    old = "Musculoskeletal pain is a common experience and arises from various"
    page = article("p", teasers=(teaser("prolo", old),))
    [stale] = codes(run(page, target), "teaser_stale")
    assert old in stale.evidence
    assert "prolotherapy is an injection treatment" in stale.evidence
    assert "similarity" in stale.message
    # A hand-written (whole, not truncated) summary was never the article's opening.
    manual = Teaser(text=old, href=target.url, truncated=False, position=1)
    assert not codes(run(article("q", teasers=(manual,)), target), "teaser_stale")


def test_teaser_matches_allows_light_edit_but_not_new_intro() -> None:
    opening = normalize_words(CLINIC_TEXTS["physio"])
    edited = normalize_words("Physical therapy helps people recover movement after injuries")
    assert teaser_matches(edited, opening, 0.8)[0]
    other = normalize_words("Many people live with knee pain every day, and most")
    matched, ratio = teaser_matches(other, opening, 0.8)
    assert not matched and ratio < 0.5


# ------------------------------------------------------------------ recent posts


def test_recent_post_title_mismatch_once_per_target() -> None:
    target = article("acu", CLINIC_TEXTS["acupuncture"], title="Acupuncture for Back Pain")
    good = RecentPost("Acupuncture for back pain", target.url)
    wrong = RecentPost("Dry Needling Explained", target.url)
    pages = [article(f"p{i}", recent=(wrong,)) for i in range(3)]
    [mismatch] = codes(run(target, *pages), "recent_post_title_mismatch")
    assert mismatch.url == target.url
    assert "Dry Needling Explained" in mismatch.message and "3 page(s)" in mismatch.evidence
    assert not codes(run(target, article("p", recent=(good,))), "recent_post_title_mismatch")
    # A title with the site's name appended still matches the list entry.
    suffixed = article("acu", CLINIC_TEXTS["acupuncture"], title="Acupuncture for Back Pain")
    suffixed = replace(suffixed, title="Acupuncture for Back Pain – Bayview Clinic")
    assert not codes(run(suffixed, article("p", recent=(good,))), "recent_post_title_mismatch")


# ------------------------------------------------------------------ orphans


def test_orphan_reported_only_when_crawl_complete() -> None:
    linked = article("linked", CLINIC_TEXTS["physio"])
    orphan = article("orphan", CLINIC_TEXTS["acupuncture"])
    home = article("home", kind=Kind.LISTING, links=(linked.url, f"{SITE}/old/linked/"))
    inventory = {d.url: UrlState(200, d.url, in_sitemap=True) for d in (linked, orphan, home)}
    found = run(linked, orphan, home, inventory=inventory)
    assert [f.url for f in codes(found, "article_orphan")] == [orphan.url]
    assert not codes(found, "orphans_not_checked")
    partial = run(linked, orphan, home, inventory=inventory, complete=False)
    assert not codes(partial, "article_orphan")
    [note] = codes(partial, "orphans_not_checked")
    assert note.url == f"{SITE}/" and "incomplete" in note.message


def test_orphan_linked_through_a_redirect_or_only_from_itself() -> None:
    target = article("target", CLINIC_TEXTS["physio"], links=())
    old = f"{SITE}/2020/01/target/"
    home = article("home", kind=Kind.LISTING, links=(old,))
    inventory = {
        target.url: UrlState(200, target.url, in_sitemap=True),
        home.url: ok(home.url),
        old: UrlState(200, target.url, hops=1, chain=((old, 301),)),
    }
    assert not codes(run(target, home, inventory=inventory), "article_orphan")
    # A page's links to itself do not count.
    selfish = article("target", CLINIC_TEXTS["physio"], links=(url("target"),))
    found = run(selfish, inventory={target.url: UrlState(200, target.url, in_sitemap=True)})
    assert len(codes(found, "article_orphan")) == 1


def test_crawl_was_complete() -> None:
    assert crawl_was_complete(
        {"a": ok("a"), "b": UrlState(404, "b"), "c": UrlState(None, "c", error="robots")}
    )
    assert not crawl_was_complete({"a": ok("a"), "b": UrlState(None, "b", error="max_pages")})
    assert not crawl_was_complete({"a": UrlState(503, "a")})


# ------------------------------------------------------------------ duplicates


def test_title_and_meta_duplicates_on_every_page_of_the_group() -> None:
    a = article("a", CLINIC_TEXTS["physio"], title="Physical Therapy", meta="Move again.")
    b = article("b", CLINIC_TEXTS["acupuncture"], title="physical  therapy", meta="Move again")
    c = article("c", CLINIC_TEXTS["injections"], title="Steroid Injections", meta="Other.")
    d = article("d", CLINIC_TEXTS["chiropractic"], title="Chiropractic", meta=None)
    e = article("e", CLINIC_TEXTS["prolotherapy"], title="Prolotherapy", meta="")
    found = run(a, b, c, d, e)
    assert {f.url for f in codes(found, "title_duplicate")} == {a.url, b.url}
    assert {f.url for f in codes(found, "meta_description_duplicate")} == {a.url, b.url}
    [on_a] = [f for f in codes(found, "title_duplicate") if f.url == a.url]
    assert b.url in on_a.evidence and on_a.target == b.url


def test_near_duplicate_pairs_but_not_distinct_articles() -> None:
    text = "\n".join(CLINIC_TEXTS.values())
    edited = text.replace("Relief can last months", "Relief may last months")
    a, b = article("a", text), article("b", edited)
    others = [article(slug, body) for slug, body in CLINIC_TEXTS.items()]
    found = run(a, b, *others)
    near = codes(found, "near_duplicate")
    assert {f.url for f in near} == {a.url, b.url}
    assert "Jaccard" in near[0].message
    strict = replace(CONFIG, site=replace(CONFIG.site, near_duplicate_threshold=1.01))
    assert not codes(run(a, b, config=strict), "near_duplicate")


# ------------------------------------------------------------------ topic


def clinic_site() -> list[PageDigest]:
    pages = []
    for i in range(3):  # a few articles per topic, like a real blog
        for slug, text in CLINIC_TEXTS.items():
            sentences = text.split(". ")
            rotated = ". ".join(sentences[i:] + sentences[:i])
            pages.append(article(f"{slug}-{i}", rotated))
    return pages


def test_offtopic_post_and_teaser_flagged_with_score_explained() -> None:
    site = clinic_site()
    club = article("joining-the-country-club", CLUB_TEXT, kind=Kind.OTHER)
    home = article(
        "prolotherapy-0",
        CLINIC_TEXTS["prolotherapy"],
        teasers=(
            teaser("joining-the-country-club", CLUB_TEXT[:60], 1),
            teaser("acupuncture-0", CLINIC_TEXTS["acupuncture"][:60], 2),
        ),
    )
    found = run(home, club, *site[1:])
    [offtopic] = codes(found, "article_offtopic")
    assert offtopic.url == club.url
    assert "golf" in offtopic.evidence and "cosine" in offtopic.evidence
    [teaser_off] = codes(found, "teaser_offtopic")
    assert teaser_off.url == home.url and teaser_off.target == club.url
    assert "similarity" in teaser_off.message


def test_short_or_non_post_pages_are_not_judged_for_topic() -> None:
    site = clinic_site()
    news = article(
        "we-moved", "Our clinic has moved to a new office on Main Street.", kind=Kind.OTHER
    )
    privacy = article("privacy", CLUB_TEXT, kind=Kind.OTHER, og_type="website")
    found = run(news, privacy, *site)
    assert not codes(found, "article_offtopic")
    lenient = replace(CONFIG, site=replace(CONFIG.site, offtopic_threshold=0.0))
    assert not codes(run(replace(privacy, post=True), *site, config=lenient), "article_offtopic")


def test_disabled_site_codes_are_dropped() -> None:
    page = article("p", CLINIC_TEXTS["physio"], teasers=(teaser("p", "Physical therapy"),))
    config = replace(CONFIG, disabled_checks=("teaser_self",))
    assert not codes(run(page, config=config), "teaser_self")


# ------------------------------------------------------------------ digests


def test_digest_matches_crawler_keys_and_stays_small() -> None:
    html = (
        "<html><head><title>Prolotherapy</title></head><body><article>"
        "<h1>Prolotherapy</h1>"
        + "".join(f"<p>{t}</p>" for t in CLINIC_TEXTS.values())
        + '</article><div class="related-posts"><div class="post">'
        '<p>Acupuncture is a treatment <a class="more-link" '
        'href="/blog/acu/?utm_source=x#c">[...]</a></p></div></div></body></html>'
    )
    audit = audit_page(html, f"{SITE}/blog/prolo/", CONFIG)
    digest = digest_page(audit, CONFIG)
    assert digest.url == f"{SITE}/blog/prolo/"
    assert [t.href for t in digest.teasers] == [f"{SITE}/blog/acu/"]
    assert digest.opening.startswith("prolotherapy is an injection treatment")
    assert len(digest.sketch) == 256 and 0 < len(digest.terms) <= 4 * 256
    index = SiteIndex()
    index.add(digest)
    assert index.digests[digest.url].links == ()


def test_the_index_keeps_one_copy_of_what_pages_repeat() -> None:
    """Digests arrive unpickled, each with its own strings; the index shares the teaser
    texts, sidebars and topic terms that repeat across pages, and changes no value."""
    import pickle

    html = (
        "<html><head><title>Prolotherapy</title></head><body><article><h1>Prolotherapy</h1>"
        + "".join(f"<p>{t}</p>" for t in CLINIC_TEXTS.values())
        + '</article><div class="related-posts"><div class="post">'
        '<p>Acupuncture is a treatment <a class="more-link" href="/blog/acu/">[...]</a></p>'
        "</div></div></body></html>"
    )
    first, second = (
        pickle.loads(
            pickle.dumps(digest_page(audit_page(html, f"{SITE}/blog/{name}/", CONFIG), CONFIG))
        )
        for name in ("a", "b")
    )
    assert first.teasers and first.top_terms and first.h1 == first.title
    assert first.teasers[0].excerpt is not second.teasers[0].excerpt  # as they arrive
    index = SiteIndex()
    index.add(first)
    index.add(second)
    a, b = index.digests[first.url], index.digests[second.url]
    assert a == replace(first, links=(), teasers=()) and b == replace(second, links=(), teasers=())
    ta, tb = index.teasers[first.url], index.teasers[second.url]
    assert ta == first.teasers and tb == second.teasers
    for field in ("href", "excerpt", "words"):
        assert getattr(ta[0], field) is getattr(tb[0], field), field
    assert all(x is y for x, y in zip(a.top_terms, b.top_terms, strict=True))
    assert b.h1 is b.title


def test_url_state_from_fetch_result() -> None:
    row = FetchResult(
        f"{SITE}/old/",
        "sitemap",
        1,
        200,
        f"{SITE}/new/",
        redirects=((f"{SITE}/old/", 301), (f"{SITE}/mid/", 302)),
    )
    state = url_state(row)
    assert (state.status, state.final_url, state.hops, state.in_sitemap) == (
        200,
        f"{SITE}/new/",
        2,
        True,
    )


# ------------------------------------------------------------------ real sites


def crawl_index(base_url: str, config: AuditConfig) -> tuple[SiteIndex, dict[str, UrlState]]:
    """Crawl + audit + digest in this process, the way the pipeline's workers do."""
    digests, inventory = crawl_digests(base_url, config)
    index = SiteIndex()
    for digest in digests:
        index.add(digest)
    return index, inventory


def crawl_digests(
    base_url: str, config: AuditConfig
) -> tuple[list[PageDigest], dict[str, UrlState]]:
    """The digests of a crawl, in the order the crawl made them, and its inventory."""
    digests: list[PageDigest] = []
    inventory: dict[str, UrlState] = {}
    with Crawler(base_url + "/", config.crawl) as crawler:
        for row in crawler.discover():
            inventory[row.url] = url_state(row)
        while batch := crawler.next_batch():
            for result in crawler.fetch_batch(batch):
                inventory[result.url] = url_state(result)
                if result.html is None:
                    continue
                audit = audit_page(result.html, result.final_url, config)
                digests.append(digest_page(audit, config))
                hrefs = [link.href for link in audit.page.links if link.internal]
                for row in crawler.add_links(result, hrefs):
                    inventory[row.url] = url_state(row)
    return digests, inventory


def test_seed_like_demo_article_self_and_country_club_teasers() -> None:
    from content_audit.demo import PROLOTHERAPY_PATH
    from content_audit.demo.server import serve_demo

    with serve_demo() as server:
        digests, inventory = crawl_digests(server.base_url, CONFIG)
        prolo = server.base_url + PROLOTHERAPY_PATH
    complete = crawl_was_complete(inventory)
    found = check_site(digests, inventory, CONFIG, crawl_complete=complete)
    # A site audit keeps the digests on disk: the same findings, in the same order.
    assert spilled_check(digests, inventory, CONFIG, complete) == found
    on_prolo = [f for f in found if f.url == prolo]
    [self_] = codes(tuple(on_prolo), "teaser_self")
    assert "teaser 1" in self_.message
    [club] = codes(tuple(on_prolo), "teaser_offtopic")
    assert "teaser 2" in club.message and club.target.endswith("/joining-the-oakland-country-club/")
    assert any(
        f.url.endswith("/joining-the-oakland-country-club/")
        for f in codes(found, "article_offtopic")
    )
    # The model article itself is on topic.
    assert prolo not in {f.url for f in codes(found, "article_offtopic")}


TEASER_FLAGS = {
    "404": "teaser_dead",
    "redirect": "teaser_redirect",
    "stale": "teaser_stale",
    "self": "teaser_self",
    "offtopic": "teaser_offtopic",
}


@pytest.mark.slow
# Without ../shared this is skipped with the reason (a failure in CI, which has it).
@pytest.mark.needs_shared("sitegen/sitegen.py")
def test_sitegen_site_teaser_codes_precision_and_recall(tmp_path: Path) -> None:
    """A 150-page sitegen site through a real loopback server: every planted teaser defect is
    found on its (page, href), and nothing else gets a teaser code."""
    from content_audit.demo.server import SiteServer, read_redirects

    out = tmp_path / "site"
    with SiteServer(out / "www") as server:  # the port is bound first: the site names it
        subprocess.run(
            [
                sys.executable,
                str(SITEGEN),
                "-n",
                "150",
                "-s",
                "3",
                "-o",
                str(out),
                "-q",
                "--base-url",
                server.base_url,
            ],
            check=True,
        )
        server.redirects = read_redirects(out / "redirects.tsv")
        digests, inventory = crawl_digests(server.base_url, CONFIG)
    assert crawl_was_complete(inventory)
    found = check_site(digests, inventory, CONFIG, crawl_complete=True)
    assert spilled_check(digests, inventory, CONFIG, True) == found
    with open(out / "truth_links.csv", encoding="utf-8", newline="") as handle:
        links = [r for r in csv.DictReader(handle) if r["role"] == "teaser"]
    for code in TEASER_FLAGS.values():
        want = {
            (r["source_path"], r["href"])
            for r in links
            if any(TEASER_FLAGS.get(flag) == code for flag in r["flags"].split(";"))
        }
        got = {(urlsplit(f.url).path, urlsplit(f.target).path) for f in codes(found, code)}
        assert want, code  # the site plants at least one of each
        assert got == want, code
    assert not codes(found, "article_orphan")
