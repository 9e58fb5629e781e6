"""Posts no page links to: ``article_orphan``, or ``orphans_not_checked``.

A post (an article, or an off-topic post) listed in the sitemap that no *other* crawled
page links to, directly or through a redirect.  Only meaningful when the crawl saw every
page: with an incomplete crawl (a limit, a failed fetch or audit), one
``orphans_not_checked`` note on the site's root replaces them.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from ..config import AuditConfig
from ..model import Finding, PageDigest
from ..specs import INFO, WARN, FindingSpec
from .base import SiteCheck, SiteContext

ORPHAN = FindingSpec(
    "article_orphan", WARN, "site", "An article in the sitemap that no crawled page links to."
)
NOT_CHECKED = FindingSpec(
    "orphans_not_checked",
    INFO,
    "site",
    "The crawl was incomplete, so orphan articles were not checked.",
)


class OrphanCheck(SiteCheck):
    """Sitemap posts against the set of link targets of every crawled page."""

    SPECS = (ORPHAN, NOT_CHECKED)

    def __init__(self, config: AuditConfig) -> None:
        super().__init__(config)
        self.posts: set[str] = set()
        """URLs of the posts (orphan candidates)."""

    def add(self, digest: PageDigest) -> None:
        if digest.post:
            self.posts.add(digest.url)

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        if not site.crawl_complete:
            if site.first_url is not None:
                parts = urlsplit(site.first_url)
                root = f"{parts.scheme}://{parts.netloc}/"
                yield NOT_CHECKED.make(
                    "orphan articles were not checked: the crawl was incomplete (a page "
                    "limit, depth limit or failed fetch may have hidden the pages that link "
                    "to them)",
                    url=root,
                )
            self.posts.clear()
            return
        inventory = site.inventory
        # A URL linked to reaches its final page through redirects.
        reached = set(site.linked)
        for url in site.linked:
            state = inventory.get(url)
            if state is not None and state.final_url:
                reached.add(state.final_url)
        for url, state in inventory.items():
            if not state.in_sitemap:
                continue
            final = state.final_url or url
            if final not in self.posts:
                continue
            if url in reached or final in reached:
                continue
            yield ORPHAN.make(
                f"{final}: in the sitemap, but no crawled page links to it",
                f"sitemap URL {url}",
                final,
            )
        self.posts.clear()
