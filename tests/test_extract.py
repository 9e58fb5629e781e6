"""extract_page: article sections apart from chrome, teasers, recent posts and listings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from content_audit.extract import extract_page, normalize_text
from content_audit.model import Page

from .conftest import FIXTURES, SEED_TEXT
from .sites import copy_demo_site

SEED_URL = "https://clinic.example/blog/prolotherapy/"
HEADINGS = (
    "What Is Prolotherapy?",
    "What Is It Used For?",
    "How Does It Work?",
    "Confer With a Medical Expert",
)


def seed_lines() -> list[str]:
    return [line for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seed_page() -> Page:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    return extract_page(html, SEED_URL)


# ---------------------------------------------------------------------------- the seed


def test_seed_sections_carry_the_seed_text(seed_page: Page) -> None:
    lines = seed_lines()
    by_heading = {s.heading: s for s in seed_page.sections}
    for i, heading in enumerate(HEADINGS):
        section = by_heading[heading]
        assert section.level == 2 and not section.pseudo
        start = lines.index(heading) + 1
        end = lines.index(HEADINGS[i + 1]) if i + 1 < len(HEADINGS) else start + 1
        assert list(section.paragraphs) == lines[start:end]
    intro = seed_page.sections[0]
    assert intro.heading == "Prolotherapy: How It Works and What It Treats"
    assert intro.level == 1
    assert intro.paragraphs == (lines[0],)


def test_seed_teasers_and_recent_posts(seed_page: Page) -> None:
    assert len(seed_page.teasers) == 6
    first = seed_page.teasers[0]
    assert first.href == SEED_URL
    assert first.truncated and first.position == 1
    assert first.text == "Musculoskeletal pain is a common experience and arises from various"
    assert "country-club" in seed_page.teasers[1].href
    assert all(t.truncated for t in seed_page.teasers)
    assert [t.position for t in seed_page.teasers] == [1, 2, 3, 4, 5, 6]
    assert [r.title for r in seed_page.recent_posts] == [
        "Exploring Effective Treatments for Spider Veins",
        "Neurology’s Approach To Treating Epilepsy",
        "How Does Hepatitis B Impact Liver Health?",
    ]
    assert all(r.href.startswith("https://clinic.example/blog/") for r in seed_page.recent_posts)


def test_seed_text_has_no_chrome_teaser_or_recent_text(seed_page: Page) -> None:
    text = seed_page.text
    for intruder in (
        "Registering for a membership",  # teaser
        "[...]",
        "Exploring Effective Treatments for Spider Veins",  # recent post
        "Recent Posts",
        "Book an Appointment",  # header button
        "Schedule your visit",  # site-wide booking form
        "Request appointment",
        "555-0147",  # footer
        "cookies",  # cookie banner
        "Skip to content",
        "Why Patients Choose Us",  # sidebar widget
        "Share this",
        "Leave a Comment",
        "Posted in",
        "Regenerative Medicine",  # category link
        "The three phases",  # figure caption
    ):
        assert intruder not in text, intruder
    for heading in HEADINGS:  # headings are never part of the paragraphs
        assert heading not in seed_page.text.splitlines()


def test_seed_metadata_links_and_images(seed_page: Page) -> None:
    assert seed_page.title.startswith("Prolotherapy: How It Works")
    assert seed_page.h1 == ("Prolotherapy: How It Works and What It Treats",)
    assert seed_page.canonical == SEED_URL
    assert seed_page.lang == "en-US"
    assert seed_page.robots_meta.startswith("index, follow")
    assert seed_page.meta_description and seed_page.meta_description.startswith("Prolotherapy")
    assert seed_page.og_type == "article"
    assert set(seed_page.jsonld_types) >= {"Article", "WebPage", "Organization"}
    assert seed_page.date_published == "2024-03-05T09:00:00+00:00"
    assert seed_page.date_modified == "2024-06-18T14:30:00+00:00"
    zones = {link.zone for link in seed_page.links}
    assert zones == {"chrome", "teaser", "recent"}
    booking = [lk for lk in seed_page.links if lk.text == "Book an Appointment"]
    assert booking and booking[0].zone == "chrome" and booking[0].internal
    facebook = [lk for lk in seed_page.links if "facebook.com" in lk.href]
    assert facebook and not any(lk.internal for lk in facebook)
    assert any(lk.nofollow for lk in facebook)
    images = {img.src.rsplit("/", 1)[-1]: img for img in seed_page.images}
    assert images["logo.png"].in_content is False
    assert images["prolotherapy-injection.jpg"].in_content is True
    assert images["healing-cascade.png"].alt == ""


# ---------------------------------------------------------------------------- other markup

DIV_SOUP = """<html><head><title>Shockwave Therapy | Harbor Physio</title></head><body>
<div class="elementor-location-header"><div class="logo">Harbor Physio</div>
  <div class="top-menu"><a href="/">Home</a> <a href="/services/">Services</a>
  <a href="/book/">Book now</a></div></div>
<div class="wrap"><div class="col-66">
 <div class="elementor-widget-container"><h1>Shockwave Therapy</h1></div>
 <div class="elementor-widget-container"><div>Shockwave therapy sends acoustic pulses into
  injured tissue.<br>It is used for stubborn heel pain and tendon problems.</div></div>
 <div class="elementor-widget-container"><p><strong>How Does It Work?</strong></p>
  <p>The pulses increase blood flow and start a repair response in the tendon, which
  helps the tissue heal over several weeks of treatment.</p>
  <ul><li>Three to five sessions</li><li>Each takes about ten minutes</li></ul></div>
</div>
<div class="col-33 sidebar"><h3>Opening hours</h3><p>Monday to Friday, 8am to 6pm, with late
 evenings on Thursday for working patients who cannot attend during the day.</p></div></div>
<div id="site-footer">Harbor Physio, 1 Quay Street. Call 555 0100 to book your visit.</div>
</body></html>"""

TABLE_LAYOUT = """<html><body><table width="100%"><tr><td class="nav">
<a href="/">Home</a><br><a href="/gum-disease.html">Gum disease</a><br>
<a href="/contact.html">Contact</a>
</td><td>
<font size="4"><b>Gum Disease</b></font><br>
Periodontitis begins as gingivitis, an inflammation of the gums.<br>
Untreated, the infection destroys the tissue and bone that hold the teeth in place.<br><br>
Treatment starts with a deep cleaning called scaling and root planing.
</td></tr></table></body></html>"""


def test_page_without_article_or_main() -> None:
    page = extract_page(DIV_SOUP, "https://harbor.example/shockwave/")
    text = page.text
    assert "Shockwave therapy sends acoustic pulses into injured tissue." in text.splitlines()
    assert "It is used for stubborn heel pain and tendon problems." in text.splitlines()
    assert "Three to five sessions" in text.splitlines()
    for chrome in ("Book now", "Opening hours", "late evenings", "Quay Street", "Harbor Physio"):
        assert chrome not in text
    pseudo = [s for s in page.sections if s.pseudo]
    assert [s.heading for s in pseudo] == ["How Does It Work?"]
    assert pseudo[0].paragraphs[0].startswith("The pulses increase blood flow")
    assert "How Does It Work?" not in text


def test_old_table_layout_splits_on_br() -> None:
    page = extract_page(TABLE_LAYOUT, "http://www.dental.example/gum-disease.html")
    lines = page.text.splitlines()
    assert "Periodontitis begins as gingivitis, an inflammation of the gums." in lines
    assert "Treatment starts with a deep cleaning called scaling and root planing." in lines
    assert "Contact" not in lines
    internal = {lk.href: lk.internal for lk in page.links}
    assert internal["http://www.dental.example/contact.html"] is True


@pytest.mark.parametrize(
    ("page_url", "href", "internal"),
    [
        ("http://127.0.0.1:8081/a", "http://127.0.0.1:8081/b", True),
        ("http://127.0.0.1:8081/a", "/b", True),
        ("http://127.0.0.1:8081/a", "http://127.0.0.1:9/b", False),  # another server
        ("http://127.0.0.1:8081/a", "http://127.0.0.1/b", False),
        ("http://clinic.example/a", "http://clinic.example:80/b", True),  # the default port
        ("https://clinic.example/a", "https://www.clinic.example:443/b", True),
        ("http://clinic.example/a", "https://clinic.example/b", True),  # scheme: same site
        ("http://clinic.example/a", "http://clinic.example:8080/b", False),
        ("https://clinic.example/a", "http://clinic.example:443/b", False),  # not http's 80
        ("http://CLINIC.example:80/a", "http://clinic.example/b", True),
        ("http://clinic.example/a", "http://[bad-host/b", False),
    ],
)
def test_a_link_is_internal_on_the_same_host_and_port(
    page_url: str, href: str, internal: bool
) -> None:
    """The same scope key as the crawler's (``urls.site_host``): host and port, the scheme's
    default port left out, ``www.`` ignored."""
    html = f'<html><body><article><p>Text.</p><a href="{href}">link</a></article></body></html>'
    [link] = extract_page(html, page_url).links
    assert link.internal is internal, link


def test_markdown_fragment() -> None:
    md = (
        "# Dry Needling\n\nDry needling uses thin needles to release tight muscle bands.\n\n"
        "**What Is It Used For?**\n\nNeck pain, shoulder pain and headaches.\n\n"
        "## How Does It Work?\n\n- The needle reaches the trigger point\n"
        "- The muscle twitches and relaxes\n\n> Most patients feel a brief ache.\n"
    )
    page = extract_page(MarkdownIt("commonmark").enable("table").render(md))
    assert page.url is None and page.h1 == ("Dry Needling",)
    assert [(s.heading, s.level, s.pseudo) for s in page.sections] == [
        ("Dry Needling", 1, False),
        ("What Is It Used For?", 0, True),
        ("How Does It Work?", 2, False),
    ]
    assert page.sections[2].paragraphs == (
        "The needle reaches the trigger point",
        "The muscle twitches and relaxes",
        "Most patients feel a brief ache.",
    )


def test_pseudo_heading_rules() -> None:
    html = (
        "<p><strong>What Is Cupping?</strong></p><p>Cupping uses suction cups on the skin.</p>"
        "<p><strong>Note:</strong> bring loose clothing.</p>"
        "<p><b>This long bold sentence is a paragraph of its own and not a heading at all "
        "because it goes on and on.</b></p>"
    )
    page = extract_page(html)
    assert [s.heading for s in page.sections if s.pseudo] == ["What Is Cupping?"]
    assert "Note: bring loose clothing." in page.text.splitlines()


def test_text_normalisation() -> None:
    html = "<p>Heel\u00a0pain\u200b is   common.\n Ice\u00adhelps.</p>"
    assert extract_page(html).text == "Heel pain is common. Icehelps."
    assert normalize_text(" a\t\u00a0b\u200d ") == "a b"


def test_images_alt_absent_versus_empty() -> None:
    page = extract_page(
        '<main><p>Text about knees and their care.</p><img src="a.png">'
        '<img src="b.png" alt=""><img src="c.png" alt=" Knee  brace "></main>',
        "https://x.example/knees/",
    )
    alts = {img.src: img.alt for img in page.images}
    assert alts == {
        "https://x.example/knees/a.png": None,
        "https://x.example/knees/b.png": "",
        "https://x.example/knees/c.png": "Knee brace",
    }
    assert all(img.in_content for img in page.images)


def test_jsonld_graph_lists_and_malformed_blocks() -> None:
    html = """<html><head>
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":["MedicalWebPage","WebPage"],"datePublished":"2023-01-02"},
      {"@type":"Physician","name":"Dr. A"}]}</script>
    <script type="application/ld+json">{"@type": "Article", broken</script>
    <script type="application/ld+json">[{"@type":"FAQPage","dateModified":"2023-05-06"}]</script>
    </head><body><p>Body text.</p></body></html>"""
    page = extract_page(html)
    assert page.jsonld_types == ("MedicalWebPage", "WebPage", "Physician", "FAQPage")
    assert page.date_published == "2023-01-02"
    assert page.date_modified == "2023-05-06"


def test_recent_posts_widget_anywhere_and_read_more_teasers() -> None:
    html = """<body><div class="content"><h1>Sciatica</h1>
    <p>Sciatica is pain along the sciatic nerve, from the lower back down the leg.</p>
    <p>Physical therapy and exercise ease most cases within six weeks of starting care.</p>
    <h3>Latest Posts</h3><ul><li><a href="/blog/a/">Knee pain in runners</a></li>
    <li><a href="/blog/b/">Desk posture tips</a></li></ul>
    <div class="card"><h4><a href="/blog/c/">Heel pain</a></h4><p>Plantar fasciitis is the
    most common cause of heel pain in adults.</p><a href="/blog/c/">Read More</a></div>
    </div></body>"""
    page = extract_page(html, "https://www.clinic.example/blog/sciatica/")
    assert [r.title for r in page.recent_posts] == ["Knee pain in runners", "Desk posture tips"]
    assert len(page.teasers) == 1
    teaser = page.teasers[0]
    assert teaser.href == "https://www.clinic.example/blog/c/"
    assert teaser.title == "Heel pain"
    assert teaser.text.startswith("Plantar fasciitis")
    assert "Plantar" not in page.text and "Knee pain in runners" not in page.text
    assert page.listing_items == 0
    links = {lk.href: lk for lk in page.links}
    assert links["https://www.clinic.example/blog/a/"].zone == "recent"
    assert links["https://www.clinic.example/blog/a/"].internal


# ---------------------------------------------------------------------------- listings


@pytest.fixture(scope="module")
def sitegen_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site: sitegen's 60 pages (seed 7) with its truth.csv, and two posts."""
    return copy_demo_site(tmp_path_factory.mktemp("sitegen") / "site", "http://127.0.0.1:8080")


def test_sitegen_category_page_is_listing(sitegen_site: Path) -> None:
    category = next((sitegen_site / "www" / "category").iterdir())
    page = extract_page((category / "index.html").read_text("utf-8"), "http://127.0.0.1:8080/")
    assert page.listing_items >= 2
    # The cards are reported as teasers of the listing block, excerpt without the date line.
    assert len(page.teasers) == page.listing_items
    assert {t.block for t in page.teasers} == {"listing"}
    assert [t.position for t in page.teasers] == list(range(1, len(page.teasers) + 1))
    first = page.teasers[0]
    assert first.href.startswith("http://127.0.0.1:8080/blog/") and first.title
    assert first.truncated and not first.text[:1].isdigit()
    assert {lk.zone for lk in page.links} >= {"listing", "recent", "chrome"}
    assert "Read More" not in page.text
    assert page.words < 40


def test_sitegen_post_matches_truth(sitegen_site: Path) -> None:
    import csv

    with (sitegen_site / "truth.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] == "complete"][:10]
    for row in rows:
        html = (sitegen_site / "www" / row["path"].lstrip("/") / "index.html").read_text("utf-8")
        page = extract_page(html, row["url"])
        assert len(page.teasers) == int(row["n_teasers"]), row["path"]
        heads = {s.heading for s in page.sections}
        assert row["definition_heading"] in heads
        intro = page.sections[0].paragraphs[0]
        assert intro.startswith(row["intro_excerpt"].rstrip(",."))
        assert len(page.recent_posts) == 5


# ---------------------------------------------------------------------------- never raise


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "\x00\x01\x02<p>\x0b</p>",
        "<<<>>><</p></div></html>",
        "<html><body><p>unclosed <b>bold <i>both",
        "<div>" * 3000 + "deep" + "</div>" * 10,
        "<script>var x = '</p>';</script><p>after</p>",
        "<?xml version='1.0'?><!DOCTYPE x><x:y>ns</x:y>",
        "<table><tr><td><table><tr><td>cell</table>",
        "\ufeff<p>BOM</p>",
        "<a href='http://[::1'>bad url</a><img src='http://[bad'>",
        "<meta name=robots><link rel=canonical><base href='::'><p>x</p>",
        "<h2><ul><li>list inside heading</li></ul></h2>",
    ],
)
def test_never_raises_on_bad_markup(html: str) -> None:
    page = extract_page(html, "https://x.example/a/")
    assert isinstance(page, Page)


def test_never_raises_on_non_strings() -> None:
    assert isinstance(extract_page(None), Page)  # type: ignore[arg-type]
    assert extract_page(b"<p>bytes are decoded</p>").text == "bytes are decoded"  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdiphr1\x00\n&;[]…")), max_size=300))
def test_never_raises_on_garbage(html: str) -> None:
    assert isinstance(extract_page(html, "http://x.example/"), Page)


def test_huge_page_is_fast_enough() -> None:
    import time

    para = "<p>" + "Tendons heal slowly after an injury. " * 20 + "</p>"
    html = "<html><body><main>" + para * 2000 + "</main></body></html>"
    start = time.perf_counter()
    page = extract_page(html)
    assert len(page.sections[0].paragraphs) == 2000
    assert time.perf_counter() - start < 10


_FIGURE_PAGE = """<html><head><title>Herbs</title></head><body>
<div role="banner"><h1><a href="/">Clinic Name</a></h1><ul><li><a href="/">Home</a></li></ul></div>
<div role="main"><h1>About Herbs</h1>
<p>Herbs have been part of Chinese medicine for centuries and are chosen for each patient.</p>
%s
</div>
<div class="secondary">
  <div class="figure"><img src="/a.jpg" alt="Honeysuckle">
    <p>Honeysuckle is good for making tea to soothe sore throats.</p></div>
  <div class="figure"><img src="/b.jpg" alt="Pipa">
    <p>Pipa is good for relieving dry cough.</p></div>
</div>
%s
<div role="contentinfo"><p>Copyright</p></div>
</body></html>"""


_ARTICLE = "<p>A formula mixes several herbs so that each one balances the others.</p>" * 6


def _texts(page) -> list[str]:
    return [p for s in page.sections for p in s.paragraphs]


def test_figure_column_beside_the_content_is_article_text() -> None:
    page = extract_page(_FIGURE_PAGE % (_ARTICLE, ""), "http://127.0.0.1/herbs/")
    texts = _texts(page)
    assert "Pipa is good for relieving dry cough." in texts
    assert texts[0].startswith("Herbs have been part")  # the column comes after the article
    assert all(img.in_content for img in page.images)


@pytest.mark.parametrize(
    "column",
    [
        # a widget column: a picture with a booking link is chrome-like, not article text
        '<div class="promo"><img src="/dr.jpg" alt="Dr"><p>Our doctor sees patients daily. '
        '<a href="/book/">Book now</a></p></div>',
        # a column with a heading and a list is a sidebar of its own, not captions
        '<div class="extra"><img src="/x.jpg" alt="x"><h2>Hours</h2><ul><li>Mon 9-5</li></ul>'
        "<p>Open weekdays for every patient who calls.</p></div>",
    ],
)
def test_other_columns_beside_the_content_stay_out(column: str) -> None:
    page = extract_page(_FIGURE_PAGE % (_ARTICLE, column), "http://127.0.0.1/herbs/")
    texts = " ".join(_texts(page))
    assert "Pipa is good" in texts
    assert "Book now" not in texts and "Mon 9-5" not in texts and "every patient" not in texts


def test_medically_reviewed_line_in_a_plain_paragraph_gives_the_review_date() -> None:
    html = (
        "<html><body><article><h1>Knee pain</h1>"
        "<p>Medically reviewed on March 3, 2024 by Dr. Ann Lee, MD</p>"
        "<p>Knee pain is common. It has many causes and many treatments that help.</p>"
        "</article></body></html>"
    )
    page = extract_page(html, "https://clinic.example/blog/knee/")
    assert page.date_reviewed == "March 3, 2024"


# --- the first pass's index -----------------------------------------------------------------

INDEX_PAGES = sorted(FIXTURES.rglob("*.html"))


@pytest.mark.parametrize("path", INDEX_PAGES, ids=lambda p: p.name)
def test_index_descendants_and_tokens_match_a_walk(path):
    """The pass-1 index answers exactly what walking the subtree answers, in order."""
    from bs4 import BeautifulSoup, Tag

    from content_audit.extract.measure import _Measure
    from content_audit.extract.tags import _descendants, _tokens

    html = path.read_text(encoding="utf-8", errors="replace")
    probe = r"\1<div><svg><a href='/in-svg'>x</a></svg></div>"
    html = re.sub(r"(<body[^>]*>)", probe, html, count=1)
    soup = BeautifulSoup(html, "lxml")
    m = _Measure()
    m.run(soup.body)
    indexed = 0
    queries = (("a",), ("h2", "h3", "h4", "h5"), ("ul", "ol"), ("a", "form", "button", "img"))
    for tag in [soup.body, *soup.body.descendants]:
        if not isinstance(tag, Tag):
            continue
        assert m.tokens(tag) == _tokens(tag)
        indexed += id(tag) in m.end
        for names in queries:
            assert list(m.descendants(tag, *names)) == list(_descendants(tag, *names))
    assert indexed > 5
    svg_div = soup.body.find("div")
    assert [a["href"] for a in m.descendants(svg_div, "a")] == ["/in-svg"]


def test_boxes_that_link_nowhere_are_the_article_text_not_a_listing() -> None:
    """Card-styled boxes of one condition's page ("Pattern 01", its signs, its treatment
    focus) point at no other page: they are what the article says, not a listing's cards."""
    cards = "".join(
        f'<div class="pattern-card"><h3>Pattern {n}</h3>'
        f"<p>This pattern shows up during a flare; the skin runs hot and looks red. {n}</p>"
        f'<div class="treatment-focus"><p>Treatment focuses on calming the inflammation, '
        f"so the flare can settle sooner. {n}</p></div></div>"
        for n in ("one", "two", "three", "four")
    )
    html = (
        "<html><head><title>Psoriasis Treatment</title></head><body><main>"
        "<h1>Psoriasis Treatment</h1><p>Psoriasis causes patches of scaly skin.</p>"
        f'<h2>Patterns We Treat</h2><div class="pattern-list">{cards}</div></main></body></html>'
    )
    page = extract_page(html, "https://clinic.example/psoriasis/")
    headings = [s.heading for s in page.sections]
    assert [h for h in headings if h.startswith("Pattern ")] == [
        "Pattern one", "Pattern two", "Pattern three", "Pattern four"
    ]  # fmt: skip
    assert page.listing_items == 0
    assert page.teasers == ()


_BAND_PAGE = """<html><head><title>Is Dry Needling Legal?</title></head><body>
<header><nav><a href="/">Home</a><a href="/book">Book now</a></nav></header>
<main><article><h1>Is Dry Needling Legal?</h1>
<p>Dry needling is legal in Maryland when a licensed provider performs it.</p>
<h2>Why the rules differ</h2>
<p>Each state decides what falls within the scope of practice of each licensed profession,
so a technique allowed in one state can be restricted in the next one over the border.</p>
<p>Licensed physical therapists and chiropractors may perform dry needling in Maryland once
they complete the required training and meet their board's standards of care.</p></article>
</main>{band}<footer><p>Copyright Clinic</p><a href="/privacy">Privacy</a></footer></body></html>"""


def test_a_call_to_action_band_after_the_article_is_part_of_its_text() -> None:
    """Themes put the page's own CTA band outside <article>; it is still its prompt."""
    band = (
        '<div class="cta-band"><h2>Have More Questions About Dry Needling?</h2>'
        "<p>Book a visit and get a clear plan to relieve your pain.</p>"
        '<a class="btn" href="https://booking.example/">Book An Appointment</a></div>'
    )
    page = extract_page(_BAND_PAGE.format(band=band), "https://clinic.example/legal/")
    assert "Have More Questions About Dry Needling?" in [s.heading for s in page.sections]
    assert any("Book a visit" in p for s in page.sections for p in s.paragraphs)
    # The menu's "Book now" and the footer stay chrome.
    assert not any("Copyright" in p for s in page.sections for p in s.paragraphs)


@pytest.mark.parametrize(
    "band",
    [
        # No booking action: a related block, not a prompt.
        '<div class="more"><h2>More about us</h2><p>We have served the town since 1990 and '
        'love it.</p><a href="/about">Our story</a></div>',
        # A form is a booking widget the site repeats, not the page's words.
        '<div class="cta"><h2>Book now</h2><p>Fill in the form and we will call you back '
        'soon.</p><form><input name="n"><button>Book now</button></form></div>',
    ],
)
def test_blocks_after_the_article_without_a_booking_button_stay_out(band: str) -> None:
    page = extract_page(_BAND_PAGE.format(band=band), "https://clinic.example/legal/")
    assert [s.heading for s in page.sections if s.heading] == [
        "Is Dry Needling Legal?",
        "Why the rules differ",
    ]


def test_the_articles_faq_after_the_article_is_part_of_its_text() -> None:
    faq = (
        '<section class="faq"><span class="eyebrow">Common Questions</span>'
        "<h2>Dry Needling FAQ</h2><details><summary>Does dry needling hurt?</summary>"
        "<div>Most patients feel a brief twitch and a sense of release rather than pain."
        "</div></details><details><summary>Who can benefit?</summary><div>Runners with "
        "tight calves and office workers with knotted shoulders respond well to it.</div>"
        "</details></section>"
    )
    page = extract_page(_BAND_PAGE.format(band=faq), "https://clinic.example/legal/")
    assert "Dry Needling FAQ" in [s.heading for s in page.sections]
    assert any("respond well" in p for s in page.sections for p in s.paragraphs)


def test_a_faq_block_that_only_links_elsewhere_stays_out() -> None:
    links = "".join(
        f'<li><a href="/faq/{n}/">Question number {n} about our clinic and its hours</a></li>'
        for n in range(8)
    )
    faq = f'<section class="faq"><h2>Frequently Asked Questions</h2><ul>{links}</ul></section>'
    page = extract_page(_BAND_PAGE.format(band=faq), "https://clinic.example/legal/")
    assert "Frequently Asked Questions" not in [s.heading for s in page.sections]
