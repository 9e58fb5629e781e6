"""Pages sharing a title or a meta description: ``title_duplicate``,
``meta_description_duplicate``.

Titles and descriptions are grouped by their words (case, spacing and punctuation folded,
``text.norm_key``), so "Knee Pain | Clinic" and "knee pain - clinic" are one.  Each page of
a group gets one finding naming (up to five of) the others.  The grouping keys are kept per
page during the site's pass; the values as written are read in one more pass over the
pages, only for those in a group of two or more, rather than a lookup per page: on a
clinic site most pages share a templated meta description with some other page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from ..config import AuditConfig
from ..model import Finding, PageDigest
from ..specs import WARN, FindingSpec
from .base import SiteCheck, SiteContext, quote
from .text import norm_key

TITLE = FindingSpec("title_duplicate", WARN, "site", "Another page has the same title.")
META = FindingSpec(
    "meta_description_duplicate", WARN, "site", "Another page has the same meta description."
)


class DuplicateCheck(SiteCheck):
    """Titles, then meta descriptions, grouped across the site."""

    SPECS = (TITLE, META)

    def __init__(self, config: AuditConfig) -> None:
        super().__init__(config)
        self.titles: defaultdict[str, list[str]] = defaultdict(list)
        self.metas: defaultdict[str, list[str]] = defaultdict(list)
        """Grouping key of the title / meta description -> URLs of the pages with it."""

    def add(self, digest: PageDigest) -> None:
        if key := norm_key(digest.title):
            self.titles[key].append(digest.url)
        if key := norm_key(digest.meta_description):
            self.metas[key].append(digest.url)

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        shown = self._values(site)
        yield from _duplicate_findings(self.titles, shown, TITLE)
        yield from _duplicate_findings(self.metas, shown, META)
        self.titles.clear()
        self.metas.clear()

    def _values(self, site: SiteContext) -> dict[str, tuple[str, str | None]]:
        """(title, meta description) of the pages that share either with another page."""
        wanted = {
            url
            for groups in (self.titles, self.metas)
            for urls in groups.values()
            if len(urls) > 1
            for url in urls
        }
        if not wanted:
            return {}
        return {
            d.url: (d.title, d.meta_description) for d in site.digests.values() if d.url in wanted
        }


def _duplicate_findings(
    groups: Mapping[str, list[str]], shown: Mapping[str, tuple[str, str | None]], spec: FindingSpec
) -> Iterator[Finding]:
    """``groups``: grouping key -> URLs of the pages whose title (or meta description) has
    it; ``shown``: their (title, meta description) as written."""
    which = 0 if spec is TITLE else 1
    label = "title" if spec is TITLE else "meta description"
    for urls in groups.values():
        if len(urls) < 2:
            continue
        for i, url in enumerate(urls):
            others = [u for j, u in enumerate(urls) if j != i]
            more = f" (+{len(others) - 5} more)" if len(others) > 5 else ""
            yield spec.make(
                f"{url}: {len(others)} other page(s) have the same {label}",
                f"{quote(shown[url][which] or '')} also on " + ", ".join(others[:5]) + more,
                url,
                others[0],
            )
