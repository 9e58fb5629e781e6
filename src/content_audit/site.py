"""Cross-page checks: the page digests they read, and the index that runs them.

Pure: no I/O, no logging, no Prefect.  The checks need every page of the site at once, but a
10k-100k page site must not be held in memory, so they run on ``PageDigest`` records instead
of ``PageAudit``: ``digest_page`` is called in the audit worker right after ``audit_page``
and keeps ~2 KB per page (most of it the topic vector); ``SiteIndex`` folds the digests as
they arrive (the internal links of a page are merged into one set of link targets and
dropped) into mappings its caller provides: dicts by default, a scratch file in a site audit
(``spill.py``), so the crawling process does not hold every page; the checks run once, after
the crawl, over the index and the crawl's URL inventory (``url_state`` per ``FetchResult``),
in a few sequential passes.

The checks themselves are one module each in ``sitechecks/`` (teasers, recent posts,
orphans, duplicates, off-topic posts, near-duplicates), listed once in
``sitechecks.CHECKS``; each declares its finding codes (``SiteCheck.SPECS``, listed by the
registry ``checks.FINDINGS``) and reads the digest fields it needs.  This module makes the
digests, keeps the index, and gives every check one shared pass over the pages and the
run's context (``sitechecks.base.SiteContext``).
"""

from __future__ import annotations

import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import replace
from functools import lru_cache
from typing import TypeVar

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
from .sitechecks import CHECKS, SITE_CODES, SiteContext
from .sitechecks.text import (
    content_terms,
    normalize_words,
    stable_hash,
    teaser_matches,
)
from .sitechecks.text import (
    sketch as minhash_sketch,
)
from .sitechecks.topic import EXPLAIN_TERMS, most_common, top_terms_of, topic_scores
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

OPENING_WORDS = 64
"""Tokens of a page's article opening kept for stale-teaser checks (WordPress excerpts are
55 words at most, so a 55-word excerpt can still be compared in full)."""
TOP_TERMS = 256
"""Distinct content words kept per page for the topic vector (about all of a 600-word
article's): fewer made a real article and a templated off-topic post too alike on a small
site (64 terms: cosine 0.082 vs 0.077 on the demo; 256: 0.127 vs 0.073).  1.25 KB a page."""
LOOKUP_CACHE = 256
"""Pages ``SiteIndex.check`` keeps decoded for lookups by URL (pages named in findings)."""
REPEATED_BLOCK_KEYS = 1024
"""Distinct teaser blocks ``SiteIndex`` counts at once (``BlockCounter``)."""
INCOMPLETE_ERRORS = frozenset(
    {"max_pages", "max_depth", "query_variants", "timeout", "connection", "internal", "too_large"}
)
"""Inventory errors meaning some page (and so some of its links) may have been missed."""
POST_JSONLD = frozenset(
    {"article", "blogposting", "newsarticle", "medicalwebpage", "medicalscholarlyarticle", "report"}
)


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
        counted = content_terms(text)
        common = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
        terms = array("I", (stable_hash(w) for w, _ in common)).tobytes()
        counts = array("B", (min(c, 0xFF) for _, c in common)).tobytes()
        top = tuple(w for w, _ in common[:EXPLAIN_TERMS])
        sketch = minhash_sketch(words)
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
    return {block: stable_hash("\x1e".join(items)) or 1 for block, items in parts.items()}


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
    ``check`` makes few passes over them (``topic_scores`` three, one shared by every
    check's ``add``, one over the teasers, one for the duplicates' values) and looks pages
    up by URL only for targets and findings, through a bounded cache.

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

        The checks are ``sitechecks.CHECKS``, in that order: each sees every page's digest
        in one shared pass (``SiteCheck.add``), then yields its findings.  A site audit
        writes them to the run's store as they come: held in a list until the last check,
        they were ~0.8 KB each, ~3 a page on the sitegen sites (32 MB at 30k pages,
        measured), and each check frees its scratch before the next one starts.
        """
        enabled = config.enabled

        def kept(found: Iterable[Finding]) -> Iterator[Finding]:
            return (f for f in found if enabled(f.code))

        scores = topic_scores(self.digests.values(), config)
        checks = [check(config) for check in CHECKS]
        first_url: str | None = None
        subject: Counter[str] = Counter()
        for d in self.digests.values():  # the one pass every check's fold shares
            if first_url is None:
                first_url = d.url
            if d.kind is Kind.ARTICLE:
                subject.update(d.top_terms)
            for check in checks:
                check.add(d)
        site = SiteContext(
            config=config,
            inventory=inventory,
            crawl_complete=crawl_complete,
            digests=self.digests,
            teasers=self.teasers,
            linked=self.linked,
            repeated_blocks=self.blocks.repeated(),
            # Pages looked up by URL (teaser targets, pages named in findings); bounded, so
            # a spilled store is not read back into memory whole.
            lookup=lru_cache(maxsize=LOOKUP_CACHE)(self.digests.get),
            first_url=first_url,
            scores=scores,
            subject=", ".join(most_common(subject)),
        )
        del subject
        for check in checks:
            yield from kept(check.findings(site))


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
