"""One paragraph -> its sentences: the one splitter every check reads text with.

The element search, the health checks, plain-language flags and the rewrite guide all
judge sentences; two splitters that disagree about "Dr. Smith" or "e.g. ice" would make
a sentence the rewrite guide ranks one the element search never saw.  Cheap on purpose
(one regex and a word lookup): it runs on every page of a crawl, and the patterns only
need sentence-sized windows, not a linguist's segmentation.

``PageText`` is a page's article text split once: ``audit_page`` builds it and hands the
same object to every scorer that reads sentences (elements, trust, plain language), so a
page is split once, not once per scorer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Page

__all__ = ["PageText", "split_sentences"]

# No sentence ends after these ("Dr. Smith", "e.g. ice", "Fig. 2").
_ABBREVIATIONS = frozenset(
    [
        "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "approx", "fig",
        "no", "jr", "sr", "inc", "ltd", "al",
    ]
)  # fmt: skip

_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (one line of ``Page.text``), abbreviations and initials
    ("J. Smith") respected.

    Each sentence is a stripped slice of ``paragraph`` (the rewrite guide finds them in
    the line again).  A line is always at least one sentence: headings and list items are
    separate lines in ``Page``, so they never merge with the next line.
    """
    text = paragraph.strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        head = text[start : match.start()].rstrip("\"'”’)]")
        last = head.rsplit(None, 1)[-1].lower().rstrip(".") if head.split() else ""
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
            continue
        out.append(text[start : match.start()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


@dataclass(frozen=True, slots=True)
class PageText:
    """A page's article text split into sentences once, in ``Page.sections`` order.

    ``sections[i][j]`` holds the sentences of paragraph ``j`` of section ``i``.  Extraction
    already collapses the whitespace of every paragraph, so these are exactly the sentences
    each scorer used to split for itself.
    """

    sections: tuple[tuple[tuple[str, ...], ...], ...]

    @classmethod
    def of(cls, page: Page) -> PageText:
        return cls(
            tuple(
                tuple(tuple(split_sentences(p)) for p in section.paragraphs)
                for section in page.sections
            )
        )

    def sentences(self) -> list[str]:
        """Every sentence of the article text, in reading order."""
        return [s for section in self.sections for paragraph in section for s in paragraph]
