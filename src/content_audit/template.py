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

A heading is only dropped with its text: a section whose paragraphs are all chrome goes when
its heading is chrome too (a "Why Choose Us" block), while a repeated heading over page
text ("Symptoms" on every condition page) stays, so an element found under it still is.

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


def line_key(text: str) -> str:
    """A line as the template knows it: case folded, runs of non-word characters one space."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


def page_lines(page: Page) -> frozenset[str]:
    """The keys of a page's article lines: every paragraph and every section heading."""
    keys = {line_key(p) for s in page.sections for p in s.paragraphs}
    keys.update(line_key(s.heading) for s in page.sections if s.heading)
    keys.discard("")
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
        if kept or (section.heading and line_key(section.heading) not in chrome):
            sections.append(replace(section, paragraphs=kept))
    return replace(page, sections=tuple(sections)) if changed else page
