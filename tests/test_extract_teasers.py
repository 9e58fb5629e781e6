"""Teaser blocks found by their shape: related lists, promos, featured cards, listings.

Each page below is built the way themes build such blocks, not copied from one site; the
rubric's navigation (menus, a "services" title widget, sibling-page lists) must stay out.
"""

from __future__ import annotations

import pytest

from content_audit.extract import extract_page
from content_audit.model import TEASER_BLOCKS

URL = "https://clinic.example/conditions/heel-pain/"
ARTICLE = """<h1>Heel pain</h1>
<p>Plantar fasciitis is inflammation of the thick band of tissue under the foot. It is the
most common cause of heel pain in adults and usually settles with stretching and rest.</p>
<p>Physical therapy loads the tissue gradually so it remodels, and most people recover in
a few months without surgery. See a clinician if the pain lasts more than six weeks.</p>
<h2>How is it treated?</h2>
<p>Treatment starts with calf and foot stretches twice a day, supportive shoes and a
short break from running. A night splint keeps the fascia gently stretched while you
sleep, and taping spreads the load across the arch during the day.</p>
<p>When pain lasts beyond three months, shockwave therapy or a custom orthotic may be
added. Injections are used sparingly because repeated steroid shots weaken the tissue.
Most people are back to full activity within six to twelve months.</p>"""


def page_with(block: str, sidebar: str = "") -> str:
    return (
        "<html><body><header><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/services/'>Services</a></li></ul></nav></header>"
        f"<main><article>{ARTICLE}{block}</article><aside>{sidebar}</aside></main>"
        "<footer><ul><li><a href='/privacy/'>Privacy</a></li>"
        "<li><a href='/contact/'>Contact</a></li></ul></footer></body></html>"
    )


def test_related_treatments_list_of_title_and_snippet() -> None:
    html = page_with(
        """<section><h2>Related treatments — you may also be interested in…</h2><ul>
        <li><a href="/treatments/shockwave/">Shockwave therapy</a> – sound waves that
        restart healing in stubborn tendons.</li>
        <li><a href="/treatments/orthotics/">Custom orthotics</a> – insoles that take the
        strain off the plantar fascia.</li>
        <li><a href="/treatments/dry-needling/">Dry needling</a> – fine needles that ease
        tight calf muscles.</li></ul></section>"""
    )
    page = extract_page(html, URL)
    assert [t.title for t in page.teasers] == [
        "Shockwave therapy",
        "Custom orthotics",
        "Dry needling",
    ]
    assert {t.block for t in page.teasers} == {"related"}
    assert page.teasers[0].href == "https://clinic.example/treatments/shockwave/"
    assert page.teasers[0].text.startswith("– sound waves") or "sound waves" in page.teasers[0].text
    assert "sound waves" not in page.text  # teaser text is never article text
    assert [t.position for t in page.teasers] == [1, 2, 3]


def test_for_more_information_promo() -> None:
    html = page_with(
        """<div class="box"><h3>For more information</h3>
        <p>Read our guide to <a href="/blog/plantar-fasciitis-stretches/">plantar fasciitis
        stretches</a> you can do at home.</p></div>"""
    )
    page = extract_page(html, URL)
    assert len(page.teasers) == 1
    teaser = page.teasers[0]
    assert teaser.block == "promo"
    assert teaser.href.endswith("/blog/plantar-fasciitis-stretches/")


def test_inline_read_article_now_promo() -> None:
    html = page_with(
        """<div><table><tr><td><p>📌 Discover the key to <a href="/post/injury-prevention">
        injury prevention</a> with five exercises. <a href="/post/injury-prevention">→ Read
        article now</a></p></td></tr></table></div><p>More article text follows here and it
        goes on for a while so that the promotion sits inside the article's prose.</p>"""
    )
    page = extract_page(html, URL)
    assert [(t.block, t.href) for t in page.teasers] == [
        ("promo", "https://clinic.example/post/injury-prevention")
    ]


def test_featured_cards_on_a_home_page() -> None:
    cards = "".join(
        f"""<div class="col"><h3><a href="/services/{slug}/">{name}</a></h3>
        <p>{blurb}</p></div>"""
        for slug, name, blurb in (
            ("physio", "Physiotherapy", "Hands-on care and exercise to get you moving again."),
            ("massage", "Sports massage", "Deep tissue work for athletes before and after events."),
            ("acupuncture", "Acupuncture", "Fine needles to ease chronic pain and tension."),
        )
    )
    html = page_with(f"<section><h2>Featured</h2><div class='row'>{cards}</div></section>")
    page = extract_page(html, "https://clinic.example/")
    assert [t.title for t in page.teasers] == ["Physiotherapy", "Sports massage", "Acupuncture"]
    assert {t.block for t in page.teasers} == {"featured"}


def test_related_from_the_blog_title_cards_but_not_a_services_widget() -> None:
    def cards(prefix: str) -> str:
        return "".join(
            f'<a class="tile" href="/{prefix}/{i}/"><span>Blog</span><h3>Title {i}</h3></a>'
            for i in range(1, 4)
        )

    related = (
        f"<section><div><h2>Related from the blog</h2></div><div>{cards('blog')}</div></section>"
    )
    page = extract_page(page_with(related), URL)
    assert [t.title for t in page.teasers] == ["Title 1", "Title 2", "Title 3"]
    assert {t.block for t in page.teasers} == {"related"}
    # The same bare titles under "Services" in the sidebar: navigation, not teasers.
    widget = f"<div class='widget'><h4>Services</h4><div>{cards('services')}</div></div>"
    page = extract_page(page_with("", sidebar=widget), URL)
    assert page.teasers == ()


def test_sibling_page_list_and_menus_are_navigation() -> None:
    siblings = "".join(
        f'<li><a href="/conditions/{s}/">{s.title()}</a></li>'
        for s in ("psoriasis", "eczema", "acne", "rosacea")
    )
    html = page_with(f"<h2>Other conditions we treat</h2><ul>{siblings}</ul>")
    page = extract_page(html, URL)
    assert page.teasers == () and page.recent_posts == ()


def test_a_link_inside_a_sentence_is_not_a_teaser() -> None:
    html = page_with(
        """<h3>Aftercare tips</h3><p>Rest and ice help. You may also want to read
        <a href="/blog/icing/">our icing guide</a> before the first week is over.</p>"""
    )
    page = extract_page(html, URL)
    assert page.teasers == ()
    assert "icing guide" in page.text


def test_every_teaser_names_a_known_block() -> None:
    html = page_with(
        """<section><h2>Keep reading</h2>
        <article><h3><a href="/blog/a/">Runner's knee</a></h3><p>Pain around the kneecap
        is common in runners [...]</p></article>
        <article><h3><a href="/blog/b/">Shin splints</a></h3><p>Shin pain after a jump in
        mileage is usually [...]</p></article></section>"""
    )
    page = extract_page(html, URL)
    assert len(page.teasers) == 2
    assert all(t.block in TEASER_BLOCKS for t in page.teasers)
    assert {t.block for t in page.teasers} == {"related"}
    assert all(t.truncated for t in page.teasers)


def test_read_next_line_with_a_pictograph_is_a_promo() -> None:
    html = page_with('<p>👉 Read next: <a href="/blog/shin-splints/">Shin splints</a></p>')
    page = extract_page(html, URL)
    assert [(t.block, t.title) for t in page.teasers] == [("promo", "Shin splints")]


def test_a_related_container_without_a_heading_and_a_lead_in_promo() -> None:
    items = "".join(
        f'<li><a href="/treatments/{s}/">{s.title()}</a><p>{s.title()} eases heel pain '
        "for most runners within weeks.</p></li>"
        for s in ("orthotics", "shockwave")
    )
    html = page_with(
        f"""<p><strong>Related:</strong> <a href="/blog/icing-an-injury/">How long to ice
        an injury</a></p><p>Read more: <a href="https://pubmed.example.org/1">the trial</a></p>
        <ul class="related-treatments">{items}</ul>"""
    )
    page = extract_page(html, URL)
    assert [(t.block, t.href.rsplit("/", 2)[-2]) for t in page.teasers] == [
        ("promo", "icing-an-injury"),
        ("related", "orthotics"),
        ("related", "shockwave"),
    ]
    assert page.teasers[0].title == "How long to ice an injury"


def test_bold_line_heading_and_cards_linked_by_their_thumbnail() -> None:
    cards = "".join(
        f'<div class="item"><a href="/blog/{s}/"><img src="/{s}.jpg" alt=""></a>'
        f"<h4>{s.title()} basics</h4><p>What every runner should know about {s} pain "
        "before the next race.</p></div>"
        for s in ("knee", "hip", "ankle")
    )
    html = page_with(f"<p><strong>Related articles</strong></p><div>{cards}</div>")
    page = extract_page(html, URL)
    assert [t.title for t in page.teasers] == ["Knee basics", "Hip basics", "Ankle basics"]
    assert {t.block for t in page.teasers} == {"related"}


def test_whole_link_cards_titled_in_bold_are_related_teasers() -> None:
    """<a class="related-card"><strong>Title</strong><p>blurb</p></a>: no heading, no
    "Read more", yet each card is an excerpt of another page."""
    cards = "".join(
        f'<a href="/conditions/{slug}/" class="related-card"><div class="icon"></div>'
        f"<strong>{title}</strong><p>{title} often travels with hip pain; treating both "
        "together works better than treating either alone.</p></a>"
        for slug, title in (("sciatica", "Sciatica"), ("back-pain", "Back Pain"),
                            ("knee-pain", "Knee Pain"))
    )  # fmt: skip
    html = (
        "<html><body><main><article><h1>Hip Pain</h1>"
        + "<p>Hip pain has many sources, from the hip flexors to the lower back.</p>" * 4
        + '</article><section><span class="eyebrow">Related Conditions</span>'
        + f'<h2>Hip Pain Often Connects to Other Areas</h2><div class="related-grid">{cards}'
        + "</div></section></main></body></html>"
    )
    page = extract_page(html, "https://clinic.example/conditions/hip-pain/")
    assert [t.href.rsplit("/", 2)[-2] for t in page.teasers] == [
        "sciatica", "back-pain", "knee-pain"
    ]  # fmt: skip
    assert {t.block for t in page.teasers} == {"related"}


@pytest.mark.parametrize("tag", ["span", "div", "small"])
def test_a_bold_titled_card_may_hold_its_snippet_in_any_element(tag: str) -> None:
    """The snippet of a whole-link card need not be a <p>: <span>Ulnar wrist pain, carpal
    tunnel</span> is as much an excerpt."""

    def card(slug: str, title: str, snippet: str) -> str:
        return (
            f'<a href="/conditions/{slug}/" class="related-card"><strong>{title}</strong>'
            + (f"<{tag}>{snippet}</{tag}>" if snippet else "")
            + "</a>"
        )

    def teaser_slugs() -> list[str]:
        cards = "".join(
            card(slug, title, snippet)
            for slug, title, snippet in (
                ("wrist-pain", "Wrist Pain", "Ulnar wrist pain, carpal tunnel"),
                ("shoulder-pain", "Shoulder Pain", "Rotator cuff, shoulder impingement"),
                ("neck-pain", "Neck Pain", "Nerve compression, referred arm pain"),
            )
        )
        html = (
            "<html><body><main><article><h1>Elbow Pain</h1>"
            + "<p>Elbow pain has many sources, from the forearm tendons to the neck.</p>" * 4
            + "</article><section><h2>Other Conditions We Treat</h2>"
            + f'<div class="related-grid">{cards}</div></section></main></body></html>'
        )
        page = extract_page(html, "https://clinic.example/conditions/elbow-pain/")
        return [t.href.rsplit("/", 2)[-2] for t in page.teasers]

    assert teaser_slugs() == ["wrist-pain", "shoulder-pain", "neck-pain"]
