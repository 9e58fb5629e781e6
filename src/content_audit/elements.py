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

Patterns are compiled once per rule (``lru_cache`` keyed on the frozen ``ElementRule``).
The few that mention ``{subject}`` are compiled once too, with a slot in place of the
subject that each match is checked against (see ``_SubjectPattern``): compiling them again
for every page's subject used to cost more than the whole search.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .config import AuditConfig, ElementRule
from .model import ELEMENT_NAMES, ElementResult, Page, Section

__all__ = ["derive_subject", "find_elements", "split_sentences"]

SUBJECT_PLACEHOLDER = "{subject}"
_NEVER = r"(?!x)x"
"""A pattern that matches nothing: what ``{subject}`` becomes when a page has no subject."""

# --- sentences ------------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATION_END = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|St|vs|e\.g|i\.e|etc|approx|No|Fig)\.$")
_MIN_SECTION_WORDS = 3
"""A heading needs at least this many words of text under it to count as evidence."""


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split one paragraph into sentences, keeping "Dr." and "e.g." inside their sentence.

    Cheap on purpose (one regex): the detector runs on every page of a crawl, and the
    patterns only need sentence-sized windows, not a linguist's segmentation.
    """
    text = " ".join(paragraph.split())
    if not text:
        return ()
    out: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        piece = text[start : match.start()]
        if _ABBREVIATION_END.search(piece):
            continue
        out.append(piece)
        start = match.end()
    out.append(text[start:])
    return tuple(s for s in (p.strip() for p in out) if s)


# --- subject --------------------------------------------------------------------------------

_SITE_SUFFIX = re.compile(r"\s+[|–—»·:-]\s+.*$|\s*\|.*$")
_LEADING = re.compile(
    r"^(?:(?:a|an|the|your|our)\s+)?(?:"
    r"what\s+(?:exactly\s+)?(?:is|are)|understanding|defining|exploring|introducing|"
    r"(?:(?:a|an|the|your)\s+)?(?:(?:complete|quick|simple|short|brief|ultimate|essential|"
    r"beginner[’']?s|patient[’']?s)\s+)*guide\s+(?:to|on)|"
    r"everything\s+you\s+(?:need|should|want)\s+to\s+know\s+about|all\s+about|"
    r"(?:an\s+)?(?:introduction|intro)\s+to|(?:an\s+)?overview\s+of|"
    r"(?:common\s+|frequently\s+asked\s+)?questions\s+about|faqs?\s+(?:about|on)|"
    r"the\s+(?:role|benefits|basics|science|truth|facts)\s+(?:of|about|behind)|"
    r"benefits\s+of|why\s+(?:more\s+)?(?:patients|people)\s+(?:are\s+)?choos(?:e|ing)|"
    r"how\s+(?:does|do|can|is|are|will)|how|is|are|does|do|can|why|when\s+(?:is|are)|"
    r"learn\s+about|getting\s+to\s+know|living\s+with|dealing\s+with|coping\s+with|"
    r"treat(?:ing)?|manag(?:e|ing)|prevent(?:ing)?|reliev(?:e|ing)|treatment\s+(?:of|for)|"
    r"the\s+(?:health\s+)?benefits\s+of|(?:\d+\s+)?(?:things|facts|myths)\s+about|"
    r"(?:[\w-]+[’']s\s+)?approach(?:es)?\s+to(?:\s+treating)?|about"
    r")\s+",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
_CUT = re.compile(
    r"\s*[:?!(–—]|\s+-\s+|,\s"
    r"|\s+(?:for|vs\.?|versus|in|at|after|before|during|with|to|helps?|can|could|may|might|"
    r"will|works?|explained|myths|is|are|was|right|really|and\s+(?:what|how|why|when|its|their)"
    r"|treatment\s+options|options|benefits|faqs?)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&-]{1,9})\)")


def derive_subject(title: str) -> str:
    """The key term of a page title or H1, lower-cased: what the article is about.

    "Prolotherapy: How It Works and What It Treats" -> "prolotherapy";
    "Understanding Dry Needling | Clinic" -> "dry needling".  Site names after " | " or
    " - " go, then question words and guide phrases in front, then everything from the
    first connective ("for", "vs", ":", "?") on.
    """
    text = " ".join(title.split())
    text = _SITE_SUFFIX.sub("", text) or text
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


def _subject_regex(title: str) -> str:
    """``{subject}`` as a regex: the full term or its head noun, singular or plural."""
    subject = derive_subject(title)
    words = re.findall(r"[\w’']+", subject)
    if not words:
        return _NEVER
    variants: list[str] = []

    def plural(word: str) -> str:
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us")):
            return re.escape(word[:-1]) + "s?"
        if len(word) > 3 and word.endswith("y") and word[-2] not in "aeiou":
            return re.escape(word[:-1]) + "(?:y|ies)"
        return re.escape(word) + "(?:s|es)?"

    full = r"[\s-]+".join([*(re.escape(w) for w in words[:-1]), plural(words[-1])])
    variants.append(full)
    head = words[-1]
    if len(words) > 1 and len(head) >= 4:
        variants.append(plural(head))
    acronym = _ACRONYM.search(title)
    if acronym:
        variants.append(re.escape(acronym.group(1)))
    return "(?:" + "|".join(variants) + ")"


@lru_cache(maxsize=1024)
def _page_subject(topic: str) -> _Subject:
    """The page subject of a title-like ``topic``, compiled (the same topic, the same object)."""
    regex = _subject_regex(topic)
    words = len(re.findall(r"[\w’']+", derive_subject(topic)))
    return _Subject(regex, re.compile(regex, re.IGNORECASE), words)


# --- compiled rules -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Patterns:
    """One list of patterns as a single alternation (or separately if they cannot combine)."""

    regexes: tuple[re.Pattern[str], ...] = ()

    def search(self, text: str) -> bool:
        return any(r.search(text) for r in self.regexes)

    def first(self, text: str) -> int:
        """Offset of the leftmost match in ``text``, or -1."""
        starts = [m.start() for m in (r.search(text) for r in self.regexes) if m]
        return min(starts) if starts else -1


_FLAGS = re.IGNORECASE | re.MULTILINE
"""MULTILINE: sentences hold no newline, so ``^``/``$`` still mean the sentence's ends, and
the same pattern can scan a whole page joined with _JOIN in one call."""


def _combine(patterns: tuple[str, ...]) -> _Patterns:
    if not patterns:
        return _Patterns()
    try:
        return _Patterns((re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS),))
    except re.error:
        # A user pattern with global inline flags cannot sit inside an alternation.
        return _Patterns(tuple(re.compile(p, _FLAGS) for p in patterns))


# A pattern naming the page subject would have to be compiled again for every page (each
# page has its own subject, and compiling the big body patterns costs milliseconds, more
# than the rest of the element search).  Instead each such pattern is compiled once with
# the subject replaced by a *slot*: a named group matching any short phrase (a superset of
# every wording of every subject with at most N words).  On one sentence:
#
# - no wording of the subject anywhere in it: the pattern behaves exactly as if the
#   subject matched nothing, so the copy with ``_NEVER`` in its place decides;
# - the slotted pattern finds nothing: the real pattern cannot match either (the slot only
#   widens what the pattern accepts, which holds because the slot is only ever in a
#   "positive" place, checked once by ``_slot_safe``);
# - it matches and the slot holds a wording of the subject (or was not used): the real
#   pattern has the very same match;
# - otherwise the regex engine may have stopped at a path the real pattern would not take:
#   only then is the pattern compiled with the subject filled in (cached per subject).
# Every case gives exactly the answer of the pattern with the subject filled in.

_SLOT = "_subject_slot_"
_TOKEN = r"[\w’'&-]+"
r"""One word of a subject wording: words are ``[\w’']+`` (any case), acronyms add & and -."""


def _slot_safe(pattern: str) -> bool:
    """Whether ``{subject}`` in ``pattern`` may be widened to a slot without changing answers.

    A small scan of the regex syntax (escapes, classes, groups).  True when the pattern holds
    the placeholder exactly once, outside any class, inside groups that are plain, capturing,
    named or positive lookaheads and not repeated (``?`` is allowed), and the pattern has no
    back-reference, conditional, flag group, atomic group or possessive quantifier (a
    negative or atomic context would make a wider slot *lose* matches; an extra group would
    renumber back-references).  Anything unusual answers False: the pattern is then compiled
    per subject, as before.
    """
    if pattern.count(SUBJECT_PLACEHOLDER) != 1 or f"(?P<{_SLOT}>" in pattern:
        return False
    stack: list[tuple[str, bool]] = []  # (kind, holds the placeholder)
    i, n = 0, len(pattern)
    found = False
    while i < n:
        if pattern.startswith(SUBJECT_PLACEHOLDER, i):
            if any(kind not in ("(?:", "(", "(?P<", "(?=") for kind, _ in stack):
                return False
            stack = [(kind, True) for kind, _ in stack]
            found = True
            i += len(SUBJECT_PLACEHOLDER)
            continue
        c = pattern[i]
        if c == "\\":
            if i + 1 < n and pattern[i + 1] in "123456789":
                return False
            i += 2
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            if SUBJECT_PLACEHOLDER in pattern[i:j]:
                return False
            i = j + 1
        elif c == "(":
            if pattern.startswith("(?:", i) or pattern.startswith("(?=", i):
                kind = pattern[i : i + 3]
            elif pattern.startswith("(?P<", i):
                kind = "(?P<"
            elif pattern.startswith("(?", i):
                return False  # negative/behind lookaround, atomic, conditional, flags, comment
            else:
                kind = "("
            stack.append((kind, False))
            i += len(kind)
        elif c == ")":
            if not stack:
                return False
            _, holds = stack.pop()
            i += 1
            if holds and i < n and pattern[i] in "*+{":
                return False
        elif c in "*+?}" and i + 1 < n and pattern[i + 1] == "+":
            return False  # possessive
        else:
            i += 1
    return found and not stack


@dataclass(frozen=True, slots=True)
class _SubjectPattern:
    """One pattern naming ``{subject}``, compiled once for every page (see above)."""

    source: str
    never: re.Pattern[str]
    slotted: re.Pattern[str] | None
    """The pattern with a slot of up to ``words`` words, or None when not ``_slot_safe``."""

    def search(self, text: str, subject: _Subject) -> bool:
        if self.slotted is None:
            return _filled(self.source, subject.regex).search(text) is not None
        match = self.slotted.search(text)
        if match is None:
            return False
        slot = match.group(_SLOT)
        if slot is None or subject.compiled.fullmatch(slot):
            return True
        if self.never.search(text):
            return True
        return _filled(self.source, subject.regex).search(text) is not None


@lru_cache(maxsize=256)
def _filled(source: str, subject: str) -> re.Pattern[str]:
    """``source`` with one page subject filled in: the exact (and slow to compile) form."""
    return re.compile(source.replace(SUBJECT_PLACEHOLDER, subject), _FLAGS)


@lru_cache(maxsize=256)
def _subject_pattern(source: str, words: int) -> _SubjectPattern:
    never = re.compile(source.replace(SUBJECT_PLACEHOLDER, _NEVER), _FLAGS)
    slotted = None
    if _slot_safe(source):
        slot = f"(?P<{_SLOT}>{_TOKEN}(?:[\\s-]+{_TOKEN}){{0,{max(0, words - 1)}}}?)"
        try:
            slotted = re.compile(source.replace(SUBJECT_PLACEHOLDER, slot), _FLAGS)
        except re.error:  # e.g. the placeholder sits in a fixed-width lookbehind
            slotted = None
    return _SubjectPattern(source, never, slotted)


@dataclass(frozen=True, slots=True)
class _Subject:
    """The page subject: its regex (``_subject_regex``), compiled, and its word count."""

    regex: str
    compiled: re.Pattern[str]
    words: int

    @property
    def never(self) -> bool:
        return self.regex == _NEVER


@dataclass(frozen=True, slots=True)
class _SubjectPatterns:
    """The ``{subject}`` patterns of one list; one alternation of their ``_NEVER`` forms."""

    patterns: tuple[str, ...]
    never: _Patterns

    def search(self, text: str, subject: _Subject) -> bool:
        if not self.patterns:
            return False
        if subject.never or subject.compiled.search(text) is None:
            # No wording of the subject in the text: the subject part cannot match.
            return self.never.search(text)
        return any(_subject_pattern(p, subject.words).search(text, subject) for p in self.patterns)

    def first(self, text: str, subject: _Subject) -> int:
        """A lower bound of the leftmost match in ``text`` (a whole page), or -1 for none.

        A sentence can only match through the subject if it holds a wording of the
        subject, so the first wording bounds those matches; the rest is the ``_NEVER``
        form's own leftmost match.
        """
        if not self.patterns:
            return -1
        starts = [self.never.first(text)]
        if not subject.never:
            found = subject.compiled.search(text)
            if found is not None:
                starts.append(found.start())
        starts = [s for s in starts if s >= 0]
        return min(starts) if starts else -1


def _split(patterns: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    fixed = tuple(p for p in patterns if SUBJECT_PLACEHOLDER not in p)
    with_subject = tuple(p for p in patterns if SUBJECT_PLACEHOLDER in p)
    return fixed, with_subject


def _subject_part(patterns: tuple[str, ...]) -> _SubjectPatterns:
    with_subject = _split(patterns)[1]
    never = _combine(tuple(p.replace(SUBJECT_PLACEHOLDER, _NEVER) for p in with_subject))
    return _SubjectPatterns(with_subject, never)


@dataclass(frozen=True, slots=True)
class _Matcher:
    """The compiled patterns of one rule, the same for every page (``_rule_matcher``)."""

    headings: _Patterns
    body: _Patterns
    negative: _Patterns
    subject_headings: _SubjectPatterns
    subject_body: _SubjectPatterns
    subject_negative: _SubjectPatterns

    def heading(self, text: str, subject: _Subject) -> bool:
        return self.headings.search(text) or self.subject_headings.search(text, subject)

    def sentence(self, text: str, subject: _Subject) -> bool:
        body = self.body.search(text) or self.subject_body.search(text, subject)
        return body and not (
            self.negative.search(text) or self.subject_negative.search(text, subject)
        )

    def first_body(self, text: str, subject: _Subject) -> int:
        """A lower bound of the leftmost body match in ``text`` (a whole page), or -1.

        Only used to skip sentences that cannot match, so a bound is as good as the
        exact offset.
        """
        starts = [
            i for i in (self.body.first(text), self.subject_body.first(text, subject)) if i >= 0
        ]
        return min(starts) if starts else -1


@lru_cache(maxsize=64)
def _rule_matcher(rule: ElementRule) -> _Matcher:
    """A rule's patterns compiled once for the whole crawl, whatever the page subject."""
    return _Matcher(
        headings=_combine(_split(rule.headings)[0]),
        body=_combine(_split(rule.body)[0]),
        negative=_combine(_split(rule.negative)[0]),
        subject_headings=_subject_part(rule.headings),
        subject_body=_subject_part(rule.body),
        subject_negative=_subject_part(rule.negative),
    )


# --- the search -----------------------------------------------------------------------------

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
    joined: str
    """Every sentence of the page, in order, joined with _JOIN: one regex call per element
    rules out a page, instead of one per sentence (the body patterns are the hot loop)."""
    flat: tuple[tuple[int, str], ...]
    """(section index, sentence) for every sentence, in page order."""
    ends: tuple[int, ...]
    """Offset in ``joined`` just past each sentence of ``flat``."""


_JOIN = "\n\x00\n"
"""Between two sentences: a newline ends ``$``/starts ``^`` (MULTILINE) and the NUL stops
``\\w``/``\\s`` runs, so a pattern that matches one sentence matches the joined page at the
same place; a match straddling two sentences is only a candidate, re-checked per sentence."""


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _topic(page: Page) -> str:
    """The title-like text the subject is derived from.

    Of several H1s, the one that heads the article text wins: the others are usually the
    site name in the banner ("Amasia Acupuncture Clinic"), which says nothing about the
    topic.  Then the first H1 (a hero banner's H1 is still the page's headline), then the
    <title>, then the first heading of the text (Markdown sources have neither).
    """
    if len(page.h1) > 1:
        headings = {_key(s.heading) for s in page.sections if s.heading and not s.pseudo}
        for h1 in page.h1:
            if _key(h1) in headings:
                return h1
    if page.h1:
        return page.h1[0]
    if page.title.strip():
        return page.title
    return next((s.heading for s in page.sections if s.heading and not s.pseudo), "")


def _prepare(page: Page) -> _PageText:
    sections = page.sections
    sentences = tuple(
        tuple(s for p in section.paragraphs for s in split_sentences(p)) for section in sections
    )
    # A heading owns the sections nested under it (an H2 "Conditions Treated" with one H3
    # per condition has its text in the H3s); pseudo headings and the intro own only theirs.
    ends = []
    for i, section in enumerate(sections):
        end = i + 1
        if section.level > 0 and not section.pseudo:
            while end < len(sections) and (
                sections[end].pseudo or sections[end].level > section.level
            ):
                end += 1
        ends.append(end)
    topic = _topic(page)
    titles = frozenset(_key(t) for t in (topic, page.subject, page.title) if t.strip())
    subject = _page_subject(topic)
    flat = tuple((i, s) for i, group in enumerate(sentences) for s in group)
    offsets = []
    pos = 0
    for _, sentence in flat:
        pos += len(sentence)
        offsets.append(pos)
        pos += len(_JOIN)
    return _PageText(
        sections=sections,
        sentences=sentences,
        subtree_end=tuple(ends),
        title_keys=titles,
        subject=subject,
        joined=_JOIN.join(s for _, s in flat),
        flat=flat,
        ends=tuple(offsets),
    )


def _find(name: str, matcher: _Matcher, text: _PageText) -> ElementResult:
    pseudo_hit: ElementResult | None = None
    for i, section in enumerate(text.sections):
        heading = section.heading.strip()
        if (
            not heading
            or _key(heading) in text.title_keys
            or not matcher.heading(heading, text.subject)
        ):
            continue
        under = [s for j in range(i, text.subtree_end[i]) for s in text.sentences[j]]
        if sum(len(s.split()) for s in under) < _MIN_SECTION_WORDS:
            continue
        evidence = next((s for s in under if matcher.sentence(s, text.subject)), under[0])
        via = "pseudo_heading" if section.pseudo else "heading"
        hit = ElementResult(name, True, heading=heading, evidence=evidence, via=via)
        if via == "heading":
            return hit
        pseudo_hit = pseudo_hit or hit
    if pseudo_hit is not None:
        return pseudo_hit
    start = matcher.first_body(text.joined, text.subject)
    if start < 0:
        return ElementResult(name, False)
    # Sentences before the leftmost page-wide match cannot match on their own.
    for i, sentence in text.flat[bisect_right(text.ends, start) :]:
        if not matcher.sentence(sentence, text.subject):
            continue
        section = text.sections[i]
        heading = section.heading.strip()
        if name == "definition" and _PRONOUN_START.match(sentence):
            about_subject = (
                section.level <= 1
                or _key(heading) in text.title_keys
                or bool(text.subject.compiled.search(heading))
            )
            if not about_subject:
                continue
        return ElementResult(name, True, heading=heading or None, evidence=sentence, via="text")
    return ElementResult(name, False)


def find_elements(page: Page, config: AuditConfig) -> tuple[ElementResult, ...]:
    """Find definition, uses, mechanism and consult prompt, in ``ELEMENT_NAMES`` order.

    Always returns four results; an element with no rule in the config is reported absent
    rather than raising, so a trimmed user config degrades instead of crashing a crawl.
    """
    text = _prepare(page)
    rules = {rule.name: rule for rule in config.elements}
    results = []
    for name in ELEMENT_NAMES:
        rule = rules.get(name)
        if rule is None:
            results.append(ElementResult(name, False))
            continue
        results.append(_find(name, _rule_matcher(rule), text))
    return tuple(results)
