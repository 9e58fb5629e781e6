"""Pages with nearly the same text: ``near_duplicate``.

A one-permutation MinHash over word 5-shingles (one hash per shingle, 64 bins, the minimum
per bin: ``PageDigest.sketch``, made in the audit worker by ``text.sketch``), candidate
pairs by LSH banding (8 bands of 8 bins), the estimated Jaccard similarity checked against
``site.near_duplicate_threshold``.  Linear in the number of pages, not quadratic.  Pages
under ``site.near_duplicate_min_words`` are not compared (a short page is mostly template).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter

from ..config import AuditConfig
from ..model import Finding, PageDigest
from ..specs import WARN, FindingSpec
from .base import SiteCheck, SiteContext, opening, quote
from .text import EMPTY_BIN, SKETCH_BINS

BANDS = 8
MAX_BUCKET = 500
"""LSH buckets larger than this hold boilerplate shared by hundreds of pages; they are
skipped (a true near-duplicate pair shares several other bands)."""

NEAR_DUPLICATE = FindingSpec(
    "near_duplicate",
    WARN,
    "site",
    "Another page has nearly the same text (`site.near_duplicate_threshold`).",
)


class NearDuplicateCheck(SiteCheck):
    """Every pair of long-enough pages whose sketches agree, found by LSH banding."""

    SPECS = (NEAR_DUPLICATE,)

    def __init__(self, config: AuditConfig) -> None:
        super().__init__(config)
        self.min_words = config.site.near_duplicate_min_words
        self.sketches: list[tuple[str, bytes]] = []
        """(url, sketch) of the pages of at least ``near_duplicate_min_words``."""

    def add(self, digest: PageDigest) -> None:
        if digest.sketch and digest.words >= self.min_words:
            self.sketches.append((digest.url, digest.sketch))

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        threshold = self.config.site.near_duplicate_threshold
        sketches, lookup = self.sketches, site.lookup
        rows = SKETCH_BINS // BANDS * 4  # bytes per band
        # One band at a time: the buckets of every page's eight bands at once were the largest
        # allocation of the checks (~1.4 KB a post, nearly all single-page buckets).  The shared
        # buckets are then taken in the order of a (page, band) walk, as when all eight were
        # built together, so the candidate pairs, and the ties among them, come in that order.
        shared: list[tuple[int, list[int]]] = []
        for b in range(BANDS):
            buckets: dict[bytes, list[int]] = defaultdict(list)
            for i, (_, sketch) in enumerate(sketches):
                buckets[sketch[b * rows : (b + 1) * rows]].append(i)
            shared += (
                (members[0] * BANDS + b, members)
                for members in buckets.values()
                if 1 < len(members) <= MAX_BUCKET
            )
            del buckets
        shared.sort(key=itemgetter(0))
        pairs: set[tuple[int, int]] = set()
        for _, members in shared:
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    pairs.add((members[x], members[y]))
        best: dict[int, tuple[float, int]] = {}
        for i, j in pairs:
            sim = jaccard(sketches[i][1], sketches[j][1])
            if sim >= threshold:
                for a, b in ((i, j), (j, i)):
                    if a not in best or sim > best[a][0]:
                        best[a] = (sim, b)
        for i in sorted(best):
            sim, j = best[i]
            url, other = sketches[i][0], sketches[j][0]
            yield NEAR_DUPLICATE.make(
                f"{url}: nearly the same text as {other} (estimated Jaccard similarity {sim:.2f} "
                f"of 5-word shingles, threshold {threshold:g})",
                f"{quote(opening(lookup, url), 100)} / {quote(opening(lookup, other), 100)}",
                url,
                other,
            )
        self.sketches.clear()


def jaccard(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: the share of bins (not empty in both) with equal minima."""
    x, y = array("I"), array("I")
    x.frombytes(a)
    y.frombytes(b)
    same = total = 0
    for u, v in zip(x, y, strict=True):
        if u == EMPTY_BIN and v == EMPTY_BIN:
            continue
        total += 1
        same += u == v
    return same / total if total else 0.0
