"""Accessibility checks an editor can fix (access.py; WCAG criteria in the registry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_audit.audit import audit_page
from content_audit.checks import FINDINGS, WCAG_NAMES, wcag_url

FIXTURES = Path(__file__).parent / "fixtures"
SEED_URL = "https://clinic.example/blog/prolotherapy/"


def _codes(html: str, url: str | None = "https://clinic.example/a/") -> list[str]:
    return [f.code for f in audit_page(html, url).findings]


def _page(body: str, lang: str = "en") -> str:
    return f'<html lang="{lang}"><head><title>A page</title></head><body>{body}</body></html>'


def test_every_access_code_has_a_known_criterion() -> None:
    for spec in FINDINGS.values():
        if spec.wcag:
            assert spec.wcag in WCAG_NAMES, spec.code
            assert wcag_url(spec.wcag).startswith("https://www.w3.org/WAI/WCAG21/Understanding/")
    assert FINDINGS["lang_missing"].wcag == "3.1.1"
    assert FINDINGS["link_text_vague"].wcag == "2.4.4"


def test_seed_teaser_links_are_reported_under_2_4_4() -> None:
    html = (FIXTURES / "seed_prolotherapy.html").read_text()
    audit = audit_page(html, SEED_URL)
    vague = [f for f in audit.findings if f.code == "link_text_vague"]
    assert len(vague) == 6  # the six "[...]" teaser links
    assert all(f.evidence == "[...]" for f in vague)
    assert FINDINGS["link_text_vague"].wcag == "2.4.4"
    assert "https://clinic.example/blog/spider-veins/" in " ".join(f.message for f in vague)


@pytest.mark.parametrize(
    "named",
    [
        'aria-label="Read more about spider veins"',
        'aria-labelledby="t1"',
    ],
)
def test_seed_teaser_with_an_accessible_name_is_not_reported(named: str) -> None:
    html = (FIXTURES / "seed_prolotherapy.html").read_text()
    html = html.replace('<a class="more-link"', f'<a class="more-link" {named}')
    html = html.replace(
        '<h3 class="ast-related-post-title', '<h3 id="t1" class="ast-related-post-title', 1
    )
    assert "link_text_vague" not in _codes(html, SEED_URL)


def test_visually_hidden_text_names_the_link() -> None:
    body = (
        '<p>Text <a href="/b/">Read more<span class="screen-reader-text"> about knee pain'
        '</span></a></p><p>More <a href="/c/">Read more <span class="sr-only">about hips'
        "</span></a></p>"
    )
    assert "link_text_vague" not in _codes(_page(body))
    assert "link_text_vague" in _codes(_page('<p><a href="/b/">Click here</a></p>'))
    assert "link_text_vague" in _codes(_page('<p><a href="/b/">https://x.example/b</a></p>'))


def test_same_text_for_different_targets() -> None:
    body = '<p><a href="/knee/">Our guide</a> and <a href="/hip/">Our guide</a></p>'
    assert "link_text_ambiguous" in _codes(_page(body))
    same = '<p><a href="/knee/">Our guide</a> and <a href="/knee/">Our guide</a></p>'
    assert "link_text_ambiguous" not in _codes(_page(same))


@pytest.mark.parametrize(
    ("img", "code"),
    [
        ('<img src="/u/IMG_2041.jpg" alt="IMG_2041.jpg">', "image_alt_filename"),
        ('<img src="/u/knee.jpg" alt="knee.jpg">', "image_alt_filename"),
        ('<img src="/u/knee.jpg" alt="photo">', "image_alt_generic"),
        ('<img src="/u/knee.jpg" alt="Image">', "image_alt_generic"),
        (f'<img src="/u/knee.jpg" alt="{"a knee " * 50}">', "image_alt_too_long"),
        (
            '<figure><img src="/u/k.jpg" alt="A swollen knee"><figcaption>A swollen knee'
            "</figcaption></figure>",
            "image_alt_redundant",
        ),
        ('<a href="/knee/"><img src="/u/k.jpg" alt=""></a>', "image_alt_empty_linked"),
    ],
)
def test_poor_alt_text(img: str, code: str) -> None:
    assert code in _codes(_page(f"<p>Some text.</p>{img}"))


def test_good_and_decorative_alt_are_fine() -> None:
    body = (
        '<img src="/u/k.jpg" alt="A physical therapist bends a patient\'s knee">'
        '<img src="/u/line.png" alt="">'
        '<a href="/knee/"><img src="/u/k.jpg" alt="">Knee pain guide</a>'
    )
    codes = _codes(_page(body))
    assert not [c for c in codes if c.startswith("image_alt")]
    assert "link_name_missing" not in codes


def test_nameless_link() -> None:
    assert "link_name_missing" in _codes(_page('<p><a href="/x/"><i class="icon"></i></a></p>'))


def test_empty_and_style_headings() -> None:
    body = "<article><h1>Knees</h1><p>Text about knees.</p><h2></h2><h3>***</h3><p>x</p></article>"
    codes = _codes(_page(body))
    assert "heading_empty" in codes
    assert "heading_for_style" in codes


def test_documents_that_do_not_say_so() -> None:
    body = (
        '<p><a href="/files/intake.pdf">Intake form</a> and '
        '<a href="/files/rules.pdf">Office rules (PDF, 80 KB)</a></p>'
    )
    audit = audit_page(_page(body), "https://clinic.example/a/")
    unlabelled = [f for f in audit.findings if f.code == "document_link_unlabelled"]
    assert [f.evidence for f in unlabelled] == ["https://clinic.example/files/intake.pdf"]
    listed = [f.evidence for f in audit.findings if f.code == "document_linked"]
    assert listed == ["https://clinic.example/files/rules.pdf"]


SPANISH = (
    "Si usted tiene dolor de rodilla, la terapia física puede ayudar. Los ejercicios son "
    "para fortalecer los músculos y reducir el dolor de la articulación con el tiempo."
)
ENGLISH = (
    "If you have knee pain, physical therapy can help. The exercises are for you to "
    "strengthen the muscles and to reduce the pain in the joint with time and care."
)


def test_language_checks() -> None:
    assert "lang_invalid" in _codes(_page("<p>Hi</p>", lang="english"))
    assert "lang_mismatch" in _codes(_page(f"<p>{SPANISH}</p><p>{SPANISH}</p>", lang="en"))
    mixed = f"<p>{ENGLISH}</p><p>{ENGLISH}</p><p>{SPANISH}</p>"
    assert "lang_part_unmarked" in _codes(_page(mixed))
    marked = f'<p>{ENGLISH}</p><p>{ENGLISH}</p><p lang="es">{SPANISH}</p>'
    assert "lang_part_unmarked" not in _codes(_page(marked))
    assert "lang_missing" in _codes("<html><body><p>Hi</p></body></html>")


def test_media_alternatives() -> None:
    assert "video_captions_missing" in _codes(_page('<video src="/v.mp4" controls></video>'))
    captioned = '<video src="/v.mp4"><track kind="captions" src="/v.vtt"></video>'
    assert "video_captions_missing" not in _codes(_page(captioned))
    assert "audio_transcript_missing" in _codes(_page('<audio src="/a.mp3"></audio>'))
    with_transcript = '<audio src="/a.mp3"></audio><a href="/a-transcript/">Transcript</a>'
    assert "audio_transcript_missing" not in _codes(_page(with_transcript))
    yt = '<iframe src="https://www.youtube.com/embed/x"></iframe>'
    assert "video_embed_check_captions" in _codes(_page(yt))


def test_hidden_links_are_not_judged() -> None:
    body = (
        '<div hidden><a href="/x/">Read more</a></div>'
        '<p aria-hidden="true"><a href="/y/">here</a></p>'
    )
    assert "link_text_vague" not in _codes(_page(body))


def test_urls_with_credentials_are_redacted() -> None:
    body = (
        '<p><a href="https://bob:s3cret@clinic.example/x/">Read more</a> '
        '<a href="https://bob:s3cret@clinic.example/f.pdf">Form</a> '
        '<a href="https://bob:s3cret@clinic.example/y/">https://bob:s3cret@clinic.example/y/</a></p>'
    )
    audit = audit_page(_page(body), "https://clinic.example/a/")
    text = " ".join(f"{f.message} {f.evidence}" for f in audit.findings)
    assert "link_text_vague" in {f.code for f in audit.findings}
    assert "s3cret" not in text
