"""prefilter: the words a pattern needs, and the test that skips a pattern must never skip
one that would have matched (the element verdicts stay those of running every pattern)."""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content_audit import prefilter
from content_audit.config import load_config
from content_audit.elements import (
    _FLAGS,
    _JOIN,
    SUBJECT_MARK,
    _combine,
    _find,
    _marked,
    _prepare,
    _required,
    _rule_matchers,
    _Rules,
)
from content_audit.extract import extract_page
from content_audit.prefilter import _FOLD, Literals, required
from content_audit.sentences import split_sentences

FIXTURES = Path(__file__).parent / "fixtures"
CONFIG = load_config()
SHIPPED = sorted(
    {
        _marked(p)
        for rule in CONFIG.elements
        for ps in (rule.headings, rule.body, rule.negative, rule.weak, rule.lead)
        for p in ps
    }
)
WORDS = sorted({w for p in SHIPPED for need in _required(p) for w in need})


def test_the_standard_library_parser_is_where_prefilter_reads_it() -> None:
    """The seam: ``re._parser`` is private to the standard library.  Should a Python move
    it, the element search still runs (every pattern, as before the prefilter) but loses
    its speed: this test says so on that Python rather than letting it pass quietly."""
    assert prefilter.PARSER, "re._parser / re._constants moved: update content_audit.prefilter"


def test_required_reads_words_runs_and_alternations() -> None:
    needs = required(r"\b(?:works?|operates?|acts?|functions?)\s+by\b")
    assert frozenset({"work", "operate", "act", "function"}) in needs
    assert frozenset({"by"}) in needs
    assert required(r"\bget\s+in\s+touch\b")[0] == frozenset({"touch"})
    # Optional parts, lookarounds and anchors join the literals around them.
    assert required(r"^pain(?:ful)?ly(?=\s)\b") == (frozenset({"painly", "painfully"}),)
    assert required(r"mobili[sz]e")[0] == frozenset({"mobilise", "mobilize"})
    # A word that holds another is implied by it.
    assert required(r"\b(?:stimulat|stimulates)\b") == (frozenset({"stimulat"}),)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b",  # no word at all
        r"\w+ing\b|x",  # one branch needs only a letter
        r"[a-z]{3}",
        r"é+t",  # non-ASCII letters have twins the fold does not know; "t" is too short
        r"(unbalanced",  # does not parse
    ],
)
def test_a_pattern_with_no_word_to_read_needs_nothing(pattern: str) -> None:
    assert required(pattern) == ()


def test_fold_covers_every_character_ignorecase_matches_to_an_ascii_letter() -> None:
    """Every character ``re.IGNORECASE`` matches to an ASCII letter lower-cases and folds
    to that letter, so a word the pattern spells is a word of the folded text."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if code < 128 or 0xD800 <= code < 0xE000 or not letter.fullmatch(char):
            continue
        folded = char.lower().translate(_FOLD)
        twins = [a for a in string.ascii_lowercase if re.fullmatch(a, char, re.IGNORECASE)]
        assert twins == [folded], (hex(code), twins, folded)


def _sentences() -> list[str]:
    out = []
    for path in sorted(FIXTURES.glob("*.html")):
        page = extract_page(path.read_text(encoding="utf-8", errors="replace"), "http://x/")
        for section in page.sections:
            out.append(section.heading)
            for paragraph in section.paragraphs:
                out.extend(split_sentences(paragraph))
    return [s for s in out if s.strip()]


def test_no_shipped_pattern_matches_a_fixture_sentence_the_test_would_skip() -> None:
    literals = Literals(set(WORDS))
    regexes = [(re.compile(p, _FLAGS), _required(p)) for p in SHIPPED]
    checked = 0
    for sentence in _sentences():
        for marked in (sentence, re.sub(r"(?i)\bthe\b", SUBJECT_MARK, sentence)):
            mask = literals.mask(marked)
            for regex, needs in regexes:
                if regex.search(marked):
                    checked += 1
                    assert all(mask & literals.clause_mask(n) for n in needs), regex.pattern
    assert checked > 100


_TWINS = {"i": "İı", "s": "ſS", "k": "\u212aK"}


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """Words the patterns need and filler, in odd case, with the case-insensitive twins of
    i, s and k, and punctuation stuck to them."""
    words = draw(
        st.lists(
            st.one_of(
                st.sampled_from(WORDS),
                st.sampled_from(["the", "your", "pain", "is", "a", "by", SUBJECT_MARK]),
                st.text(alphabet="abcdefghijklmnopqrstuvwxyz’'-", min_size=1, max_size=9),
            ),
            min_size=1,
            max_size=30,
        )
    )
    out = []
    for word in words:
        if draw(st.booleans()):
            word = word.upper() if draw(st.booleans()) else word.title()
        for plain, twins in _TWINS.items():
            if plain in word.lower() and draw(st.integers(0, 4)) == 0:
                word = word.replace(plain, draw(st.sampled_from(twins)), 1)
        out.append(word + draw(st.sampled_from(["", "", ",", ".", ")", "’s"])))
    return draw(st.sampled_from([" ", "  ", "\u00a0"])).join(out)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_texts())
def test_patterns_search_as_one_alternation_would(text: str) -> None:
    """Every rule's lists (the shipped ones) say of a text what one alternation of all their
    patterns says, and ``first`` bounds the first sentence any of them matches."""
    plain = _rule_matchers(CONFIG.elements, gated=False)
    for name, matcher in _rule_matchers(CONFIG.elements, gated=True).items():
        alternation = plain[name]
        for field in ("headings", "body", "subject_body", "weak", "negative", "lead"):
            patterns, whole = getattr(matcher, field), getattr(alternation, field)
            assert (
                patterns.search(text)
                == whole.search(text)
                == any(r.search(text) for r in patterns.regexes)
            )
    rule = CONFIG.rule("mechanism")
    literals = Literals(set(WORDS))
    body = _combine(tuple(map(_marked, rule.body)), literals)
    sentences = [text, "nothing here", text.upper(), "zz"]
    joined = _JOIN.join(sentences)
    offset = 0
    truth = -1
    for sentence in sentences:
        if any(r.search(sentence) for r in body.regexes):
            truth = offset
            break
        offset += len(sentence) + len(_JOIN)
    found = body.first(joined)
    assert (found == -1) == (truth == -1)
    assert found <= truth


def test_a_user_pattern_with_inline_flags_or_no_words_still_runs() -> None:
    literals = Literals({"stretch"})
    patterns = _combine((r"(?i)^\d+\s*x\s*\d+$", r"\bstretch(?:es|ing)?\b"), literals)
    assert patterns.search("3 x 10")
    assert patterns.search("Gentle STRETCHING helps")
    assert not patterns.search("Gentle movement helps")
    assert patterns.first(_JOIN.join(["no", "3 x 10"])) == len("no") + len(_JOIN)


def test_long_tokens_are_taken_to_hold_every_word() -> None:
    literals = Literals({"consult", "mechanism"})
    assert literals.mask("x" * 100) == literals.all
    assert literals.mask("a consultation") == literals.bits["consult"]


def test_a_process_searches_its_first_page_with_alternations_then_gates() -> None:
    rules = _Rules(CONFIG.elements)
    first, second, third = rules.matchers(), rules.matchers(), rules.matchers()
    assert first["definition"].body.literals is None
    assert second is third and second["definition"].body.literals is not None
    for path in sorted(FIXTURES.glob("*.html")):
        page = extract_page(path.read_text(encoding="utf-8", errors="replace"), "http://x/")
        prepared = _prepare(page)
        for name in first:
            assert _find(name, first[name], prepared) == _find(name, second[name], prepared)
