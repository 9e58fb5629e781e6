"""Text measures shared by the page digests and the cross-page checks that read them.

Words as the teaser, duplicate and topic checks compare them (entities decoded, Unicode
folded, case and punctuation dropped), a hash equal in every process, a page's content
terms and its MinHash sketch.  ``site.digest_page`` computes them in the audit worker, the
check modules (``sitechecks/``) compare them; one definition, so both sides agree.
"""

from __future__ import annotations

import html
import re
import unicodedata
import zlib
from array import array
from collections import Counter
from difflib import SequenceMatcher

SHINGLE_WORDS = 5
SKETCH_BINS = 64
EMPTY_BIN = 0xFFFFFFFF
"""A sketch bin no shingle fell into."""

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_TERM_RE = re.compile(r"[a-z][a-z'-]{2,}")
_MORE_RE = re.compile(
    r"(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…|\bread\s+more\b|\bcontinue\s+reading\b)", re.IGNORECASE
)
_STOPWORDS_TEXT = """
    about above after again against all also among and any are aren't around because been
    before being below between both but can can't cannot could couldn't did didn't does doesn't
    doing don't down during each either even ever every few for from further get gets getting
    had hadn't has hasn't have haven't having her here hers herself him himself his how however
    i'm i've into isn't it's its itself just let's like make makes many may might more most
    much must mustn't myself near need needs never not now off often once one only onto other
    others our ours ourselves out over own per rather really same shall she should shouldn't
    since some still such than that that's the their theirs them themselves then there there's
    these they they're this those though through thus too toward under until upon very via was
    wasn't way we're well were weren't what what's when where whether which while who whom
    whose why will with within without won't would wouldn't yet you you're your yours yourself
    yourselves also new two three first second use used using within can may"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


# ---------------------------------------------------------------------------- text


def normalize_words(text: str) -> list[str]:
    """Tokens for comparing excerpts with article text: markup and typography do not count.

    Entities are decoded (twice: a double-escaped ``&amp;amp;`` is common in excerpts),
    Unicode is NFKC-folded and casefolded, "[...]"/"Read more" and every punctuation
    character are dropped; what remains is the sequence of words.
    """
    if "&" in text:
        text = html.unescape(html.unescape(text))
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    text = _MORE_RE.sub(" ", text)
    return _WORD_RE.findall(text.replace("'", ""))


def norm_key(text: str | None) -> str:
    """Grouping key for titles and meta descriptions: case, spacing and punctuation folded."""
    return " ".join(normalize_words(text or ""))


def teaser_matches(excerpt: list[str], opening: list[str], min_ratio: float) -> tuple[bool, float]:
    """Whether an excerpt (tokens) still matches the start of its target's text, and how well.

    Returns ``(ok, similarity)``.  Passes when the excerpt is a prefix of the opening (its
    last token may be a word cut short), occurs within the opening window, or has a token
    similarity of at least ``min_ratio`` to the opening's first words.
    """
    n = len(excerpt)
    if n == 0 or not opening:
        return True, 1.0
    head = opening[:n]
    if excerpt[:-1] == head[:-1] and len(head) == n and head[-1].startswith(excerpt[-1]):
        return True, 1.0
    if n <= len(opening) and _contains(opening, excerpt):
        return True, 1.0
    ratio = SequenceMatcher(None, excerpt, head, autojunk=False).ratio()
    return ratio >= min_ratio, ratio


def _contains(haystack: list[str], needle: list[str]) -> bool:
    first, n = needle[0], len(needle)
    for i, token in enumerate(haystack[: len(haystack) - n + 1]):
        if (
            token == first
            and haystack[i : i + n - 1] == needle[:-1]
            and (haystack[i + n - 1].startswith(needle[-1]))
        ):
            return True
    return False


def stable_hash(text: str) -> int:
    """A 32-bit hash equal in every process (``hash()`` is salted per interpreter)."""
    return (zlib.crc32(text.encode("utf-8")) * 0x9E3779B1) & 0xFFFFFFFF


def content_terms(text: str) -> Counter[str]:
    words = _TERM_RE.findall(unicodedata.normalize("NFKC", text).casefold().replace("’", "'"))
    return Counter(w for w in (w.strip("'-") for w in words) if len(w) > 2 and w not in _STOPWORDS)


def sketch(words: list[str]) -> bytes:
    """One-permutation MinHash of the word 5-shingles: the smallest hash in each of 64 bins."""
    mins = [EMPTY_BIN] * SKETCH_BINS
    mask = SKETCH_BINS - 1
    for i in range(len(words) - SHINGLE_WORDS + 1):
        h = stable_hash(" ".join(words[i : i + SHINGLE_WORDS]))
        b = h & mask
        if h < mins[b]:
            mins[b] = h
    return array("I", mins).tobytes()
