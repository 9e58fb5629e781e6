"""Page -> the four required elements (definition, uses, mechanism, consult), with evidence.

An element is found in one of three ways, tried in this order:

1. ``heading``: a real heading of the article matches one of the element's ``headings``
   patterns *and* has text under it (an empty section proves nothing).  The evidence is the
   first sentence under it that also matches a ``body`` pattern, else its first sentence.
2. ``pseudo_heading``: the same, for a bold paragraph used as a heading.
3. ``text``: a sentence anywhere in the article matches a ``body`` pattern and no
   ``negative`` pattern.

Every wording lives in ``data/default.toml`` (users add their own with ``add_headings`` /
``add_body``); this module only knows the *shape* of the search: sections, sentences, the
page subject and pronouns.  ``Page.sections`` holds article text only, so teasers, recent
posts and chrome can never be taken as evidence.

Patterns are compiled once per set of rules (``lru_cache`` keyed on the frozen rules); from
a process's second page on, each runs only on a sentence that holds a word it needs
(``prefilter``, ``_Rules``).
The few that mention ``{subject}`` are compiled once too, with a slot in place of the
subject that each match is checked against (see ``_SubjectPattern``): compiling them again
for every page's subject used to cost more than the whole search.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .config import AuditConfig, ElementRule
from .element_model import (
    NEEDS_SUBJECT,
    SUBJECT_EARLY,
    ElementModel,
    load_model,
    sentence_features,
)
from .model import ELEMENT_NAMES, ElementResult, Page, Section
from .prefilter import Literals, required
from .sentences import PageText, split_sentences

__all__ = ["derive_subject", "find_elements", "split_sentences"]

SUBJECT_PLACEHOLDER = "{subject}"
_NEVER = r"(?!x)x"
"""A pattern that matches nothing: what ``{subject}`` becomes when a page has no subject."""

# --- sentences ------------------------------------------------------------------------------

_SENTENCE_HEADING_WORDS = 6
"""A real heading this long that matches a body pattern is itself the evidence."""
_MIN_SECTION_WORDS = 3
"""A heading needs at least this many words of text under it to count as evidence."""


# --- subject --------------------------------------------------------------------------------

_SITE_SUFFIX = re.compile(r"\s+[|–—»·:-]\s+.*$|\s*\|.*$")
_LEADING = re.compile(
    r"^(?:(?:a|an|the|your|our)\s+)?(?:"
    r"what\s+to\s+expect(?:\s+(?:during|from|with|at|after|before|when|of|in))?(?:\s+(?:getting|having))?|"
    r"what\s+(?:should|can|will|do|might)\s+(?:i|you|we)\s+expect\s+(?:during|from|with|at|after|before|when|of|in)|"
    r"(?:the\s+)?(?:recovery|healing)\s+(?:time|process|period)\s+(?:for|after|from)|"
    r"when\s+to\s+(?:see|call|visit|consult)\s+(?:a|an|your|the)\s+(?:[\w-]+\s+)?"
    r"(?:doctor|dentist|physician|specialist|professional|provider|therapist|gp)\s+(?:about|for)|"
    r"what[’']?s\s+involved\s+(?:in|with)|what\s+is\s+involved\s+(?:in|with)|"
    r"questions\s+to\s+ask\s+(?:before|about|when|if)(?:\s+(?:getting|having|starting))?|"
    r"what\s+(?:exactly\s+)?(?:is|are)|what\s+(?:does|do|will|should|can)|understanding|"
    r"getting\s+(?:an?|the|your)|defining|exploring|introducing|"
    r"(?:(?:a|an|the|your)\s+)?(?:(?:complete|quick|simple|short|brief|ultimate|essential|"
    r"comprehensive|definitive|detailed|practical|full|in-depth|step-by-step|"
    r"beginner[’']?s|patient[’']?s|parent[’']?s|parents[’']?)\s+)*guide\s+(?:to|on)|"
    r"everything\s+you\s+(?:need|should|want)\s+to\s+know\s+about|all\s+about|"
    r"what\s+(?:you\s+)?(?:should|need\s+to|must|want\s+to)\s+know\s+about|what\s+to\s+know\s+about|"
    r"(?:an\s+)?(?:introduction|intro)\s+to|(?:an\s+)?overview\s+of|"
    r"(?:common\s+|frequently\s+asked\s+)?questions\s+about|faqs?\s+(?:about|on)|"
    r"the\s+(?:role|benefits|basics|science|truth|facts)\s+(?:of|about|behind)|"
    r"benefits\s+of|why\s+(?:more\s+)?(?:patients|people)\s+(?:are\s+)?choos(?:e|ing)|"
    r"who[’']?s\s+(?:an?\s+)?(?:good|ideal|right|suitable)\s+candidates?\s+for|"
    r"who\s+(?:is|are)\s+(?:an?\s+)?(?:good|ideal|right|suitable)\s+candidates?\s+for|"
    r"how\s+(?:does|do|can|is|are|will)|how|is|are|does|do|can|why|when\s+(?:is|are)|"
    r"learn\s+about|getting\s+to\s+know|living\s+with|dealing\s+with|coping\s+with|"
    r"treat(?:ing)?|manag(?:e|ing)|prevent(?:ing)?|reliev(?:e|ing)|treatment\s+(?:of|for)|"
    # "Using Night Guards for Tooth Grinding", "Choosing a Hearing Aid": the care named.
    r"using|choosing|selecting|"
    r"(?:signs|symptoms|causes|diagnosis|treatment|prevention|management|risk\s+factors)"
    r"(?:\s*(?:,|and|&)\s*(?:signs|symptoms|causes|diagnosis|treatment|treatments|prevention|"
    r"management|risk\s+factors))*\s+(?:of|for)|"
    r"the\s+(?:health\s+)?benefits\s+of|(?:\d+\s+)?(?:things|facts|myths)\s+about|"
    r"(?:[\w-]+[’']s\s+)?approach(?:es)?\s+to(?:\s+treating)?|about"
    r")\s+",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:a|an|the|your|my)\s+(?:first\s+)?", re.IGNORECASE)
_CUT = re.compile(
    r"\s*[:?!(–—]|\s+-\s+|(?<=\w)-\s+|,\s|-(?=(?:how|what|why|when|where|who|which)\b)"
    # "Hip Labral Tear Physiotherapy Recovery": recovery is a facet of the care.
    r"|\s+(?:recovery|rehab)(?=\s*$)"
    r"|\s+(?:for|vs\.?|versus|in|at|after|before|during|with|to|helps?|can|could|may|might|"
    r"will|works?|explained|myths|is|are|was|right|really|involves?|entails?|costs?|feels?\s+like|looks?\s+like|"
    r"and\s+(?:what|how|why|when|its|their)|do[’']?s\s+(?:and|&)\s+don[’']?ts"
    r"|treatment\s+options|options|benefits|faqs?|expectations|frequently\s+asked"
    # "Is Bunion Surgery Necessary?", "Is Laser Hair Removal Safe?": a clinical question asked
    # of X.  ("Is Dry Needling Legal?" is about the law, not X: its subject keeps the word.)
    r"|(?:necessary|worth\s+it|painful|permanent|dangerous|effective|safe|needed|"
    r"required)(?=\s*(?:\?|$|for\b|in\b|during\b|after\b))"
    # "Rosacea Symptoms and Causes", "Sciatica Causes, Symptoms & Treatment": facets of X.
    r"|(?:signs|symptoms|causes|diagnosis|treatments?|prevention|risk\s+factors|types)"
    r"(?=\s*(?:,|and\b|&)))\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&-]{1,9})\)")
_ANSWER = re.compile(
    r"\?\s+(?:(?:try|consider|discover|explore)\s+(?P<try>[^?!.]+)"
    r"|(?!(?:we|they|you|it|this|these|our|i)\b)(?P<helper>[^?!.]+?)\s+(?:can|may|will|could)\s+help\b)",
    re.IGNORECASE,
)


def derive_subject(title: str) -> str:
    """The key term of a page title or H1, lower-cased: what the article is about.

    "Prolotherapy: How It Works and What It Treats" -> "prolotherapy";
    "Understanding Dry Needling | Clinic" -> "dry needling".  Site names after " | " or
    " - " go, then question words and guide phrases in front, then everything from the
    first connective ("for", "vs", ":", "?") on.
    """
    text = " ".join(title.split())
    text = _SITE_SUFFIX.sub("", text) or text
    answer = _ANSWER.search(text)
    if answer:
        # "Anxious for the Dentist? Try Sedation Dentistry", "Picky Eater? Pediatric
        # Feeding Therapy Can Help!": the question is the reader's, the answer the subject.
        text = answer.group("try") or answer.group("helper")
    text = _ACRONYM.sub("", text).replace("  ", " ")
    for _ in range(3):
        stripped = _LEADING.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _ARTICLE.sub("", text)
    cut = _CUT.search(text)
    if cut and cut.start() > 0:
        text = text[: cut.start()]
    text = re.sub(r"[’']s$", "", text.strip(" \t.,;:!?\"'“”’‘"))
    return text.lower().strip()


_GENERIC_WORDS = frozenset(
    [
        "therapy",
        "therapies",
        "treatment",
        "treatments",
        "care",
        "pain",
        "pains",
        "injury",
        "injuries",
        "surgery",
        "exercise",
        "exercises",
        "procedure",
        "procedures",
        "condition",
        "conditions",
        "disease",
        "diseases",
        "syndrome",
        "health",
        "services",
        "service",
        "program",
        "programs",
        "programme",
        "session",
        "sessions",
        "technique",
        "techniques",
        "medicine",
        "relief",
        "management",
        "test",
        "tests",
        "exam",
        "screening",
        "options",
        "benefits",
        "tear",
        "tears",
        "removal",
        "extraction",
        "excision",
        "visit",
        "visits",
        "appointment",
        "appointments",
        "consultation",
        "problem",
        "problems",
        "issue",
        "issues",
        "disorder",
        "disorders",
        "medical",
        "library",
        "clinic",
        "center",
        "centre",
        "blog",
        "news",
        "page",
        "guide",
        "information",
        "home",
        "wellness",
        "family",
        "general",
        # Modifiers that say what kind, not what: their stems ("physi…", "chron…") would
        # mark "physician" or "chronically" as the subject.
        "physical",
        "chronic",
        "natural",
        "advanced",
        "holistic",
        "clinical",
        "professional",
        "therapeutic",
        "functional",
        "integrative",
        "alternative",
        "surgical",
        "cosmetic",
        "aesthetic",
        "pediatric",
        "paediatric",
        "geriatric",
        "specialized",
        "specialised",
        "personalized",
        "comprehensive",
        "rehabilitation",
        "surgeries",
        "physiotherapy",
        "physio",
    ]
)
"""Head nouns too general to stand for the subject alone ("therapy" of "shockwave therapy")."""

_AUDIENCE_WORDS = frozenset(
    [
        "women’s",
        "women's",
        "womens",
        "men’s",
        "men's",
        "mens",
        "children’s",
        "children's",
        "kids",
        "pediatric",
        "paediatric",
        "geriatric",
        "sports",
        "physical",
        "custom",
        "chronic",
        "advanced",
        "holistic",
        "natural",
        "non-surgical",
        "nonsurgical",
        "medical",
    ]
)
"""Words a title adds for whom or what kind ("Women's Pelvic Floor Physical Therapy"): the
text names the care without them ("pelvic floor therapy")."""

_CARE_HEADS = (
    r"(?:therap(?:y|ies)|treatments?|rehabilitation|rehab|physiotherapy|physio|training|care|techniques?|"
    r"procedures?|programs?|sessions?)"
)
"""Head nouns that name the same kind of care: one may stand for another in the text."""

_TEXT_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&-]{1,7})\)")
_WORDS_BEFORE = re.compile(r"([\w’'-]+(?:\s+[\w’'-]+){0,5})\s*$")


_IRREGULAR_FORMS = {
    "tooth": "(?:tooth|teeth)",
    "teeth": "(?:teeth|tooth)",
    "foot": "(?:foot|feet)",
    "feet": "(?:feet|foot)",
}
_IRREGULAR = re.compile(r"(?<![\w\\])(?:tooth|teeth|foot|feet)(?!\w)")


def _term(words: list[str], joiner: str = r"[\s-]+") -> str:
    """Words as a regex wording: joined by spaces or hyphens, the last singular or plural."""
    return joiner.join([*(re.escape(w) for w in words[:-1]), _plural(words[-1])])


def _plural(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
        return re.escape(word[:-1]) + "s?"
    if len(word) > 3 and word.endswith("y") and word[-2] not in "aeiou":
        return re.escape(word[:-1]) + "(?:y|ies)"
    return re.escape(word) + "(?:s|es)?"


def _stem(word: str) -> str | None:
    """A prefix that catches a specific word's other forms ("menisc" of "meniscal": "menisci",
    "meniscus"); None for short or generic words, whose prefixes would catch other words."""
    if len(word) < 7 or word in _GENERIC_WORDS or not word.isalpha() or word.endswith("ly"):
        return None
    # Not the practitioner's name: "reflex…" of "reflexology" is not "reflexologist".
    return re.escape(word[:5]) + r"(?![a-z]*(?:ists?|ians?)\b)[a-z]*"


def text_acronyms(topic: str, text: str) -> tuple[str, ...]:
    """Abbreviations the article defines for its subject: "Platelet-Rich Plasma (PRP)".

    An "expansion (ABBR)" pair counts when the expansion shares a specific word with the
    subject or the abbreviation stands in the topic; both wordings then name the subject.
    """
    subject_words = {w for w in re.findall(r"[\w’']+", derive_subject(topic)) if w}
    topic_words = {w.lower() for w in re.findall(r"[\w’'-]+", topic)}
    out: list[str] = []
    for match in _TEXT_ACRONYM.finditer(text):
        abbr = match.group(1)
        before = _WORDS_BEFORE.search(text, max(0, match.start() - 80), match.start())
        if before is None:
            continue
        expansion = before.group(1)
        letters = len(re.sub(r"[^A-Za-z]", "", abbr))
        words = expansion.lower().split()[-letters:]
        phrase = " ".join(words)
        specific = {w for w in re.findall(r"[\w’']+", phrase)} - _GENERIC_WORDS
        if abbr.lower() in topic_words or specific & subject_words:
            out.extend([abbr, phrase])
        if len(out) >= 6:
            break
    return tuple(dict.fromkeys(out))


_ANNOUNCED = re.compile(
    r"\b(?:(?:this|the|our|today[’']s)\s+(?:article|post|blog\s+post|guide|page)\s+"
    r"(?:examines|explores|looks\s+(?:closely\s+)?at|takes\s+a\s+(?:close\s+)?look\s+at|"
    r"covers|discusses|explains|introduces|is\s+(?:all\s+)?about|focuses\s+on)|"
    r"(?:option|treatment|therapy|approach|procedure|technique|test)\s+"
    r"(?:called|known\s+as|named))\s+(?:the\s+|an?\s+)?"
    r"([\w’'-]+(?:\s+[\w’'-]+){0,3}?)(?=\s+(?:in|for|and|as|with|from|to|which|that)\b|"
    r"\s*[,.:;(—–]|\s*$)",
    re.IGNORECASE,
)


_ANNOUNCE_WORDS = (  # a word of every ``_ANNOUNCED`` match: cheap to look for
    "examines", "explores", "looks at", "look at", "covers", "discusses", "explains",
    "introduces", "about", "focuses", "called", "known as", "named",
)  # fmt: skip


def _occurrences(text: str, word: str, most: int) -> list[int]:
    out: list[int] = []
    at = text.find(word)
    while at >= 0 and len(out) < most:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def announced_subjects(text: str) -> tuple[str, ...]:
    """What the article says it is about: "This article examines MRI in detail", "one
    option called MRI".  A page titled for a condition ("Treatments for Brain Conditions")
    may be about one treatment, and names it so; those words then name its subject too."""
    lower = text.lower()
    starts = sorted(at for word in _ANNOUNCE_WORDS for at in _occurrences(lower, word, 5))
    out = []
    for at in starts:
        # The full pattern only around a cue word: run over a whole page it costs more
        # than the rest of the element search.
        match = _ANNOUNCED.search(text, max(0, at - 40), at + 90)
        if match is None:
            continue
        term = match.group(1).strip()
        words = set(re.findall(r"[\w’']+", term.lower()))
        if words - _GENERIC_WORDS - _NOT_A_TOPIC - {"those", "how", "what", "why"}:
            out.append(term)
        if len(out) >= 2:
            break
    return tuple(dict.fromkeys(out))


_CONDITION_WORD = re.compile(
    r"(?:pains?|aches?|injur(?:y|ies)|strains?|sprains?|tears?|sciatica|headaches?|"
    r"migraines?|stiffness|instability|dysfunction|discs?|disks?|fractures?|bunions?|spurs?|"
    r"hernias?|neuromas?|spasms?|impingement|palsy|vertigo|tinnitus|insomnia|anxiety|"
    r"incontinence|prolapse|warts?|verrucas?|acne|eczema|rosacea|melasma|apnoea|apnea|"
    r"bruxism|[a-z]+(?:itis|osis|asis|algia|pathy|syndrome))$"
)
_FOR_CONDITION = re.compile(
    r"\bfor\s+(?:your\s+|the\s+|an?\s+)?(?:(?:clients|patients|people|those|women|men|athletes|adults|"
    r"children|kids|seniors)\s+(?:with|who\s+have|suffering\s+from)\s+)?"
    r"([\w’'-]+(?:\s+[\w’'-]+){0,3})",
    re.IGNORECASE,
)
_CARE_WORDS = frozenset(
    ["relief", "treatment", "treatments", "care", "therapy", "management", "rehabilitation"]
)
_HEAD_AFTER = {
    **dict.fromkeys(
        ["session", "sessions", "procedure", "procedures", "visit", "appointment", "consultation"],
        5,
    ),
    **dict.fromkeys(["removal", "extraction", "excision"], 7),
}
"""Head nouns of a title after what the text names alone, and how long that name must be:
an occasion of care ("Laser Hair Removal Session": laser hair removal) and what care takes
away ("Skin Tag Removal": skin tags; not "Tooth Extraction": every tooth)."""
_CARE_NOUNS = _CARE_WORDS | {
    "therapies",
    "physiotherapy",
    "physio",
    "rehab",
    "surgery",
    "surgeries",
    "services",
    "options",
}
"""Head nouns of a title that name the care for what the words before them name."""


def condition_wordings(title: str) -> tuple[str, ...]:
    """The condition a care page's title names beside its care: "Chiropractic for Neck Pain
    in Bethesda" and "Wrist Pain Relief in Bethesda" are about neck pain and wrist pain
    too, and their text says "Neck pain rarely comes from one source"."""
    out = []
    match = _FOR_CONDITION.search(title)
    if match:
        words = re.findall(r"[\w’'-]+", match.group(1).lower())
        for end in range(len(words), 0, -1):
            if _CONDITION_WORD.search(words[end - 1]):
                out.append(" ".join(words[:end]))
                break
    words = re.findall(r"[\w’']+", derive_subject(title))
    if len(words) > 2 and words[-1] in _CARE_WORDS and _CONDITION_WORD.search(words[-2]):
        out.append(" ".join(words[:-1]))
    return tuple(dict.fromkeys(out))


def _subject_regex(title: str, extra: tuple[str, ...] = ()) -> tuple[str, int]:
    """``{subject}`` as a regex, and the most words any of its wordings has.

    The wordings: the full term, its head noun when specific, each specific word's stem,
    an abbreviation in the title, and the ``extra`` wordings the text defines for it
    (``text_acronyms``); singular or plural.
    """
    subject = derive_subject(title)
    words = re.findall(r"[\w’']+", subject)
    if not words:
        return _NEVER, 0
    variants: list[str] = []
    variants.append(_term(words, r"[\s/-]+"))
    if "/" in subject or " or " in subject:
        # "Ankle Sprains/Instability", "Cryotherapy or Cold Therapy": each alternative
        # names the subject on its own.
        for part in re.split(r"/|\s+or\s+", subject):
            alt = re.findall(r"[\w’']+", part)
            if alt and " ".join(alt) not in _GENERIC_WORDS:
                variants.append(_term(alt))
    conjuncts = [re.findall(r"[\w’']+", c) for c in re.split(r"\s+(?:and|&)\s+", subject)]
    if len(conjuncts) == 2 and all(conjuncts) and len(words) <= 6:
        # "Warts and Verrucas": each names the subject; "Hip and Knee Replacement" is a hip
        # replacement and a knee replacement, and "Neck and Back Pain" back pain.
        first, last = conjuncts
        if len(first) == len(last):
            variants.extend(_term(c) for c in conjuncts if " ".join(c) not in _GENERIC_WORDS)
        elif len(first) == 1 and last[-1] not in _CARE_NOUNS:
            variants.append(_term(last))
            variants.append(_term([first[0], last[-1]]))
    most = len(words)
    head = words[-1]
    if (
        len(words) >= 3
        and head not in _CARE_NOUNS
        and words[-2] not in _GENERIC_WORDS
        and words[-2] not in _AUDIENCE_WORDS
        and "and" not in words
    ):
        # "Knee Meniscus Tear" is "a meniscus tear" in the text: the head phrase alone.
        variants.append(_term(words[-2:]))
    if len(words) > 1 and len(head) >= 4 and head not in _GENERIC_WORDS:
        # "hip osteoarthritis" is also "osteoarthritis of the hip" (before the head alone,
        # which would otherwise take the first word of it).
        rest = r"[\s-]+".join(re.escape(w) for w in words[:-1])
        variants.append(rf"{_plural(head)}\s+(?:of|in)\s+(?:the\s+|your\s+)?{rest}")
        variants.append(_plural(head))
        most = max(most, len(words) + 2)
    if len(words) > 1 and head in _GENERIC_WORDS:
        # "oral cancer screening" is also "screening for oral cancer", and "blood flow
        # restriction therapy" also "blood flow restriction (BFR) rehabilitation".
        rest = r"[\s-]+".join(re.escape(w) for w in words[:-1])
        variants.append(rf"{_plural(head)}\s+(?:for|of)\s+(?:the\s+|your\s+)?{rest}")
        variants.append(rf"{rest}(?:\s*\([^)\s]{{1,12}}\))?[\s-]+{_CARE_HEADS}")
        most = max(most, len(words) + 2)
        specific = [w for w in words[:-1] if w not in _GENERIC_WORDS and w not in _AUDIENCE_WORDS]
        if head in _CARE_NOUNS and len(" ".join(specific)) >= 5:
            # "Dry Eye Treatment", "Frozen Shoulder Physiotherapy": the page treats dry eye,
            # and its text names the condition alone ("Dry eye happens when ...").
            variants.append(_term(words[:-1]))
    if len(words) > 1 and len(" ".join(words[:-1])) >= _HEAD_AFTER.get(head, len(subject) + 1):
        # "Laser hair removal is ...", "Skin tags are small, soft growths ...".
        variants.append(_term(words[:-1]))
    core = [w for w in words if w.lower() not in _AUDIENCE_WORDS]
    if len(core) < len(words) and any(w not in _GENERIC_WORDS for w in core):
        # "women’s pelvic floor physical therapy" is also "pelvic floor therapy".
        if core[-1] in _GENERIC_WORDS and len(core) > 1:
            rest = r"[\s-]+".join(re.escape(w) for w in core[:-1])
            variants.append(rf"{rest}[\s-]+{_CARE_HEADS}")
        else:
            variants.append(_term(core))
    for alias in re.findall(r"\(([^()]{4,60})\)", title):
        # "Tennis Elbow (Lateral Epicondylalgia)": the other name names the subject too.
        alias_words = re.findall(r"[\w’']+", alias.lower())
        if alias_words and not alias.isupper() and " ".join(alias_words) not in _GENERIC_WORDS:
            variants.append(_term(alias_words))
            most = max(most, len(alias_words))
    for word in words:
        stem = _stem(word)
        if stem:
            variants.append(stem)
    acronym = _ACRONYM.search(title)
    if acronym:
        variants.append(re.escape(acronym.group(1)))
    for caps in re.findall(r"\b[A-Z]{2,6}\b", title):
        # "PRP Injections": the abbreviation alone names the subject ("PRP, or ... is").
        if caps.lower() in words:
            variants.append(re.escape(caps))
    for wording in extra:
        parts = re.findall(r"[\w’'&-]+", wording)
        if parts:
            variants.append(r"[\s-]+".join(re.escape(p) for p in parts))
            most = max(most, len(parts))
    # Whole words only: the stem "train…" of "gait training" is not in "retraining".
    # "Morton's" in the title is "Morton’s" in the text, and the other way round.
    alternation = re.sub(r"[’']", "[’']", "|".join(dict.fromkeys(variants)))
    # "Wisdom Tooth Removal" is "wisdom teeth removal" in the text: English irregular plurals.
    alternation = _IRREGULAR.sub(lambda m: _IRREGULAR_FORMS[m.group(0)], alternation)
    return r"\b(?:" + alternation + r")\b", most


@lru_cache(maxsize=1024)
def _page_subject(topic: str, extra: tuple[str, ...] = ()) -> _Subject:
    """The page subject of a title-like ``topic``, compiled (the same topic, the same object)."""
    return _compiled_subject(*_subject_regex(topic, extra))


@lru_cache(maxsize=1024)
def _compiled_subject(regex: str, words: int) -> _Subject:
    """Compiled once per wording: a page's H1 and <title> ("Dry Needling", "Dry Needling |
    Clinic") give the same regex, and compiling one costs as much as searching a page."""
    return _Subject(regex, re.compile(regex, re.IGNORECASE), words)


# --- compiled rules -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class _Patterns:
    """One list of patterns, each compiled alone, each run only on a text that holds one of
    the words it needs (``prefilter``): a sentence holds the words of a few of them.

    Run as one alternation, a body list cost about a microsecond a character of the page
    (``re`` tries every alternative at every position); a pattern that is not run costs a
    bit test.  The patterns whose words cannot be read are always run (``ungated``), and so
    is the one alternation of a list compiled without words (``_Rules``' first page)."""

    regexes: tuple[re.Pattern[str], ...] = ()
    ungated: tuple[re.Pattern[str], ...] = ()
    users: Mapping[int, tuple[tuple[int, re.Pattern[str], tuple[int, ...]], ...]] = field(
        default_factory=dict
    )
    """Each word's bit -> the gated patterns whose first (most selective) word set holds it:
    (the pattern's own bit, the pattern, the masks of its other word sets)."""
    firsts: int = 0
    """The bits of every gated pattern's first word set."""
    literals: Literals | None = None

    def _live(self, mask: int) -> list[re.Pattern[str]]:
        """The gated patterns that ``mask`` (a text's words) leaves in play."""
        hit = mask & self.firsts
        out: list[re.Pattern[str]] = []
        seen = 0
        while hit:
            bit = hit & -hit
            hit ^= bit
            for own, regex, rest in self.users[bit]:
                if seen & own:
                    continue
                seen |= own
                for need in rest:
                    if not mask & need:
                        break
                else:
                    out.append(regex)
        return out

    def search(self, text: str) -> bool:
        if self.firsts and self.literals is not None:
            for regex in self._live(self.literals.mask(text)):
                if regex.search(text):
                    return True
        return any(r.search(text) for r in self.ungated)

    def first(self, text: str) -> int:
        """A lower bound of where the first match in ``text`` (sentences joined with _JOIN)
        of one sentence on its own starts, or -1 when no sentence matches.

        The gated patterns are run on each sentence that holds their words, in order, up
        to the first that matches (its offset is the bound); the others on the whole text
        at once, whose leftmost match comes no later than any sentence's."""
        starts = [m.start() for m in (r.search(text) for r in self.ungated) if m]
        if self.firsts and self.literals is not None:
            bound = min(starts, default=len(text) + 1)
            for offset, sentence, mask in self.literals.segments(text, _JOIN):
                if offset >= bound:
                    break
                if mask & self.firsts and any(r.search(sentence) for r in self._live(mask)):
                    starts.append(offset)
                    break
        return min(starts) if starts else -1


_FLAGS = re.IGNORECASE | re.MULTILINE
"""MULTILINE: sentences hold no newline, so ``^``/``$`` still mean the sentence's ends, and
the same pattern can scan a whole page joined with _JOIN in one call."""


def _combine(patterns: tuple[str, ...], literals: Literals | None) -> _Patterns:
    """``patterns`` compiled one by one, each with the words it needs as ``literals`` bits;
    without ``literals``, as one alternation, run on every text (quicker to compile)."""
    if not patterns:
        return _Patterns()
    if literals is None:
        try:
            alternation = re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)
            return _Patterns((alternation,), (alternation,))
        except re.error:
            # A user pattern with global inline flags cannot sit inside an alternation.
            alone = tuple(re.compile(p, _FLAGS) for p in patterns)
            return _Patterns(alone, alone)
    regexes = tuple(re.compile(p, _FLAGS) for p in patterns)
    ungated: list[re.Pattern[str]] = []
    users: dict[int, list[tuple[int, re.Pattern[str], tuple[int, ...]]]] = {}
    firsts = 0
    for index, (pattern, regex) in enumerate(zip(patterns, regexes, strict=True)):
        needs = tuple(literals.clause_mask(need) for need in _required(pattern))
        if not needs:
            ungated.append(regex)
            continue
        firsts |= needs[0]
        for word in _required(pattern)[0]:
            users.setdefault(literals.bits[word], []).append((1 << index, regex, needs[1:]))
    return _Patterns(
        regexes,
        tuple(ungated),
        {bit: tuple(entries) for bit, entries in users.items()},
        firsts,
        literals,
    )


@lru_cache(maxsize=1024)
def _required(pattern: str) -> tuple[frozenset[str], ...]:
    return required(pattern, _FLAGS)


# A pattern naming the page subject would have to be compiled again for every page (each
# page has its own subject, and compiling the big body patterns costs milliseconds, more
# than the rest of the element search).  Instead every wording of the page's subject is
# replaced, once per page, by one mark word (``SUBJECT_MARK``) in a copy of the page's text,
# and each ``{subject}`` pattern is compiled once, with the mark in place of the
# placeholder, and run on that copy.  Patterns without ``{subject}`` run on the text as
# written, so a subject word ("sciatica") still counts where a pattern lists it.

SUBJECT_MARK = "zqsubjectqz"
"""One word (``\\w`` only) that stands for the page subject in the marked text."""


@dataclass(frozen=True, slots=True)
class _Subject:
    """The page subject: its regex (``_subject_regex``), compiled, and its word count."""

    regex: str
    compiled: re.Pattern[str]
    words: int

    @property
    def never(self) -> bool:
        return self.regex == _NEVER

    def mark(self, text: str) -> str:
        """``text`` with every wording of the subject replaced by ``SUBJECT_MARK``."""
        if self.never:
            return text
        return self.compiled.sub(SUBJECT_MARK, text)


def _split(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fixed = tuple(p for p in patterns if SUBJECT_PLACEHOLDER not in p)
    with_subject = tuple(p for p in patterns if SUBJECT_PLACEHOLDER in p)
    return fixed, with_subject


def _marked(pattern: str) -> str:
    """A pattern as it is compiled: the mark in the ``{subject}`` slot."""
    return pattern.replace(SUBJECT_PLACEHOLDER, SUBJECT_MARK)


def _subject_part(patterns: tuple[str, ...], literals: Literals | None) -> _Patterns:
    """The ``{subject}`` patterns of a list, compiled once with the mark in the slot."""
    return _combine(tuple(map(_marked, _split(patterns)[1])), literals)


@dataclass(frozen=True, slots=True)
class _Matcher:
    """The compiled patterns of one rule, the same for every page (``_rule_matcher``).

    Each method takes a sentence (or heading) as written and its subject-marked copy.
    """

    headings: _Patterns
    body: _Patterns
    negative: _Patterns
    subject_headings: _Patterns
    subject_body: _Patterns
    subject_negative: _Patterns
    weak: _Patterns
    subject_weak: _Patterns
    lead: _Patterns
    subject_lead: _Patterns

    def heading(self, text: str, marked: str) -> bool:
        return self.headings.search(text) or self.subject_headings.search(marked)

    def vetoed(self, text: str, marked: str) -> bool:
        return self.negative.search(text) or self.subject_negative.search(marked)

    def sentence(self, text: str, marked: str) -> bool:
        body = self.body.search(text) or self.subject_body.search(marked)
        return body and not self.vetoed(text, marked)

    def weak_sentence(self, text: str, marked: str) -> bool:
        """A candidate that may state the element: a ``weak`` pattern, not vetoed."""
        hit = self.weak.search(text) or self.subject_weak.search(marked)
        return hit and not self.vetoed(text, marked)

    def lead_sentence(self, text: str, marked: str) -> bool:
        """A sentence that states the element where an entry opens (``ElementRule.lead``)."""
        hit = self.lead.search(text) or self.subject_lead.search(marked)
        return hit and not self.vetoed(text, marked)

    @staticmethod
    def first(text: str, marked: str, fixed: _Patterns, subject: _Patterns) -> int:
        """A lower bound of the leftmost match in a whole page (``text`` and its marked
        copy, joined the same way), or -1: the marked copy's offsets run ahead of or
        behind the text's, so the bound is the text's offset of the earlier sentence."""
        starts = [fixed.first(text)]
        at = subject.first(marked)
        if at >= 0:
            starts.append(at)
        starts = [i for i in starts if i >= 0]
        return min(starts) if starts else -1


def _rule_matcher(rule: ElementRule, literals: Literals | None) -> _Matcher:
    """A rule's patterns compiled once for the whole crawl, whatever the page subject."""
    return _Matcher(
        headings=_combine(_split(rule.headings)[0], literals),
        body=_combine(_split(rule.body)[0], literals),
        negative=_combine(_split(rule.negative)[0], literals),
        subject_headings=_subject_part(rule.headings, literals),
        subject_body=_subject_part(rule.body, literals),
        subject_negative=_subject_part(rule.negative, literals),
        weak=_combine(_split(rule.weak)[0], literals),
        subject_weak=_subject_part(rule.weak, literals),
        lead=_combine(_split(rule.lead)[0], literals),
        subject_lead=_subject_part(rule.lead, literals),
    )


def _rule_matchers(rules: tuple[ElementRule, ...], gated: bool) -> dict[str, _Matcher]:
    """Each rule's matcher by name; ``gated``: all of them sharing one table of the words
    their patterns need, so a page's sentences are split into words once for the four."""
    literals = None
    if gated:
        literals = Literals(
            {
                word
                for rule in rules
                for patterns in (rule.headings, rule.body, rule.negative, rule.weak, rule.lead)
                for pattern in patterns
                for need in _required(_marked(pattern))
                for word in need
            }
        )
    return {rule.name: _rule_matcher(rule, literals) for rule in rules}


class _Rules:
    """A config's element rules, compiled, for every page a process audits.

    The first page is searched with each list as one alternation.  From the second on, each
    pattern runs only on text that holds its words (``prefilter``): reading the words takes
    about 100 ms more, once, and then saves 1.5-8 ms a page (a 300-page sitegen site, the
    703 pages of ``../shared/realsites``), so ``content-audit check`` (one page) never pays
    for it and a crawl's workers get it back within their first hundred pages.  The
    verdicts are the same either way."""

    __slots__ = ("_gated", "_plain", "pages", "rules")

    def __init__(self, rules: tuple[ElementRule, ...]) -> None:
        self.rules = rules
        self.pages = 0
        self._plain: dict[str, _Matcher] | None = None
        self._gated: dict[str, _Matcher] | None = None

    def matchers(self) -> dict[str, _Matcher]:
        self.pages += 1
        if self.pages > 1:
            if self._gated is None:
                self._gated = _rule_matchers(self.rules, gated=True)
            return self._gated
        if self._plain is None:
            self._plain = _rule_matchers(self.rules, gated=False)
        return self._plain


@lru_cache(maxsize=16)
def _compiled_rules(rules: tuple[ElementRule, ...]) -> _Rules:
    return _Rules(rules)


# --- the search -----------------------------------------------------------------------------

_UI_LINE = re.compile(
    r"^\W*(?:click|tap|press|watch|view|play|scroll)\b.{0,40}\b(?:video|here|below|above|more)\W*$"
    r"|^\W*(?:video|play\s+video|watch\s+video)\W*$",
    re.IGNORECASE,
)
"""A line that tells the reader what to click ("Click to view the video"): no content."""

_PRONOUN_START = re.compile(r"^(?:it|this|they|these)\b", re.IGNORECASE)
"""A definition that starts with a pronoun only counts after a heading naming the subject."""


@dataclass(frozen=True, slots=True)
class _PageText:
    """A page split once into sentences per section, shared by the four element searches."""

    sections: tuple[Section, ...]
    sentences: tuple[tuple[str, ...], ...]
    subtree_end: tuple[int, ...]
    title_keys: frozenset[str]
    subject: _Subject
    flat: tuple[tuple[int, str, str, str], ...]
    """(section index, sentence, its ``_bare`` copy, that copy subject-marked) for every
    sentence, in order: patterns read the bare copy, evidence quotes the sentence."""
    joined: str
    """Every sentence of the page, in order, joined with _JOIN: one regex call per element
    rules out a page, instead of one per sentence (the body patterns are the hot loop)."""
    ends: tuple[int, ...]
    """Offset in ``joined`` just past each sentence of ``flat``."""
    marked_joined: str
    """The same for the subject-marked copies (what ``{subject}`` patterns scan)."""
    marked_ends: tuple[int, ...]
    headings: tuple[str, ...]
    """Each section's heading, subject-marked."""
    openers: tuple[tuple[tuple[str, str], ...], ...]
    """Each section's paragraphs' first sentences: (bare, marked)."""
    leads: tuple[tuple[int, str, str, str], ...]
    """The entry-opening sentences (``_leads``): section index, sentence, bare, marked."""
    asides: frozenset[int]
    """Indexes into ``flat`` of the entries that are a sentence's parenthetical aside."""

    def first(self, fixed: int, marked: int) -> int:
        """Index into ``flat`` of the first sentence that can hold a match, given the
        leftmost page-wide match offsets in ``joined`` and ``marked_joined`` (-1: none)."""
        firsts = [len(self.flat)]
        if fixed >= 0:
            firsts.append(bisect_right(self.ends, fixed))
        if marked >= 0:
            firsts.append(bisect_right(self.marked_ends, marked))
        return min(firsts)


def _ends(texts: list[str]) -> tuple[int, ...]:
    offsets = []
    pos = 0
    for text in texts:
        pos += len(text)
        offsets.append(pos)
        pos += len(_JOIN)
    return tuple(offsets)


_JOIN = "\n\x00\n"
"""Between two sentences: a newline ends ``$``/starts ``^`` (MULTILINE) and the NUL stops
``\\w``/``\\s`` runs, so a pattern that matches one sentence matches the joined page at the
same place; a match straddling two sentences is only a candidate, re-checked per sentence."""


_ASIDE = re.compile(r"\s*\([^()]{1,120}\)")
_QUOTE_MARKS = re.compile(r'["“”]')
_TRADEMARKS = re.compile(r"[®™]")
_BULLET = re.compile(r"^[•·▪◦►✓✔]\s*")


def _drop_aside(match: re.Match[str]) -> str:
    """Nothing for an aside, or a space where the text runs on with no space after it
    ("PNF (or a variation of it)is commonly used")."""
    after = match.string[match.end() : match.end() + 1]
    return " " if after.isalnum() else ""


def _bare(sentence: str) -> str:
    """The sentence without its parenthetical asides and double quotation marks, which the
    patterns read: an aside does not change what a sentence says ("Lateral (meaning away
    from the midline) epicondylalgia (pain of the epicondyle) is a painful condition ..."),
    nor do quotation marks that set a word off ('the stimulation "overrides" the pain')."""
    bare = sentence
    if "(" in bare:
        bare = _ASIDE.sub(_drop_aside, bare).strip() or sentence
    if '"' in bare or "“" in bare or "”" in bare:
        bare = _QUOTE_MARKS.sub("", bare)
    if _BULLET.match(bare):
        # "• Multiple Sclerosis (MS) is an autoimmune condition": a list mark, not a word.
        bare = _BULLET.sub("", bare)
    if "®" in bare or "™" in bare:
        # "Graston Technique® is an instrument-assisted ...": a mark, not a word.
        bare = _TRADEMARKS.sub("", bare)
    return bare


_ASIDE_TEXT = re.compile(r"\(([^()]{12,120})\)")


_ASIDE_ELEMENTS = frozenset({"definition", "consult"})
"""What an aside may state: a gloss of a word ("(inflammation of a bursa)") or a word to
the reader ("(ask your physical therapist about it)"); how care works and what it treats
are told in the sentence itself (an aside on how a diagnostic test is done is not)."""


def _asides(sentence: str) -> list[str]:
    """The parenthetical asides of a sentence that run to three words or more."""
    if "(" not in sentence:
        return []
    return [a.strip() for a in _ASIDE_TEXT.findall(sentence) if len(a.split()) >= 3]


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    """``text``'s words, lower-cased: what a heading or title is compared by.  Remembered:
    the four element searches compare the same headings and sentences."""
    return " ".join(re.findall(r"\w+", text.lower()))


_DISCLAIMER_HEADING = re.compile(
    r"^\W*(?:medical\s+|legal\s+|important\s+)?(?:disclaimer|terms\s+of\s+use)\b", re.IGNORECASE
)
"""A section a site repeats to limit its liability: never evidence of any element."""

_QUESTION_HEADING = re.compile(
    r"^\W*(?:what|how|why|when|who|where|which|is|are|can|does|do|should|will)\b", re.IGNORECASE
)

_NOT_A_TOPIC = frozenset(
    [
        "it",
        "its",
        "this",
        "that",
        "these",
        "they",
        "them",
        "you",
        "your",
        "we",
        "our",
        "i",
        "my",
        "me",
        "us",
        "he",
        "she",
    ]
)


def _names_a_topic(title: str) -> bool:
    """Whether a heading names something ("How Does It Work?" names nothing: "it").

    A title that ends in a number is a catalogue label ("Medical Library Shoulder 33"),
    the entry's place in a series, not its topic."""
    if re.search(r"\b\d+\W*$", title):
        return False
    words = set(re.findall(r"[\w’']+", derive_subject(title)))
    return bool(words - _NOT_A_TOPIC - _GENERIC_WORDS)


_TOPIC_TEXT = 8000
"""Characters of the article text its topic is judged on: its opening says what it is about."""

_PROSE_WORDS = 8
"""Words of a paragraph that make it prose, not a list item or a label."""


def _whole_term_count(title: str, text: str) -> int:
    """How often ``text`` names the whole term of a title-like ``title`` (no stems)."""
    words = re.findall(r"[\w’']+", derive_subject(title))
    if not words:
        return 0
    term = _term(words)
    return min(len(re.findall(rf"\b{term}\b", text[:_TOPIC_TEXT], re.IGNORECASE)), 50)


def _topic(page: Page, text: str = "") -> str:
    """The title-like text the subject is derived from.

    The candidates: the H1s, the <title>, then the first headings of the article text
    (Markdown sources have no H1 or title; a library entry's H1 is often the section's
    name, "Medical Library", and its topic the first heading under it).  Of those, the one
    whose subject the article ``text`` names most often wins, ties to the earliest: a
    page's subject is what its text keeps talking about.  Without text, the first H1 that
    heads the article text, else the first H1, else the title.
    """
    headings = [s.heading for s in page.sections if s.heading and not s.pseudo]
    if text:
        # Only a heading that names a thing, not a question about one, may stand for it.
        named = [h for h in headings if not _QUESTION_HEADING.match(h)]
        # The H1s and the title first; the first headings only when the text names none
        # of those (a library entry under a section-name H1).
        best = (0, 0, "")
        h1_group = [*page.h1, page.title]
        h1_names = False
        unnamed_entry = ""
        for group, least in ((h1_group, 1), (named[:2], 3)):
            candidates = [c for c in dict.fromkeys(group) if _names_a_topic(c)]
            scored = [
                (min(len(_page_subject(c).compiled.findall(text, 0, _TOPIC_TEXT)), 50), -i, c)
                for i, c in enumerate(candidates)
            ]
            top = max(scored, default=(0, 0, ""))
            if group is h1_group:
                h1_names = bool(candidates)
            elif not h1_names and best[0] == 0:
                # Neither the H1s nor the title name a thing ("Medical Library", a
                # catalogue number): an entry heading over prose that the text names at
                # all is the topic ("Possible Treatments" over a list of names is not).
                prose = {
                    s.heading
                    for s in page.sections
                    if any(len(p.split()) >= _PROSE_WORDS for p in s.paragraphs)
                }
                entry = max((t for t in scored if t[2] in prose), default=(0, 0, ""))
                if entry[0] > 0:
                    top, least = entry, 1
                # Named nowhere ("This injury is usually the result of ..." under "Ulnar
                # Nerve Injuries"): still the entry's heading, when nothing else names one.
                unnamed_entry = entry[2]
            # A first heading takes over only when the text names it far more often than
            # the H1 and title ("Posterior Dislocation" under "Medical Library Shoulder").
            # When the text never names those, one mention of the heading's whole term
            # will do ("Foam Roll Exercise" under "Medical Library"); a stem will not
            # ("treat…" of "Conditions Treated" is in every page about care).
            if best[0] == 0 and group is not h1_group and top[0] < least:
                whole = [(_whole_term_count(c, text), -i, c) for i, c in enumerate(candidates)]
                top = max(whole, default=(0, 0, ""))
                least = 1
            if top[0] >= least and top[0] >= 2 * best[0]:
                best = top
        if best[0]:
            return best[2]
        if unnamed_entry:
            return unnamed_entry
    if len(page.h1) > 1:
        keys = {_key(h) for h in headings}
        for h1 in page.h1:
            if _key(h1) in keys:
                return h1
    if page.h1:
        return page.h1[0]
    if page.title.strip():
        return page.title
    return headings[0] if headings else ""


MAX_SENTENCE_CHARS = 2_000
"""The patterns read a sentence's first 2,000 characters: a longer "sentence" is not prose
(a run of text with no stop: a data dump, a hostile page), and every pattern scans what it
is given, so its length is what the element search costs."""

MAX_TEXT_CHARS = 250_000
"""The patterns read a page's text up to about 250,000 characters (some 40,000 words, ten
times the longest article met): the element search then costs at most a fixed time per
page, whatever a hostile page holds (``crawl.audit_budget_s``)."""


def _prepare(page: Page, text: PageText | None = None) -> _PageText:
    sections = page.sections
    split_text = text if text is not None else PageText.of(page)
    split = tuple(
        () if _DISCLAIMER_HEADING.match(section.heading) else paragraphs
        for section, paragraphs in zip(sections, split_text.sections, strict=True)
    )
    sentences = tuple(tuple(s for group in paras for s in group) for paras in split)
    openers = tuple(tuple(group[0] for group in paras if group) for paras in split)
    body = " ".join(s for group in sentences for s in group)
    topic = _topic(page, body)
    titles = frozenset(_key(t) for t in (topic, page.subject, page.title) if t.strip())
    # A heading owns the sections nested under it (an H2 "Conditions Treated" with one H3
    # per condition has its text in the H3s); pseudo headings and the intro own only theirs.
    # Never the entry itself: a library's "Possible Treatments" H2 over the H4 that is the
    # page's own subject does not hold that entry's text.
    ends = []
    for i, section in enumerate(sections):
        end = i + 1
        if section.level > 0 and not section.pseudo:
            while (
                end < len(sections)
                and (sections[end].pseudo or sections[end].level > section.level)
                and _key(sections[end].heading) not in titles
            ):
                end += 1
        ends.append(end)
    extra = (
        text_acronyms(topic, body[:20000])
        + announced_subjects(body[:3000])
        + condition_wordings(topic)
    )
    subject = _page_subject(topic, extra)
    headings = tuple(subject.mark(section.heading.strip()) for section in sections)
    # Each sentence is read without its asides; an aside that is a clause of its own
    # ("(ask your physical therapist about this test)", "(inflammation of a bursa)") is
    # read too, right after it, and quoted as the sentence that holds it.
    plain = []
    aside_at = []
    read = 0
    for i, group in enumerate(sentences):
        for s in group:
            if read > MAX_TEXT_CHARS:
                break
            bare = _bare(s)[:MAX_SENTENCE_CHARS]
            read += len(bare)
            plain.append((i, s, bare))
            for aside in _asides(s):
                aside_at.append(len(plain))
                plain.append((i, s, aside))
    # One substitution over the joined page instead of one per sentence: no wording of the
    # subject can span _JOIN (its NUL is neither a word character nor a space).
    joined = _JOIN.join(b for _, _, b in plain)
    marked_joined = subject.mark(joined)
    marked = marked_joined.split(_JOIN) if plain else []
    return _PageText(
        sections=sections,
        sentences=sentences,
        subtree_end=tuple(ends),
        title_keys=titles,
        subject=subject,
        flat=tuple((i, s, b, m) for (i, s, b), m in zip(plain, marked, strict=True)),
        joined=joined,
        ends=_ends([b for _, _, b in plain]),
        marked_joined=marked_joined,
        marked_ends=_ends(marked),
        headings=headings,
        openers=tuple(tuple((b, subject.mark(b)) for b in map(_bare, group)) for group in openers),
        asides=frozenset(aside_at),
        leads=tuple(
            (i, sentence, bare, subject.mark(bare))
            for i, sentence in _leads(sections, sentences, openers, titles, headings, subject)
            for bare in (_bare(sentence),)
        ),
    )


CONFIDENCE = {"heading": 0.9, "pseudo_heading": 0.8, "text": 0.75, "candidate": 0.5, "weak": 0.4}
"""How strongly each kind of evidence says an element: a real heading over a bold line over
a body sentence; a strong sentence in a doubtful place (a pronoun with no antecedent, a
heading with almost nothing under it) and a ``weak`` pattern only make it ``unclear``."""


def _found(name: str, heading: str | None, evidence: str | None, via: str) -> ElementResult:
    return ElementResult(
        name, True, heading=heading, evidence=evidence, via=via, confidence=CONFIDENCE[via]
    )


def _unclear(
    name: str, heading: str | None, evidence: str | None, via: str, how: str
) -> ElementResult:
    return ElementResult(
        name,
        False,
        heading=heading,
        evidence=evidence,
        via=via,
        status="unclear",
        confidence=CONFIDENCE[how],
    )


def _find(name: str, matcher: _Matcher, text: _PageText) -> ElementResult:
    """One element's verdict: found under a heading, else in a sentence, else unclear on the
    best candidate, else missing."""
    pseudo_hit: ElementResult | None = None
    candidate: ElementResult | None = None
    mark = text.subject.mark
    for i, section in enumerate(text.sections):
        heading = section.heading.strip()
        marked = text.headings[i]
        if (
            heading
            and (section.pseudo or len(heading.split()) >= _SENTENCE_HEADING_WORDS)
            and _key(heading) not in text.title_keys
            and matcher.sentence(heading, marked)
        ):
            # A bold line is still a sentence ("Corrective exercise is about ..." in bold),
            # and so is a heading that is one ("Contact us today at 555-0100 to learn ...").
            hit = _found(name, heading, heading, "pseudo_heading" if section.pseudo else "heading")
            if not section.pseudo:
                return hit
            pseudo_hit = pseudo_hit or hit
            continue
        if not heading or _key(heading) in text.title_keys or not matcher.heading(heading, marked):
            continue
        via = "pseudo_heading" if section.pseudo else "heading"
        under = [
            s
            for j in range(i, text.subtree_end[i])
            for s in text.sentences[j]
            if _key(s) not in text.title_keys and not _UI_LINE.match(s)
        ]
        if sum(len(s.split()) for s in under) < _MIN_SECTION_WORDS:
            # The heading promises the element but (almost) nothing stands under it.
            if candidate is None:
                candidate = _unclear(name, heading, under[0] if under else None, via, "candidate")
            continue
        openers = [s for j in range(i, text.subtree_end[i]) for s in text.openers[j]]
        if len(openers) > 1 and all(matcher.vetoed(b, m) for b, m in openers):
            # Each item under it opens with what the rule's negatives reject (a list of
            # one-line glosses under "How we treat X", one of them running on for a
            # sentence more): the heading alone does not settle it.
            if candidate is None:
                candidate = _unclear(name, heading, under[0], via, "candidate")
            continue
        evidence = next((s for s in under if matcher.sentence(_bare(s), mark(_bare(s)))), under[0])
        hit = _found(name, heading, evidence, via)
        if via == "heading":
            return hit
        pseudo_hit = pseudo_hit or hit
    if pseudo_hit is not None:
        return pseudo_hit
    # Sentences before the leftmost page-wide match cannot match on their own.
    first = text.first(
        matcher.body.first(text.joined), matcher.subject_body.first(text.marked_joined)
    )
    for k, (i, sentence, bare, marked) in enumerate(text.flat[first:], first):
        if k in text.asides and name not in _ASIDE_ELEMENTS:
            continue
        if not matcher.sentence(bare, marked):
            continue
        section = text.sections[i]
        heading = section.heading.strip() or None
        if name == "definition" and _PRONOUN_START.match(sentence):
            about_subject = (
                section.level <= 1
                or _key(heading or "") in text.title_keys
                or SUBJECT_MARK in text.headings[i]
            )
            if not about_subject:
                # "It is a gentle technique" under a heading that names something else:
                # maybe the subject, maybe not.
                if candidate is None:
                    candidate = _unclear(name, heading, sentence, "text", "candidate")
                continue
        return _found(name, heading, sentence, "text")
    lead = _lead(matcher, text)
    if lead is not None:
        return _found(name, text.sections[lead[0]].heading.strip() or None, lead[1], "text")
    if candidate is not None:
        return candidate
    first = text.first(
        matcher.weak.first(text.joined), matcher.subject_weak.first(text.marked_joined)
    )
    for k, (i, sentence, bare, marked) in enumerate(text.flat[first:], first):
        if k in text.asides and name not in _ASIDE_ELEMENTS:
            continue
        if matcher.weak_sentence(bare, marked):
            heading = text.sections[i].heading.strip() or None
            return _unclear(name, heading, sentence, "text", "weak")
    if name == "definition":
        # An entry's opening sentence that names its subject ("People who suffer from
        # golfer's elbow are often ...") is where a definition would stand: the candidate
        # an editor checks, rather than a confident "missing".
        for i, sentence, _bare_copy, marked in text.leads:
            if SUBJECT_MARK in marked and len(sentence.split()) >= _PROSE_WORDS:
                heading = text.sections[i].heading.strip() or None
                return _unclear(name, heading, sentence, "text", "weak")
        # An opening sentence that defines something, in the copula's form ("A bunion
        # (hallux valgus) is a bony bump ...", "Tonsils are two masses of tissue ..."): the
        # page may name its subject otherwise than its title does (a synonym, the condition
        # its procedure treats), so it is the candidate an editor checks, not a "missing".
        opening = text.flat[:_OPENING_SENTENCES]
        for k, (i, sentence, bare, _marked) in enumerate(opening):
            if len(sentence.split()) < _PROSE_WORDS:
                continue
            # Or one that defines by a pronoun right after the subject is named ("... is
            # the occurrence of floaters and flashes. These are those tiny lights that ...").
            if _DEFINES_SOMETHING.match(bare) or (
                k > 0 and SUBJECT_MARK in opening[k - 1][3] and _DEFINES_BY_PRONOUN.match(bare)
            ):
                heading = text.sections[i].heading.strip() or None
                return _unclear(name, heading, sentence, "text", "weak")
    return ElementResult(name, False)


_DEFINES_SOMETHING = re.compile(
    r"^(?!(?:it|this|that|there|here|we|you|they|these|those|our|your|my|his|her|its|their|"
    r"what|who|which|when|if|as|at|in|on|for|with|many|most|some|all|each|every|one|another|"
    r"both|either|neither)\b)"
    r"(?:(?:a|an|the)\s+)?(?:[\w’'-]+\s+){0,4}?[\w’'-]+(?:\s*\([^)]{1,60}\))?\s+"
    r"(?:is|are)\s+(?:(?:a|an|one|two|three|several)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:condition|disease|disorder|procedure|treatment|therapy|test|exam|examination|"
    r"surgery|injury|infection|technique|method|type|form|group|kind|masses?|tissues?|"
    r"structures?|glands?|organs?|joints?|muscles?|bones?|bumps?|growths?|swelling|"
    r"inflammation|problem|syndrome|state|pain|medication|drug|device|appliance|"
    r"implant|program|programme|service|approach|specialty|practice|branch)s?\b"
    r"|(?:caused|characteri[sz]ed|marked)\s+by\b"
    r"|the\s+(?:[\w-]+\s+){0,2}?\w+(?:ing|tion|ment|ness|ity|sion)\s+of\b"
    r"|one\s+(?:where|in\s+which|that)\b)",
    re.IGNORECASE,
)
_DEFINES_BY_PRONOUN = re.compile(
    r"^(?:these|this|they|it)(?:\s+(?:is|are)|[’']s)\s+(?:an?|the|those|one|when|where)\b",
    re.IGNORECASE,
)
_OPENING_SENTENCES = 6
"""How far into the article text an unnamed definition is still its opening."""


_OPENS_ON_SUBJECT = re.compile(
    rf"^(?:(?:the|an?|these|this)\s+)?(?:[\w’'-]+\s+){{0,2}}?{SUBJECT_MARK}\b", re.IGNORECASE
)


def _leads(
    sections: tuple[Section, ...],
    sentences: tuple[tuple[str, ...], ...],
    openers: tuple[tuple[str, ...], ...],
    title_keys: frozenset[str],
    headings: tuple[str, ...],
    subject: _Subject,
) -> list[tuple[int, str]]:
    """The sentences that open an entry: the first sentence under each heading that is the
    page subject (or its title), and the second when it opens on the subject (an entry that
    opens on its anatomy: "A bursa is a fluid-filled sack ... Trochanteric bursitis is
    caused by ..."), and the first of each of the opening text's first three
    paragraphs (an introduction brings in its subject: "Prolotherapy is a shot-based
    treatment." opening its second paragraph)."""
    out: list[tuple[int, str]] = []
    seen_text = False
    for i, group in enumerate(sentences):
        if not group:
            continue
        section = sections[i]
        heading = section.heading.strip()
        if not seen_text and not section.pseudo and section.level <= 1:
            # The opening text: each of its first paragraphs opens on the subject.
            out.extend((i, opener) for opener in openers[i][:3])
        elif heading and (_key(heading) in title_keys or headings[i].strip(" :?") == SUBJECT_MARK):
            out.append((i, group[0]))
            if len(group) > 1 and _OPENS_ON_SUBJECT.match(subject.mark(_bare(group[1]))):
                out.append((i, group[1]))
        seen_text = True
    return out


def _lead(matcher: _Matcher, text: _PageText) -> tuple[int, str] | None:
    """The first entry-opening sentence that states the element by a ``lead`` pattern."""
    if not (matcher.lead.regexes or matcher.subject_lead.regexes):
        return None
    for i, sentence, bare, marked in text.leads:
        if matcher.lead_sentence(bare, marked):
            return i, sentence
    return None


def find_elements(
    page: Page, config: AuditConfig, text: PageText | None = None
) -> tuple[ElementResult, ...]:
    """Find definition, uses, mechanism and consult prompt, in ``ELEMENT_NAMES`` order.

    Always returns four results; an element with no rule in the config is reported absent
    rather than raising, so a trimmed user config degrades instead of crashing a crawl.
    ``text`` is the page split into sentences (``PageText``), when the caller has it.
    """
    prepared = _prepare(page, text)
    matchers = _compiled_rules(config.elements).matchers()
    results = []
    for name in ELEMENT_NAMES:
        matcher = matchers.get(name)
        if matcher is None:
            results.append(ElementResult(name, False))
            continue
        results.append(_find(name, matcher, prepared))
    if config.element_scores:
        results = _settled(results, prepared, load_model(), matchers)
    return tuple(results)


_SUBORDINATE = re.compile(
    r"^(?:although|though|while|whilst|if|when|whenever|because|since|as|after|before|unless|"
    r"whether|once|until|how|why|what)\b",
    re.IGNORECASE,
)


def scorable(
    name: str,
    features: frozenset[str] | None,
    bare: str,
    marked: str,
    matcher: _Matcher,
    other_evidence: bool,
) -> bool:
    """Whether the learned score may take this sentence as the element's evidence.

    Never a line too short to state anything (``features`` is None) nor one the element's
    ``negative`` patterns reject (a question, a disclaimer, a comparison).  A definition,
    besides, is a main clause that opens on its subject ("Although X is routine, rest" and
    "Family and friends can help" define nothing), and not a sentence the patterns already
    read as what the care is for or how it works (``other_evidence``: "X treats a wide
    range of injuries", "X works by separating the vertebrae")."""
    if features is None or matcher.vetoed(bare, marked):
        return False
    if name in NEEDS_SUBJECT:
        return (
            SUBJECT_EARLY in features
            and not other_evidence
            and not _SUBORDINATE.match(bare)
            and (matcher.weak_sentence(bare, marked) or matcher.lead_sentence(bare, marked))
        )
    return True


def _settled(
    results: list[ElementResult],
    text: _PageText,
    model: ElementModel,
    matchers: dict[str, _Matcher],
) -> list[ElementResult]:
    """Verdicts the patterns left open, settled by the learned sentence scores
    (``element_model``): ``unclear`` becomes ``found`` at the element's ``found_at``, or
    ``missing`` when no sentence reaches its ``missing_below``; ``missing`` becomes
    ``unclear`` at its ``unclear_at``, the best-scoring sentence quoted.  A ``found``
    verdict is kept as it is, and a sentence the element's ``negative`` patterns reject (a
    question, a disclaimer, a comparison) is never scored."""
    open_ = [
        (k, weights, floor)
        for k, r in enumerate(results)
        if r.name in matchers
        and (weights := model.elements.get(r.name)) is not None
        and (floor := weights.threshold(r.status)) is not None
    ]
    if not open_ or not text.flat:
        return results
    leads = {sentence for _, sentence, _, _ in text.leads}
    features = [
        sentence_features(marked, SUBJECT_MARK, lead=sentence in leads)
        for _, sentence, _, marked in text.flat
    ]
    out = list(results)
    evidence = {r.evidence for r in results if r.status == "found" and r.evidence}
    for k, weights, floor in open_:
        name, status = results[k].name, results[k].status
        matcher = matchers[name]
        scored = sorted(
            ((weights.score(f), j) for j, f in enumerate(features) if f is not None),
            key=lambda pair: (-pair[0], pair[1]),
        )
        # The best-scoring sentence it may take, checked in score order down to the
        # lowest score that changes the verdict (most pages stop at the first).
        best = None
        for score, j in scored:
            if score < floor:
                break
            _, sentence, bare, marked = text.flat[j]
            if scorable(name, features[j], bare, marked, matcher, sentence in evidence):
                best = (score, j)
                break
        if status == "unclear" and weights.missing_below is not None and best is None:
            # No sentence reads like the element: the weak pattern's candidate was not one.
            out[k] = ElementResult(name, False)
            continue
        promote_at = weights.promoted_at(status)
        if best is None or promote_at is None or best[0] < promote_at:
            continue
        # unclear -> found; missing -> unclear.
        status = "found" if status == "unclear" else "unclear"
        i, sentence, _, _ = text.flat[best[1]]
        out[k] = ElementResult(
            name,
            status == "found",
            heading=text.sections[i].heading.strip() or None,
            evidence=sentence,
            via="text",
            status=status,
            confidence=round(best[0], 2),
        )
    return out
