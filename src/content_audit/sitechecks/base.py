"""What every cross-page check is: a ``SiteCheck`` over the run's ``SiteContext``.

A check sees each page's digest once, in the one pass the site index makes over the run's
pages (``add``: it keeps only what it needs, small per page: URLs, grouping keys, sketches,
never whole digests, which may be in a store on disk), then yields its findings once the
pass is done (``findings``), reading the context's shared parts: the crawl's inventory,
the link targets, the topic scores, and pages looked up by URL through a bounded cache.
A check frees what it kept once its findings are out, so the next one starts lighter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from ..config import AuditConfig
from ..model import Finding, PageDigest, TeaserDigest, UrlState
from ..specs import FindingSpec


@dataclass(frozen=True, slots=True)
class SiteContext:
    """The run as the checks see it, once every page has been added."""

    config: AuditConfig
    inventory: Mapping[str, UrlState]
    """Each normalised URL the crawl met -> its ``UrlState`` (a URL not in it was never met)."""
    crawl_complete: bool
    """Whether the crawl saw every page (no limit, no failed fetch or audit)."""
    digests: Mapping[str, PageDigest]
    """URL -> the page's digest without its teasers (``SiteIndex.digests``)."""
    teasers: Mapping[str, tuple[TeaserDigest, ...]]
    """URL -> the page's teasers, every page in the digests' order."""
    linked: frozenset[str] | set[str]
    """Every URL some crawled page links to."""
    repeated_blocks: Mapping[int, int]
    """Key of each teaser block shown on two pages or more -> how many pages."""
    lookup: Callable[[str], PageDigest | None]
    """A page's digest by URL, through a bounded cache (pages named in findings)."""
    first_url: str | None
    """The first page of the run (the site's root is named after it)."""
    scores: Mapping[str, float] = field(default_factory=dict)
    """URL -> topic score of each judged post (``topic.topic_scores``)."""
    subject: str = ""
    """The words most common among the articles' top terms, for topic evidence."""


class SiteCheck:
    """One cross-page check: its registry entries, its per-page fold, its findings.

    ``SPECS`` are the check's entries of the one registry (``checks.FINDINGS`` lists them
    in the order of ``sitechecks.CHECKS``); a check is built once per run with the run's
    configuration.
    """

    SPECS: tuple[FindingSpec, ...] = ()

    def __init__(self, config: AuditConfig) -> None:
        self.config = config

    def add(self, digest: PageDigest) -> None:
        """See one page's digest (teasers apart): keep what the findings need of it."""

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        """The check's findings, one at a time, each on the page it concerns."""
        raise NotImplementedError


def quote(text: str, limit: int = 160) -> str:
    """Text for a message or evidence: whitespace folded, cut to ``limit`` with "…"."""
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'


def chain(state: UrlState) -> str:
    """A URL's redirect chain as evidence: each hop with its status, then the final URL."""
    hops = [f"{url} ({status})" for url, status in state.chain]
    return " -> ".join([*hops, f"{state.final_url} ({state.status})"])


def page(lookup: Callable[[str], PageDigest | None], url: str) -> PageDigest:
    """The digest of a page the check knows is there."""
    digest = lookup(url)
    if digest is None:
        raise KeyError(url)
    return digest


def opening(lookup: Callable[[str], PageDigest | None], url: str) -> str:
    """The opening words of a page ("" when it has no digest)."""
    digest = lookup(url)
    return digest.opening if digest is not None else ""
