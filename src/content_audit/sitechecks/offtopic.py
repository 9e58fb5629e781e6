"""Posts far from the site's subject: ``article_offtopic``.

A judged post (``site.offtopic_min_words`` words or more) whose topic score
(``topic.topic_scores``: cosine of its TF-IDF vector to the centroid of the *other*
articles) is under ``site.offtopic_threshold``.  The evidence names the post's most
frequent words and the site's, so an editor sees why.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Finding
from ..specs import WARN, FindingSpec
from .base import SiteCheck, SiteContext, page
from .topic import topic_evidence

OFFTOPIC = FindingSpec(
    "article_offtopic",
    WARN,
    "site",
    "A post is far from the site's subject (`site.offtopic_threshold`).",
)


class OfftopicCheck(SiteCheck):
    """Each judged post's topic score against the threshold."""

    SPECS = (OFFTOPIC,)

    def findings(self, site: SiteContext) -> Iterator[Finding]:
        threshold = self.config.site.offtopic_threshold
        for url, score in site.scores.items():
            if score < threshold:
                yield OFFTOPIC.make(
                    f"{url}: post is far from the site's subject: topic similarity {score:.3f} "
                    f"to the site's articles (under {threshold:g})",
                    topic_evidence(page(site.lookup, url), score, site.subject),
                    url,
                )
