"""A site's template: text lines that repeat across its pages are chrome, whatever the markup.

Real clinic themes put booking blurbs, "Why choose us" paragraphs, disclaimers and service
lists on every page in plain ``<div>``s the single-page extractor cannot tell from the
article.  Then one chrome line ("Call us today to book") is the consult prompt of every page,
and a site-wide paragraph feeds every page's definition and uses.  The labelling rubric
(``corpus/RUBRIC.md``) settles it by frequency: a line on at least 40% of a site's HTML pages
is chrome.  So a site audit learns the lines that repeat (``learn_template``) and takes them
out of each page's article text (``strip_chrome``) before elements and readability are
measured; ``content-audit check`` sees one page and keeps its markup rules only.

A line is a paragraph (or a section heading) of the extracted article text, keyed by
``line_key``: case folded, punctuation and whitespace collapsed, so "Call us today!" and
"call us  today" are one line.  A line is chrome when it is on at least ``share`` of the
sample's pages *and* on at least ``min_pages`` of them: a five-page site cannot tell a
template from a coincidence, so nothing is pruned until ``min_pages`` pages say so.

A paragraph of fewer than ``MIN_LINE_WORDS`` words is never learnt: a short label (a
"Book An Appointment" button, a list item, "Insurance") repeats by nature, and the rubric
judges it by where it sits, not by how often: a booking button inside an article's body
counts as that page's consult prompt (measured on the labelled Helms Performance pages:
learning the 3-word button lost the one labelled in-body CTA).  The sentences and blurbs
that make a template ("Call us today to book your appointment", "Why choose us? Our team
...") are longer.

A heading is only dropped with its text: a section whose paragraphs are all chrome goes when
its heading is chrome too (a "Why Choose Us" block), while a repeated heading over page
text ("Symptoms" on every condition page) stays, so an element found under it still is.
Headings are counted apart from paragraphs (``HEADING_MARK``) and whatever their length.

Pure: no I/O.  Which pages make the sample, and when, is the pipeline's business
(``pipeline.SiteTemplate``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from .model import Page, Section

_NON_WORD = re.compile(r"[\W_]+")

MIN_LINE_WORDS = 4
"""Paragraphs shorter than this (in words) are labels, never template lines."""
HEADING_MARK = "# "
"""Prefix of a heading's key: a heading and a paragraph of the same words are two lines."""


def line_key(text: str) -> str:
    """A line as the template knows it: case folded, runs of non-word characters one space."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def page_lines(page: Page) -> frozenset[str]:
    """The keys of a page's lines the template may learn: paragraphs of ``MIN_LINE_WORDS``
    words or more, and section headings (marked with ``HEADING_MARK``)."""
    keys = set()
    for section in page.sections:
        for paragraph in section.paragraphs:
            key = line_key(paragraph)
            if key.count(" ") + 1 >= MIN_LINE_WORDS:
                keys.add(key)
        if section.heading:
            keys.add(HEADING_MARK + line_key(section.heading))
    return frozenset(keys)


def learn_template(pages: Iterable[frozenset[str]], share: float, min_pages: int) -> frozenset[str]:
    """The chrome lines of a sample: on ``>= share`` of its pages and ``>= min_pages`` of them.

    ``pages`` holds each page's ``page_lines``.  ``share <= 0`` turns the template off.
    """
    counts: Counter[str] = Counter()
    total = 0
    for keys in pages:
        total += 1
        counts.update(keys)
    if share <= 0 or total == 0:
        return frozenset()
    need = max(min_pages, 2, share * total)
    return frozenset(key for key, n in counts.items() if n >= need)


def template_id(chrome: frozenset[str]) -> str:
    """A short name of a chrome set ("" for none): which template an audit was made with."""
    if not chrome:
        return ""
    text = "\n".join(sorted(chrome)).encode("utf-8")
    return hashlib.blake2b(text, digest_size=8).hexdigest()


def strip_chrome(page: Page, chrome: frozenset[str]) -> Page:
    """``page`` without its chrome lines (the same object when it has none)."""
    if not chrome:
        return page
    sections: list[Section] = []
    changed = False
    for section in page.sections:
        kept = tuple(p for p in section.paragraphs if line_key(p) not in chrome)
        if len(kept) == len(section.paragraphs):
            sections.append(section)
            continue
        changed = True
        if kept or (section.heading and HEADING_MARK + line_key(section.heading) not in chrome):
            sections.append(replace(section, paragraphs=kept))
    return replace(page, sections=tuple(sections)) if changed else page
