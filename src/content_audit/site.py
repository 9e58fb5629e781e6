"""Cross-page checks: teasers against their targets, recent posts, orphans, duplicates.

Pure: no I/O, no logging, no Prefect.  The checks need every page of the site at once, but a
10k-100k page site must not be held in memory, so they run on ``PageDigest`` records instead
of ``PageAudit``: ``digest_page`` is called in the audit worker right after ``audit_page``
and keeps ~2 KB per page (most of it the topic vector); ``SiteIndex`` folds the digests as
they arrive (the internal links of a page are merged into one set of link targets and
dropped) into mappings its caller provides: dicts by default, a scratch file in a site audit
(``spill.py``), so the crawling process does not hold every page; the checks run once, after
the crawl, over the index and the crawl's URL inventory (``url_state`` per ``FetchResult``),
in a few sequential passes.

The checks, and why they are built the way they are:

* Teasers (``teaser_*``): the teaser's href is normalised like the crawler's URLs
  (``urls.UrlNormalizer``) so it finds its row in the inventory; that row says whether the
  target is dead, redirected (the hop chain) or blocked by robots.txt.  A teaser is
  ``teaser_self`` when its href *or the end of its redirect chain* is the page itself.
* Stale teasers: the excerpt and the opening words of the target's article text are both
  reduced to tokens (entities decoded, Unicode folded, case and punctuation dropped), so
  whitespace and markup differences do not count.  Only truncated excerpts ("[...]",
  "…") are compared: WordPress cuts *automatic* excerpts that way, and those are the ones
  that go stale when the article is edited; a hand-written summary is shown whole and was
  never the article's opening.  The excerpt passes when it is a prefix of
  the opening (its last token may be cut mid-word: teasers are truncated with "[...]"), when
  it occurs within the opening window, or when its token similarity to the opening's start
  is at least ``site.stale_min_ratio`` (a light edit is not a stale teaser).
* Teaser blocks (``TeaserDigest.block``/``block_key``): every teaser says which block it
  came from (related, recent, featured, listing, promo, excerpt) and carries a stable hash of
  the whole block.  A block shown on two pages or more (a site-wide "Recent Posts" widget
  with excerpts) is checked once, on the first page that shows it, and its findings say on
  how many pages it is; it is not the page's own choice, so listing the page it sits on is
  no ``teaser_self``.  The pages per block are counted in bounded memory (``BlockCounter``,
  a Misra-Gries summary of 1024 keys: any block on more than 1/1024 of the pages is always
  recognised).  Duplicates are looked for within one block (an index card and a sidebar
  card to the same post are not ``teaser_duplicate``), and ``listing``/``recent`` blocks
  list posts by index or date, not by choice, so an off-topic post there is only the post's
  ``article_offtopic``.
* Topic (``teaser_offtopic``, ``article_offtopic``): each page's most frequent content
  words are kept as a hashed term-count vector; the site's article centroid is the mean of
  the articles' L2-normalised TF-IDF vectors (smooth IDF over the site's posts); a post's
  cosine to the centroid *of the other articles* below ``site.offtopic_threshold`` is off
  topic.  Short posts (under ``site.offtopic_min_words``) are not judged: a two-line clinic
  news item has too few words for a topic.
* Near-duplicates: a one-permutation MinHash over word 5-shingles (one hash per shingle,
  64 bins, the minimum per bin), candidate pairs by LSH banding (8 bands of 8 bins), the
  estimated Jaccard similarity checked against ``site.near_duplicate_threshold``.  Linear
  in the number of pages, not quadratic.
* Orphans: posts (articles, and off-topic posts) listed in the sitemap that no *other*
  crawled page links to (directly or through a redirect); only meaningful when the crawl saw
  every page, so with ``crawl_complete=False`` one ``orphans_not_checked`` note replaces them.
"""

from __future__ import annotations

import heapq
import html
import math
import re
import sys
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import lru_cache, partial
from operator import itemgetter, mul
from typing import TypeVar
from urllib.parse import urlsplit

from .checks import finding
from .config import AuditConfig
from .model import (
    FetchResult,
    Finding,
    Kind,
    PageAudit,
    PageDigest,
    RecentPost,
    Teaser,
    TeaserDigest,
    UrlState,
)
from .urls import UrlNormalizer

_T = TypeVar("_T")

__all__ = [
    "SITE_CODES",
    "BlockCounter",
    "SiteIndex",
    "block_keys",
    "check_site",
    "crawl_was_complete",
    "digest_page",
    "normalize_words",
    "teaser_matches",
    "top_terms_of",
    "topic_scores",
    "url_state",
]

SITE_CODES: tuple[str, ...] = (
    "teaser_dead",
    "teaser_redirect",
    "teaser_robots",
    "teaser_self",
    "teaser_duplicate",
    "teaser_stale",
    "teaser_offtopic",
    "recent_post_title_mismatch",
    "article_orphan",
    "orphans_not_checked",
    "title_duplicate",
    "meta_description_duplicate",
    "article_offtopic",
    "near_duplicate",
)
"""The codes ``check_site`` emits (all registered in ``checks.FINDINGS``)."""

OPENING_WORDS = 64
"""Tokens of a page's article opening kept for stale-teaser checks (WordPress excerpts are
55 words at most, so a 55-word excerpt can still be compared in full)."""
TOP_TERMS = 256
"""Distinct content words kept per page for the topic vector (about all of a 600-word
article's): fewer made a real article and a templated off-topic post too alike on a small
site (64 terms: cosine 0.082 vs 0.077 on the demo; 256: 0.127 vs 0.073).  1.25 KB a page."""
EXPLAIN_TERMS = 6
LOOKUP_CACHE = 256
"""Pages ``SiteIndex.check`` keeps decoded for lookups by URL (pages named in findings)."""
OPENING_CACHE = 16384
"""Teaser targets whose opening words ``SiteIndex.check`` keeps (~0.6 KB each): every
teaser looks its target up, and related-post teasers point all over the site."""
SHINGLE_WORDS = 5
SKETCH_BINS = 64
BANDS = 8
EMPTY_BIN = 0xFFFFFFFF
MAX_BUCKET = 500
"""LSH buckets larger than this hold boilerplate shared by hundreds of pages; they are
skipped (a true near-duplicate pair shares several other bands)."""
REPEATED_BLOCK_KEYS = 1024
"""Distinct teaser blocks ``SiteIndex`` counts at once (``BlockCounter``)."""
UNRECOMMENDED_BLOCKS = frozenset({"listing", "recent"})
"""Blocks that list posts by date or by index, not by choice: an off-topic post in them is
the post's problem (``article_offtopic``), not a teaser's."""
DEAD_ERRORS = frozenset(
    {"connection", "timeout", "http_error", "redirect_loop", "too_many_redirects", "bad_url"}
)
"""Inventory errors meaning the target cannot be read by a visitor either."""
INCOMPLETE_ERRORS = frozenset(
    {"max_pages", "max_depth", "query_variants", "timeout", "connection", "internal", "too_large"}
)
"""Inventory errors meaning some page (and so some of its links) may have been missed."""
POST_JSONLD = frozenset(
    {"article", "blogposting", "newsarticle", "medicalwebpage", "medicalscholarlyarticle", "report"}
)

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


def _norm_key(text: str | None) -> str:
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


def _stable_hash(text: str) -> int:
    """A 32-bit hash equal in every process (``hash()`` is salted per interpreter)."""
    return (zlib.crc32(text.encode("utf-8")) * 0x9E3779B1) & 0xFFFFFFFF


def _content_terms(text: str) -> Counter[str]:
    words = _TERM_RE.findall(unicodedata.normalize("NFKC", text).casefold().replace("’", "'"))
    return Counter(w for w in (w.strip("'-") for w in words) if len(w) > 2 and w not in _STOPWORDS)


def _sketch(words: list[str]) -> bytes:
    """One-permutation MinHash of the word 5-shingles: the smallest hash in each of 64 bins."""
    mins = [EMPTY_BIN] * SKETCH_BINS
    mask = SKETCH_BINS - 1
    for i in range(len(words) - SHINGLE_WORDS + 1):
        h = _stable_hash(" ".join(words[i : i + SHINGLE_WORDS]))
        b = h & mask
        if h < mins[b]:
            mins[b] = h
    return array("I", mins).tobytes()


# ---------------------------------------------------------------------------- digests


def _is_post(audit: PageAudit) -> bool:
    """A blog post by its markup (og:type, JSON-LD, WordPress body class), or an article."""
    page = audit.page
    if audit.kind is Kind.ARTICLE:
        return True
    if audit.kind is Kind.LISTING:
        return False
    if (page.og_type or "").lower() == "article" or "single-post" in page.body_classes:
        return True
    return any(t.lower() in POST_JSONLD for t in page.jsonld_types)


def digest_page(
    audit: PageAudit,
    config: AuditConfig | None = None,
    *,
    normalize: UrlNormalizer | None = None,
) -> PageDigest:
    """The compact record of one page that the cross-page checks need.

    Call it where the page was audited (the worker process), so only the digest travels to
    the parent.  ``normalize`` (built from ``config.crawl.strip_params`` when omitted) makes
    hrefs match the crawler's inventory keys; pass one in to reuse its compiled patterns.
    """
    if normalize is None:
        strip = config.crawl.strip_params if config is not None else ()
        normalize = UrlNormalizer(strip)
    page = audit.page
    url = _safe_norm(normalize, audit.url or page.url or "") or (audit.url or "")
    keys = block_keys(page.teasers)
    teasers = tuple(
        TeaserDigest(
            href=_safe_norm(normalize, t.href),
            excerpt=t.text,
            words=" ".join(normalize_words(t.text)),
            truncated=t.truncated,
            position=t.position,
            block=t.block,
            block_key=keys[t.block],
        )
        for t in page.teasers
    )
    recent = tuple(
        RecentPost(title=r.title, href=_safe_norm(normalize, r.href)) for r in page.recent_posts
    )
    links = sorted(
        {n for link in page.links if link.internal and (n := _safe_norm(normalize, link.href))}
        - {url}
    )
    text = page.text
    words = normalize_words(text) if text else []
    post = _is_post(audit)
    terms = counts = sketch = b""
    top: tuple[str, ...] = ()
    if post and words:
        counted = _content_terms(text)
        common = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
        terms = array("I", (_stable_hash(w) for w, _ in common)).tobytes()
        counts = array("B", (min(c, 0xFF) for _, c in common)).tobytes()
        top = tuple(w for w, _ in common[:EXPLAIN_TERMS])
        sketch = _sketch(words)
    return PageDigest(
        url=url,
        kind=audit.kind,
        title=page.title,
        h1=page.h1[0] if page.h1 else "",
        meta_description=page.meta_description,
        opening=" ".join(words[:OPENING_WORDS]),
        words=len(words),
        post=post,
        teasers=teasers,
        recent_posts=recent,
        links=tuple(links),
        terms=terms,
        counts=counts,
        top_terms=top,
        sketch=sketch,
    )


def block_keys(teasers: Iterable[Teaser]) -> dict[str, int]:
    """A stable 32-bit key per block of a page's teasers: its kind, hrefs and excerpts.

    Equal on every page showing the same block (a site-wide "Recent Posts" widget with
    excerpts), different as soon as one card differs.  Blocks are told apart by kind: a
    page's teasers of one kind form one block."""
    parts: dict[str, list[str]] = {}
    for t in teasers:
        parts.setdefault(t.block, [t.block]).append(f"{t.href}\x1f{t.text}")
    return {block: _stable_hash("\x1e".join(items)) or 1 for block, items in parts.items()}


class BlockCounter:
    """How many pages show each teaser block, in bounded memory (Misra-Gries summary).

    At most ``capacity`` keys are kept; when a new key finds the table full, every count
    drops by one and keys at zero go.  Any block shown on more than ``pages / capacity`` of
    the pages is always kept (a site-wide widget is on nearly all of them), with its count
    low by at most that much; on a site with fewer distinct blocks than ``capacity`` the
    counts are exact.  ~100 bytes a key: 1024 keys are ~0.1 MB at any site size.
    """

    __slots__ = ("capacity", "counts")

    def __init__(self, capacity: int = REPEATED_BLOCK_KEYS) -> None:
        self.capacity = capacity
        self.counts: dict[int, int] = {}

    def add(self, key: int) -> None:
        counts = self.counts
        if key in counts:
            counts[key] += 1
        elif len(counts) < self.capacity:
            counts[key] = 1
        else:
            for k in list(counts):
                if counts[k] == 1:
                    del counts[k]
                else:
                    counts[k] -= 1

    def repeated(self, min_pages: int = 2) -> dict[int, int]:
        """Keys counted on at least ``min_pages`` pages, with their (lower-bound) counts."""
        return {k: c for k, c in self.counts.items() if c >= min_pages}


@lru_cache(maxsize=8192)
def _safe_norm(normalize: UrlNormalizer, href: str) -> str:
    """``normalize(href)``, or "" when it is not a page URL.

    Cached (per normalizer, which hashes by identity): the pages of a site share their
    menus, so most of a page's ~70 links were normalised for an earlier page.
    """
    if not href:
        return ""
    try:
        return normalize(href)
    except ValueError:
        return ""


def url_state(result: FetchResult) -> UrlState:
    """The inventory entry of one crawled URL (what ``check_site`` reads of it)."""
    return UrlState(
        status=result.status,
        final_url=result.final_url,
        hops=len(result.redirects),
        error=result.error,
        in_sitemap=result.source == "sitemap",
        chain=result.redirects,
    )


def crawl_was_complete(inventory: Mapping[str, UrlState]) -> bool:
    """False when a limit or a failure may have kept pages (and their links) out of the crawl."""
    return not any(
        s.error in INCOMPLETE_ERRORS or (s.status is not None and s.status >= 500)
        for s in inventory.values()
    )


# ---------------------------------------------------------------------------- the index


class SiteIndex:
    """The digests of one run, folded as they arrive; ``check`` runs the cross-page checks.

    ``add`` merges a page's internal links into one set of link targets and keeps the
    digest without them, so memory grows with the site's pages, not with its links.  Each
    page's teasers are kept apart from the rest of its digest: ``digests`` maps a URL to
    its ``PageDigest`` with ``teasers=()``, ``teasers`` maps it to the teasers (every page
    has an entry, so both keep the same order).  Only the teaser check reads the teasers,
    and they are most of the cost of reading a digest back from a store that is not a dict.

    Where digests live is the caller's choice: by default two dicts, in memory; a site
    audit passes the mappings of a ``spill.DigestSpill`` (a scratch SQLite file), so the
    crawling process does not hold every page.  Any ``MutableMapping`` with a dict's order
    (a key overwritten keeps its first position) gives the same findings in the same order.
    ``check`` makes few passes over them (``topic_scores`` three, one for the other
    page-wide checks, one over the teasers) and looks pages up by URL only for targets and
    findings, through a bounded cache.

    In memory, digests arrive unpickled, sharing nothing, yet much of them repeats from page
    to page: the same teaser (target, excerpt) on every listing and tag page that shows the
    article, the same recent-posts sidebar, the same topic terms, an h1 equal to the title.
    With its own dicts, ``add`` keeps one copy of each such value (``_share``); a store
    passed in keeps its own copies, and the digests are stored as they are.
    """

    def __init__(
        self,
        digests: MutableMapping[str, PageDigest] | None = None,
        teasers: MutableMapping[str, tuple[TeaserDigest, ...]] | None = None,
    ) -> None:
        self.digests: MutableMapping[str, PageDigest] = {} if digests is None else digests
        self.teasers: MutableMapping[str, tuple[TeaserDigest, ...]] = (
            {} if teasers is None else teasers
        )
        self.linked: set[str] = set()
        self.inlinks: Counter[str] = Counter()
        """URL -> how many crawled pages link to it (the alerts rank pages by it)."""
        self.blocks = BlockCounter()
        """Pages showing each teaser block: a block on two pages or more is checked once."""
        self._shared: dict[object, object] | None = (
            {} if digests is None and teasers is None else None
        )

    def __len__(self) -> int:
        return len(self.digests)

    def _share(self, value: _T) -> _T:
        """The first equal value this index has seen (``value`` itself the first time)."""
        assert self._shared is not None
        return self._shared.setdefault(value, value)  # type: ignore[return-value]

    def add(self, digest: PageDigest) -> None:
        self.linked.update(sys.intern(link) for link in digest.links)
        self.inlinks.update(set(digest.links))
        for key in {t.block_key for t in digest.teasers if t.block_key}:
            self.blocks.add(key)
        if self._shared is None:
            self.digests[digest.url] = replace(digest, links=(), teasers=())
            self.teasers[digest.url] = digest.teasers
            return
        share = self._share
        self.teasers[digest.url] = tuple(
            replace(t, href=share(t.href), excerpt=share(t.excerpt), words=share(t.words))
            for t in digest.teasers
        )
        # Values mostly unique to their page (title, opening...) are not looked up: an entry
        # in ``_shared`` would cost more than the rare copy it saves.
        self.digests[digest.url] = replace(
            digest,
            links=(),
            h1=digest.title if digest.h1 == digest.title else digest.h1,
            teasers=(),
            recent_posts=share(digest.recent_posts),
            top_terms=tuple(share(term) for term in digest.top_terms),
        )

    def check(
        self,
        inventory: Mapping[str, UrlState],
        config: AuditConfig,
        *,
        crawl_complete: bool,
    ) -> tuple[Finding, ...]:
        """Every cross-page finding, each on the page it concerns, minus disabled codes."""
        return tuple(self.findings(inventory, config, crawl_complete=crawl_complete))

    def findings(
        self,
        inventory: Mapping[str, UrlState],
        config: AuditConfig,
        *,
        crawl_complete: bool,
    ) -> Iterator[Finding]:
        """``check``'s findings one at a time, in the same order, as each check finds them.

        A site audit writes them to ``findings.csv`` as they come: held in a list until the
        last check, they were ~0.8 KB each, ~3 a page on the sitegen sites (32 MB at 30k
        pages, measured), and each check's scratch is freed before the next one starts.
        """
        enabled = config.enabled

        def kept(found: Iterable[Finding]) -> Iterator[Finding]:
            return (f for f in found if enabled(f.code))

        scores = topic_scores(self.digests.values(), config)
        survey = _survey(self.digests.values(), config)
        subject = ", ".join(_most_common(survey.subject))
        # Pages looked up by URL (teaser targets, pages named in findings); bounded, so a
        # spilled store is not read back into memory whole.
        lookup = lru_cache(maxsize=LOOKUP_CACHE)(self.digests.get)
        opening = lru_cache(maxsize=OPENING_CACHE)(partial(_opening_of, self.digests))
        yield from kept(
            _teaser_findings(
                self.teasers,
                opening,
                lookup,
                inventory,
                scores,
                subject,
                config,
                self.blocks.repeated(),
            )
        )
        opening.cache_clear()  # what a check no longer needs is freed as it goes
        yield from kept(_recent_findings(survey.shown_on, lookup, inventory))
        yield from kept(_orphan_findings(survey, inventory, self.linked, crawl_complete))
        shown = _duplicate_values(self.digests.values(), survey)
        yield from kept(_duplicate_findings(survey.titles, shown, "title_duplicate"))
        yield from kept(_duplicate_findings(survey.metas, shown, "meta_description_duplicate"))
        del shown
        survey.titles.clear()
        survey.metas.clear()
        survey.posts.clear()
        yield from kept(_offtopic_findings(lookup, scores, subject, config))
        yield from kept(_near_duplicate_findings(survey.sketches, lookup, config))


@dataclass(slots=True)
class _Survey:
    """What the page-wide checks need of every page, gathered in one pass (``_survey``).

    Small per page: URLs and grouping keys, the sketches of near-duplicate candidates;
    never whole digests, which may be in a store on disk.
    """

    first_url: str | None = None
    posts: set[str] = field(default_factory=set)
    """URLs of the posts (orphan candidates)."""
    subject: Counter[str] = field(default_factory=Counter)
    """Top terms counted over the articles (``top_terms_of``)."""
    shown_on: dict[tuple[str, str], list[object]] = field(default_factory=dict)
    """(href, title) of a Recent Posts entry -> [pages showing it, the first such page]."""
    titles: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    metas: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Grouping key of the title / meta description -> URLs of the pages with it."""
    sketches: list[tuple[str, bytes]] = field(default_factory=list)
    """(url, MinHash sketch) of the pages long enough for the near-duplicate check."""


def _survey(digests: Iterable[PageDigest], config: AuditConfig) -> _Survey:
    survey = _Survey()
    min_words = config.site.near_duplicate_min_words
    for d in digests:
        url = d.url
        if survey.first_url is None:
            survey.first_url = url
        if d.post:
            survey.posts.add(url)
        if d.kind is Kind.ARTICLE:
            survey.subject.update(d.top_terms)
        for r in d.recent_posts:
            if r.href and r.title:
                shown = survey.shown_on.get((r.href, r.title))
                if shown is None:
                    survey.shown_on[(r.href, r.title)] = [1, url]
                else:
                    shown[0] += 1  # type: ignore[operator]
        if key := _norm_key(d.title):
            survey.titles[key].append(url)
        if key := _norm_key(d.meta_description):
            survey.metas[key].append(url)
        if d.sketch and d.words >= min_words:
            survey.sketches.append((url, d.sketch))
    return survey


def check_site(
    digests: Iterable[PageDigest],
    inventory: Mapping[str, UrlState],
    config: AuditConfig,
    *,
    crawl_complete: bool,
    index: SiteIndex | None = None,
) -> tuple[Finding, ...]:
    """Cross-page findings of a run: teasers, recent posts, orphans, duplicates, topic.

    ``inventory`` maps each normalised URL the crawl met to its ``UrlState``; a URL missing
    from it was never met, and its teasers are not judged.  Orphans are only reported when
    ``crawl_complete``.  ``index`` is the (empty) index to fold the digests into: an
    in-memory one by default, one whose digests wait in a ``spill.DigestSpill`` as in a site
    audit.
    """
    index = SiteIndex() if index is None else index
    for digest in digests:
        index.add(digest)
    return index.check(inventory, config, crawl_complete=crawl_complete)


# ---------------------------------------------------------------------------- teasers


def _finding(code: str, message: str, evidence: str | None, url: str, target: str) -> Finding:
    """A registered finding on ``url`` about ``target`` (the other URL involved)."""
    f = finding(code, message, evidence, url)
    return Finding(f.code, f.severity, f.message, f.evidence, f.url, target)


def _quote(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'


def _chain(state: UrlState) -> str:
    hops = [f"{url} ({status})" for url, status in state.chain]
    return " -> ".join([*hops, f"{state.final_url} ({state.status})"])


def _opening_of(digests: Mapping[str, PageDigest], url: str) -> str | None:
    """The opening words of the page at ``url``; ``None`` when it has no digest."""
    digest = digests.get(url)
    return digest.opening if digest is not None else None


def _teaser_findings(
    teasers: Mapping[str, tuple[TeaserDigest, ...]],
    opening_of: Callable[[str], str | None],
    lookup: Callable[[str], PageDigest | None],
    inventory: Mapping[str, UrlState],
    scores: Mapping[str, float],
    subject: str,
    config: AuditConfig,
    repeated: Mapping[int, int] | None = None,
) -> Iterator[Finding]:
    """The teaser checks, page by page.  ``repeated`` maps the key of each teaser block
    shown on two pages or more to the number of pages: such a block (a site-wide widget) is
    checked once, on the first page that shows it, and its findings say so; it is not a
    page's own choice of links, so linking to the page it sits on is no ``teaser_self``."""
    threshold = config.site.offtopic_threshold
    repeated = repeated or {}
    checked: set[int] = set()
    for url, page_teasers in teasers.items():
        if not page_teasers:
            continue
        seen: dict[tuple[int, str], int] = {}
        first_here: set[int] = set()
        for t in page_teasers:
            if not t.href:
                continue
            shared = repeated.get(t.block_key, 0)
            if shared:
                if t.block_key in checked and t.block_key not in first_here:
                    continue  # this block's teasers were checked on an earlier page
                checked.add(t.block_key)
                first_here.add(t.block_key)
            label = f"teaser {t.position}"
            state = inventory.get(t.href)
            final = state.final_url if state is not None and state.final_url else t.href
            note = (
                f"; the same {t.block} block is on {shared} pages, checked once" if shared else ""
            )

            def make(
                code: str,
                message: str,
                evidence: str | None,
                _note: str = note,
                _url: str = url,
                _href: str = t.href,
            ) -> Finding:
                return _finding(code, message + _note, evidence, _url, _href)

            first = seen.setdefault((t.block_key, final), t.position)
            if first != t.position:
                yield make(
                    "teaser_duplicate",
                    f"{url}: {label} links to {final}, as teaser {first} does",
                    _quote(t.excerpt),
                )
            if state is not None:
                if state.error == "robots":
                    yield make(
                        "teaser_robots",
                        f"{url}: {label} links to {t.href}, which robots.txt blocks",
                        _quote(t.excerpt),
                    )
                    continue
                if (state.status is not None and state.status >= 400) or (
                    state.status is None and state.error in DEAD_ERRORS
                ):
                    answer = state.status if state.status is not None else state.error
                    yield make(
                        "teaser_dead",
                        f"{url}: {label} links to {t.href}, which answers {answer}",
                        _chain(state) if state.hops else _quote(t.excerpt),
                    )
                    continue
                if state.hops:
                    yield make(
                        "teaser_redirect",
                        f"{url}: {label} links to {t.href}, which redirects "
                        f"{state.hops} time(s) to {state.final_url}",
                        _chain(state),
                    )
            if (t.href == url or final == url) and shared:
                continue  # a site-wide block lists the page it sits on: by design
            if t.href == url or final == url:
                how = "" if t.href == url else f" (through {t.href})"
                yield make(
                    "teaser_self",
                    f"{url}: {label} links to the page itself{how}",
                    _quote(t.excerpt),
                )
                continue
            target_opening = opening_of(final)
            if target_opening is None:
                continue
            excerpt = t.words.split()
            opening = target_opening.split()
            ok, ratio = teaser_matches(excerpt, opening, config.site.stale_min_ratio)
            if t.truncated and not ok:
                shown = " ".join(opening[: max(len(excerpt), 10)])
                yield make(
                    "teaser_stale",
                    f"{url}: {label} no longer matches the start of {final} "
                    f"(similarity {ratio:.2f}, under {config.site.stale_min_ratio:g})",
                    f"excerpt {_quote(t.excerpt)}; the target now opens {_quote(shown)}",
                )
            score = scores.get(final)
            if score is not None and score < threshold and t.block not in UNRECOMMENDED_BLOCKS:
                yield make(
                    "teaser_offtopic",
                    f"{url}: {label} links to an off-topic post, {final}: topic "
                    f"similarity {score:.3f} to the site's articles (under {threshold:g})",
                    _topic_evidence(_page(lookup, final), score, subject),
                )


# ---------------------------------------------------------------------------- recent posts


def _recent_findings(
    shown_on: Mapping[tuple[str, str], list[object]],
    lookup: Callable[[str], PageDigest | None],
    inventory: Mapping[str, UrlState],
) -> Iterator[Finding]:
    """One finding per (target, shown title) pair, on the target page: sidebars repeat.

    ``shown_on`` maps each pair to [the number of pages showing it, the first of them]."""
    for (href, title), (count, first) in shown_on.items():
        state = inventory.get(href)
        final = state.final_url if state is not None and state.final_url else href
        target = lookup(final)
        if target is None:
            continue
        key = _norm_key(title)
        if not key or key in _norm_key(target.h1) or key in _norm_key(target.title):
            continue
        f = finding(
            "recent_post_title_mismatch",
            f"{final}: listed in Recent Posts as {_quote(title)}, but its H1 is "
            f"{_quote(target.h1)} and its title {_quote(target.title)}",
            f"shown on {count} page(s), e.g. {first}",
            final,
        )
        yield Finding(f.code, f.severity, f.message, f.evidence, f.url, str(first))


# ---------------------------------------------------------------------------- orphans


def _orphan_findings(
    survey: _Survey,
    inventory: Mapping[str, UrlState],
    linked: set[str],
    crawl_complete: bool,
) -> Iterator[Finding]:
    if not crawl_complete:
        if survey.first_url is not None:
            parts = urlsplit(survey.first_url)
            root = f"{parts.scheme}://{parts.netloc}/"
            yield finding(
                "orphans_not_checked",
                "orphan articles were not checked: the crawl was incomplete (a page limit, "
                "depth limit or failed fetch may have hidden the pages that link to them)",
                url=root,
            )
        return
    # A URL linked to reaches its final page through redirects.
    reached = set(linked)
    for url in linked:
        state = inventory.get(url)
        if state is not None and state.final_url:
            reached.add(state.final_url)
    for url, state in inventory.items():
        if not state.in_sitemap:
            continue
        final = state.final_url or url
        if final not in survey.posts:
            continue
        if url in reached or final in reached:
            continue
        yield finding(
            "article_orphan",
            f"{final}: in the sitemap, but no crawled page links to it",
            f"sitemap URL {url}",
            final,
        )


# ---------------------------------------------------------------------------- duplicates


def _duplicate_values(
    digests: Iterable[PageDigest], survey: _Survey
) -> dict[str, tuple[str, str | None]]:
    """(title, meta description) of the pages that share either with another page.

    One more pass over the pages, rather than a lookup per page: on a clinic site most
    pages share a templated meta description with some other page.
    """
    wanted = {
        url
        for groups in (survey.titles, survey.metas)
        for urls in groups.values()
        if len(urls) > 1
        for url in urls
    }
    if not wanted:
        return {}
    return {d.url: (d.title, d.meta_description) for d in digests if d.url in wanted}


def _duplicate_findings(
    groups: Mapping[str, list[str]], shown: Mapping[str, tuple[str, str | None]], code: str
) -> Iterator[Finding]:
    """``groups``: grouping key -> URLs of the pages whose title (or meta description) has
    it; ``shown``: their (title, meta description) as written (``_duplicate_values``)."""
    which = 0 if code == "title_duplicate" else 1
    label = "title" if code == "title_duplicate" else "meta description"
    for urls in groups.values():
        if len(urls) < 2:
            continue
        for i, url in enumerate(urls):
            others = [u for j, u in enumerate(urls) if j != i]
            more = f" (+{len(others) - 5} more)" if len(others) > 5 else ""
            f = finding(
                code,
                f"{url}: {len(others)} other page(s) have the same {label}",
                f"{_quote(shown[url][which] or '')} also on " + ", ".join(others[:5]) + more,
                url,
            )
            yield Finding(f.code, f.severity, f.message, f.evidence, f.url, others[0])


def _near_duplicate_findings(
    sketches: list[tuple[str, bytes]],
    lookup: Callable[[str], PageDigest | None],
    config: AuditConfig,
) -> Iterator[Finding]:
    """``sketches``: (url, sketch) of the pages of at least ``near_duplicate_min_words``."""
    threshold = config.site.near_duplicate_threshold
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
        sim = _jaccard(sketches[i][1], sketches[j][1])
        if sim >= threshold:
            for a, b in ((i, j), (j, i)):
                if a not in best or sim > best[a][0]:
                    best[a] = (sim, b)
    for i in sorted(best):
        sim, j = best[i]
        url, other = sketches[i][0], sketches[j][0]
        f = finding(
            "near_duplicate",
            f"{url}: nearly the same text as {other} (estimated Jaccard similarity {sim:.2f} "
            f"of 5-word shingles, threshold {threshold:g})",
            f"{_quote(_opening(lookup, url), 100)} / {_quote(_opening(lookup, other), 100)}",
            url,
        )
        yield Finding(f.code, f.severity, f.message, f.evidence, f.url, other)


def _opening(lookup: Callable[[str], PageDigest | None], url: str) -> str:
    digest = lookup(url)
    return digest.opening if digest is not None else ""


def _jaccard(a: bytes, b: bytes) -> float:
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


# ---------------------------------------------------------------------------- topic


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


def _topic_evidence(d: PageDigest, score: float, subject: str) -> str:
    terms = ", ".join(d.top_terms) or "no content words"
    return (
        f"cosine {score:.3f} between its TF-IDF word vector and the mean of the site's "
        f"articles; its most frequent words: {terms}; the articles' most common: {subject}"
    )


def _offtopic_findings(
    lookup: Callable[[str], PageDigest | None],
    scores: Mapping[str, float],
    subject: str,
    config: AuditConfig,
) -> Iterator[Finding]:
    threshold = config.site.offtopic_threshold
    for url, score in scores.items():
        if score < threshold:
            yield finding(
                "article_offtopic",
                f"{url}: post is far from the site's subject: topic similarity {score:.3f} "
                f"to the site's articles (under {threshold:g})",
                _topic_evidence(_page(lookup, url), score, subject),
                url,
            )


def top_terms_of(digests: Iterable[PageDigest], n: int = EXPLAIN_TERMS) -> list[str]:
    """The words most often among the pages' top terms (the site's subject, for reports)."""
    counted: Counter[str] = Counter()
    for d in digests:
        counted.update(d.top_terms)
    return _most_common(counted, n)


def _most_common(counted: Counter[str], n: int = EXPLAIN_TERMS) -> list[str]:
    return [w for w, _ in heapq.nlargest(n, counted.items(), key=lambda kv: kv[1])]


def _page(lookup: Callable[[str], PageDigest | None], url: str) -> PageDigest:
    digest = lookup(url)
    if digest is None:
        raise KeyError(url)
    return digest
