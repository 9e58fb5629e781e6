"""Recent Posts entries against their targets: ``recent_post_title_mismatch``.

A sidebar shows the same list on page after page, so each (target, shown title) pair is
judged once, on the target page, and the finding says on how many pages it is shown.  The
title passes when its words (case, spacing and punctuation folded) occur in the target's
H1 or title: a list may shorten a title, never change it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..config import AuditConfig
from ..model import Finding, PageDigest
from ..specs import WARN, FindingSpec
from .base import SiteCheck, SiteContext, quote
from .text import norm_key

MISMATCH = FindingSpec(
    "recent_post_title_mismatch",
    WARN,
    "site",
    "A Recent Posts entry shows a title that differs from the target's H1 and title.",
)


class RecentPostsCheck(SiteCheck):
    """Each Recent Posts entry's title against the H1 and title of the page it links to."""

    SPECS = (MISMATCH,)

    def __init__(self, config: AuditConfig) -> None:
        super().__init__(config)
        self.shown_on: dict[tuple[str, str], list[object]] = {}
        """(href, title) of an entry -> [pages showing it, the first such page]."""

    def add(self, digest: PageDigest) -> None:
        for r in digest.recent_posts:
            if r.href and r.title:
                shown = self.shown_on.get((r.href, r.title))
                if shown is None:
                    self.shown_on[(r.href, r.title)] = [1, digest.url]
                else:
                    shown[0] += 1  # type: ignore[operator]

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        """One finding per (target, shown title) pair, on the target page."""
        for (href, title), (count, first) in self.shown_on.items():
            state = site.inventory.get(href)
            final = state.final_url if state is not None and state.final_url else href
            target = site.lookup(final)
            if target is None:
                continue
            key = norm_key(title)
            if not key or key in norm_key(target.h1) or key in norm_key(target.title):
                continue
            yield MISMATCH.make(
                f"{final}: listed in Recent Posts as {quote(title)}, but its H1 is "
                f"{quote(target.h1)} and its title {quote(target.title)}",
                f"shown on {count} page(s), e.g. {first}",
                final,
                str(first),
            )
        self.shown_on.clear()
