"""Plain language: the checks of PEMAT, the CDC Clear Communication Index and Yoast.

A page-level grade hides where a text is hard, and grade formulas miss what makes health
text hard for patients: long sentences, walls of text, passive voice and unexplained
jargon.  Each check here points at the sentences, paragraphs or sections to rewrite.

Sentences are counted per paragraph line of ``Page.text``: headings are not in it and
each list item is its own line, so a heading without a final period never merges with
the sentence after it.  Pure; thresholds come from ``[health]`` in the configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from .checks import finding, page_findings
from .config import AuditConfig
from .model import Finding, Kind, Page, Readability
from .sentences import PageText

__all__ = [
    "MEDICAL_TERMS_RESOURCE",
    "check_plain",
    "is_passive",
    "load_medical_terms",
    "load_plain_words",
    "plain_alternative",
    "same_start_runs",
    "unexplained_terms",
]

MEDICAL_TERMS_RESOURCE = "medical_terms.txt"
PLAIN_WORDS_RESOURCE = "plain_words.tsv"

_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# ---------------------------------------------------------------------------- passive voice

_BE = (
    r"(?:am|is|are|was|were|be|been|being|isn['’]t|aren['’]t|wasn['’]t|weren['’]t|"
    r"get|gets|got|gotten|getting)"
)
# Irregular past participles (the regular ones end in -ed).
_IRREGULAR = [
    "arisen",
    "awoken",
    "beaten",
    "become",
    "begun",
    "bent",
    "bet",
    "bid",
    "bitten",
    "bled",
    "blown",
    "broken",
    "bred",
    "brought",
    "built",
    "burnt",
    "bought",
    "caught",
    "chosen",
    "clung",
    "come",
    "cost",
    "crept",
    "cut",
    "dealt",
    "dug",
    "done",
    "drawn",
    "dreamt",
    "driven",
    "drunk",
    "dwelt",
    "eaten",
    "fallen",
    "fed",
    "felt",
    "fought",
    "found",
    "fled",
    "flung",
    "flown",
    "forbidden",
    "forgotten",
    "forgiven",
    "frozen",
    "given",
    "gone",
    "ground",
    "grown",
    "hung",
    "heard",
    "hidden",
    "hit",
    "held",
    "hurt",
    "kept",
    "knelt",
    "known",
    "laid",
    "led",
    "leant",
    "leapt",
    "learnt",
    "left",
    "lent",
    "let",
    "lain",
    "lit",
    "lost",
    "made",
    "meant",
    "met",
    "mistaken",
    "overcome",
    "overdone",
    "overtaken",
    "overthrown",
    "paid",
    "proven",
    "put",
    "quit",
    "read",
    "rid",
    "ridden",
    "rung",
    "risen",
    "run",
    "sawn",
    "said",
    "seen",
    "sought",
    "sold",
    "sent",
    "set",
    "sewn",
    "shaken",
    "shed",
    "shone",
    "shot",
    "shown",
    "shrunk",
    "shut",
    "sung",
    "sunk",
    "slain",
    "slept",
    "slid",
    "slung",
    "slit",
    "smelt",
    "sown",
    "spoken",
    "sped",
    "spelt",
    "spent",
    "spilt",
    "spun",
    "spat",
    "split",
    "spoilt",
    "spread",
    "sprung",
    "stood",
    "stolen",
    "stuck",
    "stung",
    "stunk",
    "strewn",
    "stridden",
    "struck",
    "strung",
    "striven",
    "sworn",
    "swept",
    "swollen",
    "swum",
    "swung",
    "taken",
    "taught",
    "torn",
    "told",
    "thought",
    "thrown",
    "thrust",
    "trodden",
    "understood",
    "undergone",
    "undertaken",
    "undone",
    "upset",
    "woken",
    "worn",
    "woven",
    "wed",
    "wept",
    "won",
    "wound",
    "withdrawn",
    "withheld",
    "withstood",
    "wrung",
    "written",
]
# "-ed" words that follow "be" as adjectives, not passives ("is tired", "are interested").
_NOT_PASSIVE = frozenset(
    [
        "tired",
        "interested",
        "worried",
        "concerned",
        "excited",
        "pleased",
        "bored",
        "married",
        "supposed",
        "used",
        "advanced",
        "experienced",
        "qualified",
        "skilled",
        "talented",
        "dedicated",
        "committed",
        "licensed",
        "certified",
        "trained",
        "based",
        "located",
        "related",
        "detailed",
        "limited",
        "varied",
        "complicated",
        "prepared",
        "ashamed",
        "scared",
        "frightened",
        "surprised",
        "amazed",
        "relaxed",
        "inflamed",
        "swollen",
        "involved",
        "needed",
        "required",
        "aged",
        "red",
        "bed",
        "shed",
        "need",
        "feed",
        "speed",
        "seed",
        "weed",
        "breed",
    ]
)
_PASSIVE_RE = re.compile(
    r"\b" + _BE + r"\s+(?:(?:not|also|often|usually|then|typically|commonly|generally|"
    r"sometimes|always|never|still|rarely|being|been|just|only|frequently|mostly|"
    r"\w+ly)\s+){0,2}(?P<verb>[a-z]+ed|" + "|".join(_IRREGULAR) + r")\b",
    re.I,
)


def is_passive(sentence: str) -> bool:
    """A "be" verb followed by a past participle: "is performed", "was given", "are used".

    A heuristic (Yoast's is too): participles used as adjectives after "be" ("is tired",
    "are qualified") are listed in ``_NOT_PASSIVE``; "used to" + verb is not passive.
    """
    for match in _PASSIVE_RE.finditer(sentence):
        verb = match["verb"].lower()
        if verb in _NOT_PASSIVE:
            continue
        if verb == "used" and re.match(r"\s+to\s+\w+", sentence[match.end() :]):
            continue
        return True
    return False


# ---------------------------------------------------------------------------- jargon


@lru_cache(maxsize=1)
def load_medical_terms() -> tuple[str, ...]:
    """The shipped list of medical terms a patient may not know (``data/medical_terms.txt``).

    Cached: the list is a read-only constant of the package, like the element patterns.
    """
    text = (
        resources.files("content_audit.data")
        .joinpath(MEDICAL_TERMS_RESOURCE)
        .read_text(encoding="utf-8")
    )
    return tuple(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


@lru_cache(maxsize=1)
def load_plain_words() -> dict[str, tuple[str, str]]:
    """The shipped lexicon: term -> (plainer words, source) (``data/plain_words.tsv``).

    Each pair names where it comes from (plainlanguage.gov, CDC Everyday Words) or says
    "written here".  Cached: a read-only constant of the package.
    """
    text = (
        resources.files("content_audit.data")
        .joinpath(PLAIN_WORDS_RESOURCE)
        .read_text(encoding="utf-8")
    )
    out: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, alternative, source = line.split("\t")
        out[term.strip().lower()] = (alternative.strip(), source.strip())
    return out


def plain_alternative(term: str, user: tuple[tuple[str, str], ...] = ()) -> tuple[str, str] | None:
    """(plainer words, source) for a term as it appears ("trigger points"), or ``None``.

    The user's pairs (``[plain_words]``, source "your configuration") win over the
    shipped lexicon; a plural finds its singular ("vertebrae" is listed as is).
    """
    key = " ".join(term.lower().split())
    candidates = [key]
    if key.endswith("es"):
        candidates.append(key[:-2])
    if key.endswith("s"):
        candidates.append(key[:-1])
    mine = dict(user)
    for candidate in candidates:
        if candidate in mine:
            return mine[candidate], "your configuration"
    shipped = load_plain_words()
    for candidate in candidates:
        if candidate in shipped:
            return shipped[candidate]
    return None


@lru_cache(maxsize=1)
def _terms_re() -> re.Pattern[str]:
    terms = sorted(load_medical_terms(), key=len, reverse=True)
    alternatives = [re.escape(t).replace(r"\ ", r"\s+") for t in terms]
    if all(t[:1].isascii() and t[:1].isalpha() for t in terms):
        # Grouped by first letter, longest first within each: the same matches (no two
        # first letters match one character), ~10x fewer alternatives tried per word.
        groups: dict[str, list[str]] = {}
        for alt in alternatives:
            groups.setdefault(alt[0], []).append(alt[1:])
        body = "|".join(k + "(?:" + "|".join(v) + ")" for k, v in groups.items())
    else:
        body = "|".join(alternatives)
    return re.compile(r"\b(?:" + body + r")(?:e?s)?\b", re.I)


@lru_cache(maxsize=1)
def _term_first_words() -> frozenset[str]:
    """Every lower-case word a term match can start with (see ``_may_hold_term``).

    A match of ``_terms_re`` starts at a word boundary, so the sentence word there is the
    term's first run of word characters: exactly that run when the term goes on with a
    space or hyphen, else the whole term with an optional plural "s" / "es".
    """
    out: set[str] = set()
    for term in load_medical_terms():
        first = re.match(r"\w+", term)
        if first is None or not term.isascii():  # no shortcut for such a term
            return frozenset({""})
        run = first.group(0)
        out.add(run)
        if run == term:
            out.update((term + "s", term + "es"))
    return frozenset(out)


_SENTENCE_WORD = re.compile(r"\w+")


def _may_hold_term(sentence: str, first_words: frozenset[str]) -> bool:
    """False only when ``_terms_re`` cannot match in ``sentence``: no ASCII word of it is a
    term's first word.  A word with non-ASCII letters counts as a possible match, since
    case-insensitive matching folds some of them (the Kelvin sign, the long s) to ASCII."""
    if "" in first_words:
        return True
    for word in _SENTENCE_WORD.findall(sentence):
        if not word.isascii() or word.lower() in first_words:
            return True
    return False


# A gloss right after the term: "tendinopathy (tendon damage)", "tendinopathy, or tendon
# damage", "tendinopathy is a ...", "tendinopathy means ...", "— a ...".
_GLOSS_AFTER = re.compile(
    r"^\W{0,3}(?:\(|,?\s*(?:or|i\.e\.|meaning|which\s+(?:is|means|are)|that\s+is|"
    r"also\s+(?:called|known\s+as))\b|\s*[—–:-]\s*(?:a|an|the|when|where|which)\b|"
    r",\s*(?:a|an|the)\s+\w+|\s+(?:is|are)\s+(?:a|an|the|when|what|where|how|simply|"
    r"defined|called|known)\b|\s+(?:means?|refers?\s+to|describes?|is\s+the\s+name)\b)",
    re.I,
)
# A gloss right before it: "tendon damage (tendinopathy)", "called tendinopathy",
# "a tight band of muscle, called a trigger point", "known as tendinopathy", "the medical
# term for ... is tendinopathy".
_GLOSS_BEFORE = re.compile(
    r"(?:\(\s*$|\b(?:called|termed|named|known\s+as|diagnosed\s+as)\s*(?:(?:a|an|the)\s+)?"
    r"[\"“‘']?$|\b(?:term\s+for\s+.{0,60}?\s+is|or)\s*[\"“‘']?$)",
    re.I,
)
# "Osteoarthritis — gradual cartilage breakdown": a dash after the term glosses it.
_DASH_AFTER = r"\s*[—–]\s*\w|-\s+\w"
# The term (or its noun) then a gloss: "femoral component (thigh bone)", "maxillary sinus
# which is a hollow ...".
_GLOSS_NOUN_AFTER = re.compile(
    r"^(?:" + _DASH_AFTER + r"|\s+[a-z]+\s*(?:\(|,?\s*which\s+(?:is|are)\b))", re.I
)
# The term inside a "label — gloss" pair: "Bone density loss — osteopenia ...",
# "teeth- Periodontal ligament", "(plural for meniscus)".
_DASH_LABEL = re.compile(
    r"(?:^\W*(?:\S+\s+){0,4}?\S+\s*[—–]\s*(?:\S+\s+){0,3}$|[—–-]\s*$|\bplural\s+(?:for|of)\s+$)"
)
# A definition-list item: "Corticosteroids: To reduce inflammation ...".
_LABEL_COLON = re.compile(r"^\s*:\s*\w")
# Not a use of the term: "anti-inflammatory", a breadcrumb "Home›Conditions›Sciatica".
_NOT_A_USE = re.compile(r"(?:\banti-$|[›»]\s*$)", re.I)


def _in_name(sentence: str, start: int, end: int) -> bool:
    """The term is part of a proper name ("Abbotsford Periodontist & Dental Implants",
    "Fascial Stretch Therapy"): capitalised, not first in the sentence, and next to
    another capitalised word."""
    if start == 0 or not sentence[start].isupper() or not sentence[:start].strip():
        return False
    prev = re.search(r"(\S+)\s+$", sentence[:start])
    nxt = re.match(r"\s+(\S+)", sentence[end:])
    return any(w is not None and w.group(1)[:1].isupper() for w in (prev, nxt)) or bool(
        nxt is not None and nxt.group(1) == "&"
    )


# The next sentence explains the term: "This means ...", "It is a ...".
_NEXT_EXPLAINS = re.compile(
    r"^\W*(?:this|that|it|these|they|which)\s+(?:is|are|means?|refers?|describes?|happens|"
    r"occurs|condition|term|word)\b",
    re.I,
)


def unexplained_terms(page: Page, text: PageText | None = None) -> list[tuple[str, str]]:
    """(term, sentence) for each medical term whose first use is not explained nearby.

    "Explained" means a definition pattern or a parenthetical gloss in the same sentence,
    or a sentence right after that starts "This means", "It is"...; the first use alone
    is judged, since a reader meets the term there.
    """
    pattern = _terms_re()
    known = frozenset(load_medical_terms())
    first_words = _term_first_words()
    sentences = (text if text is not None else PageText.of(page)).sentences()
    # The article's own subject ("plantar fasciitis" under "How ART Helps Plantar
    # Fasciitis") is what the page explains: the definition element judges that, not this.
    topic = " ".join(f"{page.subject} {page.title}".lower().split())
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for index, sentence in enumerate(sentences):
        if not _may_hold_term(sentence, first_words):
            continue
        for match in pattern.finditer(sentence):
            term = re.sub(r"\s+", " ", match.group(0).lower())
            key = next((k for k in (term, term[:-1], term[:-2]) if k in known), term)
            if key in seen:
                continue
            seen.add(key)
            if term in topic or key in topic:
                continue
            after = sentence[match.end() :]
            before = sentence[: match.start()]
            if _in_name(sentence, match.start(), match.end()) or _NOT_A_USE.search(before):
                seen.discard(key)  # a clinic's name, "anti-inflammatory": not this term
                continue
            if (
                _GLOSS_AFTER.match(after)
                or _GLOSS_BEFORE.search(before)
                or _GLOSS_NOUN_AFTER.match(after)
                or _DASH_LABEL.search(before)
                or (match.start() < 4 and _LABEL_COLON.match(after))
            ):
                continue
            following = sentences[index + 1] if index + 1 < len(sentences) else ""
            if following and _NEXT_EXPLAINS.match(following):
                continue
            out.append((term, sentence))
    return out


# ---------------------------------------------------------------------------- runs


def _first_word(sentence: str) -> str:
    match = _WORD_RE.search(sentence)
    return match.group(0).lower().strip("'’") if match else ""


def same_start_runs(sentences: list[str], run: int) -> list[tuple[str, int, str]]:
    """(word, length, first sentence) of each run of ``run``+ sentences starting alike."""
    out: list[tuple[str, int, str]] = []
    index = 0
    while index < len(sentences):
        word = _first_word(sentences[index])
        end = index + 1
        while end < len(sentences) and word and _first_word(sentences[end]) == word:
            end += 1
        if word and end - index >= run:
            out.append((word, end - index, sentences[index]))
        index = end
    return out


# ---------------------------------------------------------------------------- checks


def check_plain(
    page: Page,
    kind: Kind,
    readability: Readability,
    config: AuditConfig,
    text: PageText | None = None,
) -> tuple[Finding, ...]:
    """Plain-language findings for an article; none for listings and other pages.

    ``text`` is the page split into sentences (``PageText``), when the caller has it."""
    if kind is not Kind.ARTICLE or not config.health.plain_language or not page.words:
        return ()
    text = text if text is not None else PageText.of(page)
    return page_findings(_plain_findings(page, readability, config, text), page, config)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plain_findings(
    page: Page, readability: Readability, config: AuditConfig, text: PageText
) -> Iterator[Finding]:
    health = config.health
    where = page.url or "page"
    paragraphs = [p for s in page.sections for p in s.paragraphs]
    sentences = text.sentences()
    lengths = [len(_WORD_RE.findall(s)) for s in sentences]

    if sentences:
        long_ones = [
            s for s, n in zip(sentences, lengths, strict=True) if n > health.long_sentence_words
        ]
        share = len(long_ones) / len(sentences)
        if share > health.long_sentence_max_share:
            longest = max(zip(lengths, sentences, strict=True))
            yield finding(
                "long_sentences",
                f"{where}: {share:.0%} of sentences ({len(long_ones)} of {len(sentences)}) have "
                f"more than {health.long_sentence_words} words (at most "
                f"{health.long_sentence_max_share:.0%})",
                evidence=f"{longest[0]} words: {_short(longest[1])}",
            )

    long_paragraphs = [p for p in paragraphs if len(p.split()) > health.paragraph_max_words]
    if long_paragraphs:
        worst = max(long_paragraphs, key=lambda p: len(p.split()))
        yield finding(
            "paragraph_too_long",
            f"{where}: {len(long_paragraphs)} paragraph(s) over {health.paragraph_max_words} words",
            evidence=f"{len(worst.split())} words: {_short(worst, 100)}",
        )

    if page.words > health.section_max_words:
        long_sections = [s for s in page.sections if s.words > health.section_max_words]
        if long_sections:
            shown = "; ".join(
                f"{s.heading or '(intro)'}: {s.words} words" for s in long_sections[:3]
            )
            yield finding(
                "section_too_long",
                f"{where}: {len(long_sections)} section(s) run over "
                f"{health.section_max_words} words without a subheading",
                evidence=shown,
            )

    if sentences:
        passive = [s for s in sentences if is_passive(s)]
        share = len(passive) / len(sentences)
        if share > health.passive_max_share:
            yield finding(
                "passive_voice",
                f"{where}: {share:.0%} of sentences ({len(passive)} of {len(sentences)}) use the "
                f"passive voice (at most {health.passive_max_share:.0%})",
                evidence=" | ".join(_short(s, 100) for s in passive[:3]),
            )

    runs = same_start_runs(sentences, health.same_start_run) if health.same_start_run else []
    if runs:
        yield finding(
            "repeated_sentence_start",
            f"{where}: {len(runs)} run(s) of {health.same_start_run} or more consecutive "
            "sentences starting with the same word ("
            + ", ".join(dict.fromkeys(f'"{w}"' for w, _, _ in runs))
            + ")",
            evidence=" | ".join(f"{n}x {w!r}: {_short(s, 80)}" for w, n, s in runs[:3]),
        )

    jargon = unexplained_terms(page, text)
    if jargon:
        listed: list[str] = []
        for term, _ in jargon:
            plain = plain_alternative(term, config.plain_words)
            listed.append(f"{term} (say: {plain[0]})" if plain else term)
        yield finding(
            "jargon_unexplained",
            f"{where}: {len(jargon)} medical term(s) not explained at first use: "
            + ", ".join(listed),
            evidence=" | ".join(f"{t}: {_short(s, 100)}" for t, s in jargon[:3]),
        )

    ceiling = config.grade_target + health.section_grade_margin
    hard = [s for s in readability.sections if s.grade is not None and s.grade > ceiling]
    if hard:
        hard.sort(key=lambda s: s.grade or 0.0, reverse=True)
        yield finding(
            "section_grade_over_target",
            f"{where}: {len(hard)} section(s) read above grade {ceiling:g} "
            f"(target {config.grade_target:g} + {health.section_grade_margin:g})",
            evidence="; ".join(f"{s.heading or '(intro)'}: grade {s.grade:.1f}" for s in hard[:3]),
        )
