"""Teasers against their targets: ``teaser_dead``, ``teaser_redirect``, ``teaser_robots``,
``teaser_stale``, ``teaser_self``, ``teaser_duplicate``, ``teaser_offtopic``.

Why they are built the way they are:

* The teaser's href is normalised like the crawler's URLs (``site.digest_page``) so it
  finds its row in the inventory; that row says whether the target is dead, redirected
  (the hop chain) or blocked by robots.txt.  A teaser is ``teaser_self`` when its href *or
  the end of its redirect chain* is the page itself.
* Stale teasers: the excerpt and the opening words of the target's article text are both
  reduced to tokens (``text.normalize_words``), so whitespace and markup differences do not
  count.  Only truncated excerpts ("[...]", "…") are compared: WordPress cuts *automatic*
  excerpts that way, and those are the ones that go stale when the article is edited; a
  hand-written summary is shown whole and was never the article's opening.  The excerpt
  passes when it is a prefix of the opening (its last token may be cut mid-word), when it
  occurs within the opening window, or when its token similarity to the opening's start
  is at least ``site.stale_min_ratio`` (a light edit is not a stale teaser).
* Teaser blocks (``TeaserDigest.block``/``block_key``): a block shown on two pages or more
  (a site-wide "Recent Posts" widget with excerpts) is checked once, on the first page that
  shows it, and its findings say on how many pages it is; it is not the page's own choice,
  so listing the page it sits on is no ``teaser_self``.  Duplicates are looked for within
  one block (an index card and a sidebar card to the same post are not
  ``teaser_duplicate``), and ``listing``/``recent`` blocks list posts by index or date, not
  by choice, so an off-topic post there is only the post's ``article_offtopic``.
* Topic: a teaser to a post whose topic score (``topic.py``) is under
  ``site.offtopic_threshold`` is ``teaser_offtopic``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache, partial

from ..model import Finding, PageDigest
from ..specs import ERR, WARN, FindingSpec
from .base import SiteCheck, SiteContext, chain, page, quote
from .text import teaser_matches
from .topic import topic_evidence

OPENING_CACHE = 16384
"""Teaser targets whose opening words the check keeps (~0.6 KB each): every teaser looks
its target up, and related-post teasers point all over the site."""
UNRECOMMENDED_BLOCKS = frozenset({"listing", "recent"})
"""Blocks that list posts by date or by index, not by choice: an off-topic post in them is
the post's problem (``article_offtopic``), not a teaser's."""
DEAD_ERRORS = frozenset(
    {"connection", "timeout", "http_error", "redirect_loop", "too_many_redirects", "bad_url"}
)
"""Inventory errors meaning the target cannot be read by a visitor either."""


class TeaserCheck(SiteCheck):
    """The teaser checks, page by page, each teaser against its target's inventory row,
    opening words and topic score."""

    SPECS = (
        FindingSpec(
            "teaser_dead", ERR, "site", "A teaser links to a page answering 4xx/5xx or gone."
        ),
        FindingSpec(
            "teaser_redirect",
            WARN,
            "site",
            "A teaser links to a URL that redirects (hops counted).",
        ),
        FindingSpec("teaser_robots", WARN, "site", "A teaser links to a page robots.txt blocks."),
        FindingSpec(
            "teaser_stale",
            WARN,
            "site",
            "A teaser's excerpt no longer matches the start of its target's article text.",
        ),
        FindingSpec(
            "teaser_self", WARN, "site", "A teaser links to its own page (after redirects)."
        ),
        FindingSpec(
            "teaser_duplicate", WARN, "site", "Two teasers on one page link to one target."
        ),
        FindingSpec(
            "teaser_offtopic",
            WARN,
            "site",
            "A teaser links to a post far from the site's subject (`site.offtopic_threshold`).",
        ),
    )

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        """``site.repeated_blocks`` maps the key of each teaser block shown on two pages or
        more to the number of pages: such a block (a site-wide widget) is checked once, on
        the first page that shows it, and its findings say so; it is not a page's own
        choice of links, so linking to the page it sits on is no ``teaser_self``."""
        config = self.config
        threshold = config.site.offtopic_threshold
        repeated = site.repeated_blocks
        inventory, scores, subject = site.inventory, site.scores, site.subject
        lookup = site.lookup
        # Every teaser looks its target's opening up; bounded, freed when the check ends.
        opening_of = lru_cache(maxsize=OPENING_CACHE)(partial(_opening_of, site.digests))
        checked: set[int] = set()
        for url, page_teasers in site.teasers.items():
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
                    f"; the same {t.block} block is on {shared} pages, checked once"
                    if shared
                    else ""
                )

                def make(
                    code: str,
                    message: str,
                    evidence: str | None,
                    _note: str = note,
                    _url: str = url,
                    _href: str = t.href,
                ) -> Finding:
                    return _SPECS[code].make(message + _note, evidence, _url, _href)

                first = seen.setdefault((t.block_key, final), t.position)
                if first != t.position:
                    yield make(
                        "teaser_duplicate",
                        f"{url}: {label} links to {final}, as teaser {first} does",
                        quote(t.excerpt),
                    )
                if state is not None:
                    if state.error == "robots":
                        yield make(
                            "teaser_robots",
                            f"{url}: {label} links to {t.href}, which robots.txt blocks",
                            quote(t.excerpt),
                        )
                        continue
                    if (state.status is not None and state.status >= 400) or (
                        state.status is None and state.error in DEAD_ERRORS
                    ):
                        answer = state.status if state.status is not None else state.error
                        yield make(
                            "teaser_dead",
                            f"{url}: {label} links to {t.href}, which answers {answer}",
                            chain(state) if state.hops else quote(t.excerpt),
                        )
                        continue
                    if state.hops:
                        yield make(
                            "teaser_redirect",
                            f"{url}: {label} links to {t.href}, which redirects "
                            f"{state.hops} time(s) to {state.final_url}",
                            chain(state),
                        )
                if (t.href == url or final == url) and shared:
                    continue  # a site-wide block lists the page it sits on: by design
                if t.href == url or final == url:
                    how = "" if t.href == url else f" (through {t.href})"
                    yield make(
                        "teaser_self",
                        f"{url}: {label} links to the page itself{how}",
                        quote(t.excerpt),
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
                        f"excerpt {quote(t.excerpt)}; the target now opens {quote(shown)}",
                    )
                score = scores.get(final)
                if score is not None and score < threshold and t.block not in UNRECOMMENDED_BLOCKS:
                    yield make(
                        "teaser_offtopic",
                        f"{url}: {label} links to an off-topic post, {final}: topic "
                        f"similarity {score:.3f} to the site's articles (under {threshold:g})",
                        topic_evidence(page(lookup, final), score, subject),
                    )
        opening_of.cache_clear()


_SPECS = {spec.code: spec for spec in TeaserCheck.SPECS}


def _opening_of(digests: Mapping[str, PageDigest], url: str) -> str | None:
    """The opening words of the page at ``url``; ``None`` when it has no digest."""
    digest = digests.get(url)
    return digest.opening if digest is not None else None
