"""Tests of elements.py: the four required elements, found from headings or body text.

These pin the patterns (``data/default.toml``): the learned scores that settle what they
leave open (``element_model``) are off here and tested in ``test_element_model.py``,
except where a test says otherwise."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest

from content_audit.config import AuditConfig, load_config
from content_audit.elements import derive_subject, find_elements, split_sentences
from content_audit.model import ELEMENT_NAMES, ElementResult, Page, Section, Teaser

from .conftest import FIXTURES, SEED_TEXT

SUBJECT = "Prolotherapy"


@pytest.fixture(scope="module")
def config() -> AuditConfig:
    return load_config(overrides={"element_scores": False})


def seed_page() -> Page:
    """The seed article as a Page: a line without final punctuation is a heading.

    The seed text ends with teaser excerpts ("... [...]") and related titles; they are not
    article text, so the page stops at the first teaser line.
    """
    lines = [ln.strip() for ln in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
    sections: list[Section] = []
    heading, paras = "", []
    for line in lines:
        if line.endswith("[...]"):
            break
        if not line:
            continue
        if not line.endswith(".") and len(line.split()) <= 8:
            sections.append(Section(heading, 2 if heading else 0, tuple(paras)))
            heading, paras = line, []
        else:
            paras.append(line)
    sections.append(Section(heading, 2, tuple(paras)))
    title = f"{SUBJECT}: How It Works and What It Treats"
    return Page(url=None, title=title, h1=(title,), sections=tuple(sections))


def by_name(results: tuple[ElementResult, ...]) -> dict[str, ElementResult]:
    assert tuple(r.name for r in results) == ELEMENT_NAMES
    return {r.name: r for r in results}


def without(page: Page, heading: str) -> Page:
    return replace(page, sections=tuple(s for s in page.sections if s.heading != heading))


SEED_HEADINGS = {
    "definition": "What Is Prolotherapy?",
    "uses": "What Is It Used For?",
    "mechanism": "How Does It Work?",
    "consult": "Confer With a Medical Expert",
}


def test_seed_finds_all_four_under_their_headings(config: AuditConfig) -> None:
    found = by_name(find_elements(seed_page(), config))
    for name, heading in SEED_HEADINGS.items():
        assert found[name].present, name
        assert found[name].via == "heading"
        assert found[name].heading == heading
        assert found[name].evidence
    assert found["definition"].evidence.startswith("Prolotherapy is an injection-based")
    assert "consultation" in found["consult"].evidence


@pytest.mark.parametrize("name", [n for n in ELEMENT_NAMES if n != "mechanism"])
def test_removing_one_element_section_makes_only_it_absent(config: AuditConfig, name: str) -> None:
    found = by_name(find_elements(without(seed_page(), SEED_HEADINGS[name]), config))
    assert not found[name].present
    # The intro may still hold a candidate ("a nonsurgical procedure known as
    # prolotherapy"): then it is shown as unclear, never called found.
    assert found[name].status in ("unclear", "missing")
    if found[name].status == "missing":
        assert found[name] == ElementResult(name, False)
    for other in ELEMENT_NAMES:
        if other != name:
            assert found[other].present, other


def test_seed_intro_explains_mechanism_without_its_section(config: AuditConfig) -> None:
    # The seed's first paragraph already says how prolotherapy works ("stimulating the
    # body's natural healing processes to ... repair injured ligaments"): by the rubric
    # that is a physiological rationale, so the element stays present, found in the text.
    found = by_name(find_elements(without(seed_page(), SEED_HEADINGS["mechanism"]), config))
    assert found["mechanism"].via == "text"
    assert "natural healing processes" in (found["mechanism"].evidence or "")


BODY_ONLY = {
    "definition": "Dry needling is a treatment that uses thin needles in tight muscles.",
    "uses": "It is often used for neck pain, tennis elbow, and low back pain.",
    "mechanism": "It works by releasing knots so the muscle can relax and heal.",
    "consult": "Schedule a consultation with a physical therapist to see if it suits you.",
}
FILLER = "Many people have questions, and that is normal. Take your time to learn more."


def body_page(names: tuple[str, ...]) -> Page:
    body = " ".join([FILLER, *(BODY_ONLY[n] for n in names)])
    return Page(
        url=None,
        title="Understanding Dry Needling | Example Clinic",
        h1=("Understanding Dry Needling",),
        sections=(
            Section("", 0, (FILLER,)),
            Section("Recovery and Aftercare", 2, (body,)),
            Section("Frequently Asked Questions", 2, ()),
            Section("Is It Painful?", 3, ("Most people feel only mild pain, if any at all.",)),
        ),
    )


def test_elements_in_body_text_only_are_found_via_text(config: AuditConfig) -> None:
    found = by_name(find_elements(body_page(ELEMENT_NAMES), config))
    for name in ELEMENT_NAMES:
        assert found[name].present, name
        assert found[name].via == "text"
        assert found[name].evidence == BODY_ONLY[name]
        assert found[name].heading == "Recovery and Aftercare"


@pytest.mark.parametrize("name", ELEMENT_NAMES)
def test_body_text_variant_with_one_element_missing(config: AuditConfig, name: str) -> None:
    found = by_name(find_elements(body_page(tuple(n for n in ELEMENT_NAMES if n != name)), config))
    assert not found[name].present
    assert all(found[n].present for n in ELEMENT_NAMES if n != name)


def test_pseudo_headings_are_reported_as_such(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="Cold Laser Therapy",
        sections=(
            Section("", 0, ("Sore joints can slow you down.",)),
            Section(
                "What Is Cold Laser Therapy?",
                3,
                ("It uses gentle light on the skin.",),
                pseudo=True,
            ),
            Section(
                "Who Is a Good Candidate?",
                3,
                ("People with sore knees and stiff necks.",),
                pseudo=True,
            ),
        ),
    )
    found = by_name(find_elements(page, config))
    assert found["definition"].via == "pseudo_heading"
    assert found["definition"].heading == "What Is Cold Laser Therapy?"
    assert found["uses"].via == "pseudo_heading"
    assert not found["mechanism"].present and not found["consult"].present


def test_real_heading_wins_over_pseudo_heading(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="PRP Therapy",
        sections=(
            Section("How Does It Work?", 3, ("Platelets release growth factors.",), pseudo=True),
            Section("The Procedure", 2, ("A small blood sample is spun to concentrate it.",)),
        ),
    )
    found = by_name(find_elements(page, config))
    assert found["mechanism"].via == "heading"
    assert found["mechanism"].heading == "The Procedure"


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("definition", "What Is Dry Needling?"),
        ("definition", "Understanding Dry Needling"),
        ("definition", "Dry Needling Explained"),
        ("definition", "Defining Dry Needling"),
        ("definition", "Dry Needling: The Basics"),
        ("uses", "What Is It Used For?"),
        ("uses", "Who Can Benefit from Dry Needling?"),
        ("uses", "Conditions Treated"),
        ("uses", "Who Is a Good Candidate?"),
        ("mechanism", "How Does It Work?"),
        ("mechanism", "How Dry Needling Works"),
        ("mechanism", "The Procedure"),
        ("mechanism", "What to Expect During Dry Needling"),
        ("consult", "Confer With a Medical Expert"),
        ("consult", "Schedule a Consultation"),
        ("consult", "Talk to Your Doctor"),
        ("consult", "Speak With a Specialist"),
    ],
)
def test_heading_wordings(config: AuditConfig, name: str, heading: str) -> None:
    page = Page(
        url=None,
        title="Dry Needling",
        sections=(Section(heading, 2, ("Our team writes plain words here for every reader.",)),),
    )
    found = by_name(find_elements(page, config))
    assert found[name].present and found[name].via == "heading", heading
    assert [n for n, r in found.items() if r.present] == [name], heading


@pytest.mark.parametrize(
    "heading",
    [
        "Potential Risks and Side Effects",
        "Recovery and Aftercare",
        "Cost and Insurance Coverage",
        "Frequently Asked Questions",
        "Is It Painful?",
        "How Long Does Recovery Take?",
        "How Much Does It Cost?",
        "Is Dry Needling Safe?",
        "Does Dry Needling Hurt?",
        "How Soon Will I Notice a Difference?",
        "What Happens After Treatment",
    ],
)
def test_distractor_headings_match_nothing(config: AuditConfig, heading: str) -> None:
    page = Page(
        url=None,
        title="Dry Needling",
        sections=(Section(heading, 2, ("Our team writes plain words here for every reader.",)),),
    )
    assert not any(r.present for r in find_elements(page, config)), heading


def test_heading_without_text_is_not_evidence(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="Dry Needling",
        sections=(Section("How Does It Work?", 2, ()), Section("Risks", 2, ("Some soreness.",))),
    )
    assert not by_name(find_elements(page, config))["mechanism"].present


def test_heading_text_may_sit_in_subsections(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="Dry Needling",
        sections=(
            Section("Conditions Treated", 2, ()),
            Section("Neck Pain", 3, ("Tight neck muscles respond well to treatment.",)),
        ),
    )
    found = by_name(find_elements(page, config))["uses"]
    assert found.via == "heading" and found.heading == "Conditions Treated"
    assert found.evidence == "Tight neck muscles respond well to treatment."


def test_page_title_heading_is_not_a_section_match(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="What Is Dry Needling?",
        h1=("What Is Dry Needling?",),
        sections=(Section("What Is Dry Needling?", 1, ("Many people ask us about needles.",)),),
    )
    assert not by_name(find_elements(page, config))["definition"].present


def test_teaser_text_is_never_evidence(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="Dry Needling",
        sections=(Section("", 0, ("Our clinic is open six days a week.",)),),
        teasers=(
            Teaser(
                "Dry needling works by releasing knots. Book an appointment [...]", "/blog/x/", True
            ),
            Teaser("Prolotherapy is an injection-based procedure [...]", "/blog/y/", True),
        ),
    )
    assert not any(r.present for r in find_elements(page, config))


@pytest.mark.parametrize(
    "sentence",
    [
        "Massage is available by appointment on weekdays.",
        "After setting up an appointment, you fill in a short form.",
        "This article is not medical advice.",
        "This content is for informational purposes and does not replace medical advice.",
    ],
)
def test_negative_consult_wordings(config: AuditConfig, sentence: str) -> None:
    page = Page(url=None, title="Massage", sections=(Section("", 0, (sentence,)),))
    assert not by_name(find_elements(page, config))["consult"].present


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("definition", "Plantar fasciitis refers to a painful strain of the foot's arch."),
        ("definition", "Osteoporosis is a disease in which bones become fragile."),
        ("definition", "Cupping is a type of therapy that uses suction cups."),
        ("uses", "Acupuncture can help with headaches and stress."),
        ("uses", "We treat conditions such as sciatica and neck pain."),
        ("uses", "It is suitable for adults of every age."),
        ("mechanism", "The needle triggers a twitch that relaxes the muscle."),
        ("mechanism", "During the session, the therapist places small cups on the back."),
        ("consult", "Talk to your doctor before you start a new exercise plan."),
        ("consult", "Contact us to learn more about our programs."),
        ("consult", "Call our office at 555-0100 to book a visit."),
        ("consult", "If pain persists, ask your physical therapist for a plan."),
    ],
)
def test_body_wordings(config: AuditConfig, name: str, sentence: str) -> None:
    title = sentence.split(" is ")[0] if name == "definition" else "Acupuncture"
    page = Page(url=None, title=title, sections=(Section("", 0, (sentence,)),))
    found = by_name(find_elements(page, config))[name]
    assert found.present and found.via == "text" and found.evidence == sentence


def test_pronoun_definition_needs_a_subject_heading(config: AuditConfig) -> None:
    sentence = "It is a gentle technique that uses thin needles."
    under_subject = Page(
        url=None,
        title="Dry Needling",
        sections=(Section("Dry Needling at Our Clinic", 2, (sentence,)),),
    )
    elsewhere = Page(
        url=None, title="Dry Needling", sections=(Section("Our Team", 2, (sentence,)),)
    )
    assert by_name(find_elements(under_subject, config))["definition"].present
    assert not by_name(find_elements(elsewhere, config))["definition"].present


def test_user_config_adds_a_heading_wording(config: AuditConfig, tmp_path) -> None:
    page = Page(
        url=None,
        title="Dry Needling",
        sections=(Section("Our Promise to You", 2, ("We listen first, then we plan your care.",)),),
    )
    assert not by_name(find_elements(page, config))["consult"].present
    path = tmp_path / "audit.toml"
    path.write_text('[elements.consult]\nadd_headings = ["^our promise"]\n', encoding="utf-8")
    custom = load_config(path)
    found = by_name(find_elements(page, custom))["consult"]
    assert found.present and found.via == "heading" and found.heading == "Our Promise to You"
    # The shipped wordings still apply alongside the user's.
    assert (
        by_name(find_elements(seed_page(), custom))["consult"].heading == SEED_HEADINGS["consult"]
    )


def test_user_config_adds_a_body_wording_with_subject(tmp_path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[tool.content-audit.elements.mechanism]\nadd_body = ["{subject} relies on"]\n',
        encoding="utf-8",
    )
    custom = load_config(path)
    page = Page(
        url=None,
        title="Cupping Explained",
        sections=(Section("", 0, ("Cupping relies on suction to lift the skin.",)),),
    )
    assert by_name(find_elements(page, custom))["mechanism"].via == "text"


def test_missing_rule_reports_absent(config: AuditConfig) -> None:
    trimmed = replace(config, elements=tuple(r for r in config.elements if r.name != "uses"))
    found = by_name(find_elements(seed_page(), trimmed))
    assert not found["uses"].present and found["definition"].present


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        ("Prolotherapy: How It Works and What It Treats", "prolotherapy"),
        ("Understanding Dry Needling", "dry needling"),
        ("What Is Dry Needling? | Empower Fitness", "dry needling"),
        ("A Patient's Guide to Cold Laser Therapy for Seniors", "cold laser therapy"),
        ("Everything You Need to Know About PRP Therapy", "prp therapy"),
        ("Night Guards - Gardena Dental", "night guards"),
        ("Cross Training-how it can help you!", "cross training"),
        ("Follow-up Care", "follow-up care"),
        ("How Does Acupuncture Help with Back Pain?", "acupuncture"),
        ("What Does an Ultrasound Scan Involve?", "ultrasound scan"),
        ("What Does Sciatica Feel Like?", "sciatica"),
        ("Rosacea Symptoms and Causes", "rosacea"),
        ("Sciatica: Causes, Symptoms & Treatment", "sciatica"),
        ("Diagnosis and Treatment of Plantar Fasciitis", "plantar fasciitis"),
        ("Causes of Back Pain", "back pain"),
        ("Back Pain Do's and Don'ts", "back pain"),
        ("Who’s a Good Candidate for IPL?", "ipl"),
        ("What to expect during a dental implant procedure?", "dental implant procedure"),
        ("Questions to Ask Before Getting Radiofrequency Ablation", "radiofrequency ablation"),
        ("What’s Involved in a Laser Hair Removal Session", "laser hair removal session"),
        ("Orthodontic Treatment Expectations: A Step-By-Step Guide", "orthodontic treatment"),
        ("What to Expect From Your First Chiropractic Visit", "chiropractic visit"),
        ("Is Bunion Surgery Necessary?", "bunion surgery"),
        ("Is Laser Hair Removal Safe?", "laser hair removal"),
        # A guide to X, by any of the adjectives guides call themselves; using or choosing X.
        ("Comprehensive Guide to Tonsillectomy in Children", "tonsillectomy"),
        ("A Parent's Guide to Ear Infections", "ear infections"),
        ("Using Night Guards for Tooth Grinding", "night guards"),
        ("Choosing a Hearing Aid", "hearing aid"),
        # What the reader may expect from X; the recovery time after X; a facet after X.
        ("What Should I Expect From Orthodontic Treatment?", "orthodontic treatment"),
        ("What Is the Recovery Time for a Broken Ankle?", "broken ankle"),
        (
            "Pelvic Floor Physical Therapy- No, It's Not Just Kegels",
            "pelvic floor physical therapy",
        ),
        ("Hip Labral Tear Physiotherapy Recovery", "hip labral tear physiotherapy"),
        ("When to See a Doctor About Eye Floaters", "eye floaters"),
        # A question the reader asks, then the answer the page is about.
        ("Anxious for the Dentist? Try Sedation Dentistry", "sedation dentistry"),
        ("Picky Eater? Pediatric Feeding Therapy Can Help!", "pediatric feeding therapy"),
        ("Jaw Clicking? We Can Help!", "jaw clicking"),
    ],
)
def test_derive_subject(title: str, subject: str) -> None:
    assert derive_subject(title) == subject


def test_split_sentences_keeps_abbreviations() -> None:
    assert split_sentences("See Dr. Lee today. It helps, e.g. with pain! Why? Yes.") == [
        "See Dr. Lee today.",
        "It helps, e.g. with pain!",
        "Why?",
        "Yes.",
    ]
    assert split_sentences("   ") == []


def test_fixture_page_through_extraction(config: AuditConfig) -> None:
    from content_audit.extract import extract_page

    html = (FIXTURES / "elements_pseudo_and_teasers.html").read_text(encoding="utf-8")
    try:
        page = extract_page(html, "http://127.0.0.1/blog/cupping/")
    except NotImplementedError:
        pytest.skip("extract_page is not written yet")
    found = by_name(find_elements(page, config))
    assert found["definition"].via == "heading"
    assert found["uses"].via == "pseudo_heading"
    assert found["mechanism"].via == "text"
    assert not found["consult"].present  # only the sidebar and a teaser say "book"


def test_fast_enough(config: AuditConfig) -> None:
    page = seed_page()
    find_elements(page, config)  # compile once
    start = time.perf_counter()
    for _ in range(200):
        find_elements(page, config)
    per_page_ms = (time.perf_counter() - start) / 200 * 1000
    assert per_page_ms < 5, per_page_ms  # ~1 ms typical; loose bound for a busy CI machine


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        # definition: descriptive, without "X is a ..."
        ("definition", "Chiropractic is concerned with the structure of the spine and nerves."),
        (
            "definition",
            "Doctors of chiropractic work in a health care profession focusing on the spine.",
        ),
        ("definition", "Chiropractic care is a gentle, non-invasive approach to back pain."),
        # uses: treatment -> condition, who it suits, when it is indicated
        ("uses", "Acupuncture helps with migraines and tension headaches."),
        ("uses", "Many patients find relief from chronic low back pain."),
        ("uses", "Cupping is ideal for athletes with tight shoulders."),
        ("uses", "Massage is recommended for people recovering from surgery."),
        ("uses", "We have treated people suffering from sciatica for years."),
        ("uses", "Pipa is good for relieving dry cough and asthma."),
        ("uses", "Decrease: colic, reflux and ear infections"),
        ("uses", "Therapists play a key role in preventing knee injuries."),
        ("uses", "In such cases a bone graft is performed before the implant."),
        ("uses", "Expert care for the aches and stiffness that come with age."),
        # mechanism: how it works, how it is done, physiological rationale
        ("mechanism", "The graft is usually performed with a collagen membrane."),
        ("mechanism", "Therapists lower the risk by retraining how you land from a jump."),
        ("mechanism", "Acupuncture helps the body release its own pain-relieving chemicals."),
        ("mechanism", "The practitioner will gently insert fine needles at chosen points."),
        ("mechanism", "At your first visit, the therapist reviews your history."),
        ("mechanism", "The treatment involves placing warm stones along the spine."),
        ("mechanism", "Heat from the moxa increases blood flow to the painful area."),
        (
            "mechanism",
            "Adjustments are used by chiropractors to correct the alignment of the spine.",
        ),
    ],
)
def test_general_body_wordings(config: AuditConfig, name: str, sentence: str) -> None:
    title = {"definition": "Chiropractic Care"}.get(name, "Acupuncture")
    page = Page(url=None, title=title, sections=(Section("", 0, (sentence,)),))
    found = by_name(find_elements(page, config))[name]
    assert found.present and found.via == "text" and found.evidence == sentence, sentence


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        # benefit claims and purpose glosses do not explain how care works
        ("mechanism", "Better sleep and more energy."),
        ("mechanism", "Improved joint mobility"),
        (
            "mechanism",
            "Deep Tissue Massage — targeted pressure to release tension in tight muscles",
        ),
        ("mechanism", "Non surgical treatment involves: scaling, root planing and polishing."),
        ("mechanism", "We are proud to serve the community by offering evening hours."),
        # a tip is not an indication; a clinic's own focus is not a definition
        ("uses", "It helps to write down when your symptoms started."),
        ("definition", "Our practice focuses on sports injuries."),
        # descriptive mentions of booking are not a consult prompt
        ("consult", "Dr. Lee is available on Saturdays by appointment."),
        ("consult", "After booking an appointment, you receive a short form."),
    ],
)
def test_general_negative_wordings(config: AuditConfig, name: str, sentence: str) -> None:
    page = Page(url=None, title="Acupuncture", sections=(Section("", 0, (sentence,)),))
    assert not by_name(find_elements(page, config))[name].present, sentence


def test_subject_from_the_content_h1_not_the_banner_h1(config: AuditConfig) -> None:
    # The banner repeats the site name in an H1; the article's own H1 names the topic.
    sentence = "Herbal medicine focuses on whole plants rather than isolated compounds."
    page = Page(
        url=None,
        title="About Herbal Medicine",
        h1=("Amasia Clinic", "About Herbal Medicine"),
        sections=(Section("About Herbal Medicine", 1, (sentence,)),),
    )
    assert by_name(find_elements(page, config))["definition"].evidence == sentence
    # With a title that names the topic the sentence would count; the banner names nothing.
    banner_only = replace(
        page, title="Amasia Clinic", h1=("Amasia Clinic",), sections=(Section("", 0, (sentence,)),)
    )
    assert not by_name(find_elements(banner_only, config))["definition"].present


def test_subject_from_first_heading_without_title_or_h1(config: AuditConfig) -> None:
    sentence = "Cupping focuses on lifting the skin and fascia with gentle suction."
    page = Page(url=None, sections=(Section("Cupping", 2, (sentence,)),))
    assert by_name(find_elements(page, config))["definition"].evidence == sentence


def test_leading_about_is_not_part_of_the_subject() -> None:
    assert derive_subject("About Chinese Medicinal Herbs") == "chinese medicinal herbs"


def test_pointer_to_another_article_is_not_uses(config: AuditConfig) -> None:
    sentence = "You may also want to read How Acupuncture Can Relieve Back Pain in 2025."
    page = Page(url=None, title="Acupuncture", sections=(Section("", 0, (sentence,)),))
    assert not by_name(find_elements(page, config))["uses"].present


# --- {subject} patterns: compiled once, run on text with the subject marked; the same
# answers as compiling each pattern with the page's subject filled in


SLOT_SENTENCES = [
    "Prolotherapy is a regenerative injection treatment.",
    "Prolotherapies are injections.",
    "The prolotherapy (PRP) is an injection of dextrose.",
    "It treats chronic pain in the knee.",
    "Massage helps relieve back pain and stiffness.",
    "Dry needling is a technique used by physical therapists.",
    "Dry-needling works by releasing trigger points.",
    "Needling helps with sciatica.",
    "We use dry needling for neck pain.",
    "About Dry Needling",
    "Dry Needling?",
    "Cupping therapy helps relieve muscle tension by drawing blood to the area.",
    "Cupping, also known as cup therapy, is an ancient practice.",
    "PRP is a concentrate of platelets.",
    "Platelet-rich plasma (PRP) injections help heal tendons by stimulating repair.",
    "Our knee braces reduce pain; the brace is a support of the joint.",
    "Shockwave treatments involve sound waves.",
    "Treatment involves a series of sessions.",
]
SLOT_TOPICS = [
    "What Is Prolotherapy?",
    "Dry Needling for Neck Pain | Clinic",
    "Cupping Therapy",
    "Platelet-Rich Plasma (PRP) Injections",
    "Knee Braces",
    "Shockwave",
]


def test_subject_patterns_answer_as_if_compiled_per_subject(config: AuditConfig) -> None:
    """Every default {subject} pattern, on sentences and headings that do and do not name
    the subject: the once-compiled marked form agrees with the pattern compiled per subject."""
    import re

    from content_audit import elements

    sources = {
        p
        for rule in config.elements
        for p in (*rule.headings, *rule.body, *rule.negative, *rule.weak)
        if elements.SUBJECT_PLACEHOLDER in p
    }
    assert sources
    checked = 0
    for topic in SLOT_TOPICS:
        subject = elements._page_subject(topic)
        for source in sorted(sources):
            marked = re.compile(
                source.replace(elements.SUBJECT_PLACEHOLDER, elements.SUBJECT_MARK),
                re.IGNORECASE | re.MULTILINE,
            )
            exact = re.compile(
                source.replace(elements.SUBJECT_PLACEHOLDER, subject.regex),
                re.IGNORECASE | re.MULTILINE,
            )
            for text in SLOT_SENTENCES:
                want = exact.search(text) is not None
                got = marked.search(subject.mark(text)) is not None
                assert got == want, (topic, source[:60], text)
                checked += want
    assert checked > 10  # the sentences do exercise matches, not only misses


def test_subject_mark_is_one_word_the_patterns_never_meet() -> None:
    from content_audit import elements

    subject = elements._page_subject("Dry Needling for Neck Pain")
    assert subject.mark("Dry-needling works.") == f"{elements.SUBJECT_MARK} works."
    assert re.fullmatch(r"\w+", elements.SUBJECT_MARK)


def test_abbreviation_defined_in_the_text_names_the_subject(config: AuditConfig) -> None:
    """ "Extracorporeal Shockwave Therapy (ESWT)" makes ESWT a wording of the subject."""
    from content_audit.elements import text_acronyms

    topic = "Shockwave Therapy | Clinic"
    text = "We offer Extracorporeal Shockwave Therapy (ESWT) for heel pain."
    assert "ESWT" in text_acronyms(topic, text)
    page = Page(
        url=None,
        title=topic,
        h1=("Shockwave Therapy",),
        sections=(Section("", 0, (text, "ESWT is a non-invasive treatment for tendon pain.")),),
    )
    assert by_name(find_elements(page, config))["definition"].present


# --- three verdicts, and general English forms (sentences written here, not from a site) --


def _one(title: str, *sentences: str, heading: str = "") -> Page:
    return Page(url=None, title=title, h1=(title,), sections=(Section(heading, 2, sentences),))


GENERAL_FORMS = [
    ("definition", "Shockwave Therapy", "Shockwave therapy delivers acoustic pulses into tissue."),
    ("definition", "Sciatica", "Sciatica: pain that travels along the sciatic nerve."),
    ("definition", "Sciatica", "Sciatica is not a diagnosis so much as a description."),
    ("definition", "Knee Bursitis", "Knee bursitis, a condition in which the bursa swells, hurts."),
    ("definition", "Cupping", "Cupping occurs when cups draw the skin upward."),
    ("definition", "Meniscal Tears", "The menisci are cartilage pads, which function to cushion."),
    ("definition", "Osteoporosis", "Osteoporosis is the gradual thinning of the bones."),
    ("uses", "Root Canal", "A root canal is needed when the pulp becomes infected."),
    ("uses", "Massage", "Massage is for people of all ages and activity levels."),
    ("uses", "Gum Grafts", "The goal of gum grafting is to cover exposed roots."),
    ("mechanism", "Dry Needling", "First we clean the skin, and then a thin needle goes in."),
    ("mechanism", "Adjustments", "By moving the joint gently, we restore its normal glide."),
    ("mechanism", "Laser", "The light warms the area, which lets the tissue heal faster."),
    ("mechanism", "Lifting", "Loading stresses bone, which helps slow the bone loss of age."),
    ("consult", "Heel Pain", "If you're dealing with heel pain, give us a call."),
    ("consult", "Heel Pain", "Schedule your evaluation with our team."),
    ("consult", "Eczema", "Keep your dermatologist informed about any herbs you take."),
    ("consult", "Braces", "Ask your dentist whether a retainer is right for you."),
    # Session 9: glosses by description, symptom-nature copulas, causal and procedural
    # rationale, condition-page care, the consultation as the means.
    ("definition", "Tinnitus", "Tinnitus, often described as a ringing in the ears, is common."),
    ("definition", "Tinnitus", "Many patients describe tinnitus as a constant hiss."),
    ("definition", "Slipped Disc", "A slipped disc, also called a bulging disc, occurs when torn."),
    ("definition", "Bursitis", "Bursitis is swelling and tenderness of a small sac near a joint."),
    ("definition", "Orthotics", "Custom orthotics are inserts that are shaped to your feet."),
    ("mechanism", "Dry Needling", "The needle causes the muscle to twitch and then let go."),
    ("mechanism", "PRP", "We draw a small sample of blood and spin it down."),
    ("mechanism", "Microneedling", "As the skin repairs itself, it lays down new collagen."),
    ("mechanism", "Decompression", "The table stretches the spine, taking pressure off the discs."),
    ("mechanism", "Ablation", "Radio waves heat and disable the nerves that carry the pain."),
    ("mechanism", "Shockwave", "The pulses break up calcium deposits in the tendon."),
    ("uses", "Sciatica", "Treatment options include exercise, manual therapy and injections."),
    ("uses", "Heel Pain", "We treat heel pain with stretching, orthotics and shockwave."),
    ("uses", "Sciatica", "Rest, ice and gentle walking can all ease the pain."),
    ("consult", "Orthotics", "Find out whether orthotics suit you by booking an assessment."),
    ("consult", "Back Pain", "Let our friendly team help you get back to the things you enjoy."),
    (
        "definition",
        "Cryotherapy",
        "Cryotherapy is whole body cold therapy, a brief spell in cold air.",
    ),
    (
        "definition",
        "Dry Socket",
        "Dry socket also called alveolar osteitis is a painful empty socket.",
    ),
    (
        "definition",
        "Runner’s Knee (Patellofemoral Pain)",
        "Patellofemoral pain is an ache by the kneecap.",
    ),
    (
        "definition",
        "Women’s Pelvic Floor Physical Therapy",
        "Pelvic floor therapy means retraining a few muscles.",
    ),
    ("mechanism", "Tooth Extraction", "The socket is then cleaned and stitched closed."),
    ("mechanism", "Wart Removal", "A mild acid is used to dissolve the thickened skin."),
    ("mechanism", "Night Guards", "The guard holds the jaw slightly open so teeth cannot grind."),
    ("mechanism", "IV Hydration", "Fluids are infused directly into the bloodstream."),
    ("mechanism", "Compression Therapy", "Swelling is kept down through the use of snug bandages."),
    ("mechanism", "Laser Hair Removal", "The light targets the pigment in each hair follicle."),
    ("mechanism", "Bunion Surgery", "The surgery requires cutting the bone and shifting the toe."),
    ("uses", "Ingrown Toenails", "Your podiatrist may recommend a minor procedure."),
    ("uses", "Sciatica", "Acupuncture for sciatica can calm the irritated nerve."),
    ("uses", "Foot Orthotics", "Orthotics assist in the treatment of knee and hip problems."),
    ("uses", "IV Therapy", "Hydration drips are often employed to treat dehydration."),
    ("uses", "Microneedling", "Microneedling can reduce acne scars and fine lines."),
    ("consult", "TMJ Pain", "Contact Dr. Lopez to get an appointment this week."),
    ("consult", "Snoring", "Ask for an assessment from a sleep physician first."),
    ("definition", "Reflexology", "Reflexology is gently pressing the points of the feet."),
    ("definition", "Shockwave", "Shockwave in sports medicine is a way to treat tendons."),
    ("definition", "Shin Splints", "Shin splints happen when the tissue along the shin tires."),
    ("definition", "Chiropractic", "Chiropractic care is a hands-on way to care for the spine."),
    ("definition", "Knee Osteoarthritis", "Osteoarthritis is wear of the cartilage in a joint."),
    ("consult", "Back Pain", "Book your whole family in for a spinal check appointment."),
    ("consult", "Eczema", "Seeing a dermatologist early can save months of itching."),
    ("mechanism", "Sleep Study", "Small sensors will be taped to your chest and legs."),
    ("uses", "Ultrasound Therapy", "Ultrasound is sometimes recommended for stiff joints."),
    ("uses", "Aquatic Therapy", "Common applications include arthritis and back pain."),
    ("uses", "Disc Herniation", "Treatment includes rest, exercise, and sometimes injections."),
    ("definition", "Dry Eye Treatment", "Dry eye happens when the eyes make too few tears."),
    ("definition", "Carpal Tunnel", "Carpal tunnel syndrome is a pinched nerve at the wrist."),
    ("definition", "Epidural Injection", "An epidural injection places a steroid by the nerves."),
    (
        "definition",
        "Tennis Elbow",
        "Tennis elbow, also called lateral epicondylitis, is the most common.",
    ),
    ("mechanism", "Tinnitus Care", "The tinnitus evaluation starts with a long interview."),
    ("mechanism", "Lymphatic Drainage", "Light strokes move fluid toward healthy lymph nodes."),
    ("mechanism", "IV Therapy", "It is a matter of inserting a fine needle into a vein."),
    ("mechanism", "Speech Therapy", "We use games such as puppets to encourage talking."),
    ("mechanism", "Decompression", "The table helps open up space between the vertebrae."),
    ("mechanism", "Cold Laser", "The light speeds up cellular repair in the tendon."),
    ("uses", "Lymph Drainage", "Drainage is for the treatment of swelling after surgery."),
    ("uses", "Bunions", "Surgery might be recommended if shoes no longer fit."),
    ("uses", "Decompression", "It is a gentle means of relieving low back pain."),
    ("uses", "Psoriasis", "Therapies can include creams, tablets, and light."),
    ("uses", "Acupuncture", "Many patients find relief with a few sessions."),
    ("uses", "Tinnitus", "We offer proven tinnitus treatments in our clinic."),
    ("consult", "Bunions", "A podiatrist can help relieve the pressure on the joint."),
    ("consult", "Steroids", "Contact your primary care provider before stopping any medicine."),
    ("consult", "Orthotics", "Get properly assessed by a podiatrist before you buy."),
    ("uses", "Veneers", "Veneers are used to hide chips and stains on front teeth."),
    ("uses", "Patch Testing", "A patch test is done to find out which metals irritate you."),
    ("uses", "Sclerotherapy", "It is a procedure used to eliminate small leg veins."),
    ("uses", "Occupational Therapy", "Therapists are instrumental in addressing trouble dressing."),
    ("uses", "Receding Gums", "Receding gums can be repaired with a thin graft."),
    ("mechanism", "Skin Testing", "A tiny prick in the skin is then made."),
    ("mechanism", "Chemical Peels", "The acid removes dull layers to let fresh skin come through."),
    ("mechanism", "Gum Grafting", "The usual way to perform a graft is to take palate tissue."),
    ("mechanism", "Pelvic Physio", "The physiotherapist uses a gloved finger to check tone."),
    ("mechanism", "Mole Checks", "We examine every mole with a lit magnifier."),
    ("mechanism", "Ear Wax Removal", "The wax is gently suctioned out of the canal."),
    ("mechanism", "Trigger Points", "Your pain doctor injects a local anaesthetic into the knot."),
    ("consult", "Ear Care", "Contact Riverside Hearing Clinic"),
    ("consult", "Peels", "Peels should be done by a licensed dermatologist."),
    ("consult", "Pregnancy Care", "Expectant mothers should have their spines checked often."),
    ("consult", "Testosterone", "Talking with your doctor is the first step."),
    ("consult", "Moles", "Discuss any new spots or changes with your provider."),
    ("uses", "Gout", "A low-purine diet and medication can treat gout well."),
    ("uses", "Shin Splints", "Usual treatment involves rest and a slow return to running."),
    ("uses", "Spider Veins", "Sclerotherapy is a quick treatment for spider veins."),
    ("uses", "LASIK", "LASIK is a surgery that corrects blurry distance vision."),
    ("uses", "Cardiac Rehab", "It is offered to every heart patient who would benefit."),
    ("mechanism", "Reflexology", "Each session starts with slow warming strokes."),
    ("mechanism", "Reflexology", "It is based on a system of zones across the feet."),
    ("mechanism", "Gum Grafts", "A strip of tissue is taken from the palate."),
    ("mechanism", "Ankle Sprain", "Apply ice for twenty minutes to reduce swelling."),
    ("mechanism", "Sprain Rehab", "Phase 1 involves resting and protecting the joint."),
    ("definition", "An Overview of Morton's Neuroma", "Morton’s neuroma is a thickened nerve."),
    ("definition", "Getting a Dental Crown", "A dental crown is essentially a cap for a tooth."),
    ("definition", "Veneers", "Veneers are made up of thin shells of porcelain."),
    ("definition", "Microsuction", "Microsuction of the ears is a gentle way to clear wax."),
    ("definition", "Dermal Fillers", "Dermal fillers are gels containing hyaluronic acid."),
    ("definition", "Wisdom Tooth Surgeries", "Wisdom tooth extraction is a short operation."),
    (
        "definition",
        "Sclerotherapy",
        "Sclerotherapy or vein injection therapy is a treatment of veins.",
    ),
    ("definition", "Sclerotherapy", "Sclerotherapy, or vein injection, is a treatment of veins."),
    ("definition", "Wisdom Tooth Removal", "Wisdom teeth removal is a short procedure."),
    ("mechanism", "Radiofrequency Ablation", "The heat disrupts pain signals from the joint."),
    (
        "mechanism",
        "Trigger Points",
        "The shots deliver a dose of anaesthetic directly into the painful muscle.",
    ),
    (
        "mechanism",
        "Hamstring Strain",
        "Early care is aimed at reducing the bleeding in the muscle.",
    ),
    ("mechanism", "Pregnancy Massage", "It calms the nervous system through gentle touch."),
    ("mechanism", "Chiropractic", "Adjustments usually involve a quick, gentle thrust."),
    ("mechanism", "Fillers", "The gel is injected with a fine needle into the cheek."),
    (
        "mechanism",
        "Craniosacral Therapy",
        "The practitioner employs light touches to sense tension.",
    ),
    ("mechanism", "Gum Grafts", "The periodontist administers a local anaesthetic first."),
    ("mechanism", "Chiropractic", "Adjustments work to correct misalignments of the spine."),
    ("mechanism", "Pelvic Physio", "First you will sit down with your therapist to talk."),
    ("mechanism", "Naturopathy", "Next, a review of your body systems will be performed."),
    ("mechanism", "Infant Care", "Neck tension can easily be relieved with gentle pressure."),
    ("consult", "Pelvic Physio", "Secure an appointment with one of our physiotherapists."),
    ("consult", "LASIK", "It is essential that you have a full eye exam first."),
    ("consult", "Skin Checks", "We strongly advise yearly full-body skin checks."),
    ("uses", "Plagiocephaly", "Treatment includes frequent changes of the baby's position."),
    ("uses", "Torticollis", "Torticollis is treated by a pediatric physical therapist."),
    ("uses", "Meniscus Tear", "Physio plays a central role in the management of meniscus tears."),
    ("uses", "Meniscus Tear", "Physiotherapy is often the first line of treatment."),
    ("uses", "Moxibustion", "We treat babies in breech position with moxibustion."),
    ("uses", "Falls Prevention", "Our program helps people who are unsteady on their feet."),
    ("uses", "Tinnitus Retraining", "This therapy can help these individuals a great deal."),
    ("uses", "SI Joint Injection", "The injections may also be used as a diagnostic tool."),
    ("mechanism", "IPL Photofacial", "The light energy is converted to heat in the pigment."),
    ("mechanism", "Laser Nail Treatment", "The light is absorbed by the fungus in the nail."),
    (
        "mechanism",
        "Tinnitus Retraining",
        "It uses low-level broadband noise and counselling to retrain the brain.",
    ),
    ("mechanism", "Night Guards", "With the guard in place, your teeth cannot grind together."),
    ("mechanism", "Fluoride Varnish", "When applied to the teeth, it strengthens the enamel."),
    ("mechanism", "Verrucas", "Cryotherapy involves applying liquid nitrogen to the wart."),
    ("mechanism", "SI Joint Injection", "Your physician will direct a needle into the joint."),
    ("mechanism", "IVF Support", "Acupuncture may support the IVF process by:"),
    ("mechanism", "PRP Hair Restoration", "PRP triggers healing in the scalp."),
    ("consult", "Rosacea", "Please call our offices for an appointment."),
    ("consult", "Rosacea", "Make sure you see your dermatologist."),
    ("consult", "Headaches", "You'll need to visit your GP first."),
    ("consult", "De Quervain's", "You should seek a referral to us from your GP."),
    ("consult", "Low Vision", "The answer is a matter of consulting with a low vision expert."),
    ("consult", "Breech Babies", "If your baby is breech, get treatment as soon as possible."),
    ("consult", "Falls Prevention", "We encourage patients to join our balance classes."),
    ("consult", "Heel Pain", "Please feel free to ask the podiatrist about it."),
    ("consult", "IVF Support", "Patients should consult their practitioners first."),
    ("mechanism", "Skin Tag Removal", "Removal can be accomplished by cutting with a blade."),
    ("mechanism", "Night Guards", "Two appointments are needed to make and fit the guard."),
    ("mechanism", "IPL Photofacial", "A typical regimen consists of 4 to 6 treatments."),
    ("definition", "Skin Tag Removal", "Skin tags are small, soft growths that hang off the skin."),
    (
        "definition",
        "Reflexology",
        "Reflexology is the physical act of pressing points on the feet.",
    ),
    ("definition", "Who's a Good Candidate for IPL?", "IPL is a treatment that uses pulsed light."),
    ("definition", "Graston Technique", "Graston Technique® is a soft tissue method."),
    ("uses", "Graston Technique", "It is used by chiropractors to break up scar tissue."),
    ("uses", "Bunions", "Bunion treatment usually starts with a change in footwear."),
    ("uses", "Ingrown Toenails", "Treatments range from simple care to removal of the nail."),
    ("uses", "HRT", "HRT helps with the symptoms of menopause."),
    ("uses", "Knee Osteoarthritis", "Exercise is one of the most effective treatments."),
    ("uses", "Semaglutide", "It is a prescription medication for adults who are obese."),
    ("uses", "Schroth Method", "It is applicable to patients of all ages."),
    ("uses", "Flat Feet", "She will most likely benefit from custom orthotics."),
    ("uses", "Hypermobility", "These may be managed by physiotherapists in the same way."),
    ("uses", "Pessaries", "A pessary could also be considered to help with leaking."),
    ("mechanism", "Invisalign", "The aligners cause the teeth to gradually move into place."),
    ("mechanism", "Sleep Apnea Appliances", "The appliance repositions the lower jaw forward."),
    ("mechanism", "Custom Orthotics", "We use a force plate that measures the pressure."),
    ("mechanism", "Cryotherapy", "Once you enter the chamber, you will hand over your robe."),
    ("mechanism", "Ear Acupuncture", "It is done on specific points of the outer ear."),
    ("mechanism", "Botox", "The toxin blocks the release of acetylcholine."),
    ("mechanism", "Allergy Shots", "Immunotherapy helps your immune system build antibodies."),
    ("mechanism", "Sclerotherapy", "The procedure injects a solution into a feeder vein."),
    ("consult", "Neck Pain", "Please do not hesitate to come in for an assessment."),
    ("consult", "Sensory Processing", "If it is hard to get through the day, please call us."),
    ("consult", "Headaches", "Rest and a visit to your chiropractor will help."),
    ("consult", "Glaucoma", "It is important to have regular visits to an ophthalmologist."),
    ("consult", "Cataracts", "Regular exams and follow-ups are recommended."),
    ("uses", "Acupuncture for Anxiety", "Acupuncture treats anxiety by calming the body."),
    ("uses", "Hip Bursitis", "Most patients heal well with appropriate physiotherapy."),
    (
        "definition",
        "Chiropractic Care for a Slipped Disc",
        "A slipped disc occurs when the core leaks.",
    ),
    ("definition", "Root Canal", "A tooth root canal is a treatment for infected pulp."),
    ("definition", "Laser Hair Removal Session", "Laser hair removal is a procedure using light."),
    (
        "definition",
        "Biofeedback for Pelvic Floor Retraining",
        "Biofeedback for pelvic floor muscle retraining is a treatment that teaches control.",
    ),
    # The care a condition gets, in the verbs English lists it with.
    ("uses", "Heel Spurs", "Treatment usually involves stretching, orthotics and rest."),
    ("uses", "Bunions", "Treatments for painful bunions include padding and surgery."),
    ("uses", "Warts", "There are several treatment options, including freezing and acids."),
    ("uses", "Shin Splints", "A physiotherapist can help you manage this condition."),
    ("uses", "Prolapse", "Pelvic floor training is able to treat a mild prolapse."),
    ("uses", "Rotator Cuff Tears", "Rehabilitation focuses on strengthening the shoulder."),
    ("uses", "Tremor Program", "It was developed for people with Parkinson’s disease."),
    ("uses", "Dermal Fillers", "Fillers can soften the appearance of deep folds."),
    ("uses", "Crowns", "Crowns are used when a tooth is badly worn or cracked."),
    ("uses", "Ganglion Cysts", "Aspiration is one treatment option for a painful cyst."),
    ("uses", "Hives", "Our dermatologists specialize in treating chronic hives."),
    ("uses", "Skin Tags", "They are usually easily removed with a quick snip."),
    ("uses", "Laser Therapy", "The laser is approved for the treatment of nail fungus."),
    ("uses", "Hip Bursitis", "We provide hands-on care to reduce pain and restore movement."),
    # A plural subject classed by a bare plural, as a singular one is by "a".
    ("definition", "Skin Tags", "Skin tags are small, soft, flesh-coloured growths."),
    ("definition", "Corns", "Corns are thick, hard patches of skin on the toes."),
    ("definition", "Inlays", "Inlays and onlays are custom restorations that fit the tooth."),
    ("definition", "Bunions", "Bunions are bony bumps that form at the base of the big toe."),
    (
        "definition",
        "Pelvic Organ Prolapse",
        "Surgery may help pelvic organ prolapse, a condition that weakens support.",
    ),
    (
        "definition",
        "Spondylolisthesis",
        "When a vertebra slips onto the bone below, spondylolisthesis occurs.",
    ),
    ("definition", "Long COVID", "Long COVID can be described as symptoms that last for months."),
    ("definition", "Speech Delays", "Speech delays in toddlers refer to words arriving late."),
    # Advice to have the visit or the examination, or to get care.
    ("consult", "First Dental Visit", "Your toddler should visit the dentist by age one."),
    ("consult", "Eye Exams", "Adults should have a dilated eye exam every year."),
    ("consult", "Diabetic Eye Exams", "It is vital for every diabetic to have an annual eye exam."),
    ("consult", "Calf Strain", "It is important to get treatment early for a calf tear."),
    ("consult", "Sciatica", "It is better to be assessed before the pain settles in."),
    ("consult", "Growing Pains", "It is wise to seek the advice of a podiatrist."),
    ("consult", "Moles", "Any mole that changes colour should be evaluated."),
    ("consult", "Wrist Pain", "An appointment with a hand specialist should be made soon."),
    ("consult", "ACL Rehab", "Book into your first appointment below."),
    # Steps, instruments and what the care does to the body.
    ("mechanism", "Dentures", "Several appointments are required for impressions and fittings."),
    ("mechanism", "Crowns", "Impressions of your teeth will be taken at the first visit."),
    (
        "mechanism",
        "Hives",
        "To find out what causes your rash, our doctor will review your history.",
    ),
    ("mechanism", "Eye Exams", "During the exam the optometrist will check your pressure."),
    (
        "mechanism",
        "Hip Replacement",
        "During hip replacement, the worn joint surfaces are replaced with metal.",
    ),
    ("mechanism", "Cryotherapy", "The spot is treated using liquid nitrogen to freeze the cells."),
    ("mechanism", "Botox", "The injection blocks the nerve signals to the muscle."),
    ("mechanism", "Allergy Drops", "Drops are given in gradually increasing doses over months."),
    ("mechanism", "Lazy Eye", "Patching trains the brain to use the weaker eye."),
    ("mechanism", "Needle Fasciotomy", "The cord is divided using a fine needle."),
]


@pytest.mark.parametrize(("name", "title", "sentence"), GENERAL_FORMS)
def test_general_forms_are_found(config: AuditConfig, name: str, title: str, sentence: str) -> None:
    result = by_name(find_elements(_one(title, sentence), config))[name]
    assert result.status == "found", (name, sentence)
    assert result.evidence == sentence and result.confidence == 0.75


LEAD_DEFINITIONS = [
    # An entry that opens on its subject and says what it does or is made of.
    ("Trigger Finger", "Trigger finger affects the sheath around the tendons of the finger."),
    ("Scaling and Root Planing", "Scaling and root planing removes plaque below the gum line."),
    ("Trigger Finger", "A trigger finger presents as a finger that clicks or locks."),
    ("Warts and Verrucas", "Verrucas are simply growths on the sole of the foot."),
    ("Cold Sore Treatment", "Cold sores are small, fluid-filled lesions that form on the lip."),
    ("Knee Meniscus Tear", "A meniscus tear is when the cartilage in the knee rips."),
    ("Cold Sores", "Cold sores, also called fever blisters, are a common viral infection."),
    # Named by its kind: the article's own procedure.
    ("Genicular Nerve Block", "This outpatient procedure is an injection of anaesthetic."),
    ("Photofacial", "This skin treatment uses intense pulsed light to even the skin."),
    ("Rosacea Symptoms and Causes", "Rosacea is a chronic skin condition of the face."),
]

NOT_LEAD_DEFINITIONS = [
    # A subordinate clause first: the sentence is about something else.
    ("Wisdom Teeth Removal", "Although wisdom teeth removal is a routine procedure, rest."),
    # A claim, not a nature: an adjective after the copula.
    ("Verrucas", "Verrucas are contagious in swimming pools and changing rooms."),
    # What it treats is its uses.
    ("Physiotherapy", "Physiotherapy treats a wide range of injuries."),
    # How common it is, or how it works, is not what it is.
    ("Anxiety and Stress", "Anxiety and stress affect millions of people every year."),
    ("Neck Pain", "Neck pain is something that two thirds of people will feel."),
    ("Spinal Decompression", "Spinal decompression works by gently separating the vertebrae."),
    # A comparison is not a definition.
    ("Dry Needling", "Dry needling is a newer technique compared to many others."),
]


def _opening(title: str, sentence: str) -> Page:
    """The sentence opening the article, under its H1."""
    return Page(url=None, title=title, h1=(title,), sections=(Section(title, 1, (sentence,)),))


@pytest.mark.parametrize(
    ("title", "sentence", "defines"),
    [(*case, True) for case in LEAD_DEFINITIONS]
    + [(*case, False) for case in NOT_LEAD_DEFINITIONS],
)
def test_an_opening_sentence_on_the_subject(
    config: AuditConfig, title: str, sentence: str, defines: bool
) -> None:
    """An entry that opens on its subject and says what it does or is made of defines it;
    a subordinate clause, a claim, how common it is or how it works does not."""
    result = by_name(find_elements(_opening(title, sentence), config))["definition"]
    assert (result.status == "found") == defines, sentence
    if defines:
        assert result.evidence == sentence


NOT_MECHANISM = [
    # An anatomy gloss on a condition page: the meniscus cushions, no care is explained.
    ("Meniscus Tear", "The meniscus acts as a cushion between the thigh and shin bones."),
    # A one-line purpose gloss in a list of treatments (rubric: 0).
    ("Shoulder Impingement", "Posture correction to reduce stress on the joint."),
]


@pytest.mark.parametrize(("title", "sentence"), NOT_MECHANISM)
def test_anatomy_and_purpose_glosses_are_not_mechanism(
    config: AuditConfig, title: str, sentence: str
) -> None:
    result = by_name(find_elements(_one(title, sentence), config))["mechanism"]
    assert result.status != "found", sentence


NOT_THE_ELEMENT = [
    # Who has the page's condition, and what they feel: symptoms, not what care is for.
    ("uses", "Bursitis", "People with bursitis often feel a dull ache."),
    # Who it suits is not what it is.
    ("definition", "Radiofrequency Ablation", "Radiofrequency ablation is an option for most."),
    # A step the clinic takes, told; not a prompt to the reader.
    ("consult", "Night Guards", "Once approved, we will schedule an appointment to fit it."),
    # A bare plural after "are" is not always a class: a time, a sign, an adjective.
    ("definition", "Floaters", "Floaters are more common in people who are nearsighted."),
    ("definition", "Dry Needling", "Legal and covered are two different questions."),
    ("definition", "Inlays", "Inlays and onlays are performed using similar procedures."),
    # Care that needs more or less treatment, or a sentence about the process, is no use.
    ("uses", "Tattoo Removal", "Full removal requires numerous treatment sessions."),
    ("uses", "Acne", "Fortunately, there are many effective treatments available today."),
    ("uses", "Hearing Tests", "For those who have never had a hearing test, it can feel daunting."),
    # A choice put, a step told, someone else's work: not a prompt.
    ("consult", "Floaters", "Should you call your eye doctor right away, or is it safe to wait?"),
    ("consult", "Dupuytren’s", "The hand therapist would work closely with your surgeon."),
    ("consult", "Dental Sedation", "Do you dread the time to visit the dentist?"),
    # An exam to choose the options is not how care works.
    (
        "mechanism",
        "Cataract Surgery",
        "Your surgeon will conduct a thorough exam to evaluate the best options.",
    ),
    # "physical" in the title is no stem of the subject: "physician" is not the subject.
    ("definition", "Sports Physical Therapy", "A physician is a doctor who can prescribe."),
    ("definition", "Billing Policy", "This means that you sign the form before your visit."),
    ("definition", "Virtual PT", "Virtual care is a poor fit in a few cases."),
    ("definition", "Massage", "Massage for athletes is one of the best things to try."),
    ("consult", "Sleep Study", "Please call us if you need to reschedule your appointment."),
    ("uses", "Massage", "The treatment includes a short talk before you start."),
    ("uses", "Eczema", "Parents with eczema often have children with eczema."),
    ("consult", "Jaw Pain", "Your physical therapist can help to ensure the following:"),
    (
        "mechanism",
        "Insurance",
        "We assist you in maximizing your benefit by completing your forms.",
    ),
    ("mechanism", "Carpal Tunnel", "Your doctor may do tests to see whether the nerve is hurt."),
    ("mechanism", "Chiropractic", "In our practice we evaluate each new patient individually."),
    ("mechanism", "Dry Needling", "During your appointment I use whatever techniques fit best."),
    ("uses", "Back Pain Dos and Don'ts", "To prevent back pain:"),
    ("uses", "Dry Needling", "Book a visit and get a clear plan to relieve your pain."),
    # The practitioner is not the practice: "reflex…" of reflexology, not the reflexologist.
    ("definition", "Reflexology", "A reflexologist uses pressure on the feet."),
    ("consult", "Insurance", "We recommend that you check with your employer about cover."),
    ("consult", "Kids Chiropractic", "Earaches are a common reason children visit a chiropractor."),
    ("consult", "LASIK", "Before surgery you get a free consultation from a surgeon."),
    ("mechanism", "Crowns", "You may have questions about what the process entails."),
    ("mechanism", "Shoulder Rehab", "Our therapists use proven techniques to restore mobility."),
    ("consult", "Sciatica", "There is no need to see your GP first."),
    # "are also" is not "are a": the subject is not classed.
    ("definition", "Chiropractic", "Doctors of chiropractic are also licensed in all states."),
    # The cause of a condition is not how care works (rubric).
    ("mechanism", "Kyphoplasty", "A fracture in the vertebra causes it to collapse."),
    (
        "uses",
        "Choosing a Physio",
        "The title is only used by people who have been trained to practise.",
    ),
]


def test_a_subject_heading_that_lists_other_topics_is_not_a_definition(
    config: AuditConfig,
) -> None:
    page = _one(
        "Rotator Cuff Tear",
        "Shoulder pain is common in adults over forty.",
        heading="Rotator Cuff Tear: Symptoms and Causes",
    )
    assert by_name(find_elements(page, config))["definition"].status != "found"


@pytest.mark.parametrize(("name", "title", "sentence"), NOT_THE_ELEMENT)
def test_near_misses_are_not_found(
    config: AuditConfig, name: str, title: str, sentence: str
) -> None:
    result = by_name(find_elements(_one(title, sentence), config))[name]
    assert result.status != "found", sentence


def test_a_contracted_pronoun_defines_the_subject_under_its_heading(config: AuditConfig) -> None:
    sentence = "It’s a gentle, non-surgical therapy."
    title = "Spinal Decompression"
    page = Page(url=None, title=title, h1=(title,), sections=(Section(title, 1, (sentence,)),))
    assert by_name(find_elements(page, config))["definition"].status == "found"


def test_a_superlative_is_not_a_definition(config: AuditConfig) -> None:
    sentence = "Acupuncture is the best treatment of all for stress."
    result = by_name(find_elements(_one("Acupuncture", sentence), config))["definition"]
    assert result.status != "found"


NOT_A_PROMPT = [
    "There are many reasons people choose to visit a chiropractor.",
    "Call us if something does not feel right after your session.",
    "This information should not be used without first consulting your physician.",
    "Many readers wonder about this before booking a session with us.",
]


@pytest.mark.parametrize("sentence", NOT_A_PROMPT)
def test_descriptions_and_safety_nets_are_not_consult_prompts(
    config: AuditConfig, sentence: str
) -> None:
    assert not by_name(find_elements(_one("Heel Pain", sentence), config))["consult"].present


def test_a_weak_candidate_is_unclear_and_quoted(config: AuditConfig) -> None:
    """A sentence that touches on the element without settling it: unclear, not missing."""
    sentence = "Scoliosis affects many teenagers in their growth years."
    result = by_name(find_elements(_one("Scoliosis", sentence), config))["definition"]
    assert result.status == "unclear" and not result.present
    assert result.evidence == sentence and result.confidence == 0.4


CANDIDATES = [
    # Close to the element without settling it: an editor checks the quoted candidate.
    ("definition", "Ear Wax Removal", "Micro-suction is the gentlest way to clear the ears."),
    ("uses", "Wrist Splints", "The splint is meant to keep the wrist straight at night."),
    ("mechanism", "Physical Therapy", "Your therapist then reviews your progress."),
    ("definition", "Shin Splints", "Many new runners know the ache called shin splints."),
    # When to have it or what it needs, without saying what it treats.
    ("uses", "Keratoconus", "Keratoconus often requires a procedure called cross-linking."),
    ("uses", "Hearing Tests", "Adults should have their hearing tested every few years."),
]


@pytest.mark.parametrize(("name", "title", "sentence"), CANDIDATES)
def test_near_statements_are_unclear_not_missing(
    config: AuditConfig, name: str, title: str, sentence: str
) -> None:
    result = by_name(find_elements(_one(title, sentence), config))[name]
    assert result.status == "unclear" and result.evidence == sentence, result


def test_nothing_close_is_missing(config: AuditConfig) -> None:
    result = by_name(find_elements(_one("Scoliosis", "Our office opens at nine."), config))
    assert result["definition"].status == "missing"
    assert result["definition"] == ElementResult("definition", False)


def test_heading_over_nothing_but_glosses_is_unclear(config: AuditConfig) -> None:
    glosses = (
        "Custom orthotics — arch support that spreads the load.",
        "Shockwave therapy — sound waves aimed at the tendon.",
    )
    page = _one("Flat Feet", *glosses, heading="How We Treat Flat Feet")
    result = by_name(find_elements(page, config))["mechanism"]
    assert result.status == "unclear" and result.heading == "How We Treat Flat Feet"


def test_disclaimer_section_is_never_evidence(config: AuditConfig) -> None:
    text = "Consult your physician before starting any exercise program."
    page = Page(
        url=None,
        title="Knee Pain",
        sections=(Section("Disclaimer", 2, (text,)),),
    )
    assert by_name(find_elements(page, config))["consult"].status == "missing"


def test_library_entry_subject_comes_from_its_first_heading(config: AuditConfig) -> None:
    """Under a section-name H1 ("Medical Library"), the heading the text keeps naming."""
    body = (
        "Frozen shoulder is a stiffening of the shoulder capsule.",
        "Frozen shoulder often follows a period of immobility.",
        "Frozen shoulder improves with gentle stretching.",
    )
    page = Page(
        url=None,
        title="Medical Library",
        h1=("Medical Library",),
        sections=(Section("Frozen Shoulder", 2, body),),
    )
    assert by_name(find_elements(page, config))["definition"].evidence == body[0]


def test_a_heading_that_is_an_invitation_is_the_consult_prompt(config: AuditConfig) -> None:
    heading = "Contact Us Today at (985) 555-0100 to Learn How Therapy Can Help You"
    page = Page(
        url=None,
        title="Strength Training",
        h1=("Strength Training",),
        sections=(Section(heading, 2, ()),),
    )
    result = by_name(find_elements(page, config))["consult"]
    assert result.status == "found" and result.evidence == heading


def test_the_title_itself_is_never_evidence(config: AuditConfig) -> None:
    title = "Compression Therapy for Leg Swelling: What to Expect"
    page = Page(url=None, title=title, h1=(title,), sections=(Section(title, 1, ("Hello.",)),))
    assert by_name(find_elements(page, config))["uses"].status != "found"


def test_please_give_us_a_call_is_a_prompt(config: AuditConfig) -> None:
    sentence = "To learn more about our program, please give us a call (985) 555-0100."
    page = _one("Work Conditioning", sentence)
    assert by_name(find_elements(page, config))["consult"].status == "found"


def test_one_kind_of_care_may_stand_for_another_in_the_subject(config: AuditConfig) -> None:
    """ "Blood Flow Restriction Therapy" defined as "Blood flow restriction (BFR) rehab..."."""
    sentence = "Blood flow restriction (BFR) rehabilitation is the brief occlusion of blood flow."
    page = _one("Blood Flow Restriction Therapy", sentence)
    assert by_name(find_elements(page, config))["definition"].status == "found"


# --- entries that gloss their subject, lists of glosses, benefit bullets (issue #13) ------


def _entry(heading: str, *paragraphs: str, h1: str = "Medical Library") -> Page:
    """A library entry: a section-name H1, then the entry's own heading and text."""
    return Page(
        url=None,
        title=f"{h1} 12",
        h1=(h1,),
        sections=(
            Section("", 0, ("Overview / Treatments / Goals",)),
            Section(heading, 4, paragraphs),
            Section("Disclaimer", 5, ("The information is for informational purposes only.",)),
        ),
    )


@pytest.mark.parametrize(
    "gloss",
    [
        "Hands-on therapeutic procedures intended to increase soft tissue or joint mobility.",
        "The movement of the wrist, by the patient, through a range of motion against gravity.",
        "Inflammation of the thick band of tissue along the sole of the foot.",
    ],
)
def test_a_verbless_gloss_opening_an_entry_defines_its_subject(
    config: AuditConfig, gloss: str
) -> None:
    page = _entry(
        "Wrist Joint Mobilization",
        gloss,
        "It is usually prescribed for stiffness.",
        h1="Wrist Joint Mobilization",
    )
    found = by_name(find_elements(page, config))["definition"]
    assert found.status == "found" and found.evidence == gloss


def test_the_same_gloss_elsewhere_or_without_a_full_stop_proves_nothing(
    config: AuditConfig,
) -> None:
    gloss = "Hands-on therapeutic procedures intended to increase soft tissue or joint mobility"
    # No full stop: a tagline, not a gloss.
    name = "Wrist Joint Mobilization"
    page = _entry(name, gloss, h1=name)
    assert by_name(find_elements(page, config))["definition"].status != "found"
    # Second sentence under the heading: not where an entry opens.
    page = _entry(name, "Ask us about it today.", gloss + ".", h1=name)
    assert by_name(find_elements(page, config))["definition"].status != "found"


def test_an_entry_heading_is_the_subject_when_the_text_never_names_the_h1(
    config: AuditConfig,
) -> None:
    page = _entry(
        "Loose Bodies",
        "Loose bodies are fragments of cartilage or bone floating in the elbow joint. "
        "Surgical removal of the loose bodies may follow if conservative care fails.",
    )
    found = by_name(find_elements(page, config))["definition"]
    assert found.status == "found"
    assert found.evidence and found.evidence.startswith("Loose bodies are fragments")


def test_a_heading_over_a_list_of_one_line_glosses_is_only_unclear(config: AuditConfig) -> None:
    """Each item "Name — purpose", one running on for a sentence: still a list of glosses."""
    page = Page(
        url=None,
        title="Flat Feet",
        h1=("Flat Feet",),
        sections=(
            Section("", 0, ("Flat feet are feet whose arches collapse when you stand.",)),
            Section(
                "How we treat flat feet",
                2,
                (
                    "Custom orthotics — precision arch support that controls motion",
                    "Strengthening — rebuilding the muscles that support the arch",
                    "Surgery — for rigid deformities. Our surgeons have long experience.",
                ),
            ),
        ),
    )
    assert by_name(find_elements(page, config))["mechanism"].status == "unclear"


@pytest.mark.parametrize(
    "bullet", ["Enhance immunity by stimulating lymph flow.", "Increased circulation."]
)
def test_a_benefit_bullet_is_not_a_mechanism(config: AuditConfig, bullet: str) -> None:
    page = Page(
        url=None,
        title="Massage Therapy",
        h1=("Massage Therapy",),
        sections=(Section("", 0, ("Massage can help with many conditions:", bullet)),),
    )
    assert by_name(find_elements(page, config))["mechanism"].status != "found"


def test_a_catalogue_title_gives_way_to_the_entry_heading(config: AuditConfig) -> None:
    """ "Medical Library Shoulder 33" is a place in a series; the entry names its subject."""
    page = replace(
        _entry(
            "Rotator Cuff Tears",
            "Rotator cuff tears are tears of the tendons that hold the shoulder joint. "
            "Rotator cuff tears happen after a fall; the shoulder then aches at night.",
        ),
        title="Medical Library Shoulder 33",
    )
    found = by_name(find_elements(page, config))["definition"]
    assert found.status == "found"
    assert found.evidence and found.evidence.startswith("Rotator cuff tears are tears")


@pytest.mark.parametrize(
    ("heading", "sentence", "status"),
    [
        # Each alternative of "A/B" names the subject.
        ("Ankle Sprains/Instability", "Ankle sprains are a common injury of the foot.", "found"),
        # "X is the loss of ...": the subject as a process.
        ("Incontinence", "Incontinence is the loss of bladder or bowel control.", "found"),
        # An aside does not change what the sentence says.
        (
            "Tennis Elbow",
            "Tennis elbow (lateral epicondylalgia, pain of the epicondyle) is a painful "
            "condition on the outer aspect of the elbow.",
            "found",
        ),
        # A condition entry opening on where the condition comes from states its nature.
        (
            "Quadriceps Tendon Rupture",
            "This injury is often the result of forceful kicking or a fall.",
            "found",
        ),
        ("Skier's Thumb", "Skier's thumb is caused by a force that bends the thumb out.", "found"),
        ("Tibialis Posterior Tendonitis", "This often occurs in runners who overtrain.", "found"),
        ("Stress Fractures", "These fractures result from repeated loads on the bone.", "found"),
        # Further into the entry the same sentence is a candidate, not a definition.
        (
            "Quadriceps Tendon Rupture",
            "The tendon joins the thigh muscles to the kneecap. This injury is often the "
            "result of forceful kicking or a fall.",
            "unclear",
        ),
        # "This is a fracture of ...": the entry's subject, by a pronoun under its heading.
        (
            "Fracture of the Hook of Hamate",
            "This is a fracture of a small bone of the palm.",
            "found",
        ),
        # Quotation marks around the subject or a verb do not change the sentence.
        (
            "Whiplash",
            'Whiplash - a "whiplash" is the term that describes a sudden movement of the head.',
            "found",
        ),
    ],
)
def test_entry_sentences(config: AuditConfig, heading: str, sentence: str, status: str) -> None:
    page = _entry(heading, sentence, h1=heading)
    assert by_name(find_elements(page, config))["definition"].status == status


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # What the care involves, as actions: how it is carried out.
        ("Gait training involves retraining the patient to walk again.", "found"),
        # ... by name only: maybe, maybe not.
        ("Gait training involves an assessment and a treadmill.", "unclear"),
        # A visit placed in time is not how care works.
        ("Providers must be licensed in the state where you sit during the visit.", "unclear"),
    ],
)
def test_mechanism_by_what_care_involves(config: AuditConfig, sentence: str, status: str) -> None:
    page = _entry("Gait Training", sentence, h1="Gait Training")
    assert by_name(find_elements(page, config))["mechanism"].status == status


def test_a_subject_stem_matches_whole_words_only(config: AuditConfig) -> None:
    """ "train…" (of "gait training") must not turn "retraining" into the subject."""
    page = _entry("Gait / Balance Training", "Gait training involves retraining the patient.")
    assert by_name(find_elements(page, config))["mechanism"].status == "found"


def test_a_described_appointment_is_not_a_consult_heading(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="Neck Pain",
        h1=("Neck Pain",),
        sections=(
            Section("What to Expect From Your First Appointment", 2, (
                "We take a full history and examine how your neck moves.",
            )),
        ),
    )  # fmt: skip
    assert by_name(find_elements(page, config))["consult"].status != "found"


def _post(title: str, *intro: str) -> Page:
    return Page(url=None, title=title, h1=(title,), sections=(Section(title, 1, intro),))


def test_the_subject_an_article_announces_is_its_subject(config: AuditConfig) -> None:
    """A page titled for a condition may be about one treatment, and says so."""
    page = _post(
        "Exploring Effective Treatments for Brain Conditions",
        "Headaches and memory problems bring many people to a neurologist. This article "
        "examines MRI in detail. Scans come in several kinds.",
        "Later on we compare it with other scans. MRI is a noninvasive imaging test.",
    )
    found = by_name(find_elements(page, config))["definition"]
    assert found.status == "found" and found.evidence == "MRI is a noninvasive imaging test."


def test_an_introduction_may_open_a_paragraph_on_its_subject(config: AuditConfig) -> None:
    page = _post(
        "Exploring Effective Treatments for Chronic Back Pain",
        "Many people live with back pain every day.",
        "Prolotherapy is a shot-based treatment. It has been used for decades.",
    )
    assert by_name(find_elements(page, config))["definition"].status == "found"


def test_any_name_classed_as_a_practice_is_only_a_candidate(config: AuditConfig) -> None:
    """ "Helms Performance is a cash-pay practice": the clinic, not the page's subject."""
    page = _post(
        "Is Dry Needling Covered by Insurance?",
        "Coverage depends on your plan.",
        "Most plans list it under physical medicine. Helms Performance is a cash-pay "
        "practice, so we do not bill insurance directly.",
    )
    assert by_name(find_elements(page, config))["definition"].status != "found"


# How English states each element, one sentence in a two-sentence intro under the topic's
# H1 (issue #13's classes of misses on sites nobody tuned for).
ENGLISH_FORMS = [
    (
        "Shockwave Therapy",
        "definition",
        "Shockwave therapy delivers acoustic pulses into damaged tissue.",
        True,
    ),
    (
        "Sciatica",
        "definition",
        "Sciatica — pain that travels along the sciatic nerve — often starts low.",
        True,
    ),
    (
        "Plantar Fasciitis",
        "definition",
        "Plantar fasciitis, an inflammation of the band of tissue under the foot, hurts.",
        True,
    ),
    ("PRP Injections", "definition", "This procedure uses your own blood to speed healing.", True),
    (
        "PRP Injections",
        "definition",
        "PRP, or platelet-rich plasma, is made from your own blood.",
        True,
    ),
    (
        "Tennis Elbow",
        "definition",
        "Tennis elbow happens when the tendons of the forearm are overloaded.",
        True,
    ),
    (
        "Custom Orthotics",
        "definition",
        "Orthotics are shoe inserts made from a mould of your feet.",
        True,
    ),
    ("Knee Pain", "consult", "If you're dealing with knee pain, give us a call.", True),
    ("Knee Pain", "consult", "Schedule your evaluation today.", True),
    ("Night Guards", "consult", "Ask your dentist whether a night guard is right for you.", True),
    (
        "Chiropractic",
        "consult",
        "There are many reasons people choose to visit a chiropractor.",
        False,
    ),
    ("Chiropractic", "consult", "Many patients visit a chiropractor for back pain.", False),
    ("Dry Needling", "mechanism", "First, we numb the area; then we insert a thin needle.", True),
    (
        "Dry Needling",
        "mechanism",
        "Because the needle releases the knot, the muscle can relax.",
        True,
    ),
    ("Laser Therapy", "mechanism", "The laser reduces inflammation in the tendon.", True),
    ("Massage", "mechanism", "Massage improves your mood.", False),
    ("PRP Injections", "uses", "Good candidates include people with chronic tendon pain.", True),
    (
        "Acupuncture",
        "uses",
        "Acupuncture can help with migraines, nausea and lower back pain.",
        True,
    ),
    ("Acupuncture", "uses", "Acupuncture is very popular in Seattle.", False),
    (
        "Dry Needling",
        "definition",
        "Dry needling at Helms Performance is a hands-on treatment.",
        True,
    ),
    ("Tennis Elbow", "definition", "The simple definition of tennis elbow is tendon pain.", True),
    ("Manual Therapy", "uses", "Manual therapy works well for stiff necks.", True),
    ("Manual Therapy", "uses", "Most back strains respond well to manual therapy.", True),
    ("Manual Therapy", "uses", "If the stiffness persists, manual therapy can help.", True),
    (
        "Laser Therapy",
        "mechanism",
        "Laser therapy works on the principle that light feeds cells.",
        True,
    ),
    ("Knee Pain", "consult", "You should be evaluated by a medical doctor first.", True),
    # The reader as the one who suffers, with a list in the condition.
    (
        "Labral Tear",
        "uses",
        "If you're experiencing shoulder pain, instability, or weakness, physical therapy "
        "can help you regain strength.",
        True,
    ),
    (
        "Patient Education",
        "uses",
        "Whether you're recovering from an injury or managing arthritis, we can help.",
        True,
    ),
    (
        "Core Strengthening",
        "uses",
        "Core strengthening is often incorporated as part of a low back rehabilitation program.",
        True,
    ),
    ("Core Strengthening", "uses", "Our team is part of a larger health network.", False),
    # What it does to pain signals; the clinician's hands in the first person.
    ("TENS", "mechanism", 'The stimulation "overrides" the sensation of pain.', True),
    ("TENS", "mechanism", "Most units are small enough to clip to a belt.", False),
    (
        "Fascial Stretch Therapy",
        "mechanism",
        "I stabilize one part of your body and gently move another through slow movements.",
        True,
    ),
    ("Fascial Stretch Therapy", "mechanism", "We moved the clinic to a new building.", False),
    # How an injury happened is not how care works; treatment names are not its steps.
    (
        "Golfer's Elbow",
        "mechanism",
        "Golfers may overuse the forearm or traumatize the elbow by hitting fat shots.",
        False,
    ),
    (
        "Skier's Thumb",
        "mechanism",
        "Treatment usually consists of bracing or splinting of partial tears.",
        False,
    ),
    (
        "Sports Therapy",
        "mechanism",
        "Sports therapy includes retraining the athlete in their sport.",
        True,
    ),
    (
        "Core Strengthening",
        "mechanism",
        "Strong core muscles provide a stable base for the extremities to work from.",
        True,
    ),
    (
        "ACL Injury",
        "mechanism",
        "Therapists help prevent ACL injuries by designing exercise programs.",
        True,
    ),
    # Physical rationale and the visit, as clinics write them.
    ("Therapeutic Ultrasound", "mechanism", "Sound waves penetrate deep into the tissue.", True),
    ("Heat Therapy", "mechanism", "Heat dilates the blood vessels near the skin.", True),
    (
        "Spinal Decompression",
        "mechanism",
        "You lie comfortably on a padded table while the machine stretches your spine.",
        True,
    ),
    (
        "Acupuncture",
        "mechanism",
        "In acupuncture, a practitioner inserts thin needles at specific points.",
        True,
    ),
    ("Acupuncture", "mechanism", "You can sit in our waiting room and read.", False),
    (
        "Spinal Decompression",
        "uses",
        "If you suffer from a herniated disc, spinal decompression may be the right option "
        "for you.",
        True,
    ),
    (
        "Custom Orthotics",
        "uses",
        "Custom orthotics are designed to relieve pressure on the ball of the foot.",
        True,
    ),
    ("Custom Orthotics", "uses", "Custom orthotics are made in our own lab.", False),
    # What it is for, or that it makes the body "work better", is not how it works.
    (
        "Pregnancy Care",
        "mechanism",
        "Chiropractic care is a gentle approach to correcting and stabilizing the spine.",
        False,
    ),
    ("Pregnancy Care", "mechanism", "Chiropractic care helps the body work better.", False),
    (
        "Dry Needling",
        "mechanism",
        "Dry needling is a technique that uses needles to stimulate muscle trigger points.",
        True,
    ),
    # Glosses with no verb, the subject with a slash, a tear "may break when ...".
    (
        "Neck Traction",
        "definition",
        "A gentle longitudinal pull on the neck, either manual or mechanical.",
        True,
    ),
    (
        "Posture Training",
        "definition",
        "Instruction in the correct alignment of the body at work and at rest.",
        True,
    ),
    (
        "Lumbar Laminectomy/Discectomy",
        "definition",
        "A lumbar laminectomy/discectomy is a common surgery to remove disc fragments.",
        True,
    ),
    (
        "Anterior Cruciate Ligament (ACL) Tear",
        "definition",
        "The anterior cruciate (ACL) may completely break when the knee is bent too far.",
        True,
    ),
    # The procedure told in the passive with its manner, by the surgeon, by its means.
    ("Distal Radius Fracture", "mechanism", "The bones are surgically positioned.", True),
    ("Distal Radius Fracture", "mechanism", "The clinic is conveniently located.", False),
    (
        "Lumbar Laminectomy",
        "mechanism",
        "The surgeon makes an incision through the skin over the spine.",
        True,
    ),
    (
        "ACL Tear",
        "mechanism",
        "The patellar tendon may be used to reconstruct the lost ligament.",
        True,
    ),
    # Emergency care, and a word to the reader in an aside.
    (
        "Posterior Dislocation",
        "consult",
        "The patient should be taken to the emergency room immediately.",
        True,
    ),
    (
        "Shoulder Instability",
        "consult",
        "Pain may follow when the arm is raised (ask your physical therapist about this test).",
        True,
    ),
    # Uses told by where it is used; glosses by participle; an aside with no space after.
    (
        "Cryotherapy or Cold Therapy",
        "uses",
        "Ice or cold is used most frequently in acute injuries.",
        True,
    ),
    (
        "Proprioception Exercises",
        "uses",
        "Proprioception exercises are used to help retrain your sensory system.",
        True,
    ),
    (
        "Proprioceptive Neuromuscular Facilitation",
        "uses",
        "Today, PNF (or a variation of it)is commonly used for neuromuscular retraining.",
        True,
    ),
    (
        "Isotonics",
        "definition",
        "Muscle(s) contracting through the range of motion (ROM) with resistance.",
        True,
    ),
    ("PNF", "definition", "Performed in diagonal patterns that mimic functional movements.", True),
    (
        "Soft Tissue Mobilization",
        "definition",
        "Therapeutic massage of body tissue, performed with the hands.",
        True,
    ),
    ("Back Pain", "definition", "Back pain relief for the whole family.", False),
    ("Getting Older", "definition", "Expert care for the aches that come with age.", False),
    # Physiology, hardware and a physical goal.
    ("Ice Massage", "mechanism", "Ice on the skin causes vasoconstriction.", True),
    (
        "Leg Fractures",
        "mechanism",
        "Often pins, plates and screws are used to maintain the reduction.",
        True,
    ),
    (
        "BPPV",
        "mechanism",
        "The goal of these treatments is to move the small particles back into place.",
        True,
    ),
    # "osteoarthritis of the hip" names "Hip Osteoarthritis"; a comma before "is".
    (
        "Hip Osteoarthritis",
        "definition",
        "Osteoarthritis of the hip occurs when the cartilage of the joint wears out.",
        True,
    ),
    (
        "Temporomandibular Disorders (TMD)",
        "definition",
        "Temporomandibular disorder (TMD), is a term that describes a group of disorders.",
        True,
    ),
    (
        "McKenzie Exercise",
        "definition",
        "Exercises prescribed to cause the centralization of pain.",
        True,
    ),
    (
        "Scoliosis",
        "mechanism",
        "Treatment typically consists of bracing for moderate curves.",
        False,
    ),
    # A question of fit is no claim of use; what a tool is for is not how it works.
    (
        "Dry Needling",
        "uses",
        "So you can focus on whether it is the right treatment for your pain.",
        False,
    ),
    (
        "Dry Needling",
        "uses",
        "Dr. Helms recommends it when a hands-on exam points to a muscle problem.",
        True,
    ),
    (
        "Dry Needling",
        "mechanism",
        "It is one of the tools Dr. Helms uses to release tight muscle and help you move.",
        False,
    ),
    # "A or B" titles: each alternative names the subject.
    (
        "Cryotherapy or Cold Therapy",
        "definition",
        "Cold therapy is the use of low temperatures to treat injured tissue.",
        True,
    ),
    # "X is not a Y" says what it is only set against what it is ("..., but ...").
    (
        "Virtual Physical Therapy",
        "definition",
        "Virtual physical therapy is not a replacement for every kind of care.",
        False,
    ),
    (
        "Virtual Physical Therapy",
        "definition",
        "Virtual physical therapy is not a video call, but a full course of guided care.",
        True,
    ),
    (
        "Moist Heat Therapy",
        "definition",
        "Moist heat therapy (hot packs) commonly are made of clay encased in canvas.",
        True,
    ),
    (
        "Neck Pain",
        "mechanism",
        "Most neck pain is minor and commonly caused by something you did.",
        False,
    ),
    (
        "Iontophoresis",
        "mechanism",
        "Iontophoresis works on the physical concept that like charges repel.",
        True,
    ),
    ("Isometric Exercise", "definition", "An isometric exercise is a muscle contraction.", True),
    ("PCL Tear", "mechanism", "A dashboard impact is a common mechanism of injury.", False),
]


MORE_FORMS = [
    # What care is built to do to the body.
    ("Glaucoma", "mechanism", "Eye drops are designed to lower the pressure in the eye.", True),
    ("Glaucoma", "mechanism", "The goal of treatment is to lower the fluid pressure.", True),
    ("Glaucoma", "mechanism", "The goal of treatment is to help you feel better.", False),
    # A step told as the next one.
    ("Vasectomy", "mechanism", "Each tube is then cut and sealed with gentle heat.", True),
    ("Groin Strain", "mechanism", "This is then followed by a return to sport.", False),
    # A test taken and what it is for; what a test reads; a drug at work.
    ("Bunions", "mechanism", "Your podiatrist will take x-rays to evaluate the joint.", True),
    ("Spirometry", "mechanism", "The tests measure how fast you can empty your lungs.", True),
    ("Suboxone", "mechanism", "Buprenorphine binds tightly to the opioid receptors.", True),
    ("Bunions", "mechanism", "Your doctor may order a wider shoe to ease the pressure.", False),
    # The clinician's act on tissue; a sample taken; what an assessment comprises; how a
    # finding is measured.
    ("Tongue Tie", "mechanism", "The physician snips the tight band of tissue free.", True),
    ("Stitches", "mechanism", "Your doctor may stitch or staple the cut closed.", True),
    ("Stitches", "mechanism", "A doctor can use sutures to sew the wound closed.", True),
    ("STI Testing", "mechanism", "Our nurse takes a small spot of blood from your finger.", True),
    ("Drug Screening", "mechanism", "You will be asked to provide a urine or saliva sample.", True),
    ("Torticollis", "mechanism", "Our therapists will do an assessment which includes:", True),
    ("Sleepiness", "mechanism", "Sleepiness is measured objectively using in-lab tests.", True),
    ("Hand Therapy", "mechanism", "A skilled hand therapist can make all the difference.", False),
    # A procedure done for an ailment (the ailment words now include stones and tears).
    ("Lithotripsy", "uses", "This is performed for stones in the kidney or ureter.", True),
    ("Knee Arthroscopy", "uses", "Arthroscopy is often done for meniscus tears.", True),
    ("Massage", "uses", "Each massage is performed for thirty minutes on a padded table.", False),
]


CONSULT_FORMS = [
    # Care sought from someone, or urgently.
    (
        "Kidney Stones",
        "consult",
        "Men with these symptoms should seek treatment from a urologist.",
        True,
    ),
    (
        "Stuttering",
        "consult",
        "It may be time to seek out therapy from a speech pathologist.",
        True,
    ),
    ("Chest Pain", "consult", "Seek urgent medical attention for the following signs:", True),
    # Who does it best; a visit said to matter; "it is important that ... be assessed".
    (
        "Ingrown Toenails",
        "consult",
        "Nail surgery is best performed by a trained podiatrist.",
        True,
    ),
    ("Neck Injury", "consult", "A prompt chiropractic examination is essential.", True),
    ("Spider Veins", "consult", "An evaluation by a vein specialist is needed to plan care.", True),
    ("Ear Tubes", "consult", "A follow-up visit is recommended after three months.", True),
    ("Glaucoma", "consult", "It is vital that people over sixty are screened every year.", True),
    (
        "Palpitations",
        "consult",
        "Some rhythms need to be evaluated and treated by a cardiologist.",
        True,
    ),
    # Talking it over, asking a named doctor, calling the author.
    (
        "Dry Needling",
        "consult",
        "Consider talking to your physical therapist about your options.",
        True,
    ),
    ("Botox", "consult", "Ask Dr. Lee whether this could be an option for you.", True),
    ("EMDR", "consult", "To learn more about this approach, please call me.", True),
    ("Veneers", "consult", "Discuss the costs of veneers with a qualified cosmetic dentist.", True),
    ("Eczema", "consult", "Adults should also have regular skin checks with their doctor.", True),
    (
        "Tonsillectomy",
        "consult",
        "If you are weighing surgery for your child, we're here to help.",
        True,
    ),
    # Near misses: parts of a visit, a clause about talking, someone else's work with a
    # professional.
    (
        "Physicals",
        "consult",
        "A history and a physical examination are important parts of the visit.",
        False,
    ),
    ("TRT", "consult", "Before talking to your provider about TRT, learn what it is.", False),
    (
        "Hand Therapy",
        "consult",
        "Working with a knowledgeable hand therapist changes outcomes.",
        False,
    ),
]


@pytest.mark.parametrize(
    ("topic", "element", "sentence", "found"), ENGLISH_FORMS + MORE_FORMS + CONSULT_FORMS
)
def test_english_forms(
    config: AuditConfig, topic: str, element: str, sentence: str, found: bool
) -> None:
    page = _post(topic, "Our clinic has served the town for years.", sentence)
    assert (by_name(find_elements(page, config))[element].status == "found") is found


def test_a_subject_named_at_the_end_of_a_description_is_a_candidate(config: AuditConfig) -> None:
    page = _post(
        "Tennis Elbow", "Overload the forearm and you get a condition called tennis elbow."
    )
    assert by_name(find_elements(page, config))["definition"].status == "unclear"


def test_a_list_heading_over_the_entry_itself_is_no_evidence(config: AuditConfig) -> None:
    """A treatment entry under the library's "Possible Treatments" H2: the only item is the
    entry's own name (and a "Click to view the video" line), which says nothing of its uses."""
    page = Page(
        url=None,
        title="Medical Library Treatments 52",
        h1=("Medical Library",),
        sections=(
            Section("Possible Treatments", 2, ("Wrist Passive Range of Motion",
                                               "Click to view the video")),
            Section("Wrist Passive Range of Motion", 4, (
                "The movement of the wrist by the therapist through a range of motion.",
            )),
        ),
    )  # fmt: skip
    assert by_name(find_elements(page, config))["uses"].status != "found"
    prescribed = replace(
        page,
        sections=(
            *page.sections[:1],
            Section(
                "Wrist Passive Range of Motion",
                4,
                (
                    "The movement of the wrist by the therapist through a range of motion.",
                    "It is usually prescribed to increase mobility and to relieve pain.",
                ),
            ),
        ),
    )
    assert by_name(find_elements(prescribed, config))["uses"].status == "found"


@pytest.mark.parametrize(
    ("title", "sentence"),
    [
        ("Chiropractic for Neck Pain in Bethesda, MD", "Neck pain is a common problem."),
        ("Wrist Pain Relief in Bethesda, MD", "Wrist pain is an ache of the wrist."),
    ],
)  # fmt: skip
def test_the_condition_a_care_title_names_is_a_subject(
    config: AuditConfig, title: str, sentence: str
) -> None:
    page = _post(title, "We see this every week at the clinic.", sentence)
    assert by_name(find_elements(page, config))["definition"].status == "found"


def test_the_basics_of_something_else_is_no_definition_heading(config: AuditConfig) -> None:
    page = Page(
        url=None,
        title="Strength Training for Women Over 50",
        h1=("Strength Training for Women Over 50",),
        sections=(
            Section("Where to Start: The Basics of a Beginner Program", 2, (
                "You do not need fancy equipment or a complicated routine to begin.",
            )),
        ),
    )  # fmt: skip
    assert by_name(find_elements(page, config))["definition"].status != "found"


def test_an_entry_opening_on_its_subject_is_a_candidate_not_missing(config: AuditConfig) -> None:
    """The sentence a definition would stand in, naming the subject without defining it:
    "unclear" quoting it, so an editor settles it in one look."""
    page = _entry(
        "Golfer's Elbow",
        "People who suffer from golfer's elbow are often involved with racquet sports. "
        "Rest and ice come first.",
        h1="Medical Library",
    )
    found = by_name(find_elements(page, config))["definition"]
    assert found.status == "unclear"
    assert found.evidence and found.evidence.startswith("People who suffer from golfer")
    # With no opening sentence naming it, nothing is close: missing.
    page = _entry(
        "Golfer's Elbow", "Rest and ice come first. Most people recover.", h1="Medical Library"
    )
    assert by_name(find_elements(page, config))["definition"].status == "missing"


def test_an_aside_states_a_gloss_or_a_prompt_not_how_care_works(config: AuditConfig) -> None:
    """An aside is read as a clause of its own for the definition and the consult prompt
    only: an aside on how a diagnostic test is done is not the article's mechanism."""
    page = _post(
        "Trochanteric Bursitis",
        "Trochanteric bursitis (inflammation of a bursa over the hip) hurts at night.",
        "Tests may include an arthrogram (a dye is injected into the hip joint first).",
    )
    found = by_name(find_elements(page, config))
    assert found["definition"].status == "found"
    assert found["definition"].evidence.startswith("Trochanteric bursitis (inflammation")
    assert found["mechanism"].status != "found"


def test_an_entry_may_open_on_its_anatomy_and_name_the_condition_next(
    config: AuditConfig,
) -> None:
    page = _entry(
        "Trochanteric Bursitis",
        "A bursa is a fluid-filled sack that eases friction between tissues. Trochanteric "
        "bursitis is caused by excessive stress on the bursa over the hip.",
    )
    found = by_name(find_elements(page, config))["definition"]
    assert found.status == "found" and found.evidence.startswith("Trochanteric bursitis is")


def test_an_entry_heading_the_text_never_names_is_still_the_topic(config: AuditConfig) -> None:
    """Under a section-name H1 ("Medical Library"), "Ulnar Nerve Injuries" over prose that
    only says "This injury ..." is the page's subject."""
    page = _entry(
        "Ulnar Nerve Injuries",
        "This injury is usually the result of repeated throwing. Rest and bracing help.",
    )
    found = by_name(find_elements(page, config))["definition"]
    assert found.status == "found" and found.heading == "Ulnar Nerve Injuries"


def test_a_definition_of_a_neighbouring_term_is_a_candidate(config: AuditConfig) -> None:
    page = _post(
        "Stationary Cycling",
        "The ACSM defines aerobic exercise as any activity that uses large muscle groups.",
    )
    assert by_name(find_elements(page, config))["definition"].status == "unclear"


def test_the_search_reads_a_bounded_amount_of_text(config: AuditConfig) -> None:
    """Every pattern scans what it is given, so a hostile page (megabytes of text, or one
    endless "sentence") is read only up to ``MAX_TEXT_CHARS``, each sentence up to
    ``MAX_SENTENCE_CHARS``; an article is far shorter than either."""
    from content_audit.elements import MAX_SENTENCE_CHARS, MAX_TEXT_CHARS

    definition = "Cupping is a therapy that uses suction cups on the skin."
    run_on = definition[:-1] + " and" + " more" * MAX_SENTENCE_CHARS + "."
    found = by_name(find_elements(_one("Cupping", run_on), config))["definition"]
    assert found.status == "found" and found.evidence == run_on
    filler = ("Our clinic opened its doors on a sunny day. " * (MAX_TEXT_CHARS // 40),)
    late = Page(
        url=None,
        title="Cupping",
        h1=("Cupping",),
        sections=(Section("", 2, (*filler, definition)),),
    )
    assert by_name(find_elements(late, config))["definition"].status != "found"
    early = Page(
        url=None,
        title="Cupping",
        h1=("Cupping",),
        sections=(Section("", 2, (definition, *filler)),),
    )
    assert by_name(find_elements(early, config))["definition"].status == "found"


def test_an_opening_sentence_that_defines_something_else_is_a_candidate(
    config: AuditConfig,
) -> None:
    """A page may define its subject by another name than its title's (the condition its
    procedure treats, a synonym): an opening definition in the copula's form is the
    candidate an editor checks, not a confident "missing"."""
    sentence = "A middle ear infection (otitis media) is one where fluid builds up behind the drum."
    page = _post("Earache", "Many children get sore ears in the winter months.", sentence)
    result = by_name(find_elements(page, config))["definition"]
    assert result.status == "unclear" and result.evidence == sentence
    # Deep in the article, or a pronoun's sentence, it is no opening definition.
    filler = tuple(f"Our clinic opened its doors in {1990 + k}." for k in range(8))
    late = _post("Earache", *filler, sentence)
    assert by_name(find_elements(late, config))["definition"].status == "missing"
    other = _post("Gum Grafting", "One is an aesthetic problem that makes teeth look long.")
    assert by_name(find_elements(other, config))["definition"].status == "missing"

    # A pronoun defining the subject the sentence before named.
    named = _post(
        "Floaters & Flashes",
        "As we get older we expect small problems with our eyes. One symptom many people "
        "ignore is the occurrence of floaters. These are the tiny specks that drift through "
        "your field of vision.",
    )
    result = by_name(find_elements(named, config))["definition"]
    assert result.status == "unclear" and result.evidence.startswith("These are")
