"""classify_page: article / listing / other, on fixtures, sitegen and the real corpus."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from content_audit.classify import classify_page, health_density
from content_audit.extract import extract_page
from content_audit.model import Kind, Link, Page, RecentPost, Section

from .conftest import CORPUS, FIXTURES
from .sites import copy_demo_site

ROOT = Path(__file__).resolve().parents[1]


def test_seed_is_an_article() -> None:
    html = (FIXTURES / "seed_prolotherapy.html").read_text(encoding="utf-8")
    page = extract_page(html, "https://clinic.example/blog/prolotherapy/")
    assert classify_page(page) is Kind.ARTICLE


def _post(body: str, url: str = "https://clinic.example/blog/post/") -> Page:
    return extract_page(f"<html><body><article><h1>Title</h1>{body}</article></body></html>", url)


def test_offtopic_post_on_a_clinic_blog_is_other() -> None:
    body = (
        "<p>Registering for a membership at the Oakland country club offers golf, tennis and "
        "a busy social calendar for the whole family all year round.</p>"
        "<p>Members enjoy the dining room, the pool and weekend tournaments, and the club "
        "hosts weddings and business events in its renovated ballroom by the lake.</p>"
        "<p>Annual dues vary by membership tier, and new members pay a one-time initiation "
        "fee that covers access to every facility the club has to offer.</p>"
    )
    assert classify_page(_post(body)) is Kind.OTHER


def test_thin_clinic_news_is_other() -> None:
    body = "<p>We are happy to welcome Dr. Grace Alvarez to our team this February.</p>"
    assert classify_page(_post(body)) is Kind.OTHER


def test_short_condition_page_is_an_article() -> None:
    body = (
        "<p>Rehabilitation helps with back pain, neck pain and joint pain, from rotator cuff "
        "impingement to hip bursitis. Our therapists use exercise, stretching and manual "
        "therapy so muscles and tendons recover their strength and mobility after injury, "
        "and patients learn how to protect the spine at work and at home.</p>"
    )
    assert classify_page(_post(body, "https://clinic.example/rehabilitation/")) is Kind.ARTICLE


@pytest.mark.parametrize(
    "url",
    [
        "https://clinic.example/contact/",
        "https://clinic.example/about-us/",
        "https://clinic.example/meet-dr-smith/",
        "https://clinic.example/privacy-policy/",
        "https://clinic.example/",
    ],
)
def test_clinic_pages_are_other_even_with_health_words(url: str) -> None:
    body = (
        "<p>Our physical therapy clinic treats back pain, knee injuries and sciatica with "
        "manual therapy, exercise and dry needling for patients of every age.</p>" * 3
    )
    assert classify_page(_post(body, url)) is Kind.OTHER


@pytest.mark.parametrize(
    "url",
    [
        "https://clinic.example/category/podiatry/",
        "https://clinic.example/tag/seniors/",
        "https://clinic.example/blog/page/3/",
        "https://clinic.example/blog/",
    ],
)
def test_archive_urls_and_empty_blog_index_are_listings(url: str) -> None:
    page = _post("<p>Health and wellness insights from our team.</p>", url)
    assert classify_page(page) is Kind.LISTING


def test_jsonld_types_decide_when_the_url_does_not() -> None:
    text = "Chronic knee pain from arthritis responds to exercise therapy and injections. " * 8
    page = Page(url=None, sections=(Section("", 0, (text,)),))
    assert classify_page(page) is Kind.ARTICLE
    profile = Page(url=None, sections=page.sections, jsonld_types=("ProfilePage",))
    assert classify_page(profile) is Kind.OTHER
    collection = Page(url=None, sections=page.sections, jsonld_types=("CollectionPage",))
    assert classify_page(collection) is Kind.LISTING
    assert health_density(text) > 0.2 and health_density("") == 0.0


def test_sitegen_kinds(tmp_path: Path) -> None:
    out = copy_demo_site(tmp_path / "site", "http://127.0.0.1:8080")  # sitegen's truth.csv
    want = {
        "complete": "article",
        "incomplete": "article",
        "listing": "listing",
        "page": "other",
        "offtopic": "other",
        "thin": "other",
    }
    with (out / "truth.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] in want]
    right = 0
    for row in rows:
        html = (out / "www" / row["path"].lstrip("/") / "index.html").read_text("utf-8")
        right += classify_page(extract_page(html, row["url"])).value == want[row["kind"]]
        if row["subkind"] == "category":
            assert classify_page(extract_page(html, row["url"])) is Kind.LISTING
    assert right / len(rows) >= 0.95


@pytest.mark.needs_shared("corpus/labels.tsv")
def test_corpus_kind_accuracy_meets_target() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from eval_kind import corpus_url, load_corpus
    finally:
        sys.path.pop(0)
    rows = load_corpus(CORPUS)
    assert rows and all(url.startswith("https://corpus.invalid/") for _, _, url, _, _ in rows)
    assert corpus_url("a/b@c:blog/x/index.html") == "https://corpus.invalid/blog/x/"
    kind_ok = teaser_ok = 0
    for _ident, html, url, has_teasers, kind in rows:
        page = extract_page(html, url)
        kind_ok += classify_page(page).value == kind
        teaser_ok += (
            int(bool(page.teasers or page.recent_posts or page.listing_items)) == has_teasers
        )
    assert kind_ok / len(rows) >= 0.90
    assert teaser_ok / len(rows) >= 0.85


# --- pages of the kinds that sites nobody tuned for showed (issue #13) -------------------------

KIND_FIXTURES = sorted((FIXTURES / "kind").iterdir())


def _kind_page(path: Path, url: str | None) -> Page:
    from content_audit.target import render_markdown

    text = path.read_text(encoding="utf-8")
    return extract_page(render_markdown(text) if path.suffix == ".md" else text, url)


@pytest.mark.parametrize("path", KIND_FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("url", [None, "https://clinic.example/blog/a-post/"])
def test_kind_by_what_the_text_is_about(path: Path, url: str | None) -> None:
    """Recipes, book reviews, artist and gym-member features, song lists, policy updates,
    Markdown bios and policies, a one-page site's home, a bare list of titles; and articles
    that tell a patient's story, talk food or sport, or close with the author's bio.  The
    file name says the kind; the verdict must not need the URL."""
    want = Kind(path.name.split("-", 1)[0])
    assert classify_page(_kind_page(path, url)) is want


def test_bio_evidence_needs_a_person_not_only_credentials() -> None:
    from content_audit.classify import _bio_points, _signals

    explainer = _post(
        "<p>Chiropractors are licensed in all fifty states and earn a Doctor of Chiropractic "
        "degree after four years of training. Spinal adjustment restores joint motion and "
        "eases back pain, neck pain and headaches for most patients within a few visits.</p>"
    )
    bio = _post(
        "<p>Dr. Ann Lee graduated from Parker University and is a member of the state "
        "chiropractic association. She has been treating back pain for twelve years, and "
        "in her spare time she enjoys hiking with her husband and their two kids.</p>"
    )
    assert _bio_points(_signals(explainer)) < 0.5 < 2.0 < _bio_points(_signals(bio))
    assert classify_page(explainer) is Kind.ARTICLE
    assert classify_page(bio) is Kind.OTHER


def test_a_list_of_buttons_is_no_title_list() -> None:
    links = "".join(
        f"<li><a href='/services/{n}/'>Read our {n} articles</a></li>"
        for n in ("knee", "hip", "back", "neck", "foot", "hand")
    )
    page = _post(f"<ul>{links}</ul>", "https://clinic.example/overview/")
    assert classify_page(page) is not Kind.LISTING
    titles = "".join(
        f"<li><a href='/library/{n}/'>{n.title()} Pain and Its Treatment</a></li>"
        for n in ("knee", "hip", "back", "neck", "foot", "hand")
    )
    assert classify_page(_post(f"<ul>{titles}</ul>")) is Kind.LISTING


def test_cards_that_link_nowhere_are_no_listing() -> None:
    """Cards of a condition page ("patterns we treat") with no link are part of the
    article, not entries of an index of other pages."""
    from content_audit.classify import _signals

    page = Page(url="https://clinic.example/psoriasis/", listing_items=6)
    assert _signals(page).linked_cards == 0


@pytest.mark.parametrize(
    "title",
    ["Blog | Riverside Physio", "The Foot & Ankle Health Blog", "Category: Knee", "News - Clinic"],
)
def test_an_index_titled_by_its_section_is_a_listing_without_a_url(title: str) -> None:
    """An empty or script-loaded index checked as a file: its <title> names the section."""
    html = (
        f"<html><head><title>{title}</title></head><body><main><h1>Notes from the clinic</h1>"
        "<p>Loading posts…</p></main></body></html>"
    )
    assert classify_page(extract_page(html, None)) is Kind.LISTING
    post = html.replace("<p>Loading posts…</p>", "<p>" + "Knee pain and its treatment. " * 60)
    assert classify_page(extract_page(post, None)) is not Kind.LISTING


def test_a_page_that_names_itself_terms_of_service_is_other() -> None:
    """Its clauses talk medicine ("No Medical Advice"), yet it is a legal document."""
    clauses = (
        ("1. No Medical Advice", "The physical therapy articles, exercise videos and pain "
         "treatment pages on this site do not replace an examination of your injury."),
        ("2. No Doctor-Patient Relationship", "Reading about knee pain, shoulder surgery or "
         "back rehabilitation here creates no relationship with our physical therapists."),
        ("3. Limitation of Liability", "We are not liable for any injury, pain or harm that "
         "follows from exercises you do at home without the supervision of a therapist."),
    )  # fmt: skip
    page = Page(
        url="https://clinic.example/library_privacybar_terms",
        title="Terms of Service",
        h1=("Terms of Service",),
        sections=tuple(Section(h, 2, (t,)) for h, t in clauses),
    )
    assert classify_page(page) is Kind.OTHER


def test_a_page_whose_only_text_is_the_disclaimer_is_no_article() -> None:
    disclaimer = (
        "The information in this medical library is intended for informational and "
        "educational purposes only and in no way should be taken to be the provision or "
        "practice of physical therapy, medical, or professional healthcare advice or "
        "services for back pain, knee pain, arthritis or any injury."
    )
    page = Page(
        url="https://clinic.example/desktop/library_treatments_2/",
        title="Medical Library Treatments 2",
        h1=("Medical Library",),
        sections=(Section("", 0, (disclaimer,)),),
    )
    assert classify_page(page) is not Kind.ARTICLE


@pytest.mark.parametrize(
    "titles", [("Neck Pain", "Whiplash", "TMD (aka TMJ)", "Vertigo"), ("Research", "Other Clinics")]
)
def test_a_short_title_list_under_the_disclaimer_is_a_listing(titles: tuple[str, ...]) -> None:
    """A library category with a few entries and no text but the site's disclaimer."""
    disclaimer = (
        "The information in this medical library is intended for informational and "
        "educational purposes only and should not be used for diagnostic or treatment "
        "purposes without first consulting with your physical therapist."
    )
    page = Page(
        url="https://clinic.example/desktop/library_neck/",
        title="Medical Library Neck",
        h1=("Medical Library",),
        sections=(Section("", 0, (disclaimer,)),),
        recent_posts=tuple(
            RecentPost(t, f"https://clinic.example/desktop/library_neck_{i}/")
            for i, t in enumerate(titles)
        ),
    )
    assert classify_page(page) is Kind.LISTING


_LIBRARY_DISCLAIMER = (
    "The information in this medical library is intended for informational and "
    "educational purposes only and should not be used for diagnostic or treatment "
    "purposes without first consulting with your physical therapist."
)


def _titles_page(intro: str, titles: tuple[str, ...], extra: str = "") -> Page:
    paragraphs = (intro, *titles, *((extra,) if extra else ()), _LIBRARY_DISCLAIMER)
    return Page(
        url="https://clinic.example/desktop/library_treatments_95/",
        title="Medical Library Treatments 95",
        h1=("Medical Library",),
        sections=(Section("Physical Agents", 4, paragraphs),),
        links=tuple(
            Link(f"https://clinic.example/desktop/library_treatments_{i}/", t, True, zone="content")
            for i, t in enumerate(titles)
        ),
    )


@pytest.mark.parametrize(
    "intro",
    [
        "Here is a partial list of physical agents used for treatment.",
        "Here are modalities that are used for this treatment.",
        "The treatments are listed below.",
    ],
)
def test_a_page_that_announces_a_list_over_its_entries_is_a_listing(intro: str) -> None:
    """'Here is a partial list of ...' over three entry links and the site's disclaimer."""
    titles = ("Cryotherapy or Cold Therapy", "Heat Pack Treatment", "Therapeutic Ultrasound")
    page = _titles_page(intro, titles)
    assert classify_page(page) is Kind.LISTING
    # The same links under a page that says something of its own stay an article's.
    prose = (
        "Physical agents such as heat, cold and sound waves are used to ease pain and "
        "swelling before exercise, and your therapist chooses among them after the exam, "
        "based on how recent the injury is and how the tissue responds to each of them."
    )
    assert classify_page(_titles_page(prose, titles, prose)) is not Kind.LISTING


def test_a_long_title_list_that_outweighs_the_prose_is_a_listing() -> None:
    """A library index of many linked titles whose only prose is a long disclaimer: the
    titles hold the page.  Six treatment links under a short entry do not."""
    titles = tuple(
        f"Home Exercise Program for the Knee After Surgery, Part {n}" for n in "ABCDEFGHIJKLMNOP"
    )
    # A disclaimer of ~150 words: as much as the prose that would make it an article.
    page = _titles_page("Available Programs", titles, " ".join([_LIBRARY_DISCLAIMER] * 4))
    assert classify_page(page) is Kind.LISTING
    entry = (
        "This often occurs in middle aged adults as a result of degenerative changes in the "
        "tendon. The rupture may be partial or complete, with pain behind the ankle bone."
    )
    short = ("Cryotherapy or Cold Therapy", "Gait or Walking Training", "Core Strengthening",
             "Aerobic/Endurance Exercise", "Ankle Active Range of Motion", "Heat Pack")  # fmt: skip
    assert classify_page(_titles_page(entry, short, _LIBRARY_DISCLAIMER)) is Kind.ARTICLE
