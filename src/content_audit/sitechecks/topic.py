"""The topic vectors of the site's posts: who is far from the site's subject.

Each page's most frequent content words are kept as a hashed term-count vector
(``site.digest_page``); the site's article centroid is the mean of the articles'
L2-normalised TF-IDF vectors (smooth IDF over the site's posts); a post's cosine to the
centroid *of the other articles* is its topic score.  Short posts (under
``site.offtopic_min_words``) are not judged: a two-line clinic news item has too few words
for a topic.  Read by two checks (``teasers.py``: ``teaser_offtopic``; ``offtopic.py``:
``article_offtopic``), computed once per run (``SiteIndex.findings``).
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from operator import mul

from ..config import AuditConfig
from ..model import Kind, PageDigest

EXPLAIN_TERMS = 6

_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 256)]
"""Sublinear term frequency, 1 + ln(count), for the uint8 counts a digest keeps."""


def topic_scores(digests: Iterable[PageDigest], config: AuditConfig) -> dict[str, float]:
    """Cosine of each judged post's TF-IDF vector to the centroid of the *other* articles.

    Judged: posts with at least ``offtopic_min_words`` words.  The centroid is the sum of
    the articles' unit vectors; a page's own vector is taken out of it before comparing, so
    a small site's off-topic article cannot vouch for itself.  ``digests`` is read three
    times (document frequencies, centroid, scores) and never held whole: it may be a
    mapping's ``values()`` on disk (``spill.py``).  The inner loops are ``map``
    over C functions: this runs over ~256 terms of every post of a 100k-page site.
    Each unit vector is computed twice (for the centroid, then for the score) rather than
    kept: kept as lists of floats they were ~8 KB a post, the largest peak of a 10k-page
    run's parent process (the same arithmetic both times, so the same scores).
    """
    min_words = config.site.offtopic_min_words
    if iter(digests) is digests:  # one pass only: keep them for the three below
        digests = list(digests)

    def judged() -> Iterator[PageDigest]:
        return (d for d in digests if d.post and d.terms and d.words >= min_words)

    df: Counter[int] = Counter()
    n_docs = 0
    for d in judged():
        n_docs += 1
        df.update(_term_keys(d))
    log_n = math.log(1 + n_docs)
    idf = {k: log_n - math.log(1 + c) + 1.0 for k, c in df.items()}
    centroid: dict[int, float] = dict.fromkeys(idf, 0.0)
    members = 0
    for d in judged():
        if d.kind is Kind.ARTICLE:
            members += 1
            keys, unit = _unit_vector(d, idf)
            for k, w in zip(keys, unit, strict=True):
                centroid[k] += w
    if members < 2:
        return {}
    c_norm2 = sum(map(mul, centroid.values(), centroid.values()))
    scores: dict[str, float] = {}
    for d in judged():
        keys, unit = _unit_vector(d, idf)
        dot = sum(map(mul, unit, map(centroid.__getitem__, keys)))
        norm2 = c_norm2
        if d.kind is Kind.ARTICLE:  # leave the page out: C' = C - u, |u| = 1
            norm2 = max(c_norm2 - 2.0 * dot + 1.0, 0.0)
            dot -= 1.0
        scores[d.url] = dot / math.sqrt(norm2) if norm2 > 0 else 0.0
    return scores


def _term_keys(d: PageDigest) -> array[int]:
    keys = array("I")
    keys.frombytes(d.terms)
    return keys


def _unit_vector(d: PageDigest, idf: Mapping[int, float]) -> tuple[array[int], list[float]]:
    """A post's term ids and its TF-IDF vector scaled to length 1."""
    keys, counts = _term_keys(d), array("B")
    counts.frombytes(d.counts)
    weights = list(map(mul, map(_TF.__getitem__, counts), map(idf.__getitem__, keys)))
    scale = 1.0 / (math.hypot(*weights) or 1.0)
    return keys, [w * scale for w in weights]


def topic_evidence(d: PageDigest, score: float, subject: str) -> str:
    terms = ", ".join(d.top_terms) or "no content words"
    return (
        f"cosine {score:.3f} between its TF-IDF word vector and the mean of the site's "
        f"articles; its most frequent words: {terms}; the articles' most common: {subject}"
    )


def top_terms_of(digests: Iterable[PageDigest], n: int = EXPLAIN_TERMS) -> list[str]:
    """The words most often among the pages' top terms (the site's subject, for reports)."""
    counted: Counter[str] = Counter()
    for d in digests:
        counted.update(d.top_terms)
    return most_common(counted, n)


def most_common(counted: Counter[str], n: int = EXPLAIN_TERMS) -> list[str]:
    return [w for w, _ in heapq.nlargest(n, counted.items(), key=lambda kv: kv[1])]
