"""Syllables of words the pronouncing dictionary lacks: a medical lexicon and an estimator.

Why: textstat counts a word's syllables from the CMU dictionary and, for a word missing
from it, from pyphen's hyphenation points -- which are print hyphenation, not syllables, and
undercount Greek and Latin medical words badly ("tendinopathy" 2 instead of 5,
"arthroscopy" 1 instead of 4).  Jargon-heavy text then looks easier than it is, which is
the opposite of what a readability check on patient education should do.

What: ``estimate_syllables`` counts vowel groups with the rules that matter for such words
(hiatus in "-io-", "-eo-", "-ia", "-ii-"; "y" between consonant and vowel as in "myo-",
"cryo-"; a glide in "-tion", "-sia", "-cial"; final silent "e" and syllabic "-le"), and
``load_medical_lexicon`` reads ``data/medical_syllables.txt``: hand-checked counts of
medical terms (half of the labelled list in ``bench/data/medical_syllables.tsv``; the
other half is held out to measure the estimator, see ``bench/eval_syllables.py``).

Pure and cheap to import: no textstat, no pyphen.  ``readability`` chains
dictionary -> lexicon -> estimator when medical syllables are on.
"""

from __future__ import annotations

import re
from importlib import resources

__all__ = ["MEDICAL_LEXICON_RESOURCE", "estimate_syllables", "load_medical_lexicon"]

MEDICAL_LEXICON_RESOURCE = "medical_syllables.txt"

_VOWELS = frozenset("aeiouy")
_NON_LETTERS = re.compile(r"[^a-z]+")

# Two vowels that are two syllables (hiatus): "os-te-o", "tib-i-a", "fas-ci-i-tis",
# "my-e-lo", "hy-a-lu".  Other vowel pairs (ai, au, ee, ei, eu, oa, oi, oo, ou, ie, ue, ui,
# ae) stay one group; "ea" is split only in the Latin endings of ``_EA_SPLIT``.
_HIATUS = frozenset(["ia", "io", "iu", "ii", "eo", "ua", "uo", "ao", "ya", "ye", "yo", "yu"])
# "i" + vowel after t/s/c/x/g that is a glide, not a syllable: "-tion", "-sion", "-cian",
# "-tial", "-cial", "-cious", "-tient"; and word-final "-sia", "-cia", "-tia", "-gia".
_GLIDE_I = re.compile(r"(?<=[tscxg])i(?=on|an|al|ous|ent|ence|a$|as$)")
# "e" + vowel that is a glide: "-ceous", "-geous", "surgeon".
_GLIDE_E = re.compile(r"(?<=[cg])e(?=ous|on)")
# "ea"/"eou"/"eu" that are two syllables in Latin endings: "glu-te-al", "cu-ta-ne-ous",
# "cal-ca-ne-us", "a-men-or-rhe-a"; common words with a one-vowel "ea" ("heal", "breath")
# are in the dictionary and never reach the estimator.
_E_SPLIT = re.compile(r"e(?=(?:a|al|an|als|ans|us|um|ous)$)")

# Endings whose syllables the vowel groups get wrong, with their count.
_SUFFIXES: tuple[tuple[str, int], ...] = (("isms", 2), ("ism", 2))
# Prefixes ending in a vowel whose group would merge with a vowel starting the rest
# ("auto-immune", "electro-acupuncture", "osseo-integration").  Longest first; a prefix
# only applies when the rest starts with a vowel and is a word-sized stem.
_PREFIXES: tuple[tuple[str, int], ...] = (
    ("electro", 3),
    ("gastro", 2),
    ("osseo", 3),
    ("micro", 2),
    ("macro", 2),
    ("neuro", 2),
    ("hydro", 2),
    ("intra", 2),
    ("infra", 2),
    ("supra", 2),
    ("ultra", 2),
    ("retro", 2),
    ("auto", 2),
    ("pre", 1),
    ("re", 1),
    ("de", 1),
    ("co", 1),
)


def _groups(word: str) -> int:
    """Vowel groups of ``word`` (lower-case letters), with hiatus and glide rules."""
    consonant = {m.start() for m in _GLIDE_I.finditer(word)}
    consonant.update(m.start() for m in _GLIDE_E.finditer(word))
    split_after = {m.start() for m in _E_SPLIT.finditer(word)}
    count = 0
    previous = ""  # the previous letter when it was a vowel, else ""
    for index, ch in enumerate(word):
        if index in consonant:
            vowel = False
        elif ch == "y":
            # "y" is a consonant first in a word and after a vowel ("yoga", "beyond").
            vowel = index > 0 and not previous
        else:
            vowel = ch in "aeiou"
        if vowel:
            if not previous or previous + ch in _HIATUS or index - 1 in split_after:
                count += 1
            previous = ch
        else:
            previous = ""
    return count


def estimate_syllables(word: str) -> int:
    """Estimate the syllables of one English word, tuned for medical vocabulary.

    Never below 1 for a word with a letter; 1 for a token without letters ("2024"),
    which is what pyphen's count (hyphenation points + 1) gives too.
    """
    w = _NON_LETTERS.sub("", word.lower())
    if not w:
        return 1
    extra = 0
    for prefix, syllables in _PREFIXES:
        rest = w[len(prefix) :]
        if w.startswith(prefix) and len(rest) >= 4 and rest[0] in "aeiou":
            extra = syllables
            w = rest
            break
    for suffix, syllables in _SUFFIXES:
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) >= 2:
            return max(1, extra + _stem_syllables(stem) + syllables)
    return max(1, extra + _stem_syllables(w))


# A silent "e" before "-ment" ("impingement", "management").
_SILENT_E_MENT = re.compile(r"(?<=[^aeiouy])e(?=ments?$)")


def _stem_syllables(w: str) -> int:
    count = _groups(w)
    if _SILENT_E_MENT.search(w) and count > 1:
        count -= 1
    if len(w) > 2 and w.endswith("e") and count > 1:
        if w.endswith("le") and w[-3] not in _VOWELS:
            pass  # syllabic "-le": "clav-i-cle", "ir-ri-ta-ble"
        elif w[-2] not in _VOWELS:
            count -= 1  # silent final e: "endocrine", "osteophyte"
    elif w.endswith("ed") and len(w) > 3 and w[-3] not in "td" and count > 1:
        count -= 1  # "-ed" is no syllable after most letters: "stretched", "tied"
    return max(1, count)


def load_medical_lexicon() -> dict[str, int]:
    """The shipped medical lexicon: lower-case word -> syllables (hand-checked counts)."""
    text = (
        resources.files("content_audit.data")
        .joinpath(MEDICAL_LEXICON_RESOURCE)
        .read_text(encoding="utf-8")
    )
    lexicon: dict[str, int] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, count = line.partition(" ")
        lexicon[word] = int(count)
    return lexicon
